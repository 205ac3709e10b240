"""Configuration: the company pairs (``config/pairs.yaml``) and their mapping files.

Both are validated when a run starts, and every error names the file, the line and the offending code, so an
analyst can fix the file without reading code. Codes are read as written (``090`` stays ``"090"``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

CONFLICT_RULES = ("xero", "quickbooks", "newest", "review")
DIRECTIONS = ("both", "xero_to_quickbooks", "quickbooks_to_xero", "off")
TAX_SIDES = ("sales", "purchases", "both")


class ConfigError(ValueError):
    def __init__(self, path: Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class UnmappedCode(LookupError):
    """A code met in a record that the pair's mapping file does not map."""

    def __init__(self, kind: str, code: str, ledger: str, mapping_file: Path) -> None:
        super().__init__(f"{ledger} {kind} {code!r} has no mapping in {mapping_file}")
        self.kind = kind
        self.code = code
        self.ledger = ledger


def config_dir() -> Path:
    default = Path(__file__).resolve().parent.parent.parent / "config"
    return Path(os.environ.get("LEDGERBRIDGE_CONFIG_DIR", default))


# --- YAML with line numbers ---------------------------------------------------------------------------------------
def _compose(path: Path) -> Node:
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(path, None, "file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc}") from None
    if node is None:
        raise ConfigError(path, None, "file is empty")
    return node


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _mapping(path: Path, node: Node, what: str) -> list[tuple[ScalarNode, Node]]:
    if not isinstance(node, MappingNode):
        raise ConfigError(path, _line(node), f"{what} must be a mapping")
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, ScalarNode):
            raise ConfigError(path, _line(key), f"{what}: keys must be plain values")
        if key.value in seen:
            raise ConfigError(path, _line(key), f"{what}: {key.value!r} appears twice (also line {seen[key.value]})")
        seen[key.value] = _line(key)
    return node.value  # type: ignore[return-value]


def _scalar(path: Path, node: Node, what: str) -> str:
    if not isinstance(node, ScalarNode) or node.value.strip() == "":
        raise ConfigError(path, _line(node), f"{what} must be a non-empty value")
    return node.value.strip()


def _get(path: Path, pairs: list[tuple[ScalarNode, Node]], key: str, parent: Node, what: str,
         required: bool = True) -> Node | None:
    for k, v in pairs:
        if k.value == key:
            return v
    if required:
        raise ConfigError(path, _line(parent), f"{what}: missing {key!r}")
    return None


# --- mappings ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TaxMapping:
    xero: str
    quickbooks: str
    applies_to: str
    line: int


@dataclass
class Mappings:
    path: Path
    accounts: dict[str, str] = field(default_factory=dict)  # xero code -> quickbooks Account Id
    taxes: list[TaxMapping] = field(default_factory=list)
    items: dict[str, str] = field(default_factory=dict)  # xero item code -> quickbooks Item Id
    lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, xero code) -> line in the file

    # Xero -> QuickBooks
    def qb_account(self, code: str) -> str:
        try:
            return self.accounts[code]
        except KeyError:
            raise UnmappedCode("account code", code, "xero", self.path) from None

    def qb_tax_code(self, tax_type: str) -> str:
        for t in self.taxes:
            if t.xero == tax_type:
                return t.quickbooks
        raise UnmappedCode("tax type", tax_type, "xero", self.path)

    def qb_item(self, code: str) -> str:
        try:
            return self.items[code]
        except KeyError:
            raise UnmappedCode("item code", code, "xero", self.path) from None

    # QuickBooks -> Xero
    def xero_account(self, qb_id: str) -> str:
        for code, qid in self.accounts.items():
            if qid == qb_id:
                return code
        raise UnmappedCode("account", qb_id, "quickbooks", self.path)

    def xero_tax_type(self, qb_code: str, side: str) -> str:
        for t in self.taxes:
            if t.quickbooks == qb_code and t.applies_to in (side, "both"):
                return t.xero
        raise UnmappedCode(f"tax code ({side})", qb_code, "quickbooks", self.path)

    def xero_item(self, qb_id: str) -> str:
        for code, qid in self.items.items():
            if qid == qb_id:
                return code
        raise UnmappedCode("item", qb_id, "quickbooks", self.path)


def load_mappings(path: Path) -> Mappings:
    root = _compose(path)
    top = _mapping(path, root, "the mapping file")
    result = Mappings(path=path)
    accounts = _get(path, top, "accounts", root, "the mapping file")
    items = _get(path, top, "items", root, "the mapping file")
    taxes = _get(path, top, "tax_rates", root, "the mapping file")
    assert accounts is not None and items is not None and taxes is not None
    for kind, node, target in (("account", accounts, result.accounts), ("item", items, result.items)):
        reverse: dict[str, int] = {}
        for key, value in _mapping(path, node, f"{kind}s"):
            code = _scalar(path, key, f"{kind} code")
            qb = _scalar(path, value, f"the QuickBooks id of {kind} {code!r}")
            if qb in reverse:
                raise ConfigError(path, _line(value), f"QuickBooks {kind} {qb!r} (for Xero {kind} {code!r}) is "
                                                      f"already mapped on line {reverse[qb]}")
            reverse[qb] = _line(value)
            target[code] = qb
            result.lines[(kind, code)] = _line(key)
    if not isinstance(taxes, SequenceNode):
        raise ConfigError(path, _line(taxes), "tax_rates must be a list of {xero, quickbooks, applies_to}")
    seen_xero: dict[str, int] = {}
    seen_reverse: dict[tuple[str, str], int] = {}
    for entry in taxes.value:
        fields = _mapping(path, entry, "a tax_rates entry")
        xero_node = _get(path, fields, "xero", entry, "a tax_rates entry")
        qb_node = _get(path, fields, "quickbooks", entry, "a tax_rates entry")
        side_node = _get(path, fields, "applies_to", entry, "a tax_rates entry", required=False)
        xero_code = _scalar(path, xero_node, "xero tax type")  # type: ignore[arg-type]
        qb_code = _scalar(path, qb_node, f"the QuickBooks tax code of {xero_code!r}")  # type: ignore[arg-type]
        side = _scalar(path, side_node, "applies_to") if side_node is not None else "both"
        if side not in TAX_SIDES:
            raise ConfigError(path, _line(entry), f"tax type {xero_code!r}: applies_to must be one of {TAX_SIDES}")
        if xero_code in seen_xero:
            raise ConfigError(path, _line(entry), f"tax type {xero_code!r} is mapped twice (also line "
                                                  f"{seen_xero[xero_code]})")
        for s in (("sales", "purchases") if side == "both" else (side,)):
            if (qb_code, s) in seen_reverse:
                raise ConfigError(path, _line(entry), f"QuickBooks tax code {qb_code!r} for {s} maps back to two "
                                                      f"Xero tax types (also line {seen_reverse[(qb_code, s)]})")
            seen_reverse[(qb_code, s)] = _line(entry)
        seen_xero[xero_code] = _line(entry)
        result.taxes.append(TaxMapping(xero_code, qb_code, side, _line(entry)))
        result.lines[("tax", xero_code)] = _line(entry)
    return result


# --- pairs ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EntityConfig:
    direction: str

    @property
    def enabled(self) -> bool:
        return self.direction != "off"

    def writes_to(self, ledger: str) -> bool:
        return self.direction == "both" or self.direction.endswith(f"to_{ledger}")


@dataclass
class PairConfig:
    name: str
    xero_conn_id: str
    quickbooks_conn_id: str
    mappings: Mappings
    conflict_prefer: str
    entities: dict[str, EntityConfig]
    description: str = ""

    def entity(self, name: str) -> EntityConfig:
        return self.entities.get(name, EntityConfig("off"))


def pairs_file() -> Path:
    return Path(os.environ.get("LEDGERBRIDGE_PAIRS_FILE", config_dir() / "pairs.yaml"))


def load_pairs(path: Path | None = None, known_entities: tuple[str, ...] | None = None) -> dict[str, PairConfig]:
    path = path or pairs_file()
    root = _compose(path)
    top = _mapping(path, root, "the pairs file")
    pairs_node = _get(path, top, "pairs", root, "the pairs file")
    if not isinstance(pairs_node, SequenceNode) or not pairs_node.value:
        raise ConfigError(path, _line(pairs_node or root), "pairs must be a non-empty list")
    result: dict[str, PairConfig] = {}
    for entry in pairs_node.value:
        fields = _mapping(path, entry, "a pair")

        def text(key: str, required: bool = True, default: str = "") -> str:
            node = _get(path, fields, key, entry, "a pair", required)
            return _scalar(path, node, key) if node is not None else default

        name = text("name")
        if name in result:
            raise ConfigError(path, _line(entry), f"pair {name!r} is defined twice")
        mapping_path = path.parent / text("mappings")
        conflict_node = _get(path, fields, "conflict", entry, f"pair {name!r}", required=False)
        prefer = "newest"
        if conflict_node is not None:
            prefer_node = _get(path, _mapping(path, conflict_node, "conflict"), "prefer", conflict_node, "conflict")
            prefer = _scalar(path, prefer_node, "conflict.prefer")  # type: ignore[arg-type]
            if prefer not in CONFLICT_RULES:
                raise ConfigError(path, _line(prefer_node), f"pair {name!r}: conflict.prefer {prefer!r} is not one "  # type: ignore[arg-type]
                                                            f"of {CONFLICT_RULES}")
        entities: dict[str, EntityConfig] = {}
        entities_node = _get(path, fields, "entities", entry, f"pair {name!r}")
        for key, value in _mapping(path, entities_node, "entities"):  # type: ignore[arg-type]
            if known_entities is not None and key.value not in known_entities:
                raise ConfigError(path, _line(key), f"pair {name!r}: unknown entity {key.value!r} (known: "
                                                    f"{', '.join(known_entities)})")
            direction_node = _get(path, _mapping(path, value, key.value), "direction", value, key.value)
            direction = _scalar(path, direction_node, "direction")  # type: ignore[arg-type]
            if direction not in DIRECTIONS:
                raise ConfigError(path, _line(direction_node), f"pair {name!r}, entity {key.value!r}: direction "  # type: ignore[arg-type]
                                                               f"{direction!r} is not one of {DIRECTIONS}")
            entities[key.value] = EntityConfig(direction)
        result[name] = PairConfig(
            name=name, xero_conn_id=text("xero_conn_id"), quickbooks_conn_id=text("quickbooks_conn_id"),
            mappings=load_mappings(mapping_path), conflict_prefer=prefer, entities=entities,
            description=text("description", required=False),
        )
    return result


def as_dict(pair: PairConfig) -> dict[str, Any]:
    """What a run records about the configuration it used (no secrets: connection ids only)."""
    return {"name": pair.name, "xero_conn_id": pair.xero_conn_id, "quickbooks_conn_id": pair.quickbooks_conn_id,
            "mappings": str(pair.mappings.path), "conflict_prefer": pair.conflict_prefer,
            "entities": {k: v.direction for k, v in pair.entities.items()}}

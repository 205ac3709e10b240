"""Configuration: the company pairs (``config/pairs.yaml``) and their mapping files.

Both are validated when a run starts, and every error names the file, the line and the offending code, so an
analyst can fix the file without reading code. Codes are read as written (``090`` stays ``"090"``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection, Mapping
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
    sales_rate: str | None = None  # the QuickBooks TaxRate of the code for sales (for TxnTaxDetail)
    purchase_rate: str | None = None


@dataclass
class Mappings:
    path: Path
    accounts: dict[str, str] = field(default_factory=dict)  # xero code -> quickbooks Account Id
    taxes: list[TaxMapping] = field(default_factory=list)
    items: dict[str, str] = field(default_factory=dict)  # xero item code -> quickbooks Item Id
    # xero account code -> the QuickBooks item written for a Xero line with no item coded to that account
    account_items: dict[str, str] = field(default_factory=dict)
    # "Category:Option" of a Xero tracking option -> the QuickBooks Class standing for it (one per line)
    tracking: dict[str, str] = field(default_factory=dict)
    # "Category:Option" -> the QuickBooks Department (location) standing for it (one per transaction)
    departments: dict[str, str] = field(default_factory=dict)
    # the Xero bank account code used when a record names none (a Xero overpayment does not say which account)
    default_bank_account: str | None = None
    # the Xero contact of money spent or received that QuickBooks keeps without a payee
    sundry_contact: str = "Sundry expenses"
    # QuickBooks accounts payments wait in before a deposit (Undeposited Funds): to Xero, the default bank account
    clearing_accounts: tuple[str, ...] = ()
    lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, xero code) -> line in the file

    def with_items(self, linked: dict[str, str]) -> Mappings:
        """These mappings plus items linked by the items entity (Xero code -> QuickBooks id); the file wins."""
        if not linked:
            return self
        taken = set(self.items.values()) | set(self.account_items.values())
        extra = {code: qb for code, qb in linked.items() if code not in self.items and qb not in taken}
        return dataclasses.replace(self, items={**self.items, **extra})

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

    def qb_line_item(self, item_code: str | None, account_code: str | None) -> str:
        """The QuickBooks item of a Xero sales line: its item's, or the item standing for its account."""
        if item_code:
            return self.qb_item(item_code)
        try:
            return self.account_items[account_code or ""]
        except KeyError:
            raise UnmappedCode("account code (for a line without an item)", account_code or "(none)", "xero",
                               self.path) from None

    def qb_tax_rate(self, tax_type: str, side: str) -> str | None:
        """The QuickBooks TaxRate a Xero tax type's tax is written under on ``side`` (sales | purchases): a
        purchases-only entry keeps its rate as the purchase rate, so it is found there, like a ``both`` entry's."""
        for t in self.taxes:
            if t.xero == tax_type:
                return t.purchase_rate if side == "purchases" else t.sales_rate
        raise UnmappedCode("tax type", tax_type, "xero", self.path)

    def xero_tax_type_of_rate(self, rate_id: str) -> str:
        for t in self.taxes:
            if rate_id in (t.sales_rate, t.purchase_rate):
                return t.xero
        raise UnmappedCode("tax rate", rate_id, "quickbooks", self.path)

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

    def qb_tracking(self, options: Collection[str]) -> tuple[str | None, str | None]:
        """The QuickBooks Class and Department standing for a line's Xero tracking options (either may be None)."""
        qb_class = department = None
        for option in options:
            if option in self.tracking:
                qb_class = self.tracking[option]
            elif option in self.departments:
                department = self.departments[option]
            else:
                raise UnmappedCode("tracking option", option, "xero", self.path)
        return qb_class, department

    @property
    def department_category(self) -> str | None:
        """The Xero tracking category whose options stand for QuickBooks Departments, if one does."""
        return next((option.split(":", 1)[0] for option in self.departments), None)

    def xero_tracking(self, class_id: str) -> str:
        for option, qb_class in self.tracking.items():
            if qb_class == class_id:
                return option
        raise UnmappedCode("class", class_id, "quickbooks", self.path)

    def xero_department(self, department_id: str) -> str:
        for option, department in self.departments.items():
            if department == department_id:
                return option
        raise UnmappedCode("department", department_id, "quickbooks", self.path)

    def account_of_item(self, qb_id: str) -> str | None:
        """The Xero account a QuickBooks account item stands for (None for a real item)."""
        for code, item in self.account_items.items():
            if item == qb_id:
                return code
        return None

    def xero_item(self, qb_id: str) -> str | None:
        if self.account_of_item(qb_id) is not None:
            return None
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
    tracking = _get(path, top, "tracking", root, "the mapping file", required=False)
    if tracking is not None:
        _load_tracking(path, tracking, result)
    account_items = _get(path, top, "quickbooks_account_items", root, "the mapping file", required=False)
    if account_items is not None:
        for key, value in _mapping(path, account_items, "quickbooks_account_items"):
            code = _scalar(path, key, "account code")
            result.account_items[code] = _scalar(path, value, f"the QuickBooks item for account {code!r}")
    for kind, node, target in (("account", accounts, result.accounts), ("item", items, result.items)):
        reverse: dict[str, int] = {}
        for key, value in _mapping(path, node, f"{kind}s"):
            code = _scalar(path, key, f"{kind} code")
            qb = _scalar(path, value, f"the QuickBooks id of {kind} {code!r}")
            if qb in reverse or (kind == "item" and qb in result.account_items.values()):
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
        rates = [_get(path, fields, key, entry, "a tax_rates entry", required=False)
                 for key in ("quickbooks_rate", "quickbooks_purchase_rate")]
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
        result.lines[("tax", xero_code)] = _line(entry)
        sales_rate, purchase_rate = (_scalar(path, n, "quickbooks_rate") if n is not None else None for n in rates)
        if side == "purchases":
            sales_rate, purchase_rate = None, sales_rate
        result.taxes.append(TaxMapping(xero_code, qb_code, side, _line(entry), sales_rate, purchase_rate))
    clearing = _get(path, top, "quickbooks_clearing_accounts", root, "the mapping file", required=False)
    if clearing is not None:
        if not isinstance(clearing, SequenceNode):
            raise ConfigError(path, _line(clearing), "quickbooks_clearing_accounts must be a list of account ids")
        result.clearing_accounts = tuple(_scalar(path, n, "a clearing account") for n in clearing.value)
    sundry = _get(path, top, "sundry_contact", root, "the mapping file", required=False)
    if sundry is not None:
        result.sundry_contact = _scalar(path, sundry, "sundry_contact")
    bank = _get(path, top, "default_bank_account", root, "the mapping file", required=False)
    if bank is not None:
        result.default_bank_account = _scalar(path, bank, "default_bank_account")
        if result.default_bank_account not in result.accounts:
            raise ConfigError(path, _line(bank), f"default_bank_account {result.default_bank_account!r} is not one of "
                                                 "the mapped accounts")
    return result


TRACKING_TARGETS = {"quickbooks_class": "class", "quickbooks_department": "department"}
PLURAL = {"class": "classes", "department": "departments"}


def _load_tracking(path: Path, node: Node, result: Mappings) -> None:
    """Tracking entries: each Xero option names a QuickBooks Class or a Department. QuickBooks keeps one Class per
    line and one Department per transaction, so each category maps wholly to one of them, and at most one category
    maps to each."""
    if not isinstance(node, SequenceNode):
        raise ConfigError(path, _line(node), "tracking must be a list of {category, option, quickbooks_class or "
                                             "quickbooks_department}")
    kinds: dict[str, tuple[str, int]] = {}  # category -> (class | department, line)
    for entry in node.value:
        fields = _mapping(path, entry, "a tracking entry")
        category, name = (_scalar(path, _get(path, fields, key, entry, "a tracking entry"), key)  # type: ignore[arg-type]
                          for key in ("category", "option"))
        targets = [(key, v) for key in TRACKING_TARGETS
                   if (v := _get(path, fields, key, entry, "a tracking entry", required=False)) is not None]
        if len(targets) != 1:
            raise ConfigError(path, _line(entry), f"tracking option {category}:{name}: name exactly one of "
                                                  "quickbooks_class and quickbooks_department")
        kind = TRACKING_TARGETS[targets[0][0]]
        qb_id = _scalar(path, targets[0][1], targets[0][0])
        option = f"{category}:{name}"
        if category in kinds and kinds[category][0] != kind:
            raise ConfigError(path, _line(entry), f"tracking category {category!r} maps to QuickBooks {PLURAL[kind]} "
                                                  f"on this line but to {PLURAL[kinds[category][0]]} on line "
                                                  f"{kinds[category][1]}; a category maps to one or the other")
        other = next((c for c, (k, _) in kinds.items() if k == kind and c != category), None)
        if other is not None:
            raise ConfigError(path, _line(entry), f"tracking categories {other!r} and {category!r} both map to "
                                                  f"QuickBooks {PLURAL[kind]}; QuickBooks keeps one {kind} per "
                                                  f"{'line' if kind == 'class' else 'transaction'}")
        kinds.setdefault(category, (kind, _line(entry)))
        target = result.tracking if kind == "class" else result.departments
        if option in result.tracking or option in result.departments:
            raise ConfigError(path, _line(entry), f"tracking option {option!r} is mapped twice")
        if qb_id in target.values():
            raise ConfigError(path, _line(entry), f"QuickBooks {kind} {qb_id!r} is mapped twice")
        target[option] = qb_id
        result.lines[("tracking", option)] = _line(entry)


# --- pairs ------------------------------------------------------------------------------------------------------
APPROVAL_MODES = ("none", "first_alignment", "always")


@dataclass(frozen=True)
class Approval:
    """When a run's write plan waits for a person before anything is written (issue 8): ``none``; the first
    alignment of the pair and entity (``first_alignment``); every run that writes (``always``). Whatever the mode
    (but ``none``), a plan also waits when a document's amount is over ``max_amount``, when it creates more than
    ``max_creates`` records, or (``deletes``) when it voids or deletes anything."""

    mode: str = "none"
    max_amount: float | None = None
    max_creates: int | None = None
    deletes: bool = False
    timeout_minutes: float = 24 * 60   # unanswered by then: rejected (nothing written), the run goes on


@dataclass(frozen=True)
class EntityConfig:
    direction: str
    approval: Approval | None = None   # None: the pair's

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
    # matching by evidence (contacts, documents): bits of evidence at which a pair links, and from which it is
    # queued for a person instead of created (see reconcile/evidence/weights.py)
    match_link: float = 12.0
    match_review: float = 4.0
    # data quality (issue 17): a check stops the entity only when its failures look systemic, i.e. more than this
    # share of the records checked AND at least this many records fail; below, failing records are held alone
    quality_systemic_share: float = 0.25
    quality_systemic_min: int = 20
    approval: Approval = field(default_factory=Approval)
    # how long the review task of a run that found new exceptions waits for decisions (0: it does not ask)
    review_minutes: float = 0.0

    def entity(self, name: str) -> EntityConfig:
        return self.entities.get(name, EntityConfig("off"))

    def approval_of(self, entity: str) -> Approval:
        return self.entity(entity).approval or self.approval


def pairs_file() -> Path:
    return Path(os.environ.get("LEDGERBRIDGE_PAIRS_FILE", config_dir() / "pairs.yaml"))


def load_pairs(path: Path | None = None, known_entities: tuple[str, ...] | None = None,
               directions: Mapping[str, Collection[str]] | None = None) -> dict[str, PairConfig]:
    """Read the pairs file. ``known_entities`` refuses unknown entity names; ``directions`` (entity -> the
    directions it can run in) refuses a direction the entity cannot write, e.g. journals into QuickBooks."""
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
        link, review = _matching(path, _get(path, fields, "matching", entry, f"pair {name!r}", required=False), name)
        share, least = _quality(path, _get(path, fields, "quality", entry, f"pair {name!r}", required=False), name)
        entities: dict[str, EntityConfig] = {}
        entities_node = _get(path, fields, "entities", entry, f"pair {name!r}")
        for key, value in _mapping(path, entities_node, "entities"):  # type: ignore[arg-type]
            if known_entities is not None and key.value not in known_entities:
                raise ConfigError(path, _line(key), f"pair {name!r}: unknown entity {key.value!r} (known: "
                                                    f"{', '.join(known_entities)})")
            entity_fields = _mapping(path, value, key.value)
            direction_node = _get(path, entity_fields, "direction", value, key.value)
            direction = _scalar(path, direction_node, "direction")  # type: ignore[arg-type]
            if direction not in DIRECTIONS:
                raise ConfigError(path, _line(direction_node), f"pair {name!r}, entity {key.value!r}: direction "  # type: ignore[arg-type]
                                                               f"{direction!r} is not one of {DIRECTIONS}")
            allowed = directions.get(key.value) if directions is not None else None
            if allowed is not None and direction not in allowed:
                raise ConfigError(path, _line(direction_node), f"pair {name!r}, entity {key.value!r}: direction "  # type: ignore[arg-type]
                                                               f"{direction!r} is not supported; it can run "
                                                               f"{', '.join(d for d in DIRECTIONS if d in allowed)}")
            entity_approval = _get(path, entity_fields, "approval", value, key.value, required=False)
            entities[key.value] = EntityConfig(direction, _approval(path, entity_approval, f"{name}.{key.value}")
                                               if entity_approval is not None else None)
        result[name] = PairConfig(
            name=name, xero_conn_id=text("xero_conn_id"), quickbooks_conn_id=text("quickbooks_conn_id"),
            mappings=load_mappings(mapping_path), conflict_prefer=prefer, entities=entities,
            description=text("description", required=False), match_link=link, match_review=review,
            quality_systemic_share=share, quality_systemic_min=least,
            approval=_approval(path, _get(path, fields, "approval", entry, f"pair {name!r}", required=False), name),
            review_minutes=_review(path, _get(path, fields, "review", entry, f"pair {name!r}", required=False),
                                   name),
        )
    return result


def _matching(path: Path, node: Node | None, pair: str) -> tuple[float, float]:
    """``matching: {link: 12, review: 4}``: bits of evidence; review below link, both within sane bounds."""
    values = {"link": PairConfig.match_link, "review": PairConfig.match_review}
    if node is None:
        return values["link"], values["review"]
    for key, value in _mapping(path, node, "matching"):
        if key.value not in values:
            raise ConfigError(path, _line(key), f"pair {pair!r}: matching.{key.value} is not a setting (link, review)")
        text = _scalar(path, value, f"matching.{key.value}")
        try:
            number = float(text)
        except ValueError:
            raise ConfigError(path, _line(value), f"pair {pair!r}: matching.{key.value} {text!r} is not a number "
                                                  "(bits of evidence)") from None
        if not 0 <= number <= 60:
            raise ConfigError(path, _line(value), f"pair {pair!r}: matching.{key.value} {number:g} is outside 0..60 "
                                                  "bits")
        values[key.value] = number
    if values["review"] >= values["link"]:
        raise ConfigError(path, _line(node), f"pair {pair!r}: matching.review ({values['review']:g}) must be below "
                                             f"matching.link ({values['link']:g})")
    if values["link"] < 8:
        raise ConfigError(path, _line(node), f"pair {pair!r}: matching.link {values['link']:g} would link on a "
                                             "similar name alone; use 8 bits or more")
    return values["link"], values["review"]


def _quality(path: Path, node: Node | None, pair: str) -> tuple[float, int]:
    """``quality: {systemic_share: 0.25, systemic_min_records: 20}``: when a data-quality check stops the entity."""
    share, least = PairConfig.quality_systemic_share, PairConfig.quality_systemic_min
    if node is None:
        return share, least
    for key, value in _mapping(path, node, "quality"):
        text = _scalar(path, value, f"quality.{key.value}")
        if key.value == "systemic_share":
            try:
                share = float(text)
            except ValueError:
                share = -1.0
            if not 0 < share <= 1:
                raise ConfigError(path, _line(value), f"pair {pair!r}: quality.systemic_share {text!r} is not a "
                                                      "share between 0 (exclusive) and 1")
        elif key.value == "systemic_min_records":
            if not text.isdigit() or int(text) < 1:
                raise ConfigError(path, _line(value), f"pair {pair!r}: quality.systemic_min_records {text!r} is "
                                                      "not a whole number of records, 1 or more")
            least = int(text)
        else:
            raise ConfigError(path, _line(key), f"pair {pair!r}: quality.{key.value} is not a setting "
                                                "(systemic_share, systemic_min_records)")
    return share, least


def _number(path: Path, node: Node, what: str, pair: str, integer: bool = False) -> float:
    text = _scalar(path, node, what)
    try:
        number = int(text) if integer else float(text)
    except ValueError:
        raise ConfigError(path, _line(node), f"pair {pair!r}: {what} {text!r} is not "
                                             f"{'a whole number' if integer else 'a number'}") from None
    if number < 0:
        raise ConfigError(path, _line(node), f"pair {pair!r}: {what} must not be negative")
    return number


def _approval(path: Path, node: Node | None, pair: str) -> Approval:
    """``approval: first_alignment`` or ``approval: {mode: always, max_amount: 10000, max_creates: 50,
    deletes: true, timeout_minutes: 60}``."""
    if node is None:
        return Approval()
    if isinstance(node, ScalarNode):
        mode = _scalar(path, node, "approval")
        if mode not in APPROVAL_MODES:
            raise ConfigError(path, _line(node), f"pair {pair!r}: approval {mode!r} is not one of {APPROVAL_MODES}")
        return Approval(mode)
    values: dict[str, Any] = {}
    for key, value in _mapping(path, node, "approval"):
        if key.value == "mode":
            values["mode"] = _scalar(path, value, "approval.mode")
            if values["mode"] not in APPROVAL_MODES:
                raise ConfigError(path, _line(value), f"pair {pair!r}: approval.mode {values['mode']!r} is not one "
                                                      f"of {APPROVAL_MODES}")
        elif key.value in ("max_amount", "timeout_minutes"):
            values[key.value] = _number(path, value, f"approval.{key.value}", pair)
        elif key.value == "max_creates":
            values[key.value] = int(_number(path, value, "approval.max_creates", pair, integer=True))
        elif key.value == "deletes":
            flag = _scalar(path, value, "approval.deletes").lower()
            if flag not in ("true", "false", "yes", "no"):
                raise ConfigError(path, _line(value), f"pair {pair!r}: approval.deletes must be true or false")
            values["deletes"] = flag in ("true", "yes")
        else:
            raise ConfigError(path, _line(key), f"pair {pair!r}: approval.{key.value} is not a setting (mode, "
                                                "max_amount, max_creates, deletes, timeout_minutes)")
    if "mode" not in values:
        raise ConfigError(path, _line(node), f"pair {pair!r}: approval needs a mode ({', '.join(APPROVAL_MODES)})")
    return Approval(**values)


def _review(path: Path, node: Node | None, pair: str) -> float:
    """``review: {timeout_minutes: 30}``: a run that found new exceptions asks for decisions that long."""
    if node is None:
        return 0.0
    minutes = 0.0
    for key, value in _mapping(path, node, "review"):
        if key.value != "timeout_minutes":
            raise ConfigError(path, _line(key), f"pair {pair!r}: review.{key.value} is not a setting (timeout_minutes)")
        minutes = _number(path, value, "review.timeout_minutes", pair)
    return minutes


def as_dict(pair: PairConfig) -> dict[str, Any]:
    """What a run records about the configuration it used (no secrets: connection ids only)."""
    return {"name": pair.name, "xero_conn_id": pair.xero_conn_id, "quickbooks_conn_id": pair.quickbooks_conn_id,
            "mappings": str(pair.mappings.path), "conflict_prefer": pair.conflict_prefer,
            "entities": {k: v.direction for k, v in pair.entities.items()},
            "matching": {"link": pair.match_link, "review": pair.match_review},
            "quality": {"systemic_share": pair.quality_systemic_share,
                        "systemic_min_records": pair.quality_systemic_min}}

"""Intuit's entity schema (``schema.json``, generated from the XSDs by ``schema_build``) used to read requests.

What a client sends is checked and normalised against the entity's XSD type, as QuickBooks' own deserialiser does:
an unknown property is a ``2010``, a bad enumeration value a ``2170``, a number that is not one a ``2010``.
Values become Python values (``Decimal`` for decimals, ``bool``, ``int``, ISO strings for dates), and empty values
(``null``, ``""``, ``[]``, ``{}``) are dropped, since QuickBooks answers with populated fields only. That is also why
python-quickbooks, which sends ``""`` for every unset string, works unchanged.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from sandbox.quickbooks import errors
from sandbox.quickbooks.timefmt import parse_date, parse_instant

_PATH = Path(__file__).with_name("schema.json")


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(_PATH.read_text(encoding="utf-8"))


def entity_type(name: str) -> str:
    """The XSD type of an entity element (``Invoice`` -> ``Invoice``)."""
    return _schema()["objects"][name]


def fields(type_name: str) -> dict[str, list[Any]]:
    return _schema()["types"][type_name].get("fields", {})


def field_type(type_name: str, path: list[str]) -> str | None:
    """The type at a dotted path (``["MetaData", "LastUpdatedTime"]`` -> ``dateTime``); None if no such field."""
    current = type_name
    for part in path:
        entry = _schema()["types"].get(current)
        if entry is None:
            return None
        match = _ci_lookup(entry.get("fields", {}), part)
        if match is None:
            if "simple" in entry and part.lower() == "value":
                current = entry["simple"]
                continue
            attr = _ci_lookup(entry.get("attrs", {}), part)
            if attr is not None:
                current = entry["attrs"][attr]
                continue
            return None
        current = entry["fields"][match][0]
    return current


def canonical_path(type_name: str, path: list[str]) -> list[str] | None:
    """The path with each part spelt as the schema spells it (``Metadata`` -> ``MetaData``)."""
    current, out = type_name, []
    for part in path:
        entry = _schema()["types"].get(current)
        if entry is None:
            return None
        match = _ci_lookup(entry.get("fields", {}), part)
        if match is None:
            if "simple" in entry and part.lower() == "value":
                out.append("value")
                current = entry["simple"]
                continue
            attr = _ci_lookup(entry.get("attrs", {}), part)  # AttachableRef.EntityRef.Type -> ...type
            if attr is not None:
                out.append(attr)
                current = entry["attrs"][attr]
                continue
            return None
        out.append(match)
        current = entry["fields"][match][0]
    return out


def _ci_lookup(mapping: dict[str, Any], key: str) -> str | None:
    if key in mapping:
        return key
    lowered = key.lower()
    for name in mapping:
        if name.lower() == lowered:
            return name
    return None


def kind(type_name: str) -> str:
    """``decimal`` | ``int`` | ``boolean`` | ``date`` | ``dateTime`` | ``string`` | ``complex`` | ``simple-content``."""
    schema = _schema()
    if type_name in schema["types"]:
        return "simple-content" if "simple" in schema["types"][type_name] else "complex"
    if type_name in schema["simple"]:
        return schema["simple"][type_name]["kind"]
    return {"id": "string"}.get(type_name, type_name if type_name in
                                ("decimal", "int", "boolean", "date", "dateTime", "string") else "string")


def enum_values(type_name: str) -> list[str] | None:
    return _schema()["simple"].get(type_name, {}).get("enum")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def normalise(type_name: str, data: Any, element: str) -> Any:
    """Check ``data`` against ``type_name`` and return it normalised (see the module docstring)."""
    schema = _schema()
    entry = schema["types"].get(type_name)
    if entry is None:
        return _scalar(type_name, data, element)
    if entry.get("any"):
        return data
    if "simple" in entry:
        if not isinstance(data, dict):
            data = {"value": data}
        out: dict[str, Any] = {}
        for key, value in data.items():
            if _empty(value):
                continue
            if key == "value":
                out["value"] = _scalar(entry["simple"], value, f"{element}.value")
            elif key in entry["attrs"]:
                out[key] = _scalar(entry["attrs"][key], value, f"{element}.{key}")
            else:
                raise errors.unsupported_property(key, type_name)
        return out
    if not isinstance(data, dict):
        raise errors.unsupported_property(element, type_name, "Can not deserialize instance out of a value for")
    fields_ = entry.get("fields", {})
    out = {}
    for key, value in data.items():
        if _empty(value):
            continue
        if key in entry["attrs"]:
            out[key] = _scalar(entry["attrs"][key], value, key)
            continue
        spec = fields_.get(key)
        if spec is None:
            raise errors.unsupported_property(key, type_name)
        child_type, repeats = spec
        path = f"{element}.{key}" if element else key
        if repeats:
            items = value if isinstance(value, list) else [value]
            normalised = [normalise(child_type, item, path) for item in items if not _empty(item)]
            normalised = [item for item in normalised if not _empty(item)]
            if normalised:
                out[key] = normalised
        else:
            if isinstance(value, list):
                raise errors.unsupported_property(key, type_name, "Can not deserialize instance out of START_ARRAY "
                                                                   "token for")
            item = normalise(child_type, value, path)
            if not _empty(item):
                out[key] = item
    return out


def _scalar(type_name: str, value: Any, element: str) -> Any:
    k = kind(type_name)
    enum = enum_values(type_name)
    if isinstance(value, (dict, list)):
        raise errors.unsupported_property(element, type_name, "Can not deserialize instance out of a structure for")
    if k == "decimal":
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError) as exc:
            raise errors.invalid_number(element, value) from exc
        if not number.is_finite():
            raise errors.invalid_number(element, value)
        return number
    if k == "int":
        try:
            return int(str(value))
        except ValueError as exc:
            raise errors.invalid_number(element, value) from exc
    if k == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise errors.unsupported_property(element, type_name, "Can not construct boolean from")
    if k == "date":
        day = parse_date(str(value))
        if day is None:
            raise errors.unsupported_property(element, type_name, "Can not parse date from")
        return day.isoformat()
    if k == "dateTime":
        instant = parse_instant(str(value))
        if instant is None:
            raise errors.unsupported_property(element, type_name, "Can not parse dateTime from")
        return instant.isoformat(timespec="seconds")
    text = value if isinstance(value, str) else (str(value).lower() if isinstance(value, bool) else str(value))
    if enum is not None and text not in enum:
        raise errors.invalid_enum(element, text)
    return text

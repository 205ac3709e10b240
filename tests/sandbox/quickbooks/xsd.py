"""Checks QuickBooks JSON against Intuit's XSDs (Finance.xsd and friends), independently of the sandbox's code.

The XSDs are XML-first. In JSON each element is a key, each XML attribute a key too (``domain``, ``sparse``,
``status``, ``startPosition``, ``bId``, ``code``, ``time``...), a repeating element an array, and a simple-content
type (``ReferenceType``) ``{"value": ..., <attributes>}``. An abstract element (``IntuitObject``) stands for any
member of its substitution group, named by that member (``Customer``). Values must have the element's type
(string, number, boolean, ``YYYY-MM-DD``, a dateTime with an offset) and enumerations their listed values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import xmlschema

XS = "{http://www.w3.org/2001/XMLSchema}"
INTS = {"int", "integer", "long", "short", "byte", "positiveInteger", "nonNegativeInteger", "negativeInteger",
        "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort"}
NUMBERS = {"decimal", "double", "float"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _local(name: str | None) -> str:
    return (name or "").rsplit("}", 1)[-1]


class XsdIndex:
    def __init__(self, xsd_dir: Path) -> None:
        self.schema = xmlschema.XMLSchema(str(xsd_dir / "IntuitRestServiceDef.xsd"))
        self.members: dict[str, dict[str, Any]] = {}  # substitution head -> {member name: type}
        for name, element in self.schema.elements.items():
            head = element.substitution_group
            if head:
                self.members.setdefault(_local(head), {})[_local(name)] = element.type
        self.response = self.schema.types["IntuitResponse"]
        self.checked = 0

    def entity_type(self, name: str) -> Any:
        return self.members["IntuitObject"][name]

    # --- public -------------------------------------------------------------------------------------------------
    def envelope_problems(self, body: Any) -> list[str]:
        """Problems with a whole response body (an ``IntuitResponse``); empty when it conforms."""
        problems: list[str] = []
        self.checked += 1
        self._complex(body, self.response, "$", problems)
        return problems

    def entity_problems(self, name: str, value: Any) -> list[str]:
        problems: list[str] = []
        if name not in self.members["IntuitObject"]:
            return [f"{name} is not an entity of the schema"]
        self._check(value, self.entity_type(name), name, problems)
        return problems

    # --- walking ------------------------------------------------------------------------------------------------
    def _check(self, value: Any, xtype: Any, path: str, problems: list[str]) -> None:
        if xtype.is_simple():
            self._simple(value, xtype, path, problems)
        elif xtype.has_simple_content():
            if not isinstance(value, dict):
                problems.append(f"{path}: expected an object with 'value', got {value!r}")
                return
            for key, item in value.items():
                if key == "value":
                    self._simple(item, xtype.content, f"{path}.value", problems)
                elif key in xtype.attributes:
                    self._simple(item, xtype.attributes[key].type, f"{path}.{key}", problems)
                else:
                    problems.append(f"{path}: unknown key {key!r} (allowed: value, {list(xtype.attributes)})")
        else:
            self._complex(value, xtype, path, problems)

    def _complex(self, value: Any, xtype: Any, path: str, problems: list[str]) -> None:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {type(value).__name__}")
            return
        elements: dict[str, Any] = {}
        wildcard = False
        if hasattr(xtype.content, "iter_elements"):
            for element in xtype.content.iter_elements():
                if type(element).__name__ == "XsdAnyElement":
                    wildcard = True
                    continue
                name = _local(element.name)
                if element.abstract or name in self.members:
                    for member, member_type in self.members.get(name, {}).items():
                        elements.setdefault(member, (member_type, element.max_occurs))
                if not element.abstract:
                    elements[name] = (element.type, element.max_occurs)
        for key, item in value.items():
            where = f"{path}.{key}"
            if key in xtype.attributes:
                self._simple(item, xtype.attributes[key].type, where, problems)
                continue
            if key not in elements:
                if not wildcard:
                    problems.append(f"{path}: key {key!r} is not an element or attribute of "
                                    f"{_local(xtype.name) or 'its type'}")
                continue
            child_type, max_occurs = elements[key]
            repeats = max_occurs is None or max_occurs > 1
            if repeats:
                if not isinstance(item, list):
                    problems.append(f"{where}: a repeating element must be a JSON array")
                    continue
                for index, entry in enumerate(item):
                    self._check(entry, child_type, f"{where}[{index}]", problems)
            else:
                if isinstance(item, list):
                    problems.append(f"{where}: a single element must not be an array")
                    continue
                self._check(item, child_type, where, problems)

    def _simple(self, value: Any, stype: Any, path: str, problems: list[str]) -> None:
        enum = getattr(stype, "enumeration", None)
        if enum and value not in enum:
            problems.append(f"{path}: {value!r} is not one of {sorted(enum)}")
            return
        base = stype
        while base is not None and not (base.name or "").startswith(XS):
            base = getattr(base, "base_type", None)
        kind = _local(base.name) if base is not None else "string"
        ok = True
        if kind in INTS:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind in NUMBERS:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif kind == "boolean":
            ok = isinstance(value, bool)
        elif kind == "date":
            ok = isinstance(value, str) and bool(DATE.match(value))
        elif kind == "dateTime":
            ok = isinstance(value, str) and bool(DATETIME.match(value))
        elif kind != "anyType":
            ok = isinstance(value, str)
        if not ok:
            problems.append(f"{path}: {value!r} is not a valid xs:{kind}")

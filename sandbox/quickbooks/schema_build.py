"""Regenerate ``schema.json`` from Intuit's XSDs (a development tool; the sandbox never reads the XSDs).

    python -m sandbox.quickbooks.schema_build specs/quickbooks

The XSDs are XML-first; the JSON the API speaks maps each element to a key and each XML attribute to a key too, a
repeated element to an array, and a simple-content type (``ReferenceType``) to ``{"value": ..., <attributes>}``.
The index keeps, for every complex type, its child elements (with their type and whether they repeat, inherited
ones included) and attributes, and for every enumerated simple type its values. Anonymous types are named
``Parent.Element``. Members of the ``IntuitObject`` substitution group are listed so envelopes can name entities.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

BUILTIN = {
    "string": "string", "normalizedString": "string", "token": "string", "anyURI": "string", "ID": "string",
    "decimal": "decimal", "double": "decimal", "float": "decimal",
    "int": "int", "integer": "int", "long": "int", "short": "int", "positiveInteger": "int",
    "nonNegativeInteger": "int", "unsignedInt": "int",
    "boolean": "boolean", "date": "date", "dateTime": "dateTime", "time": "string",
    "base64Binary": "string", "anyType": "any",
}


def _local(name: str | None) -> str | None:
    return name.rsplit("}", 1)[-1] if name else None


def build(xsd_dir: Path) -> dict[str, Any]:
    import xmlschema  # only needed to regenerate

    schema = xmlschema.XMLSchema(str(xsd_dir / "IntuitRestServiceDef.xsd"))
    types: dict[str, Any] = {}
    simple: dict[str, Any] = {}

    def simple_name(st: Any) -> str:
        name = _local(st.name)
        prim = _local(getattr(st, "primitive_type", None) and st.primitive_type.name) or "string"
        kind = BUILTIN.get(name or "", None) or BUILTIN.get(prim, "string")
        if name is None or name not in BUILTIN:
            enum = getattr(st, "enumeration", None)
            key = name or f"anon{len(simple)}"
            simple[key] = {"kind": kind, **({"enum": list(enum)} if enum else {})}
            return key
        return name

    def type_name(xt: Any, context: str) -> str:
        if xt.is_simple():
            return simple_name(xt)
        name = _local(xt.name) or context
        if name not in types:
            types[name] = {}  # reserve before recursing (types refer to themselves)
            types[name] = describe(xt, name)
        return name

    def describe(xt: Any, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"attrs": {}}
        for attr_name, attr in xt.attributes.items():
            if attr_name is None:
                continue
            entry["attrs"][_local(attr_name)] = simple_name(attr.type)
        if xt.has_simple_content():
            entry["simple"] = simple_name(xt.content if xt.content.is_simple() else xt.content.base_type)
            return entry
        fields: dict[str, list[Any]] = {}
        if hasattr(xt.content, "iter_elements"):
            for el in xt.content.iter_elements():
                if type(el).__name__ == "XsdAnyElement":
                    entry["any"] = True
                    continue
                el_name = _local(el.name)
                repeats = el.max_occurs is None or el.max_occurs > 1
                fields[el_name] = [type_name(el.type, f"{name}.{el_name}"), repeats]
        entry["fields"] = fields
        return entry

    for name, xt in schema.types.items():
        if xt.is_complex():
            type_name(xt, _local(name))
        else:
            simple_name(xt)
    objects = {}
    for el_name, el in schema.elements.items():
        if el.substitution_group and _local(el.substitution_group) == "IntuitObject":
            objects[_local(el_name)] = type_name(el.type, _local(el_name))
    return {"source": "Intuit QuickBooks-V3 XSDs (Apache-2.0), via sandbox/quickbooks/schema_build.py",
            "objects": dict(sorted(objects.items())), "types": dict(sorted(types.items())),
            "simple": dict(sorted(simple.items()))}


def main(argv: list[str]) -> None:
    xsd_dir = Path(argv[0] if argv else "specs/quickbooks")
    out = Path(__file__).with_name("schema.json")
    out.write_text(json.dumps(build(xsd_dir), indent=None, separators=(",", ":"), sort_keys=False) + "\n",
                   encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])

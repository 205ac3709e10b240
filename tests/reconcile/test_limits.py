"""Never alter silently, never re-send endlessly (issue 17): the ledgers' limits come from their specs, and the
field a ledger's refusal names is read whole."""

from __future__ import annotations

from pathlib import Path

import yaml

from reconcile.limits import LIMITS, too_long
from reconcile.writeback import field_of

SPEC = Path(__file__).resolve().parents[2] / "specs" / "xero" / "xero_accounting.yaml"
SCHEMA_OF = {"Contacts": "Contact", "Invoices": "Invoice", "Items": "Item"}


def test_xero_limits_are_the_openapi_specs():
    schemas = yaml.safe_load(SPEC.read_text())["components"]["schemas"]
    for (ledger, resource), table in LIMITS.items():
        if ledger != "xero" or resource not in SCHEMA_OF:
            continue
        props = schemas[SCHEMA_OF[resource]]["properties"]
        for name, limit in table.items():
            if "." in name or name not in props:
                continue
            assert props[name].get("maxLength") == limit, (resource, name)
        declared = {k for k, v in props.items() if isinstance(v, dict) and v.get("maxLength")}
        assert declared <= set(table), (resource, declared - set(table))


def test_too_long_names_the_real_path_and_the_limit():
    payload = {"DocNumber": "X" * 30, "Line": [{"Description": "ok"}, {"Description": "d" * 4001}],
               "_resource": "Invoice", "CustomerRef": {"value": "1"}}
    found = too_long("quickbooks", "Invoice", payload)
    assert [(f.path, f.limit, f.length) for f in found] == [("DocNumber", 21, 30), ("Line[1].Description", 4000, 4001)]
    assert found[0].describe("quickbooks") == "DocNumber is 30 characters; QuickBooks holds at most 21"
    assert too_long("quickbooks", "Invoice", {"DocNumber": "X" * 21}) == []
    assert [f.path for f in too_long("xero", "Contacts", {"Name": "n" * 300})] == ["Name"]
    assert [f.path for f in too_long("quickbooks", "Customer", {"DisplayName": "n" * 300,
                                                               "CompanyName": "n" * 300})] == ["CompanyName"]
    colon = too_long("quickbooks", "Customer", {"DisplayName": "${jndi:ldap://x}"})
    assert colon[0].describe("quickbooks") == "DisplayName contains ':', which QuickBooks does not allow there"


def test_the_field_of_a_refusal_is_read_whole():
    # QuickBooks: our hook appends the fault's element in brackets; an element holds brackets of its own
    assert field_of(["Business Validation Error: The amount of a line can't be negative. [Line[0].Amount]"]) == \
        "Line[0].Amount"
    assert field_of(["String length ... Max allowed length is 500 for DisplayName [DisplayName]"]) == "DisplayName"
    assert field_of(["Invalid Reference Id [Line[2].SalesItemLineDetail.ItemRef]"]) == \
        "Line[2].SalesItemLineDetail.ItemRef"
    # Xero: the field starts the validation message
    assert field_of(["Name must not be more than 255 characters long."]) == "Name"
    assert field_of(["InvoiceNumber must not be more than 255 characters long."]) == "InvoiceNumber"
    assert field_of(["Something went wrong"]) is None
    assert field_of([]) is None


def test_payload_builders_no_longer_cut_values():
    from reconcile.entities import items  # noqa: PLC0415

    payload = items.xero_fields({"code": "LONG", "name": "An item name of sixty characters, which Xero cannot hold"
                                 " at all"})
    assert len(payload["Name"]) > 50
    assert [(f.path, f.limit) for f in too_long("xero", "Items", payload)] == [("Name", 50)]

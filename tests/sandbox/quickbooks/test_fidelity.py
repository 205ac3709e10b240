"""XSD fidelity: the checker every test's responses go through can fail, seeded books of every entity conform, and
the sandbox's own schema index is the one the XSDs give."""

from __future__ import annotations

import json

import pytest

from sandbox.quickbooks import schema_build
from tests.sandbox.quickbooks.conftest import XSD_DIR, QBApi
from tests.sandbox.quickbooks.xsd import XsdIndex

GOOD = {"Customer": {"DisplayName": "A", "Active": True, "Balance": 1.5, "domain": "QBO", "sparse": False,
                     "Id": "1", "SyncToken": "0", "CurrencyRef": {"value": "GBP", "name": "British Pound Sterling"},
                     "MetaData": {"CreateTime": "2026-01-01T10:00:00-08:00",
                                  "LastUpdatedTime": "2026-01-01T10:00:00-08:00"}},
        "time": "2026-01-01T10:00:00.123-08:00"}


@pytest.mark.parametrize("body,fragment", [
    ({**GOOD, "Customer": {**GOOD["Customer"], "Colour": "red"}}, "'Colour'"),
    ({**GOOD, "Customer": {**GOOD["Customer"], "Active": "true"}}, "xs:boolean"),
    ({**GOOD, "Customer": {**GOOD["Customer"], "Balance": "1.50"}}, "xs:decimal"),
    ({**GOOD, "Customer": {**GOOD["Customer"], "CurrencyRef": {"value": "GBP", "code": "x"}}}, "'code'"),
    ({**GOOD, "Customer": {**GOOD["Customer"], "PrimaryEmailAddr": [{"Address": "a@b"}]}}, "must not be an array"),
    ({**GOOD, "Customer": {**GOOD["Customer"], "MetaData": {"CreateTime": "2026-01-01 10:00"}}}, "xs:dateTime"),
    ({"Invoice": {"GlobalTaxCalculation": "TaxIncluded"}, "time": GOOD["time"]}, "TaxIncluded"),
    ({"Invoice": {"Line": {"Amount": 1}}, "time": GOOD["time"]}, "JSON array"),
    ({"Invoice": {"TxnDate": "2026-1-5"}, "time": GOOD["time"]}, "xs:date"),
    ({"QueryResponse": {"Customer": [GOOD["Customer"]], "startPosition": "1"}, "time": GOOD["time"]}, "xs:int"),
    ({"Fault": {"Error": [{"Message": "m", "code": 6240}], "type": "ValidationFault"}, "time": GOOD["time"]},
     "code"),
    ({**GOOD, "Widget": {}}, "'Widget'"),
])
def test_the_checker_catches_what_the_xsds_forbid(xsd: XsdIndex, body: dict, fragment: str) -> None:
    assert xsd.envelope_problems(GOOD) == []
    problems = xsd.envelope_problems(body)
    assert problems and any(fragment in p for p in problems), problems


def test_every_seeded_record_conforms(qb_factory, xsd: XsdIndex) -> None:
    qb: QBApi = qb_factory("--seed", "3", "--size", "40", "--rate-limits", "off")
    books = qb.control("GET", "books")
    counted = 0
    for name, rows in books.items():
        if name in ("realm_id", "deleted"):
            continue
        assert rows, f"no {name} in the seeded books"
        for row in rows:
            assert xsd.entity_problems(name, row) == [], (name, row.get("Id"))
            counted += 1
    assert counted > 100
    for stub in books["deleted"]:
        entity = stub.pop("entity")
        assert xsd.entity_problems(entity, stub) == []
    before = qb.checked
    qb.get("customer/1")
    assert qb.checked == before + 1  # the response hook saw and checked it


def test_schema_index_matches_the_xsds() -> None:
    shipped = json.loads(schema_build.Path(schema_build.__file__).with_name("schema.json").read_text())
    assert shipped == json.loads(json.dumps(schema_build.build(XSD_DIR))), \
        "regenerate with: python -m sandbox.quickbooks.schema_build specs/quickbooks"

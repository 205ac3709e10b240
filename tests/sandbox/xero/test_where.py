"""The ``where``/``order`` subset, in process (the HTTP tests cover it end to end in test_read.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sandbox.xero.where import WhereError, compile_where, parse_order, sort_views

FIELDS = frozenset({"Status", "Type", "Contact", "Date", "AmountDue", "Name", "IsCustomer", "UpdatedDateUTC",
                    "Reference"})
ROW = {"Status": "AUTHORISED", "Type": "ACCREC", "Contact": {"ContactID": "ab12cd34-0000-4000-8000-000000000001",
                                                              "Name": "Bayside Club"},
       "Date": dt.date(2026, 9, 15), "AmountDue": Decimal("120.50"), "Name": "Bayside Club Ltd", "IsCustomer": True,
       "UpdatedDateUTC": dt.datetime(2026, 9, 16, 10, 0, tzinfo=dt.timezone.utc), "Reference": None}


@pytest.mark.parametrize("expression, expected", [
    ('Status=="AUTHORISED"', True),
    ('Status == "authorised"', True),  # the collation ignores case
    ('Status!="AUTHORISED"', False),
    ('Type=="ACCREC" AND AmountDue > 100', True),
    ('Type=="ACCREC" && AmountDue >= 120.51', False),
    ('Type=="ACCPAY" OR AmountDue <= 120.5', True),
    ('Type=="ACCPAY" || NOT (Status == "DRAFT")', True),
    ('Status=="DRAFT" OR Status=="AUTHORISED" AND Type=="ACCPAY"', False),  # AND binds tighter
    ('(Status=="DRAFT" OR Status=="AUTHORISED") AND Type=="ACCREC"', True),
    ('Contact.ContactID==Guid("AB12CD34-0000-4000-8000-000000000001")', True),
    ('Contact.Name.StartsWith("bay")', True),
    ('Name.Contains("CLUB") AND Name.EndsWith("ltd")', True),
    ('Name.ToLower()=="bayside club ltd"', True),
    ("Date >= DateTime(2026, 09, 01) AND Date < DateTime(2026,10,01)", True),
    ("UpdatedDateUTC > DateTime(2026, 9, 16, 10, 0, 1)", False),
    ("IsCustomer == true", True),
    ("IsCustomer", True),
    ("Reference == null", True),
    ('Reference.Contains("x")', False),
    ("Reference != null", False),
])
def test_expressions(expression: str, expected: bool) -> None:
    assert compile_where(expression, FIELDS, "Invoice")(ROW) is expected


@pytest.mark.parametrize("expression, message", [
    ('Colour=="red"', "No property or field 'Colour' exists in type 'Invoice'"),
    ('Status=="DRAFT" AND', "Expression expected"),
    ('(Status=="DRAFT"', "')' expected"),
    ('Name.Explode("x")', "No applicable method 'Explode' exists in type 'String'"),
    ("Status == #", "Syntax error"),
])
def test_refusals(expression: str, message: str) -> None:
    with pytest.raises(WhereError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compile_where(expression, FIELDS, "Invoice")


def test_incompatible_operands_are_refused_when_evaluated() -> None:
    with pytest.raises(WhereError, match="Operator '>' incompatible"):
        compile_where('Date > "soon"', FIELDS, "Invoice")(ROW)


def test_order_keys_and_stable_ties() -> None:
    keys = parse_order("Status DESC, Name", FIELDS, "Invoice")
    assert [(k.path, k.descending) for k in keys] == [(("Status",), True), (("Name",), False)]
    rows = [{"id": i, "Status": s, "Name": n} for i, s, n in
            [("c", "PAID", "b"), ("a", "PAID", "b"), ("b", "DRAFT", "a"), ("d", "PAID", "A")]]
    ordered = sort_views([(r, r) for r in rows], keys, id_of=lambda r: r["id"], default=lambda r: 0)
    assert [r["id"] for _, r in ordered] == ["d", "a", "c", "b"]
    with pytest.raises(WhereError):
        parse_order("Status SIDEWAYS", FIELDS, "Invoice")
    with pytest.raises(WhereError):
        parse_order("Colour ASC", FIELDS, "Invoice")

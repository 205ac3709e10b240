"""Xero tracking on staged lines <-> QuickBooks Class per line and Department per transaction."""

from __future__ import annotations

import pytest

from reconcile.config import UnmappedCode, load_pairs
from reconcile.entities import tracking

NORTH, SOUTH, BRISTOL, CARDIFF = "Region:North", "Region:South", "Location:Bristol studio", "Location:Cardiff studio"


@pytest.fixture(scope="module")
def mappings():
    return load_pairs()["harbour"].mappings


def lines(*trackings: list[str]) -> list[dict]:
    return [{"description": f"line {i}", "tracking": list(t)} for i, t in enumerate(trackings, start=1)]


def test_a_xero_transaction_in_one_location_is_in_it_on_every_line(mappings):
    staged = lines([NORTH, BRISTOL], [SOUTH], [])
    tracking.spread_department(mappings, staged)
    assert [ln["tracking"] for ln in staged] == [[BRISTOL, NORTH], [BRISTOL, SOUTH], [BRISTOL]]
    mixed = lines([BRISTOL], [CARDIFF], [])
    tracking.spread_department(mappings, mixed)
    assert [ln["tracking"] for ln in mixed] == [[BRISTOL], [CARDIFF], []]  # left for the write to report


def test_a_quickbooks_department_is_staged_on_every_line(mappings):
    staged = lines([NORTH], [])
    tracking.with_department(mappings, staged, {"value": "2", "name": "Cardiff studio"})
    assert [ln["tracking"] for ln in staged] == [[CARDIFF, NORTH], [CARDIFF]]
    with pytest.raises(UnmappedCode, match="department '9'"):
        tracking.with_department(mappings, lines([]), {"value": "9"})


def test_written_to_quickbooks_as_line_classes_and_one_department(mappings):
    staged = lines([NORTH, BRISTOL], [BRISTOL])
    assert [tracking.line_class(mappings, ln) for ln in staged] == [{"ClassRef": {"value": "5000000000000010001"}},
                                                                     {}]
    assert tracking.transaction_department(mappings, staged, "LineItems") == {"DepartmentRef": {"value": "1"}}
    assert tracking.line_refs(mappings, staged[0]) == {"ClassRef": {"value": "5000000000000010001"},
                                                        "DepartmentRef": {"value": "1"}}
    assert tracking.transaction_department(mappings, lines([NORTH]), "LineItems") == {}
    with pytest.raises(tracking.DepartmentConflict) as err:
        tracking.transaction_department(mappings, lines([BRISTOL], [NORTH], [CARDIFF]), "LineItems")
    assert err.value.field == "LineItems[3].Tracking"
    assert "'Location:Bristol studio' and 'Location:Cardiff studio'" in str(err.value)


def test_an_update_that_would_take_a_department_away_is_reported_not_sent():
    current = {"Id": "7", "DepartmentRef": {"value": "1", "name": "Bristol studio"}}
    why = tracking.department_kept(current, {"Line": []})
    assert why is not None and "'Bristol studio'" in why and "remove it in QuickBooks" in why
    assert tracking.department_kept(current, {"DepartmentRef": {"value": "2"}}) is None  # moved: a sparse update can
    assert tracking.department_kept({"Id": "8"}, {"Line": []}) is None

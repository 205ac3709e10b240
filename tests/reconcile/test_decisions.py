"""Decisions on exceptions (issue 8) in real PostgreSQL: the registry and its table agree, invalid decisions are
refused with a clear message and nothing recorded, valid ones are recorded once."""

from __future__ import annotations

import psycopg
import pytest

from ledgerbridge import db
from reconcile import decisions, matching
from reconcile.config import load_pairs
from reconcile.decisions import Decision, DecisionError
from reconcile.entities import ENTITIES
from reconcile.run import RunInfo
from tests.reconcile.staged import contact, insert, query

PAIR = "harbour"


@pytest.fixture(scope="module")
def books():
    from ledgerbridge.migrate import migrate
    from tests.fixtures.db import create_database, drop_database

    name, url = create_database("lb_decide")
    migrate(url)
    yield url
    drop_database(name)


X = {
    "branch": contact("xero", "Tidewater Marine Services Ltd", tax_number="987654321", postal_code="PL1 2AA"),
    "typo": contact("xero", "Pembrokeshire Kayak Hire", email="paddle@pembkayak.co.uk"),
}
Q = {
    "branch": contact("quickbooks", "Tidewater Marine Services (South West) Ltd", tax_number="GB987654321",
                      postal_code="PL1 2AA"),
    "typo": contact("quickbooks", "Pembrokshire Kayak Hire"),
    "other": contact("quickbooks", "Someone Else Entirely Ltd"),
}


@pytest.fixture(scope="module")
def queue(books):
    insert(books, "stg_xero_contacts", PAIR, list(X.values()))
    insert(books, "stg_quickbooks_contacts", PAIR, list(Q.values()))
    matching.match(ENTITIES["contacts"], load_pairs()[PAIR], RunInfo("d1", "test"), books)
    rows = query(books, "SELECT * FROM ledgerbridge.exceptions WHERE status = 'open'")
    return {(r["ledger"], r["record_id"]): r for r in rows}


def decisions_count(url: str) -> int:
    return query(url, "SELECT count(*) AS n FROM ledgerbridge.decisions")[0]["n"]


def test_the_registry_and_its_table_agree(books):
    with db.connect(books) as conn:
        table = [dict(r) for r in conn.execute(db.sql("decisions/offers"))]
    key = lambda r: (r["reason"], r["position"])  # noqa: E731
    assert sorted(table, key=key) == sorted(decisions.registry_rows(), key=key)


def test_each_reason_offers_what_the_issue_names():
    assert decisions.offered("possible_match") == ["link", "create", "ignore"]
    assert decisions.offered("ambiguous_match") == ["link", "create", "ignore"]
    assert decisions.offered("weak_link") == ["keep", "unlink"]
    assert decisions.offered("identity_conflict")[0] == "pick"
    assert set(decisions.offered("unmapped_code")) == {"retry", "ignore"}
    assert set(decisions.offered("locked")) == {"retry", "ignore", "pick"}
    assert set(decisions.offered("one_sided")) == {"link", "create", "ignore"}
    assert decisions.offered("something_new") == ["retry", "ignore"]


def test_invalid_decisions_are_refused_and_nothing_is_recorded(books, queue):
    branch = queue[("xero", X["branch"]["ledger_id"])]
    assert branch["reason"] == "possible_match"
    before = decisions_count(books)
    cases = [
        (Decision(branch["id"], "link", "ana", candidate=7), "there is no candidate 7"),
        (Decision(branch["id"], "keep", "ana"), "'keep' is not offered for possible_match"),
        (Decision(branch["id"], "link", "ana"), "link needs a candidate number or a quickbooks record id"),
        (Decision(branch["id"], "link", "ana", other_id="nope-404"), "record nope-404 is not on quickbooks"),
        (Decision(branch["id"], "link", " "), "names who took it"),
        (Decision(branch["id"], "create", "ana", side="xero"), "only pick names a side"),
        (Decision(999999, "ignore", "ana"), "there is no exception 999999"),
    ]
    with db.connect(books) as conn:
        for decision, words in cases:
            with pytest.raises(DecisionError, match=words) as err:
                decisions.record(conn, decision)
            if decision.exception_id == branch["id"]:
                assert f"exception {branch['id']} (possible_match, xero contacts" in str(err.value) \
                    or "names who took it" in str(err.value)
    assert decisions_count(books) == before


def test_a_candidate_that_no_longer_exists_is_refused(books, queue):
    typo = queue[("xero", X["typo"]["ledger_id"])]
    with psycopg.connect(books) as conn:
        conn.execute("UPDATE ledgerbridge.stg_quickbooks_contacts SET deleted = true WHERE ledger_id = %s",
                     (Q["typo"]["ledger_id"],))
    try:
        with db.connect(books) as conn, pytest.raises(DecisionError, match="no longer exists on quickbooks"):
            decisions.record(conn, Decision(typo["id"], "link", "ana", candidate=1))
    finally:
        with psycopg.connect(books) as conn:
            conn.execute("UPDATE ledgerbridge.stg_quickbooks_contacts SET deleted = false WHERE ledger_id = %s",
                         (Q["typo"]["ledger_id"],))


def test_a_valid_decision_is_recorded_once(books, queue):
    typo = queue[("xero", X["typo"]["ledger_id"])]
    with db.connect(books) as conn:
        new = decisions.record(conn, Decision(typo["id"], "link", "ana", note="same kayak firm", candidate=1,
                                              via="cli"))
        with pytest.raises(DecisionError, match="already has a pending decision"):
            decisions.record(conn, Decision(typo["id"], "ignore", "bob"))
    row = query(books, "SELECT * FROM ledgerbridge.decisions WHERE id = %s", new)[0]
    assert (row["decision"], row["other_id"], row["candidate"], row["decided_by"], row["status"]) == \
        ("link", Q["typo"]["ledger_id"], 1, "ana", "pending")
    assert row["record_version"] == X["typo"]["version"] and row["note"] == "same kayak firm"
    assert row["reason"] == "possible_match" and row["ledger"] == "xero" and row["via"] == "cli"

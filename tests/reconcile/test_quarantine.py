"""Record-level quarantine (issue 17): values PostgreSQL or our parsing cannot hold hold only their own record,
the raw payload is kept faithfully (escaped, never stripped), and the queue names the record and the real field."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from reconcile import quarantine, staging
from reconcile.config import load_pairs
from reconcile.entities import contacts, invoices
from reconcile.run import RunInfo
from tests.reconcile.test_quality import Ledger, contact, invoice


def test_escape_is_faithful_and_reversible():
    for text in ["a\x00b", "back\\slash\x00", "\\u0000 typed by a person", "lone \ud800 surrogate", "plain"]:
        escaped = quarantine.escape_text(text)
        assert "\x00" not in escaped and not any("\ud800" <= c <= "\udfff" for c in escaped)
        assert quarantine.unescape_text(escaped) == text
    assert quarantine.escape_text("a\x00b") == "a\\u0000b"
    assert quarantine.shorten("x" * 100 + "\x00").endswith("…") and len(quarantine.shorten("x" * 100)) == 60
    assert quarantine.shorten("bell\x07") == "bell\\x07"


def test_screen_finds_real_paths_and_only_what_reaches_aligned_values():
    raw = {"Name": "Ok", "PrintOnCheckName": "Ok\x00", "Line": [{"Amount": 1}, {"Description": "tab\tfine"},
                                                                 {"Description": "bad\x00desc", "Amount": 10 ** 17}]}
    screened = quarantine.screen_raw(raw)
    assert screened.escaped == ["PrintOnCheckName", "Line[2].Description"]
    assert screened.raw["PrintOnCheckName"] == "Ok\\u0000" and raw["PrintOnCheckName"] == "Ok\x00"
    assert {(p.path, p.reason) for p in screened.problems} == {
        ("PrintOnCheckName", "unsafe_value"), ("Line[2].Description", "unsafe_value"),
        ("Line[2].Amount", "out_of_range")}
    # the aligned values hold only the name: a NUL in PrintOnCheckName alone does not hold the record
    assert quarantine.screen_row({"ledger_id": "1", "name": "Ok"}, screened) == []
    staged = {"ledger_id": "1", "name": "Ok", "lines": [{"description": "bad\x00desc"}], "total": 10 ** 17}
    problems = quarantine.screen_row(staged, screened)
    assert {(p.path, p.reason) for p in problems} == {("Line[2].Description", "unsafe_value"),
                                                      ("Line[2].Amount", "out_of_range")}
    assert staged["lines"][0]["description"] == "bad\\u0000desc" and staged["total"] is None


def test_hostile_values_hold_only_their_record_and_the_read_goes_on(fresh_db, monkeypatch):
    url = fresh_db()
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", url)
    pair = load_pairs()["harbour"]
    run = RunInfo("q-run-1", "sync_invoices")
    nul_name = contact("c2", "Nul\x00 Trading Ltd")
    bell = contact("c3", "Bell\x07 Ltd")
    unsynced = contact("c4", "Quiet Ltd")
    unsynced["Website"] = "http://quiet.example/\x00"  # a field we do not align
    odd = contact("c5", "Odd Ltd")
    odd["UpdatedDateUTC"] = {"not": "a date"}  # our parsing meets a shape it did not expect
    ledger = Ledger({"Contacts": [contact("c1", "Good Ltd"), nul_name, bell, unsynced, odd],
                     "Invoices": [invoice("i1", "INV-1", "c1", "120.00")]})
    ledger.records["Invoices"][0]["LineItems"][0]["Description"] = "Work\x00 done"
    huge = invoice("i2", "INV-2", "c1", "120.00")
    huge["Total"] = 1e17
    ledger.records["Invoices"].append(huge)
    ledger.records["Invoices"].append(invoice("i3", "INV-3", "c1", "120.00"))
    result = staging.stage(contacts.SPEC, "xero", pair, ledger, run, db_url=url)
    assert (result.read, result.staged, result.quarantined, result.rejected) == (5, 4, 2, 1)
    result = staging.stage(invoices.SPEC, "xero", pair, ledger, run, db_url=url)
    assert (result.read, result.staged, result.quarantined) == (3, 3, 2)
    with psycopg.connect(url, row_factory=dict_row) as conn:
        queue = {(r["record_id"], r["reason"]): r for r in conn.execute(
            "SELECT record_id, record_label, reason, field, message FROM ledgerbridge.exceptions "
            "WHERE status = 'open'")}
        staged = {r["ledger_id"]: r for r in conn.execute("SELECT ledger_id, name, raw FROM "
                                                           "ledgerbridge.stg_xero_contacts")}
        escapes = {r["record_id"]: r["paths"] for r in conn.execute("SELECT record_id, paths FROM "
                                                                     "ledgerbridge.raw_escapes")}
        lines = conn.execute("SELECT raw->'LineItems'->0->>'Description' AS d FROM ledgerbridge.stg_xero_invoices "
                             "WHERE ledger_id = 'i1'").fetchone()["d"]
    assert set(queue) == {("c2", "unsafe_value"), ("c3", "unsafe_value"), ("c5", "invalid_field"),
                          ("i1", "unsafe_value"), ("i2", "out_of_range")}
    assert queue[("c2", "unsafe_value")]["field"] == "Name" and "NUL" in queue[("c2", "unsafe_value")]["message"]
    assert queue[("c2", "unsafe_value")]["record_label"] == "Nul\\u0000 Trading Ltd"
    assert queue[("c3", "unsafe_value")]["field"] == "Name" and "Bell\\x07 Ltd" in queue[("c3", "unsafe_value")]["message"]
    assert queue[("i1", "unsafe_value")]["field"] == "LineItems[0].Description"
    assert queue[("i1", "unsafe_value")]["record_label"] == "INV-1"
    assert queue[("i2", "out_of_range")]["field"] == "Total"
    assert "could not be read" in queue[("c5", "invalid_field")]["message"]
    # the raw payload is kept, escaped where it must be, and says where
    assert staged["c2"]["raw"]["Name"] == "Nul\\u0000 Trading Ltd" and staged["c2"]["name"] == "Nul\\u0000 Trading Ltd"
    assert staged["c3"]["raw"]["Name"] == "Bell\x07 Ltd"  # held, but stored as it is: PostgreSQL can
    assert staged["c4"]["raw"]["Website"] == "http://quiet.example/\\u0000"
    assert escapes == {"c2": ["Name"], "c4": ["Website"], "i1": ["LineItems[0].Description"]}
    assert lines == "Work\\u0000 done"
    # the held records are not offered to matching or planning; the others are
    from reconcile import deltas  # noqa: PLC0415

    with psycopg.connect(url, row_factory=dict_row) as conn:
        planner = deltas.Planner(contacts.SPEC, pair, run, conn, dry_run=True)
        assert {r["ledger_id"] for r in planner._stream_unlinked("xero")} == {"c1", "c4"}
    # corrected at the source: staged clean, the exception closes and the escape paths go
    fixed = contact("c2", "Nul Trading Ltd")
    fixed["UpdatedDateUTC"] = "/Date(1761955300000+0000)/"
    staging.stage(contacts.SPEC, "xero", pair, Ledger({"Contacts": [fixed]}), RunInfo("q-run-2", "sync_contacts"),
                  db_url=url)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM ledgerbridge.exceptions WHERE status = 'open' AND "
                            "record_id = 'c2'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM ledgerbridge.raw_escapes WHERE record_id = 'c2'").fetchone()[0] == 0


def test_a_refused_version_is_not_planned_again_until_it_changes_or_is_cleared(fresh_db, monkeypatch):
    """ledgerbridge.refusals holds a record at the version a ledger refused; reconcile.refusals.clear lifts it."""
    from reconcile import deltas, refusals  # noqa: PLC0415

    url = fresh_db()
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", url)
    pair = load_pairs()["harbour"]
    run = RunInfo("r-run-1", "sync_contacts")
    refused = contact("c1", "Refused Ltd")
    staging.stage(contacts.SPEC, "xero", pair, Ledger({"Contacts": [refused, contact("c2", "Fine Ltd")]}), run,
                  db_url=url)

    def creates() -> tuple[set[str], int]:
        with psycopg.connect(url, row_factory=dict_row) as conn:
            planner = deltas.Planner(contacts.SPEC, pair, run, conn, dry_run=True)
            planner.plan_creates()
            return {w["source_id"] for w in planner.planned if w["operation"] == "create"}, planner.result.refused

    assert creates() == ({"c1", "c2"}, 0)
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO ledgerbridge.refusals (pair, entity, ledger, source_ledger, source_id, "
                     "source_version, operation, field, message) VALUES ('harbour', 'contacts', 'quickbooks', 'xero', "
                     "'c1', %s, 'create', 'DisplayName', 'refused')", (refused["UpdatedDateUTC"],))
    assert creates() == ({"c2"}, 1)
    # a person retries (issue 8): the block is lifted, the record is planned once more
    with psycopg.connect(url, row_factory=dict_row) as conn:
        lifted = refusals.clear(conn, "harbour", "contacts", "c1")
        conn.commit()
    assert [r["source_id"] for r in lifted] == ["c1"]
    assert creates() == ({"c1", "c2"}, 0)
    # refused again, then the source record changes: its new version is planned
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO ledgerbridge.refusals (pair, entity, ledger, source_ledger, source_id, "
                     "source_version, operation, message) VALUES ('harbour', 'contacts', 'quickbooks', 'xero', 'c1', "
                     "%s, 'create', 'refused')", (refused["UpdatedDateUTC"],))
    changed = contact("c1", "Refused Ltd (renamed)")
    changed["UpdatedDateUTC"] = "/Date(1761955300000+0000)/"
    staging.stage(contacts.SPEC, "xero", pair, Ledger({"Contacts": [changed]}), RunInfo("r-run-2", "sync_contacts"),
                  db_url=url)
    assert creates() == ({"c1", "c2"}, 0)

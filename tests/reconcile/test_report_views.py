"""The report views, their comments and data dictionary, the two roles, and the audit export, in real PostgreSQL.

A hand-written pair "p" (tests/reconcile/report_seed.sql) holds one record of every status, so each view's answer
is known row by row. The same views are read after a real nightly chain in tests/e2e/test_report.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import threading
from pathlib import Path

import psycopg
from psycopg import sql
import pytest
from psycopg.rows import dict_row

from ledgerbridge.migrate import migrate
from reconcile import audit, dictionary
from tests.fixtures.db import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
SEED = Path(__file__).with_name("report_seed.sql")


@pytest.fixture(scope="module")
def seeded() -> str:
    name, url = create_database("lb_report")
    try:
        migrate(url)
        with psycopg.connect(url) as conn:
            conn.execute(SEED.read_text())
            conn.execute("INSERT INTO ledgerbridge.oauth_tokens (conn_id, ledger, access_token, refresh_token) "
                         "VALUES ('xero_p', 'xero', 'secret-access', 'secret-refresh')")
        yield url
    finally:
        drop_database(name)


def q(url: str, statement: str, *params: object) -> list[dict]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(statement, params).fetchall()


def test_reconciliation_status_says_what_each_record_is_and_why(seeded: str) -> None:
    rows = {(r["entity"], r["xero_label"] or r["quickbooks_label"]): r for r in q(
        seeded, "SELECT * FROM ledgerbridge_report.reconciliation_status WHERE pair = 'p'")}
    assert {k: r["status"] for k, r in rows.items() if k[0] == "invoices"} == {
        ("invoices", "INV-1"): "linked", ("invoices", "INV-2"): "only_in_xero", ("invoices", "INV-3"): "in_queue",
        ("invoices", "INV-4"): "ignored", ("invoices", "INV-5"): "created", ("invoices", "1007"): "only_in_quickbooks",
        ("invoices", "INV-16"): "ignored"}
    assert rows[("invoices", "INV-16")]["why"] == "Ignored by bob (it waited as one_sided)."
    linked = rows[("invoices", "INV-1")]
    assert (linked["xero_id"], linked["quickbooks_id"]) == ("x1", "11")
    assert (linked["xero_amount_due"], linked["quickbooks_amount_due"], linked["due_difference"]) == (100, 90, 10)
    assert linked["contact"] == "Acme Ltd" and linked["link_rule"] == "evidence-1"
    assert "planned and not yet sent" in rows[("invoices", "INV-2")]["why"]
    assert rows[("invoices", "INV-3")]["queue_reasons"] == "possible_match"
    assert "a person decides" in rows[("invoices", "INV-3")]["why"]
    assert "draft" in rows[("invoices", "INV-4")]["why"]
    assert "does not write it to Xero" in rows[("invoices", "1007")]["why"]
    contact = rows[("contacts", "Tidewater Marine Services Ltd")]
    assert contact["status"] == "in_queue" and "South West" in contact["why"]


def test_match_results_explain_in_words(seeded: str) -> None:
    rows = {r["xero_label"]: r for r in q(seeded, "SELECT * FROM ledgerbridge_report.match_results WHERE pair = 'p'")}
    acme = rows["Acme Ltd"]
    assert acme["quickbooks_label"] == "Acme Limited" and acme["weight"] == 19.5
    assert acme["explanation"].startswith("Evidence 19.50 bits: name The same name apart from the legal form.")
    assert "email Same e-mail address. (10.0 bits)" in acme["explanation"]
    assert rows["INV-1"]["explanation"] == "Matched by the rule evidence-1 (score 0.999)."
    assert rows["INV-5"]["explanation"].startswith("Created by ledgerbridge")


def test_open_queue_names_the_strongest_candidate(seeded: str) -> None:
    rows = q(seeded, "SELECT * FROM ledgerbridge_report.open_queue WHERE pair = 'p' ORDER BY record_label")
    assert [r["record_label"] for r in rows] == ["INV-3", "Tidewater Marine Services Ltd"]  # the resolved one is not
    assert all(r["candidate_count"] == 1 and r["best_candidate_score"] == 23.25 and r["days_open"] == 3 for r in rows)
    assert rows[1]["best_candidate"] == "Tidewater Marine Services (South West) Ltd"
    # the decisions each offers (issue 8's decision_offers), and one already taken
    assert all(r["decisions_offered"].startswith("link <candidate>: link to candidate N") for r in rows)
    assert "; create: " in rows[0]["decisions_offered"] and "; ignore: " in rows[0]["decisions_offered"]
    assert rows[0]["decision_pending"].startswith("link by alice (#")
    assert rows[1]["decision_pending"] is None


def test_a_write_a_decision_carried_names_it(seeded: str) -> None:
    with psycopg.connect(seeded, row_factory=dict_row) as conn:
        decision = conn.execute("SELECT id FROM ledgerbridge.decisions WHERE decided_by = 'alice'").fetchone()["id"]
        conn.execute("INSERT INTO ledgerbridge.audit_log (run_id, try_number, pair, entity, ledger, operation, "
                     "outbox_id, outcome, decision_id, decided_by) VALUES ('run-3', 1, 'p', 'invoices', "
                     "'quickbooks', 'create', 1, 'applied', %s, 'alice')", (decision,))
        row = conn.execute("SELECT basis, decision_id, decided_by FROM ledgerbridge_report.audit_trail "
                           "WHERE run_id = 'run-3'").fetchone()
        conn.rollback()
    assert row["basis"].startswith(f"decision #{decision} (link) by alice; create: ")
    assert (row["decision_id"], row["decided_by"]) == (decision, "alice")


def test_audit_trail_joins_run_records_answer_and_basis(seeded: str) -> None:
    rows = q(seeded, "SELECT * FROM ledgerbridge_report.audit_trail WHERE pair = 'p' ORDER BY at")
    assert len(rows) == 3
    create, failed, retried = rows
    assert (create["source_label"], create["target_label"], create["target_id"]) == ("INV-5", "INV-5", "15")
    assert create["basis"].startswith("create: no QuickBooks record matched")
    assert failed["outcome"] == "failed" and failed["answer_error"] == "Stale object: SyncToken"
    assert (retried["try_number"], retried["dag_id"]) == (2, "sync_invoices")
    assert retried["basis"] == "update: reference to_quickbooks; link matched by evidence-1"
    last_night = q(seeded, "SELECT id FROM ledgerbridge_report.last_night_writes WHERE pair = 'p' ORDER BY id")
    assert [r["id"] for r in last_night] == [failed["id"], retried["id"]]  # not the write three days ago


def test_aging_and_queue_trend(seeded: str) -> None:
    aging = {r["contact"]: r for r in q(seeded, "SELECT * FROM ledgerbridge_report.aging WHERE pair = 'p'")}
    assert set(aging) == {"total", "Acme Ltd"}  # the latest control run only
    total = aging["total"]
    assert (total["xero_current"], total["xero_over_90"], total["quickbooks_current"], total["quickbooks_1_30"],
            total["difference"]) == (1000, 360, 190, 0, 1170)
    trend = {(r["run_id"], r["reason"]): r["open"] for r in q(
        seeded, "SELECT * FROM ledgerbridge_report.queue_trend WHERE pair = 'p'")}
    # the conflict was open at the first control run and resolved before the second
    assert trend == {("ct-1", "conflict"): 1, ("ct-1", "possible_match"): 2, ("ct-2", "possible_match"): 2}


def test_every_view_and_column_is_commented_and_the_dictionary_is_current(seeded: str) -> None:
    text = dictionary.render(seeded)  # raises MissingComment naming anything uncommented
    for view in ("reconciliation_status", "match_results", "open_queue", "audit_trail", "aging",
                 "last_night_writes"):
        assert f"## {view}\n" in text
    assert (ROOT / "docs" / "data-dictionary.md").read_text() == text, "run `make data-dictionary`"


def test_an_uncommented_view_is_named(fresh_db) -> None:
    url = fresh_db()
    with psycopg.connect(url) as conn:
        conn.execute("CREATE VIEW ledgerbridge_report.bare AS SELECT 1 AS one")
    with pytest.raises(dictionary.MissingComment, match=r"view ledgerbridge_report\.bare.*column ledgerbridge_report\.bare\.one"):
        dictionary.render(url)


def _as(url: str, role: str, statement: str | sql.Composed) -> list[tuple]:
    with psycopg.connect(url) as conn:
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        return conn.execute(statement).fetchall()


@pytest.mark.parametrize("statement", [
    "SELECT * FROM ledgerbridge.oauth_tokens",
    "SELECT refresh_token FROM ledgerbridge.oauth_tokens",
    "UPDATE ledgerbridge.oauth_tokens SET refresh_token = 'x'",
    "INSERT INTO ledgerbridge.stg_xero_invoices (pair, ledger_id, raw) VALUES ('p', 'new', '{}')",
    "DELETE FROM ledgerbridge.stg_xero_invoices",
    "UPDATE ledgerbridge.exceptions SET status = 'resolved'",
    "INSERT INTO ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method) VALUES ('p', 'x', 'a', 'b', 'manual')",
    "SELECT * FROM ledgerbridge.outbox",
    "SELECT * FROM ledgerbridge.audit_log",
    "UPDATE ledgerbridge_report.open_queue SET message = 'x'",
    "CREATE TABLE ledgerbridge_report.mine (a int)",
])
def test_the_analyst_cannot_write_nor_read_the_token_store(seeded: str, statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _as(seeded, "ledgerbridge_analyst", statement)


def test_the_analyst_reads_the_views_and_staging(seeded: str) -> None:
    for view in ("reconciliation_status", "match_results", "open_queue", "audit_trail", "aging",
                 "last_night_writes", "queue_trend", "records"):
        statement = sql.SQL("SELECT count(*) FROM ledgerbridge_report.{}").format(sql.Identifier(view))
        assert _as(seeded, "ledgerbridge_analyst", statement)[0][0] > 0
    assert _as(seeded, "ledgerbridge_analyst", "SELECT count(*) FROM ledgerbridge.stg_quickbooks_invoices")[0][0] == 4


def test_the_pipeline_role_reads_and_writes_the_tables(seeded: str) -> None:
    with psycopg.connect(seeded) as conn:
        conn.execute("SET ROLE ledgerbridge_pipeline")
        conn.execute("INSERT INTO ledgerbridge.exceptions (pair, entity, ledger, record_id, reason, message) "
                     "VALUES ('p', 'items', 'xero', 'i1', 'invalid_field', 'x')")  # a sequence too
        conn.execute("SELECT access_token FROM ledgerbridge.oauth_tokens").fetchall()
        conn.execute("CREATE TEMPORARY TABLE match_candidates (a int)")
        conn.rollback()


def test_the_roles_migration_is_safe_on_many_databases_at_once() -> None:
    """Roles are the server's: several databases migrating at the same moment all succeed, and again later."""
    made = [create_database("lb_roles") for _ in range(3)]
    errors: list[BaseException] = []

    def run(url: str) -> None:
        try:
            migrate(url)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=run, args=(url,)) for _, url in made]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        for _, url in made:
            assert migrate(url) == []
            assert _as(url, "ledgerbridge_analyst", "SELECT count(*) FROM ledgerbridge_report.open_queue") == [(0,)]
    finally:
        for name, _ in made:
            drop_database(name)


def test_audit_export_holds_every_write_and_no_secret(seeded: str, tmp_path: Path) -> None:
    today = dt.datetime.now(dt.timezone.utc).date()
    span = (today - dt.timedelta(days=5), today)
    expected = q(seeded, "SELECT count(*) AS n FROM ledgerbridge.audit_log WHERE pair = 'p'")[0]["n"]
    out = tmp_path / "audit.csv"
    assert audit.export("p", *span, "csv", out, seeded) == expected == 3
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == expected
    assert {"run_id", "try_number", "operation", "payload_hash", "idempotency_key", "answer", "basis"} <= set(rows[0])
    assert [r["try_number"] for r in rows] == ["1", "1", "2"]
    parquet = tmp_path / "audit.parquet"
    assert audit.export("p", *span, "parquet", parquet, seeded) == expected
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    assert table.num_rows == expected and table.column("idempotency_key").to_pylist() == ["k5", "k1", "k1"]
    # the last two days only: the write three days ago is left out
    assert audit.export("p", today - dt.timedelta(days=1), today, "csv", tmp_path / "2.csv", seeded) == 2
    for path in (out, parquet):
        assert b"secret-refresh" not in path.read_bytes() and b"secret-access" not in path.read_bytes()


def test_the_report_is_one_self_contained_file(seeded: str, tmp_path: Path) -> None:
    from reconcile import report

    path = report.build("manual__2026-12-07", seeded, tmp_path)
    assert path == tmp_path / "report-manual__2026-12-07.html"
    text = path.read_text()
    assert text.count("<svg") == 5  # written, queue by reason, trend, aging receivable and payable
    for needle in ("Pair p", "The exception queue: 2 open", "difference 1,170.00", "INV-3", "1007",
                   "A create on the other ledger is planned"):
        assert needle in text
    assert "INV-5" not in text.split("largest documents not aligned")[1]  # aligned documents are not listed
    assert not any(f'{attr}="http' in text or f"{attr}='http" in text for attr in ("src", "href"))
    assert report.latest(tmp_path) == path

"""What analysts, auditors and finance leads look at, after one nightly chain through Airflow on seeded books: the
report views answer the three questions of the README's "Inspecting results", the audit export holds every write
and no secret, and the night's HTML report renders in headless Chromium with its charts.

One chain run (dag.test) on the module's world; every test of the module reads what it left.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from reconcile import audit
from tests.e2e.chain import run_chain

pytestmark = pytest.mark.timeout(900)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def night(world, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    patch = pytest.MonkeyPatch()
    patch.setenv("LEDGERBRIDGE_REPORT_DIR", str(folder))
    patch.setenv("LEDGERBRIDGE_GX_DATA_DOCS", "1")
    try:
        run_ids = run_chain()
    finally:
        patch.undo()
    return {"run_ids": run_ids, "folder": folder}


def q(world, statement: str, *params: object) -> list[dict]:
    with psycopg.connect(world.db_url, row_factory=dict_row) as conn:
        return conn.execute(statement, params).fetchall()


def readme_queries() -> list[str]:
    """The three questions (include/sql/report/questions/, which the demo prints and answers), each shown verbatim
    in the README's "Inspecting results"."""
    section = (ROOT / "README.md").read_text().split("## Inspecting results", 1)[1].split("\n## ", 1)[0]
    queries = [p.read_text().strip() for p in sorted((ROOT / "include/sql/report/questions").glob("*.sql"))]
    assert len(queries) == 3
    for text in queries:
        assert text in section, f"README's Inspecting results does not show:\n{text}"
    return queries


def test_the_three_questions_are_answered_from_the_views(world, night):
    queries = readme_queries()
    with psycopg.connect(world.db_url, row_factory=dict_row) as conn:
        one_sided, written, not_matched = (conn.execute(text).fetchall() for text in queries)
    # invoices in Xero but not QuickBooks: every one is accounted for, and the queue's own say so
    open_x = {r["record_id"] for r in q(world, "SELECT record_id FROM ledgerbridge.exceptions e WHERE status = 'open' "
                                              "AND entity = 'invoices' AND ledger = 'xero' AND NOT EXISTS (SELECT 1 "
                                              "FROM ledgerbridge.xref l WHERE l.pair = e.pair AND l.entity = e.entity "
                                              "AND l.xero_id = e.record_id)")}
    ids = {r["invoice"]: r for r in one_sided}
    assert one_sided and len(ids) == len(one_sided)
    labels = {r["record_id"]: r["label"] for r in q(world, "SELECT record_id, label FROM ledgerbridge_report.records "
                                                          "WHERE entity = 'invoices' AND ledger = 'xero'")}
    assert {r["invoice"] for r in one_sided if r["status"] == "in_queue"} == {labels[i] for i in open_x}
    assert all(r["why"] for r in one_sided)
    # last night's QuickBooks writes are the audit log's
    applied_qb = q(world, "SELECT id FROM ledgerbridge.audit_log WHERE ledger = 'quickbooks' AND outcome <> 'sent'")
    assert written and len(written) == len(applied_qb)
    # every contact that was not matched says why
    assert not_matched and all(r["why"] for r in not_matched)
    assert {r["status"] for r in not_matched} <= {"created", "in_queue", "only_in_xero", "only_in_quickbooks"}


def test_audit_export_matches_audit_log_and_holds_no_secret(world, night, tmp_path):
    today = dt.datetime.now(dt.timezone.utc).date()
    count = q(world, "SELECT count(*) AS n FROM ledgerbridge.audit_log WHERE pair = 'harbour'")[0]["n"]
    assert count > 0
    secrets = [v for r in q(world, "SELECT access_token, refresh_token FROM ledgerbridge.oauth_tokens")
               for v in r.values() if v]
    secrets += [world.xero.info["client_secret"], world.quickbooks.info["client_secret"]]
    assert secrets
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"audit.{fmt}"
        assert audit.main(["export", "--pair", "harbour", "--from", str(today - dt.timedelta(days=1)),
                           "--to", str(today), "--format", fmt, "--out", str(out)]) == 0
        if fmt == "csv":
            assert len(out.read_text().splitlines()) == count + 1
        else:
            import pyarrow.parquet as pq

            assert pq.read_table(out).num_rows == count
        data = out.read_bytes()
        assert not [s for s in secrets if s.encode() in data]


def test_the_nights_report_renders_with_its_charts(world, night, page, screenshot):
    reports = sorted(night["folder"].glob("report-*.html"))
    assert [p.name for p in reports] == [f"report-{re.sub(r'[^A-Za-z0-9_.-]+', '_', night['run_ids'][-1])}.html"]
    page.goto(reports[0].as_uri())
    assert page.title().startswith("ledgerbridge report")
    assert page.locator("section.pair[data-pair='harbour']").count() == 1
    assert page.locator(".chart svg").count() == 5
    for chart in ("written", "queue", "trend", "aging-receivable", "aging-payable"):
        box = page.locator(f"#chart-{chart} svg").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50, chart
    assert page.locator("table.summary tbody tr").count() >= 11  # every entity, per ledger
    assert page.locator("table.largest tbody tr").count() > 0
    # the quality tasks built great-expectations Data Docs beside it, and the report links them
    assert page.locator("#gx-data-docs").get_attribute("href") == "gx-docs/index.html"
    docs = night["folder"] / "gx-docs"
    assert (docs / "index.html").exists()
    assert (docs / "expectations" / "harbour_xero_invoices.html").exists()
    assert list((docs / "validations" / "harbour_quickbooks_invoices").glob("*/*/*.html"))
    shot = screenshot(page, "report")
    assert shot.stat().st_size > 10_000
    # the README shows one such screenshot (taken by this test, copied to docs/report.png)
    assert "![The night's report](docs/report.png)" in (ROOT / "README.md").read_text()
    assert (ROOT / "docs" / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Data quality on staged rows: a bad record stops the entity with a message naming it and the expectation, and
every result is stored with the run id."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row

from reconcile import quality, staging
from reconcile.config import load_pairs
from reconcile.entities import contacts, invoices
from reconcile.run import RunInfo


class Ledger:
    """Crafted raw Xero records, served the way XeroHook.iter_records serves them."""

    def __init__(self, records: dict[str, list[dict]]) -> None:
        self.records = records

    def iter_records(self, resource: str, **_: object) -> list[dict]:
        return self.records.get(resource, [])


def contact(cid: str, name: str, email: str | None = None) -> dict:
    return {"ContactID": cid, "Name": name, "EmailAddress": email or "", "ContactStatus": "ACTIVE",
            "IsCustomer": True, "UpdatedDateUTC": "/Date(1761955200000+0000)/"}


def invoice(iid: str, number: str, contact_id: str, total: str, currency: str = "GBP") -> dict:
    return {"InvoiceID": iid, "InvoiceNumber": number, "Type": "ACCREC", "Status": "AUTHORISED",
            "Contact": {"ContactID": contact_id}, "Date": "/Date(1761955200000+0000)/",
            "DueDate": "/Date(1764547200000+0000)/", "CurrencyCode": currency, "LineAmountTypes": "Exclusive",
            "SubTotal": 100.0, "TotalTax": 20.0, "Total": float(total), "AmountPaid": 0.0, "AmountDue": float(total),
            "UpdatedDateUTC": "/Date(1761955200000+0000)/",
            "LineItems": [{"Description": "Work", "Quantity": 1.0, "UnitAmount": 100.0, "LineAmount": 100.0,
                           "TaxAmount": 20.0, "TaxType": "OUTPUT2", "AccountCode": "200"}]}


def test_bad_invoices_are_held_one_by_one_naming_record_field_and_expectation(fresh_db, monkeypatch):
    """Per-record checks (issue 17): each failing record is queued as data_quality naming the ledger's field; the
    entity goes on, and every result is still stored with the run id."""
    url = fresh_db()
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", url)
    pair = load_pairs()["harbour"]
    run = RunInfo("dq-run-1", "sync_invoices")
    good = [invoice(f"g{n}", f"INV-1{n}", "c1", "120.00") for n in range(8)]
    ledger = Ledger({
        "Contacts": [contact("c1", "Good Customer Ltd", "ap@good.example")],
        "Invoices": [*good,
                     invoice("i2", "INV-2", "c1", "125.00"),  # total is not lines plus tax
                     invoice("i3", "INV-3", "c9", "120.00"),  # its contact was never staged
                     invoice("i4", "INV-4", "c1", "120.00", currency="XYZ")],  # not a currency
    })
    old = invoice("i5", "INV-5", "c1", "120.00")
    old["Date"] = "/Date(-2208988800000+0000)/"  # 1900-01-01
    ledger.records["Invoices"].append(old)
    staging.stage(contacts.SPEC, "xero", pair, ledger, run, db_url=url)
    staging.stage(invoices.SPEC, "xero", pair, ledger, run, db_url=url)
    assert quality.check(contacts.SPEC, "xero", pair, run, db_url=url)["failed"] == 0
    summary = quality.check(invoices.SPEC, "xero", pair, run, db_url=url)
    assert summary["held"] == 4 and summary["systemic"] == 0
    with psycopg.connect(url, row_factory=dict_row) as conn:
        held = {r["record_id"]: r for r in conn.execute(
            "SELECT record_id, record_label, field, message FROM ledgerbridge.exceptions WHERE status = 'open' "
            "AND reason = 'data_quality'").fetchall()}
        rows = conn.execute("SELECT expectation, column_name, success, checked_rows, unexpected_count, "
                            "unexpected_records, details FROM ledgerbridge.dq_results WHERE run_id = 'dq-run-1' "
                            "AND entity = 'invoices'").fetchall()
    assert set(held) == {"i2", "i3", "i4", "i5"}
    assert held["i2"]["field"] == "Total" and "lines and the tax" in held["i2"]["message"]
    assert held["i3"]["field"] == "Contact.ContactID" and held["i3"]["record_label"] == "INV-3"
    assert held["i4"]["field"] == "CurrencyCode" and "XYZ" in held["i4"]["message"]
    assert held["i5"]["field"] == "Date" and "plausible" in held["i5"]["message"]
    assert {r["checked_rows"] for r in rows} == {12}
    failed = {r["column_name"]: r for r in rows if not r["success"]}
    assert set(failed) == {"totals_gap", "contact_resolvable", "currency", "age_days", "days_to_due"}
    assert failed["totals_gap"]["unexpected_records"][0]["ledger_id"] == "i2"
    assert failed["totals_gap"]["details"]["kind"] == "per_record"
    # a held record is neither matched nor planned: the planner's unlinked stream does not see it
    from reconcile import deltas  # noqa: PLC0415

    with psycopg.connect(url, row_factory=dict_row) as conn:
        planner = deltas.Planner(invoices.SPEC, pair, run, conn, dry_run=True)
        unlinked = {r["ledger_id"] for r in planner._stream_unlinked("xero")}
    assert unlinked == {g["InvoiceID"] for g in good}
    # corrected at the source, the record is checked again and its exception closes
    fixed = invoice("i2", "INV-2", "c1", "120.00")
    fixed["UpdatedDateUTC"] = "/Date(1761955300000+0000)/"
    run2 = RunInfo("dq-run-2", "sync_invoices")
    staging.stage(invoices.SPEC, "xero", pair, Ledger({"Invoices": [fixed]}), run2, db_url=url)
    assert quality.check(invoices.SPEC, "xero", pair, run2, db_url=url)["held"] == 0
    with psycopg.connect(url) as conn:
        still = {r[0] for r in conn.execute("SELECT record_id FROM ledgerbridge.exceptions WHERE status = 'open' "
                                            "AND reason = 'data_quality'")}
    assert still == {"i3", "i4", "i5"}


def test_a_systemic_failure_stops_the_entity(fresh_db, monkeypatch):
    """Over the pair's share (and minimum count) of the batch, or a repeated key: the entity stops, no row held."""
    url = fresh_db()
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", url)
    pair = load_pairs()["harbour"]
    assert (pair.quality_systemic_share, pair.quality_systemic_min) == (0.25, 20)
    run = RunInfo("dq-sys-1", "sync_invoices")
    wrong = [invoice(f"w{n}", f"INV-{n}", "c1", "120.00", currency="XYZ") for n in range(25)]
    ledger = Ledger({"Contacts": [contact("c1", "Good Customer Ltd")],
                     "Invoices": wrong + [invoice(f"g{n}", f"INV-G{n}", "c1", "120.00") for n in range(25)]})
    staging.stage(contacts.SPEC, "xero", pair, ledger, run, db_url=url)
    staging.stage(invoices.SPEC, "xero", pair, ledger, run, db_url=url)
    with pytest.raises(quality.DataQualityError) as err:
        quality.check(invoices.SPEC, "xero", pair, run, db_url=url)
    message = str(err.value)
    assert "systemic" in message and "ISO 4217" in message and "25 of 50 records fail" in message
    assert "w0=XYZ" in message and "g0" not in message
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM ledgerbridge.exceptions WHERE reason = 'data_quality'"
                            ).fetchone()[0] == 0
    # the same share below the minimum count is per record: 2 of 4
    url2 = fresh_db()
    run = RunInfo("dq-sys-2", "sync_invoices")
    small = Ledger({"Contacts": [contact("c1", "Good Customer Ltd")],
                    "Invoices": wrong[:2] + [invoice(f"g{n}", f"INV-G{n}", "c1", "120.00") for n in range(2)]})
    staging.stage(contacts.SPEC, "xero", pair, small, run, db_url=url2)
    staging.stage(invoices.SPEC, "xero", pair, small, run, db_url=url2)
    assert quality.check(invoices.SPEC, "xero", pair, run, db_url=url2)["held"] == 2
    # a key check is systemic whatever the count: one id twice
    frame_checks = quality.suite_for("documents", __import__("datetime").date.today())
    assert [c.column for c in frame_checks if not c.per_record()] == ["ledger_id", "ledger_id"]


def test_records_that_cannot_be_staged_go_to_the_queue_and_the_read_goes_on(fresh_db, monkeypatch):
    url = fresh_db()
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", url)
    pair = load_pairs()["harbour"]
    run = RunInfo("stage-run-1", "sync_invoices")
    broken = invoice("b1", "INV-9", "c1", "120.00")
    broken["Date"] = "yesterday"
    ledger = Ledger({"Invoices": [invoice("g1", "INV-8", "c1", "120.00"), broken]})
    result = staging.stage(invoices.SPEC, "xero", pair, ledger, run, db_url=url)
    assert (result.read, result.staged, result.rejected) == (2, 1, 1)
    with psycopg.connect(url, row_factory=dict_row) as conn:
        exc = conn.execute("SELECT record_id, record_label, reason, field, message FROM ledgerbridge.exceptions "
                           "WHERE status = 'open'").fetchall()
    assert len(exc) == 1
    assert exc[0]["record_id"] == "b1" and exc[0]["record_label"] == "INV-9" and exc[0]["field"] == "Date"
    assert "yesterday" in exc[0]["message"]
    # once the record is fixed in the ledger, the next read stages it and closes the exception
    broken["Date"] = "/Date(1761955200000+0000)/"
    broken["UpdatedDateUTC"] = "/Date(1761955300000+0000)/"
    staging.stage(invoices.SPEC, "xero", pair, ledger, RunInfo("stage-run-2", "sync_invoices"), db_url=url)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM ledgerbridge.exceptions WHERE status = 'open'").fetchone()[0] == 0


def test_a_quickbooks_code_without_a_mapping_sends_the_record_to_the_queue_naming_the_code(fresh_db, monkeypatch):
    url = fresh_db()
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", url)
    pair = load_pairs()["harbour"]

    def qb_invoice(iid: str, tax_code: str) -> dict:
        return {"Id": iid, "SyncToken": "0", "DocNumber": f"10{iid}", "TxnDate": "2026-10-01",
                "DueDate": "2026-10-31", "CustomerRef": {"value": "1"}, "CurrencyRef": {"value": "GBP"},
                "TotalAmt": 120.0, "Balance": 120.0, "GlobalTaxCalculation": "TaxExcluded",
                "MetaData": {"LastUpdatedTime": "2026-10-01T10:00:00-07:00"},
                "TxnTaxDetail": {"TotalTax": 20.0},
                "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 100.0, "Description": "Work",
                          "SalesItemLineDetail": {"ItemRef": {"value": "3"}, "Qty": 1, "UnitPrice": 100.0,
                                                  "TaxCodeRef": {"value": tax_code}}}]}

    class QuickBooks:
        def iter_records(self, entity: str, **_: object) -> list[dict]:
            return [qb_invoice("1", "2"), qb_invoice("2", "77")] if entity == "Invoice" else []

    run = RunInfo("map-run-1", "sync_invoices")
    result = staging.stage(invoices.SPEC, "quickbooks", pair, QuickBooks(), run, db_url=url)
    assert (result.staged, result.rejected) == (1, 1)
    with psycopg.connect(url, row_factory=dict_row) as conn:
        exc = conn.execute("SELECT record_id, reason, field, message FROM ledgerbridge.exceptions").fetchall()
    assert [(e["record_id"], e["reason"], e["field"]) for e in exc] == [("2", "unmapped_code", "Line[1]")]
    assert "'77'" in exc[0]["message"] and "mappings.yaml" in exc[0]["message"]


def test_a_complete_read_marks_what_quickbooks_deleted_and_cdc_what_it_reports(fresh_db, monkeypatch):
    """Hard deletes: records a complete read no longer returns, and ids cdc reports deleted, are marked deleted."""
    import datetime as dt

    from reconcile.entities import banking

    def days_ago(days: int) -> str:  # cdc reaches 30 days back: the changes are recent
        return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat(timespec="seconds")

    url = fresh_db()
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", url)
    pair = load_pairs()["harbour"]

    def purchase(pid: str, updated: str) -> dict:
        return {"Id": pid, "SyncToken": "0", "TxnDate": "2026-10-01", "PaymentType": "Cash", "TotalAmt": 12.0,
                "AccountRef": {"value": "35"}, "MetaData": {"LastUpdatedTime": updated},
                "Line": [{"DetailType": "AccountBasedExpenseLineDetail", "Amount": 12.0, "Description": "Fee",
                          "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "83"}, "TaxCodeRef": {"value": "10"}}}]}

    class QuickBooks:
        def __init__(self) -> None:
            self.purchases = [purchase("1", days_ago(5)), purchase("2", days_ago(4)), purchase("3", days_ago(3))]
            self.deleted: list[str] = []

        def iter_records(self, entity: str, **_: object) -> list[dict]:
            return self.purchases if entity == "Purchase" else []

        def changes(self, entities: list[str], since: object) -> dict:
            return {"Purchase": [{"Id": i, "status": "Deleted"} for i in self.deleted], "Deposit": []}

    ledger = QuickBooks()
    first = staging.stage(banking.SPEC, "quickbooks", pair, ledger, RunInfo("sweep-1", "t"), db_url=url)
    assert first.full and first.staged == 3
    # deleted in QuickBooks: a complete read (forced) no longer returns it
    ledger.purchases = ledger.purchases[1:]
    swept = staging.stage(banking.SPEC, "quickbooks", pair, ledger, RunInfo("sweep-2", "t"), full=True, db_url=url)
    assert swept.deleted == 1
    # deleted later: an incremental read learns it from cdc
    ledger.deleted = ["2"]
    ledger.purchases = [purchase("3", days_ago(1))]
    incremental = staging.stage(banking.SPEC, "quickbooks", pair, ledger, RunInfo("sweep-3", "t"), db_url=url)
    assert not incremental.full and incremental.deleted == 1
    with psycopg.connect(url) as conn:
        state = dict(conn.execute("SELECT ledger_id, deleted FROM ledgerbridge.stg_quickbooks_bank_transactions"))
    assert state == {"Purchase:1": True, "Purchase:2": True, "Purchase:3": False}

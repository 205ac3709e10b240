"""XeroHook against the Xero sandbox over real HTTP, with the token store in real PostgreSQL.

Each test states the calls it expects the hook to make; the sandbox's call log is the witness.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest

from ledgerbridge.http import LedgerAPIError, RateLimitExhausted
from ledgerbridge.tokens import ReauthorisationRequired, TokenStore
from tests.fixtures.sandboxes import xero_connection
from xero.dates import parse_ms_date
from xero.hooks import WriteItem, XeroHook

CONN = "xero_hooktest"


@pytest.fixture
def xero(sandbox_factory):
    return sandbox_factory("xero", "--seed", "11", "--size", "60", "--rate-limits", "off")


@pytest.fixture
def make_hook(xero, airflow_conn, ledger_db_url):
    counter = iter(range(1000))

    def make(conn_id: str | None = None, **extra) -> XeroHook:
        conn_id = conn_id or f"{CONN}_{next(counter)}_{time.monotonic_ns()}"
        airflow_conn(conn_id, xero_connection(xero.info, **extra))
        hook = XeroHook(conn_id, token_store=TokenStore(ledger_db_url))
        hook.max_retry_wait = 3.0
        return hook

    return make


def api_calls(box) -> list[dict]:
    return [c for c in box.calls() if c["path"].startswith(("/api.xro", "/connect", "/connections"))]


def test_connections_lists_the_tenant(xero, make_hook):
    tenants = make_hook().connections()
    assert [t["tenantId"] for t in tenants] == [xero.info["tenant_id"]]


def test_full_read_pages_through_every_record(xero, make_hook):
    hook = make_hook()
    hook.page_size = 20
    xero.control("DELETE", "calls")
    rows = list(hook.iter_records("Invoices"))
    ids = {r["InvoiceID"] for r in rows}
    assert len(ids) == len(rows) > 40
    pages = [c for c in api_calls(xero) if c["path"].endswith("/Invoices")]
    assert len(pages) >= len(rows) // 20
    assert all("page=" in c["query"] and "pageSize=20" in c["query"] for c in pages)
    contacts = list(hook.iter_records("Contacts"))
    assert any(c["ContactStatus"] == "ARCHIVED" for c in contacts), "archived contacts are read too"


def test_incremental_read_returns_only_changes(xero, make_hook):
    hook = make_hook()
    rows = list(hook.iter_records("Contacts"))
    newest = max(parse_ms_date(r["UpdatedDateUTC"]) for r in rows)
    xero.control("POST", "clock", json={"advance": 5})
    target = next(r for r in rows if r["ContactStatus"] == "ACTIVE")
    outcome = hook.write("Contacts", [WriteItem("t", {"ContactID": target["ContactID"],
                                                      "EmailAddress": "changed@example.co.uk"})])
    assert outcome[0].ok, outcome[0].errors
    changed = list(hook.iter_records("Contacts", modified_since=newest + dt.timedelta(seconds=1)))
    assert [r["ContactID"] for r in changed] == [target["ContactID"]]


def test_read_stays_complete_when_records_change_while_paging(xero, make_hook):
    hook = make_hook()
    hook.page_size = 10
    all_ids = {r["ContactID"] for r in hook.iter_records("Contacts")}
    editor = make_hook()
    seen: list[str] = []
    for index, row in enumerate(hook.iter_records("Contacts")):
        seen.append(row["ContactID"])
        if index == 12:
            for early in seen[:3]:
                xero.control("POST", "clock", json={"advance": 2})
                editor.write("Contacts", [WriteItem(early, {"ContactID": early, "AccountNumber": f"MID-{early[:8]}"})])
    assert set(seen) >= all_ids


def test_batch_write_with_one_bad_record_reports_each_outcome(xero, make_hook):
    hook = make_hook()
    items = [
        WriteItem("a", {"Name": "Hook Test Alpha Ltd"}),
        WriteItem("b", {"EmailAddress": "no-name@example.co.uk"}),  # a contact needs a name
        WriteItem("c", {"Name": "Hook Test Gamma Ltd"}),
    ]
    xero.control("DELETE", "calls")
    outcomes = {o.key: o for o in hook.write("Contacts", items, method="PUT")}
    assert outcomes["a"].ok and outcomes["a"].ledger_id
    assert outcomes["c"].ok and outcomes["c"].ledger_id
    assert not outcomes["b"].ok and outcomes["b"].errors
    writes = [c for c in api_calls(xero) if c["method"] == "PUT"]
    assert len(writes) == 1 and "summarizeErrors=false" in writes[0]["query"]
    assert writes[0]["idempotency_key"]


def test_retried_batch_is_replayed_not_applied_twice(xero, make_hook):
    hook = make_hook()
    items = [WriteItem("r1", {"Name": "Replay Test Ltd"})]
    first = hook.write("Contacts", items, method="PUT")
    second = hook.write("Contacts", items, method="PUT")  # a retried task sends the same Idempotency-Key
    assert first[0].ledger_id == second[0].ledger_id
    assert len(list(hook.iter_records("Contacts", where='Name=="Replay Test Ltd"'))) == 1


def test_lost_response_is_retried_and_leaves_one_record(xero, make_hook):
    hook = make_hook()
    xero.control("POST", "faults", json=[{"action": "drop", "method": "PUT", "path": "/Contacts$", "times": 1}])
    outcomes = hook.write("Contacts", [WriteItem("l1", {"Name": "Lost Answer Ltd"})], method="PUT")
    assert outcomes[0].ok
    assert hook.stats.retries == 1
    assert len(list(hook.iter_records("Contacts", where='Name=="Lost Answer Ltd"'))) == 1


def test_5xx_is_retried(xero, make_hook):
    hook = make_hook()
    xero.control("POST", "faults", json=[{"action": "error", "status": 503, "path": "/Contacts$", "times": 2}])
    assert hook.get("Contacts", next(iter(hook.iter_records("Contacts")))["ContactID"])
    assert hook.stats.retries == 2


def test_429_honours_retry_after(xero, make_hook):
    hook = make_hook()
    xero.control("POST", "faults", json=[{"action": "error", "status": 429, "retry_after": 2, "problem": "minute",
                                          "path": "/Organisation$", "times": 1}])
    started = time.monotonic()
    hook.request("GET", "Organisation")
    assert time.monotonic() - started >= 1.9
    assert hook.stats.retries == 1


def test_daily_limit_is_not_waited_for(xero, make_hook):
    hook = make_hook()
    xero.control("POST", "faults", json=[{"action": "error", "status": 429, "retry_after": 3600, "problem": "day",
                                          "path": "/Organisation$", "times": 1}])
    with pytest.raises(RateLimitExhausted, match="daily"):
        hook.request("GET", "Organisation")
    assert hook.stats.retries == 0


def test_validation_errors_are_not_retried_and_name_the_record(xero, make_hook):
    hook = make_hook()
    with pytest.raises(LedgerAPIError) as err:
        hook.request("PUT", "Invoices", json_body={"Invoices": [{"Type": "ACCREC", "Contact": {
            "ContactID": "00000000-0000-0000-0000-000000000000"}, "LineItems": []}]}, record="INV-TEST-1")
    assert err.value.status == 400
    assert "INV-TEST-1" in str(err.value) and "xero" in str(err.value)
    assert hook.stats.retries == 0


def test_history_note(xero, make_hook):
    hook = make_hook()
    invoice = next(iter(hook.iter_records("Invoices")))
    hook.add_history("Invoices", invoice["InvoiceID"], "Copied to QuickBooks Online as Invoice 123")
    hook.add_history("Invoices", invoice["InvoiceID"], "Copied to QuickBooks Online as Invoice 123")  # a retry
    notes = [h["Details"] for h in hook.history("Invoices", invoice["InvoiceID"])]
    assert notes.count("Copied to QuickBooks Online as Invoice 123") == 1


def test_expired_access_token_gets_one_refresh(xero, make_hook, ledger_db_url):
    hook = make_hook()
    hook.request("GET", "Organisation")
    before = TokenStore(ledger_db_url).state(hook.conn_id)
    xero.control("POST", "tokens/expire")
    xero.control("DELETE", "calls")
    hook.request("GET", "Organisation")
    paths = [c["path"] for c in api_calls(xero)]
    assert paths.count("/connect/token") == 1
    assert paths.count("/api.xro/2.0/Organisation") == 2  # the refused call and its repeat
    after = TokenStore(ledger_db_url).state(hook.conn_id)
    assert after["refresh_count"] == before["refresh_count"] + 1
    assert after["refresh_token"] != before["refresh_token"]  # Xero rotates on every refresh


def test_two_concurrent_refreshers_spend_one_token(xero, make_hook):
    conn_id = f"{CONN}_shared_{time.monotonic_ns()}"
    hooks = [make_hook(conn_id) for _ in range(4)]
    xero.control("DELETE", "calls")
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(hooks))

    def work(h: XeroHook) -> None:
        try:
            barrier.wait()
            h.request("GET", "Organisation")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(h,)) for h in hooks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [c["path"] for c in api_calls(xero)].count("/connect/token") == 1


def test_revoked_refresh_token_asks_to_reauthorise(xero, make_hook, airflow_conn):
    conn_id = f"{CONN}_revoked"
    hook = make_hook(conn_id)
    airflow_conn(conn_id, xero_connection({**xero.info, "refresh_token": "not-a-token-xero-issued"}))
    with pytest.raises(ReauthorisationRequired, match=conn_id):
        hook.request("GET", "Organisation")


def test_client_credentials_needs_no_refresh_token(xero, make_hook):
    hook = make_hook(grant_type="client_credentials")
    assert hook.request("GET", "Organisation").json()["Organisations"]


def test_token_endpoint_field_has_no_masked_name_and_older_connections_still_work(xero, airflow_conn, ledger_db_url):
    """Airflow masks extra fields whose name holds "token": the form field is ``oauth_url``; a connection saved
    with the older ``token_url`` still refreshes, and one saved with the masked ``***`` falls back to the default
    endpoint instead of posting to "***"."""
    from ledgerbridge.provider import get_provider_info

    fields = [name for ct in get_provider_info()["connection-types"] for name in ct["conn-fields"]]
    assert "oauth_url" in fields and not [f for f in fields if "token" in f and f != "refresh_token"]

    old = json.loads(xero_connection(xero.info))
    old["extra"]["token_url"] = old["extra"].pop("oauth_url")
    airflow_conn("xero_old_field", json.dumps(old))
    hook = XeroHook("xero_old_field", token_store=TokenStore(ledger_db_url))
    assert hook.token_url == xero.info["token_url"]
    assert hook.access_token()

    masked = json.loads(xero_connection(xero.info))
    masked["extra"]["token_url"] = "***"
    del masked["extra"]["oauth_url"]
    airflow_conn("xero_masked", json.dumps(masked))
    assert XeroHook("xero_masked", token_store=TokenStore(ledger_db_url)).token_url == XeroHook.default_token_url

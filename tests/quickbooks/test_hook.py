"""QuickBooksHook against the QuickBooks sandbox over real HTTP, with the token store in real PostgreSQL.

Each test states the calls it expects the hook to make; the sandbox's call log is the witness.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from ledgerbridge.http import LedgerAPIError
from ledgerbridge.tokens import ReauthorisationRequired, TokenStore
from quickbooks.hooks import BatchItem, QuickBooksHook
from tests.fixtures.sandboxes import quickbooks_connection

CONN = "quickbooks_hooktest"


@pytest.fixture
def qb(sandbox_factory):
    return sandbox_factory("quickbooks", "--seed", "11", "--size", "60", "--rate-limits", "off")


@pytest.fixture
def make_hook(qb, airflow_conn, ledger_db_url):
    counter = iter(range(1000))

    def make(conn_id: str | None = None, **kwargs) -> QuickBooksHook:
        conn_id = conn_id or f"{CONN}_{next(counter)}_{time.monotonic_ns()}"
        airflow_conn(conn_id, quickbooks_connection(qb.info))
        hook = QuickBooksHook(conn_id, token_store=TokenStore(ledger_db_url), **kwargs)
        hook.max_retry_wait = 2.0
        return hook

    return make


def api_calls(box, since: int = 0) -> list[dict]:
    return [c for c in box.calls()[since:] if "/v3/company/" in c["path"] or c["path"].startswith("/oauth2")]


def test_full_read_pages_through_every_record(qb, make_hook):
    hook = make_hook()
    hook.page_size = 25  # several pages out of the seeded books
    expected = hook.count("Invoice")
    qb.control("DELETE", "calls")
    rows = list(hook.iter_records("Invoice"))
    assert len(rows) == expected > 50
    assert len({r["Id"] for r in rows}) == expected
    queries = [c for c in api_calls(qb) if c["path"].endswith("/query")]
    # pages of 25, each re-asking from the last change seen, plus the final short page
    assert len(queries) >= expected // 25
    customers = list(hook.iter_records("Customer"))
    assert any(c.get("Active") is False for c in customers), "inactive customers are read too"


def test_incremental_read_returns_only_changes(qb, make_hook):
    hook = make_hook()
    rows = list(hook.iter_records("Customer"))
    newest = max(dt.datetime.fromisoformat(r["MetaData"]["LastUpdatedTime"]) for r in rows)
    qb.control("POST", "clock", json={"advance": 5})
    target = rows[0]
    hook.write_one("Customer", {"Id": target["Id"], "SyncToken": target["SyncToken"], "sparse": True,
                                "Notes": "changed by the incremental test"})
    changed = list(hook.iter_records("Customer", modified_since=newest + dt.timedelta(seconds=1)))
    assert [r["Id"] for r in changed] == [target["Id"]]


def test_read_stays_complete_when_records_change_while_paging(qb, make_hook):
    hook = make_hook()
    hook.page_size = 10
    all_ids = {r["Id"] for r in hook.iter_records("Invoice")}
    editor = make_hook()
    seen: list[str] = []
    for index, row in enumerate(hook.iter_records("Invoice")):
        seen.append(row["Id"])
        if index == 12:
            # records already read change mid-read: page numbers alone would now skip one at a page boundary
            for early in seen[:3]:
                current = editor.get("Invoice", early)
                if current.get("PrivateNote", "").startswith("Voided"):
                    continue
                qb.control("POST", "clock", json={"advance": 1})
                editor.write_one("Invoice", {"Id": early, "SyncToken": current["SyncToken"], "sparse": True,
                                             "PrivateNote": f"edited mid-read {early}"})
    assert set(seen) >= all_ids


def test_cdc_reports_changes_and_hard_deletes(qb, make_hook):
    hook = make_hook()
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    invoice = next(iter(hook.iter_records("Invoice")))
    qb.control("POST", "hard-delete", json={"entity": "Invoice", "id": invoice["Id"]})
    changes = hook.changes(["Invoice", "Customer"], start)
    deleted = [r for r in changes["Invoice"] if r.get("status") == "Deleted"]
    assert [r["Id"] for r in deleted] == [invoice["Id"]]
    assert hook.get("Invoice", invoice["Id"]) is None
    with pytest.raises(ValueError, match="30-day window"):
        hook.changes(["Invoice"], dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=31))


def test_batch_write_with_one_bad_record_reports_each_outcome(qb, make_hook):
    hook = make_hook()
    existing = next(iter(hook.iter_records("Customer")))
    items = [
        BatchItem("a", "Customer", "create", {"DisplayName": "Hook Test Alpha Ltd"}),
        BatchItem("b", "Customer", "create", {"DisplayName": existing["DisplayName"]}),  # 6240 duplicate name
        BatchItem("c", "Customer", "create", {"DisplayName": "Hook Test Gamma Ltd"}),
    ]
    qb.control("DELETE", "calls")
    outcomes = {o.key: o for o in hook.batch(items)}
    assert outcomes["a"].ok and outcomes["a"].ledger_id
    assert outcomes["c"].ok and outcomes["c"].ledger_id
    assert not outcomes["b"].ok and outcomes["b"].codes == ["6240"]
    assert "Duplicate Name" in outcomes["b"].errors[0] or "already" in outcomes["b"].errors[0]
    assert [c["path"].rsplit("/", 1)[1] for c in api_calls(qb)] == ["batch"]  # one request for three records


def test_retried_batch_is_replayed_not_applied_twice(qb, make_hook):
    hook = make_hook()
    items = [BatchItem("x1", "Customer", "create", {"DisplayName": "Replay Test Ltd"})]
    first = hook.batch(items)
    second = hook.batch(items)  # a retried task sends the same requestid
    assert first[0].ledger_id == second[0].ledger_id
    assert hook.count("Customer", "DisplayName = 'Replay Test Ltd'") == 1


def test_lost_response_is_retried_and_leaves_one_record(qb, make_hook):
    hook = make_hook()
    qb.control("POST", "faults", json=[{"action": "drop", "method": "POST", "path": "/batch$", "times": 1}])
    outcomes = hook.batch([BatchItem("l1", "Customer", "create", {"DisplayName": "Lost Answer Ltd"})])
    assert outcomes[0].ok
    assert hook.stats.retries == 1
    assert hook.count("Customer", "DisplayName = 'Lost Answer Ltd'") == 1


def test_5xx_is_retried(qb, make_hook):
    hook = make_hook()
    qb.control("POST", "faults", json=[{"action": "error", "status": 503, "path": "/query$", "times": 2}])
    assert hook.count("Invoice") > 0
    assert hook.stats.retries == 2


def test_429_waits_then_succeeds(qb, make_hook):
    hook = make_hook()
    hook.throttle_wait = 1.5  # QuickBooks sends no Retry-After; production waits 60 s
    qb.control("POST", "faults", json=[{"action": "error", "status": 429, "path": "/query$", "times": 1}])
    started = time.monotonic()
    assert hook.count("Customer") > 0
    assert time.monotonic() - started >= 1.4
    assert hook.stats.retries == 1


def test_validation_errors_are_not_retried_and_name_the_record(qb, make_hook):
    hook = make_hook()
    with pytest.raises(LedgerAPIError) as err:
        hook.write_one("Invoice", {"CustomerRef": {"value": "999999"}, "Line": []}, record="INV-TEST-1")
    assert err.value.status == 400
    assert "INV-TEST-1" in str(err.value) and "quickbooks" in str(err.value)
    assert hook.stats.retries == 0


def test_stale_sync_token_is_5010(qb, make_hook):
    hook = make_hook()
    customer = next(iter(hook.iter_records("Customer")))
    hook.write_one("Customer", {"Id": customer["Id"], "SyncToken": customer["SyncToken"], "sparse": True,
                                "Notes": "first"})
    with pytest.raises(LedgerAPIError) as err:
        hook.write_one("Customer", {"Id": customer["Id"], "SyncToken": customer["SyncToken"], "sparse": True,
                                    "Notes": "second, from a stale read"})
    assert err.value.code == "5010"


def test_expired_access_token_gets_one_refresh(qb, make_hook, ledger_db_url):
    hook = make_hook()
    hook.count("Customer")
    first = TokenStore(ledger_db_url).state(hook.conn_id)
    qb.control("POST", "tokens/expire")
    qb.control("DELETE", "calls")
    assert hook.count("Customer") > 0
    paths = [c["path"] for c in api_calls(qb)]
    assert paths.count("/oauth2/v1/tokens/bearer") == 1
    assert sum(p.endswith("/query") for p in paths) == 2  # the refused call and its repeat
    assert TokenStore(ledger_db_url).state(hook.conn_id)["refresh_count"] == first["refresh_count"] + 1


def test_two_concurrent_refreshers_spend_one_token(qb, make_hook):
    conn_id = f"{CONN}_shared_{time.monotonic_ns()}"
    hooks = [make_hook(conn_id) for _ in range(4)]
    qb.control("DELETE", "calls")
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(hooks))

    def work(h: QuickBooksHook) -> None:
        try:
            barrier.wait()
            h.count("Customer")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(h,)) for h in hooks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    token_calls = [c for c in api_calls(qb) if c["path"] == "/oauth2/v1/tokens/bearer"]
    assert len(token_calls) == 1


def test_revoked_refresh_token_asks_to_reauthorise(qb, make_hook, airflow_conn):
    conn_id = f"{CONN}_revoked"
    hook = make_hook(conn_id)
    airflow_conn(conn_id, quickbooks_connection({**qb.info, "refresh_token": "not-a-token-the-ledger-issued"}))
    with pytest.raises(ReauthorisationRequired, match=conn_id):
        hook.count("Customer")

"""Throttling (fact sheet §4): 500 requests a minute per realm, 40 batch calls a minute, 10 at once, each answered
with 429 and the ThrottleExceeded Fault; and injected faults (5xx, delays)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.sandbox.quickbooks.conftest import QBApi

INFO = "companyinfo/{realm}"


def _throttled(qb: QBApi, response) -> None:
    assert response.status_code == 429
    fault = qb.fault(response)
    assert fault["code"] == "3001" and fault["type"] == "SERVICE"
    assert "ThrottleExceeded" in fault["Message"]
    assert "Retry-After" not in response.headers  # Intuit documents none; clients wait a minute


def test_500_a_minute_then_429_until_the_window_ends(qb_factory) -> None:
    qb: QBApi = qb_factory()
    path = INFO.format(realm=qb.info["realm_id"])
    statuses = [qb.get(path).status_code for _ in range(500)]
    assert statuses.count(200) == 500
    _throttled(qb, qb.get(path))
    assert qb.token().status_code == 200  # the token endpoint is not metered
    qb.control("POST", "clock", json={"advance": 61})
    assert qb.get(path).status_code == 200
    qb.control("POST", "ratelimits", json={"enabled": False})
    assert all(qb.get(path).status_code == 200 for _ in range(5))


def test_40_batch_calls_a_minute(qb_factory) -> None:
    qb: QBApi = qb_factory()
    body = {"BatchItemRequest": [{"bId": "q", "Query": "SELECT COUNT(*) FROM TaxCode"}]}
    assert all(qb.post("batch", body).status_code == 200 for _ in range(40))
    _throttled(qb, qb.post("batch", body))
    assert qb.get("preferences").status_code == 200  # other calls still go through
    qb.control("POST", "ratelimits", json={"reset": True})
    assert qb.post("batch", body).status_code == 200


def test_ten_at_once(qb_factory) -> None:
    qb: QBApi = qb_factory("--latency-ms", "600")
    path = INFO.format(realm=qb.info["realm_id"])
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=14) as pool:
        responses = list(pool.map(lambda _: qb.session.get(f"{qb.company}/{path}", timeout=30), range(14)))
    elapsed = time.monotonic() - started
    ok = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 429]
    assert len(ok) == 10 and len(refused) == 4, [r.status_code for r in responses]
    _throttled(qb, refused[0])
    assert elapsed < 3  # the ten ran side by side, not one after another
    assert sum(1 for c in qb.box.calls() if c["note"] == "throttled:concurrent") == 4


def test_injected_faults(qb: QBApi) -> None:
    path = INFO.format(realm=qb.info["realm_id"])
    qb.control("POST", "faults", json=[{"action": "error", "status": 503, "path": "companyinfo", "times": 2},
                                       {"action": "error", "status": 500, "path": "preferences",
                                        "retry_after": 7}])
    first, second, third = (qb.get(path) for _ in range(3))
    assert first.status_code == second.status_code == 503 and "html" in first.headers["content-type"]
    assert third.status_code == 200
    broken = qb.get("preferences")
    assert broken.status_code == 500 and broken.headers["Retry-After"] == "7"
    fault = qb.fault(broken)
    assert fault["code"] == "10000" and fault["type"] == "SystemFault"
    qb.control("POST", "faults", json={"action": "delay", "delay": 0.4, "path": "companyinfo"})
    started = time.monotonic()
    assert qb.get(path).status_code == 200 and time.monotonic() - started >= 0.4
    calls = qb.box.calls()
    assert [c["status"] for c in calls if c["note"] == "fault:503"] == [503, 503]
    qb.control("DELETE", "calls")
    assert qb.box.calls() == []

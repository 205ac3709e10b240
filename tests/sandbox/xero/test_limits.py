"""Limits per tenant: 60 calls a minute, 5 at once, 5000 a day, 10000 a minute app-wide (fact sheet §4)."""

from __future__ import annotations

import threading

import requests

from tests.sandbox.xero.conftest import Factory


def test_minute_limit_answers_429_with_retry_after(xero_factory: Factory) -> None:
    xero = xero_factory()
    remaining = []
    for _ in range(60):
        response = xero.get("Currencies")
        assert response.status_code == 200
        remaining.append(int(response.headers["X-MinLimit-Remaining"]))
    assert remaining[0] == 59 and remaining[-1] == 0
    assert int(response.headers["X-DayLimit-Remaining"]) == 4940
    assert int(response.headers["X-AppMinLimit-Remaining"]) == 9940

    refused = xero.get("Currencies")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-MinLimit-Remaining"] == "0"
    # a refused call is not counted against the day
    assert int(refused.headers["X-DayLimit-Remaining"]) == 4940

    xero.control("POST", "clock", json={"advance": int(refused.headers["Retry-After"])})
    assert xero.get("Currencies").status_code == 200


def test_day_limit_says_day_and_waits_hours(xero_factory: Factory) -> None:
    xero = xero_factory()
    xero.control("POST", "ratelimits", json={"limits": {"day": 3}, "reset": True})
    for _ in range(3):
        assert xero.get("Organisation").status_code == 200
    refused = xero.get("Organisation")
    assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "day"
    assert int(refused.headers["Retry-After"]) > 3600
    assert refused.headers["X-DayLimit-Remaining"] == "0"


def test_five_calls_at_once(xero_factory: Factory) -> None:
    xero = xero_factory("--latency-ms", "1200")  # wide enough for a busy machine
    barrier = threading.Barrier(7)
    results: list[requests.Response] = []
    lock = threading.Lock()

    def call() -> None:
        barrier.wait()
        response = xero.get("Currencies")
        with lock:
            results.append(response)

    threads = [threading.Thread(target=call) for _ in range(7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 5 + [429] * 2
    refused = [r for r in results if r.status_code == 429]
    assert all(r.headers["X-Rate-Limit-Problem"] == "concurrent" and r.headers["Retry-After"] for r in refused)
    assert xero.get("Currencies").status_code == 200  # slots free again


def test_limits_off_still_send_the_headers(xero_factory: Factory) -> None:
    xero = xero_factory("--rate-limits", "off")
    for _ in range(62):
        response = xero.get("Currencies")
        assert response.status_code == 200
    assert response.headers["X-MinLimit-Remaining"] == "0"
    xero.control("POST", "ratelimits", json={"enabled": True})
    assert xero.get("Currencies").headers["X-Rate-Limit-Problem"] == "minute"


def test_app_minute_limit_counts_tenantless_calls(xero_factory: Factory) -> None:
    xero = xero_factory()
    xero.control("POST", "ratelimits", json={"limits": {"appminute": 2}, "reset": True})
    auth = {"Authorization": f"Bearer {xero.access_token}"}
    first = xero.http.get(xero.info["connections_url"], headers=auth)
    assert first.status_code == 200 and first.headers["X-AppMinLimit-Remaining"] == "1"
    assert xero.get("Currencies").status_code == 200
    refused = xero.http.get(xero.info["connections_url"], headers=auth)
    assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "appminute"


def test_injected_429_carries_the_headers_clients_read(xero_factory: Factory) -> None:
    xero = xero_factory()
    xero.control("POST", "faults", json=[{"action": "error", "status": 429, "retry_after": 7, "problem": "minute",
                                          "path": "/Invoices$"}])
    refused = xero.get("Invoices")
    assert refused.status_code == 429
    assert (refused.headers["Retry-After"], refused.headers["X-Rate-Limit-Problem"]) == ("7", "minute")
    assert xero.get("Invoices").status_code == 200

"""The spec checks every other test relies on do fail on responses that break Xero's contract."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.sandbox.xero.spec import SpecChecker, SpecError

BASE = "http://127.0.0.1:1/api.xro/2.0"
TOKEN = "http://127.0.0.1:1/connect/token"
LIMITS = {"X-MinLimit-Remaining": "59", "X-DayLimit-Remaining": "4999", "X-AppMinLimit-Remaining": "9999",
          "content-type": "application/json; charset=utf-8"}
GOOD_INVOICE = {"Type": "ACCREC", "InvoiceID": "d4956132-ed94-4dd7-9eaa-aa22dfdf06f2", "Status": "AUTHORISED",
                "LineAmountTypes": "Exclusive", "Total": 40.0, "Date": "/Date(1539993600000+0000)/",
                "UpdatedDateUTC": "/Date(1541176290160+0000)/", "CurrencyCode": "GBP"}
ENVELOPE = {"Id": "900c500b-e83c-4ce2-902a-b8ba04751748", "Status": "OK", "ProviderName": "ledgerbridge",
            "DateTimeUTC": "/Date(1552326816230)/"}


def _check(spec: SpecChecker, body: Any, status: int = 200, headers: dict[str, str] | None = None,
           path: str = "/Invoices", method: str = "GET") -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    spec.check(method, BASE + path, status, headers if headers is not None else LIMITS, raw, BASE, TOKEN)


def test_a_good_response_passes(spec: SpecChecker) -> None:
    _check(spec, {**ENVELOPE, "Invoices": [GOOD_INVOICE]})


@pytest.mark.parametrize("body, status, headers, why", [
    ({**ENVELOPE, "Invoices": [{**GOOD_INVOICE, "Status": "BOGUS"}]}, 200, None, "enum"),
    ({**ENVELOPE, "Invoices": [{**GOOD_INVOICE, "Total": "40.00"}]}, 200, None, "type"),
    ({**ENVELOPE, "Invoices": [{**GOOD_INVOICE, "InvoiceID": "INV-1"}]}, 200, None, "uuid"),
    ({**ENVELOPE, "Invoices": [{**GOOD_INVOICE, "UpdatedDateUTC": "2026-01-01T00:00:00"}]}, 200, None, "date"),
    ({**ENVELOPE, "Invoices": [{**GOOD_INVOICE, "Date": "/Date(1539993600000+00)/"}]}, 200, None, "date offset"),
    ({"Status": "OK", "Invoices": [GOOD_INVOICE]}, 200, None, "envelope"),
    ({**ENVELOPE, "Invoices": []}, 200, {"content-type": "application/json"}, "limit headers"),
    ({"Message": "nope"}, 404, None, "404 as JSON"),
    (b"Unauthorized", 401, {"content-type": "text/plain"}, "401 as text"),
    (b"slow down", 429, {**LIMITS, "X-Rate-Limit-Problem": "minute"}, "429 without Retry-After"),
    ({"ErrorNumber": "ten", "Type": "ValidationException"}, 400, None, "Error schema"),
])
def test_contract_breaches_fail(spec: SpecChecker, body: Any, status: int, headers: dict[str, str] | None,
                                why: str) -> None:
    with pytest.raises(SpecError):
        _check(spec, body, status, headers)


def test_token_and_connections_shapes(spec: SpecChecker) -> None:
    good = {"access_token": "a", "expires_in": 1800, "token_type": "Bearer", "refresh_token": "r", "scope": "x"}
    spec.check("POST", TOKEN, 200, {}, json.dumps(good).encode(), BASE, TOKEN)
    with pytest.raises(SpecError):
        spec.check("POST", TOKEN, 200, {}, json.dumps({**good, "expires_in": "1800"}).encode(), BASE, TOKEN)
    row = {"id": "7cb59f93-2964-421d-bb5e-a0f7a4572a44", "tenantId": "fe79f7dd-b6d4-4a92-ba7b-538af6289c58",
           "authEventId": "fe79f7dd-b6d4-4a92-ba7b-538af6289c59", "tenantName": "Demo", "tenantType": "ORGANISATION",
           "createdDateUtc": "2019-12-07T18:46:19.5165400", "updatedDateUtc": "2019-12-07T18:46:19.5187840"}
    headers = {"X-AppMinLimit-Remaining": "9999", "content-type": "application/json"}
    spec.check("GET", "http://127.0.0.1:1/connections", 200, headers, json.dumps([row]).encode(), BASE, TOKEN)
    with pytest.raises(SpecError):
        spec.check("GET", "http://127.0.0.1:1/connections", 200, {**headers, "X-MinLimit-Remaining": "1"},
                   json.dumps([row]).encode(), BASE, TOKEN)
    with pytest.raises(SpecError):
        spec.check("GET", "http://127.0.0.1:1/connections", 200, headers,
                   json.dumps([{**row, "createdDateUtc": "2019-12-07T18:46:19Z"}]).encode(), BASE, TOKEN)


def test_files_204s_bare_allocations_and_413(spec: SpecChecker) -> None:
    """Attachment bytes only where the spec declares a file, 204 only where declared, the bare Allocation of a
    deleted allocation without the envelope, 413 as problem details."""
    invoice_id, attachment_id = GOOD_INVOICE["InvoiceID"], "5a500c1a-5a02-48de-939e-1d234fd170d4"
    pdf = {**LIMITS, "content-type": "application/pdf"}
    _check(spec, b"%PDF-1.4", headers=pdf, path=f"/Invoices/{invoice_id}/Attachments/{attachment_id}")
    with pytest.raises(SpecError):  # a file where JSON is due
        _check(spec, b"%PDF-1.4", headers=pdf, path=f"/Invoices/{invoice_id}")
    with pytest.raises(SpecError):  # a file without its type
        _check(spec, b"%PDF-1.4", headers={k: v for k, v in LIMITS.items() if k != "content-type"},
               path=f"/Invoices/{invoice_id}/Attachments/scan.pdf")

    no_body = {k: v for k, v in LIMITS.items() if k != "content-type"}
    _check(spec, b"", 204, no_body, path=f"/Items/{invoice_id}", method="DELETE")
    with pytest.raises(SpecError):
        _check(spec, b"", 204, no_body, path=f"/Invoices/{invoice_id}", method="POST")
    with pytest.raises(SpecError):
        _check(spec, b"{}", 204, no_body, path=f"/Items/{invoice_id}", method="DELETE")

    allocation = {"AllocationID": attachment_id, "Amount": 5.0, "Date": "/Date(1551744000000+0000)/",
                  "Invoice": {"InvoiceID": invoice_id}, "IsDeleted": True}
    _check(spec, allocation, path=f"/CreditNotes/{invoice_id}/Allocations/{attachment_id}", method="DELETE")
    with pytest.raises(SpecError):  # the Allocation schema requires Amount, Invoice and Date
        _check(spec, {k: v for k, v in allocation.items() if k != "Invoice"},
               path=f"/CreditNotes/{invoice_id}/Allocations/{attachment_id}", method="DELETE")

    too_big = {"Type": None, "Title": "RequestEntityTooLarge", "Status": 413, "Detail": "PayloadTooLarge",
               "Instance": attachment_id, "Extensions": {}}
    _check(spec, too_big, 413, path=f"/Invoices/{invoice_id}/Attachments/a.pdf", method="PUT")
    with pytest.raises(SpecError):
        _check(spec, {**too_big, "Status": 400}, 413, path=f"/Invoices/{invoice_id}/Attachments/a.pdf", method="PUT")

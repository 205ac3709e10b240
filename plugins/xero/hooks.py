"""XeroHook: the Xero Accounting API through an Airflow connection of type ``xero``.

Connection: login = client id, password = client secret; extras ``tenant_id``, ``refresh_token`` (seeds the
token store), ``grant_type`` (``refresh_token`` or ``client_credentials`` for a custom connection), and the URLs
``api_url`` / ``oauth_url`` (formerly ``token_url``) / ``connections_url`` (production unless set: that is how a sandbox is used).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import requests

from ledgerbridge.http import LedgerAPIError, LedgerHook, RateLimitExhausted
from ledgerbridge.paging import PageRequest, keyset_pages
from ledgerbridge.tokens import ReauthorisationRequired, TokenGrant
from xero.dates import http_date, parse_ms_date

log = logging.getLogger(__name__)

# resource -> the id field of its records
ID_FIELDS: dict[str, str] = {
    "Contacts": "ContactID",
    "Invoices": "InvoiceID",
    "CreditNotes": "CreditNoteID",
    "Payments": "PaymentID",
    "BankTransactions": "BankTransactionID",
    "ManualJournals": "ManualJournalID",
    "Items": "ItemID",
    "Accounts": "AccountID",
    "Overpayments": "OverpaymentID",
    "Prepayments": "PrepaymentID",
    "Allocations": "AllocationID",
    "Attachments": "AttachmentID",
}
# resources whose GET list takes page/pageSize (fact sheet §2.2); the others return everything at once
PAGED = {"Contacts", "Invoices", "CreditNotes", "Payments", "BankTransactions", "ManualJournals", "Overpayments",
         "Prepayments"}
ARCHIVABLE = {"Contacts", "Invoices"}


@dataclass(frozen=True)
class WriteItem:
    """One record to write. ``key`` is the caller's name for it (an outbox id); it travels into the outcome."""

    key: str
    payload: dict[str, Any]


@dataclass
class WriteOutcome:
    key: str
    ok: bool
    ledger_id: str | None = None
    errors: list[str] = field(default_factory=list)
    record: dict[str, Any] | None = None
    idempotency_key: str | None = None


def idempotency_key(method: str, path: str, body: Any) -> str:
    """Derived from what is written, so a retried task re-sends the same key (Xero allows 128 characters)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return "lb-" + hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


class XeroHook(LedgerHook):
    ledger = "xero"
    conn_type = "xero"
    default_conn_name = "xero_default"
    hook_name = "Xero"
    default_api_url = "https://api.xero.com/api.xro/2.0"
    default_token_url = "https://identity.xero.com/connect/token"
    default_connections_url = "https://api.xero.com/connections"
    # 60 calls a minute per tenant; the 5-at-once limit is kept by Airflow pools across tasks
    pacer_limits = {"any": (60, 60.0)}
    page_size = 1000
    batch_size = 50

    # --- connection -----------------------------------------------------------------------------------------------
    @property
    def grant_type(self) -> str:
        return str(self.extra("grant_type", "refresh_token"))

    @property
    def tenant_id(self) -> str | None:
        tenant = self.extra("tenant_id")
        if not tenant and self.grant_type != "client_credentials":
            self.require(tenant, "tenant_id (extra)")
        return tenant

    def _grant(self, refresh_token: str | None) -> TokenGrant:
        if self.grant_type == "client_credentials":
            return self._post_token({"grant_type": "client_credentials"})
        if not refresh_token:
            # never connected, or disconnected: the store holds no token and the connection seeds none
            raise ReauthorisationRequired(self.ledger, self.conn_id, "no refresh token is stored")
        return self._post_token({"grant_type": "refresh_token", "refresh_token": str(refresh_token)})

    def _seed_refresh_token(self) -> str | None:
        return None if self.grant_type == "client_credentials" else self.extra("refresh_token")

    def _headers(self) -> dict[str, str]:
        tenant = self.tenant_id
        return {"xero-tenant-id": tenant} if tenant else {}

    # --- responses ------------------------------------------------------------------------------------------------
    def _observe(self, response: requests.Response) -> None:
        remaining = response.headers.get("X-MinLimit-Remaining")
        if remaining is not None and remaining.isdigit():
            # the minute window resets at a time Xero does not tell, except in a 429's Retry-After
            window = self._retry_after(response) if response.status_code == 429 else None
            self.pacer.note_remaining(int(remaining), window or 60.0)

    def _raise_for_limit(self, response: requests.Response, method: str, endpoint: str, detail: str,
                         record: str | None) -> None:
        if response.status_code == 429 and response.headers.get("X-Rate-Limit-Problem", "").lower() == "day":
            raise RateLimitExhausted(self.ledger, method, endpoint, 429,
                                     f"the daily call limit of tenant {self.tenant_id} is spent; it resets in "
                                     f"{response.headers.get('Retry-After', '?')}s", record)

    def _error_detail(self, response: requests.Response) -> tuple[str, str | None]:
        try:
            body = response.json()
        except ValueError:
            return response.text.strip()[:500] or response.reason, None
        if isinstance(body, dict):
            if body.get("Type") == "ValidationException" or "Elements" in body:
                messages = [
                    ve.get("Message", "")
                    for element in body.get("Elements") or []
                    for ve in element.get("ValidationErrors") or []
                ]
                return "; ".join(m for m in messages if m) or body.get("Message", "validation error"), \
                    str(body.get("ErrorNumber", "")) or None
            if "Detail" in body or "Title" in body:  # problem-details (401/403)
                return f"{body.get('Title', '')}: {body.get('Detail', '')}".strip(": "), None
            if "Message" in body:
                return str(body["Message"]), None
        return json.dumps(body)[:500], None

    # --- reads ----------------------------------------------------------------------------------------------------
    def connections(self) -> list[dict[str, Any]]:
        """GET /connections: the tenants this app's token may reach."""
        url = str(self.extra("connections_url", self.default_connections_url))
        return self.request("GET", url).json()

    def get(self, resource: str, record_id: str) -> dict[str, Any] | None:
        response = self.request("GET", f"{resource}/{record_id}", record=record_id, ok_statuses=(404,))
        if response.status_code == 404:
            return None
        items = response.json().get(resource) or []
        return items[0] if items else None

    def iter_records(self, resource: str, *, modified_since: dt.datetime | None = None, where: str | None = None,
                     include_archived: bool = True, params: dict[str, Any] | None = None) -> Iterator[dict]:
        """Every record of ``resource`` changed at or after ``modified_since`` (all when None), oldest first.

        Pages of 1000 ordered by UpdatedDateUTC, each page asking again with If-Modified-Since at the last change
        seen, so the read stays complete while records change under it (``ledgerbridge.paging``).
        """
        id_field = ID_FIELDS[resource]
        base = dict(params or {})
        if where:
            base["where"] = where
        if include_archived and resource in ARCHIVABLE:
            base["includeArchived"] = "true"
        base["order"] = "UpdatedDateUTC ASC"

        if resource not in PAGED:
            headers = {"If-Modified-Since": http_date(modified_since)} if modified_since else None
            yield from self.request("GET", resource, params=base, headers=headers).json().get(resource) or []
            return

        def fetch(req: PageRequest) -> list[dict]:
            page = req.offset // req.size + 1
            headers = {"If-Modified-Since": http_date(req.since)} if req.since else None
            body = self.request("GET", resource, params={**base, "page": page, "pageSize": req.size},
                                headers=headers).json()
            return body.get(resource) or []

        def cursor(row: dict) -> dt.datetime:
            # If-Modified-Since is accurate to the second: the cursor is the second of the last change
            return parse_ms_date(row["UpdatedDateUTC"]).replace(microsecond=0)  # type: ignore[union-attr]

        start = modified_since.replace(microsecond=0) if modified_since else None
        yield from keyset_pages(fetch, cursor_of=cursor, identity_of=lambda r: r[id_field],
                                version_of=lambda r: r.get("UpdatedDateUTC"), page_size=self.page_size,
                                since=start)

    # --- writes ---------------------------------------------------------------------------------------------------
    def write(self, resource: str, items: Sequence[WriteItem], *, method: str = "POST") -> list[WriteOutcome]:
        """Create (PUT) or create-or-update (POST) records in batches of 50 with per-record outcomes.

        Each batch carries an Idempotency-Key derived from its content, so a retried task replays instead of
        writing twice. Records are matched to results by position, which Xero keeps.
        """
        outcomes: list[WriteOutcome] = []
        id_field = ID_FIELDS.get(resource)
        for start in range(0, len(items), self.batch_size):
            chunk = items[start:start + self.batch_size]
            body = {resource: [item.payload for item in chunk]}
            key = idempotency_key(method, resource, body)
            response = self.request(method, resource, params={"summarizeErrors": "false"}, json_body=body,
                                    headers={"Idempotency-Key": key},
                                    record=", ".join(item.key for item in chunk[:3]) + ("…" if len(chunk) > 3 else ""))
            results = response.json().get(resource) or []
            if len(results) != len(chunk):
                raise LedgerAPIError(self.ledger, method, resource, response.status_code,
                                     f"sent {len(chunk)} records, got {len(results)} results")
            for item, result in zip(chunk, results):
                errors = [ve.get("Message", "") for ve in result.get("ValidationErrors") or []]
                ok = result.get("StatusAttributeString", "OK") != "ERROR" and not errors
                outcomes.append(WriteOutcome(item.key, ok, result.get(id_field) if id_field else None, errors,
                                             result, key))
        return outcomes

    def add_history(self, resource: str, record_id: str, details: str) -> None:
        """A note on the record's History (shown in Xero's UI), e.g. where it was copied to."""
        body = {"HistoryRecords": [{"Details": details[:250]}]}
        path = f"{resource}/{record_id}/History"
        self.request("PUT", path, json_body=body, headers={"Idempotency-Key": idempotency_key("PUT", path, body)},
                     record=record_id)

    def history(self, resource: str, record_id: str) -> list[dict[str, Any]]:
        return self.request("GET", f"{resource}/{record_id}/History", record=record_id).json().get(
            "HistoryRecords") or []

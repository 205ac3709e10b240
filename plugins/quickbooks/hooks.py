"""QuickBooksHook: the QuickBooks Online Accounting API v3 through an Airflow connection of type ``quickbooks``.

Connection: login = client id, password = client secret; extras ``realm_id``, ``refresh_token`` (seeds the token
store), ``minorversion`` (75), and the URLs ``api_url`` / ``oauth_url`` (formerly ``token_url``) (production unless set).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import requests

from ledgerbridge.http import LedgerAPIError, LedgerHook
from ledgerbridge.paging import PageRequest, keyset_pages
from ledgerbridge.tokens import ReauthorisationRequired, TokenGrant
from quickbooks.query import quote, timestamp_literal

log = logging.getLogger(__name__)

# name-list entities: inactive ones are hidden unless the query asks (fact sheet §2.1)
NAME_LISTS = {"Account", "Customer", "Vendor", "Item", "Class", "Department", "Employee", "PaymentMethod", "Term",
              "TaxCode", "TaxRate", "Budget"}
CDC_WINDOW = dt.timedelta(days=30)
CDC_CAP = 1000


@dataclass(frozen=True)
class BatchItem:
    """One batch operation. ``key`` is the caller's name for it (an outbox id)."""

    key: str
    entity: str  # "Customer", "Invoice", ...
    operation: str  # create | update | delete | void
    payload: dict[str, Any]


@dataclass
class BatchOutcome:
    key: str
    ok: bool
    ledger_id: str | None = None
    sync_token: str | None = None
    errors: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    record: dict[str, Any] | None = None
    request_id: str | None = None


def request_id(method: str, path: str, body: Any, limit: int) -> str:
    """Derived from what is written, so a retried task re-sends the same requestid (≤50; ≤36 in a batch)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()[:limit]


def fault_messages(fault: dict[str, Any]) -> tuple[list[str], list[str]]:
    errors = fault.get("Error") or fault.get("error") or []
    messages, codes = [], []
    for err in errors:
        message = err.get("Message") or err.get("message") or ""
        detail = err.get("Detail") or err.get("detail") or ""
        element = err.get("element")
        text = f"{message}: {detail}" if detail and detail != message else message
        messages.append(f"{text} [{element}]" if element else text)
        codes.append(str(err.get("code", "")))
    return messages, codes


class QuickBooksHook(LedgerHook):
    ledger = "quickbooks"
    conn_type = "quickbooks"
    default_conn_name = "quickbooks_default"
    hook_name = "QuickBooks Online"
    default_api_url = "https://quickbooks.api.intuit.com"
    default_token_url = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
    # Intuit states the refresh token's 5-year cap only when asked (fact sheet §5)
    token_headers = {"x-include-refresh-token-hard-expires-in": "true"}
    # 500 a minute per realm (batch included), 40 batch calls a minute, 10 a second (fact sheet §4)
    pacer_limits = {"any": (500, 60.0), "second": (10, 1.0), "batch": (40, 60.0)}
    page_size = 1000
    batch_size = 30
    throttle_wait = 60.0  # QuickBooks sends no Retry-After; Intuit says wait a minute

    @property
    def realm_id(self) -> str:
        return str(self.require(self.extra("realm_id"), "realm_id (extra)"))

    @property
    def minorversion(self) -> int:
        return int(self.extra("minorversion", 75))

    @property
    def company_path(self) -> str:
        return f"v3/company/{self.realm_id}"

    def _grant(self, refresh_token: str | None) -> TokenGrant:
        if not refresh_token:
            # never connected, or disconnected: the store holds no token and the connection seeds none
            raise ReauthorisationRequired(self.ledger, self.conn_id, "no refresh token is stored")
        return self._post_token({"grant_type": "refresh_token", "refresh_token": str(refresh_token)})

    # --- responses ------------------------------------------------------------------------------------------------
    def _retry_after(self, response: requests.Response) -> float | None:
        value = super()._retry_after(response)
        if value is None and response.status_code == 429:
            return self.throttle_wait
        return value

    def _error_detail(self, response: requests.Response) -> tuple[str, str | None]:
        try:
            body = response.json()
        except ValueError:
            # throttling has been answered in XML even to JSON requests (fact sheet §4)
            text = response.text
            code = re.search(r'code="(\d+)"', text)
            message = re.search(r"<Message>(.*?)</Message>", text, re.S)
            return (message.group(1) if message else text.strip()[:300] or response.reason), \
                (code.group(1) if code else None)
        fault = body.get("Fault") or body.get("fault") if isinstance(body, dict) else None
        if fault:
            messages, codes = fault_messages(fault)
            return "; ".join(messages), (codes[0] if codes else None)
        if isinstance(body, dict) and "error" in body:
            return str(body.get("error_description") or body["error"]), None
        return json.dumps(body)[:500], None

    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None,
             data: str | None = None, headers: dict[str, str] | None = None, record: str | None = None,
             pace: tuple[str, ...] = ("any", "second")) -> dict[str, Any]:
        """An API call under the company path, with minorversion; a Fault in a 200 body is an error too."""
        all_params = {"minorversion": self.minorversion, **(params or {})}
        response = self.request(method, f"{self.company_path}/{path}", params=all_params, json_body=json_body,
                                data=data, headers=headers, record=record, pace=pace)
        body = response.json()
        fault = body.get("Fault") or body.get("fault")
        if fault:
            messages, codes = fault_messages(fault)
            raise LedgerAPIError(self.ledger, method, path, response.status_code, "; ".join(messages), record,
                                 code=codes[0] if codes else None, body=body)
        return body

    # --- reads ----------------------------------------------------------------------------------------------------
    def download_url(self, attachable_id: str) -> str:
        """A temporary URL to an Attachable's file (GET /download/{id} answers with the URL as text)."""
        response = self.request("GET", f"{self.company_path}/download/{attachable_id}",
                                params={"minorversion": self.minorversion}, record=attachable_id)
        return response.text.strip()

    def query(self, statement: str) -> dict[str, Any]:
        """Run one query-language statement (sent as the body, as python-quickbooks does)."""
        return self.call("POST", "query", data=statement, headers={"Content-Type": "application/text"})[
            "QueryResponse"]

    def count(self, entity: str, where: str | None = None) -> int:
        clause = f" WHERE {where}" if where else ""
        return int(self.query(f"SELECT COUNT(*) FROM {entity}{clause}").get("totalCount", 0))

    def get(self, entity: str, record_id: str) -> dict[str, Any] | None:
        try:
            return self.call("GET", f"{entity.lower()}/{record_id}", record=record_id)[entity]
        except LedgerAPIError as exc:
            if exc.code == "610" or exc.status == 404:
                return None
            raise

    def iter_records(self, entity: str, *, modified_since: dt.datetime | None = None,
                     where: str | None = None) -> Iterator[dict]:
        """Every record of ``entity`` changed at or after ``modified_since`` (all when None), oldest first.

        Pages of 1000 ordered by MetaData.LastUpdatedTime, each page re-asking ``>=`` the last change seen so
        the read stays complete while records change (``ledgerbridge.paging``); inactive name-list records
        included.
        """
        fixed = [where] if where else []
        if entity in NAME_LISTS:
            fixed.append("Active IN (true, false)")

        def fetch(req: PageRequest) -> list[dict]:
            clauses = list(fixed)
            if req.since is not None:
                clauses.append(f"MetaData.LastUpdatedTime >= {quote(timestamp_literal(req.since))}")
            statement = f"SELECT * FROM {entity}"
            if clauses:
                statement += " WHERE " + " AND ".join(clauses)
            statement += (f" ORDERBY MetaData.LastUpdatedTime STARTPOSITION {req.offset + 1}"
                          f" MAXRESULTS {req.size}")
            return self.query(statement).get(entity) or []

        def cursor(row: dict) -> dt.datetime:
            return dt.datetime.fromisoformat(row["MetaData"]["LastUpdatedTime"])

        yield from keyset_pages(fetch, cursor_of=cursor, identity_of=lambda r: r["Id"],
                                version_of=lambda r: r.get("SyncToken"), page_size=self.page_size,
                                since=modified_since)

    def changes(self, entities: Sequence[str], since: dt.datetime) -> dict[str, list[dict]]:
        """Change data capture since ``since`` (inside the 30-day window): changed records and deleted stubs.

        CDC returns at most 1000 objects in all and cannot page; when a response reaches the cap, each entity is
        asked alone, and an entity that alone reaches it raises, since its older changes would be silently lost.
        """
        if dt.datetime.now(dt.timezone.utc) - since > CDC_WINDOW:
            raise ValueError(f"quickbooks cdc: {since.isoformat()} is older than the 30-day window; do a full read")
        result = self._cdc(entities, since)
        if sum(len(v) for v in result.values()) < CDC_CAP or len(entities) == 1:
            if len(entities) == 1 and sum(len(v) for v in result.values()) >= CDC_CAP:
                raise LedgerAPIError(self.ledger, "GET", "cdc", None,
                                     f"{entities[0]} has {CDC_CAP}+ changes since {since.isoformat()}; cdc cannot "
                                     "page, so read it with a query instead", entities[0])
            return result
        merged: dict[str, list[dict]] = {}
        for entity in entities:
            merged.update(self.changes([entity], since))
        return merged

    def _cdc(self, entities: Sequence[str], since: dt.datetime) -> dict[str, list[dict]]:
        body = self.call("GET", "cdc", params={"entities": ",".join(entities),
                                               "changedSince": timestamp_literal(since)})
        out: dict[str, list[dict]] = {e: [] for e in entities}
        for block in body.get("CDCResponse") or []:
            for response in block.get("QueryResponse") or []:
                for key, value in response.items():
                    if isinstance(value, list):
                        out.setdefault(key, []).extend(value)
        return out

    # --- writes ---------------------------------------------------------------------------------------------------
    def write_one(self, entity: str, payload: dict[str, Any], *, operation: str = "create",
                  record: str | None = None, key: str | None = None) -> dict[str, Any]:
        """Create / update (full, or sparse with ``"sparse": true``) / delete / void one record, with a requestid."""
        params: dict[str, Any] = {}
        if operation in ("delete", "void"):
            params["operation"] = operation
        path = entity.lower()
        rid = request_id("POST", f"{path}?{operation}", {"key": key, "payload": payload}, 50)
        params["requestid"] = rid
        body = self.call("POST", path, params=params, json_body=payload, record=record or key)
        return body[entity]

    def batch(self, items: Sequence[BatchItem]) -> list[BatchOutcome]:
        """Batches of 30 with per-item outcomes, matched by bId; each batch with a content-derived requestid."""
        outcomes: list[BatchOutcome] = []
        for start in range(0, len(items), self.batch_size):
            chunk = items[start:start + self.batch_size]
            requests_ = []
            for index, item in enumerate(chunk):
                entry: dict[str, Any] = {"bId": f"b{index}", item.entity: item.payload}
                if item.operation == "void":
                    entry["operation"] = "update"
                    entry["optionsData"] = "void"
                else:
                    entry["operation"] = item.operation
                requests_.append(entry)
            body = {"BatchItemRequest": requests_}
            rid = request_id("POST", "batch", {"keys": [i.key for i in chunk], "body": body}, 36)
            answer = self.call("POST", "batch", params={"requestid": rid}, json_body=body,
                               record=", ".join(i.key for i in chunk[:3]) + ("…" if len(chunk) > 3 else ""),
                               pace=("any", "second", "batch"))
            by_bid = {r.get("bId"): r for r in answer.get("BatchItemResponse") or []}
            for index, item in enumerate(chunk):
                result = by_bid.get(f"b{index}")
                if result is None:
                    outcomes.append(BatchOutcome(item.key, False, errors=["no result for this item in the batch"],
                                                 request_id=rid))
                    continue
                fault = result.get("Fault") or result.get("fault")
                if fault:
                    messages, codes = fault_messages(fault)
                    outcomes.append(BatchOutcome(item.key, False, errors=messages, codes=codes, record=result,
                                                 request_id=rid))
                    continue
                record = result.get(item.entity) or {}
                outcomes.append(BatchOutcome(item.key, True, record.get("Id"), record.get("SyncToken"),
                                             record=record, request_id=rid))
        return outcomes

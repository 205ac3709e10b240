"""Xero sandbox fixtures: real server processes (port 0) and an HTTP client whose every response is checked against
Xero's OpenAPI specs (``tests/sandbox/xero/spec.py``), so no test can forget to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pytest
import requests

from sandbox import process
from sandbox.process import RunningSandbox
from tests.sandbox.xero.spec import SpecChecker


@pytest.fixture(scope="session")
def spec() -> SpecChecker:
    """Xero's specs, parsed once per session (the accounting one is 900 KB)."""
    return SpecChecker()


class CheckedSession(requests.Session):
    """A requests session that validates each response against the spec before the test sees it."""

    def __init__(self, checker: SpecChecker, info: dict[str, Any]) -> None:
        super().__init__()
        self.checker = checker
        self.info = info

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        response = super().request(method, url, *args, **kwargs)
        self.checker.check(str(method).upper(), response.url, response.status_code, response.headers,
                           response.content, self.info["base_url"], self.info["token_url"])
        return response


@dataclass
class XeroClient:
    """A test's view of one sandbox: its start-up line, tokens, and calls that go through the spec checks."""

    box: RunningSandbox
    http: CheckedSession
    refresh_token: str
    access_token: str | None = None
    grants: list[dict[str, Any]] = field(default_factory=list)

    @property
    def info(self) -> dict[str, Any]:
        return self.box.info

    @property
    def tenant_id(self) -> str:
        return str(self.info["tenant_id"])

    def token(self, refresh_token: str | None = None, **form: str) -> requests.Response:
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token or self.refresh_token, **form}
        return self.http.post(self.info["token_url"], data=data,
                              auth=(self.info["client_id"], self.info["client_secret"]))

    def login(self) -> XeroClient:
        response = self.token()
        assert response.status_code == 200, response.text
        body = response.json()
        self.grants.append(body)
        self.access_token, self.refresh_token = body["access_token"], body["refresh_token"]
        return self

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.access_token}", "xero-tenant-id": self.tenant_id,
                   "Accept": "application/json"}
        headers.update(extra)
        return {k: v for k, v in headers.items() if v is not None}

    def call(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
             ) -> requests.Response:
        url = f"{self.info['base_url']}/{path.lstrip('/')}"
        return self.http.request(method, url, headers={**self.headers(), **(headers or {})}, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, json=body, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, json=body, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.box.control(method, path, **kwargs)

    def create_contact(self, name: str, **fields: Any) -> dict[str, Any]:
        response = self.put("Contacts", {"Contacts": [{"Name": name, **fields}]})
        assert response.status_code == 200, response.text
        return response.json()["Contacts"][0]

    def create_invoice(self, contact_id: str, kind: str = "ACCREC", status: str = "AUTHORISED",
                       lines: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
        lines = lines or [{"Description": "Design day", "Quantity": 2, "UnitAmount": 640,
                           "AccountCode": "200" if kind == "ACCREC" else "429"}]
        body = {"Invoices": [{"Type": kind, "Contact": {"ContactID": contact_id}, "Date": "2026-10-01",
                              "DueDate": "2026-10-31", "Status": status, "LineItems": lines, **fields}]}
        response = self.put("Invoices", body)
        assert response.status_code == 200, response.text
        return response.json()["Invoices"][0]

    def create_credit_note(self, contact_id: str, kind: str = "ACCRECCREDIT", status: str = "AUTHORISED",
                           lines: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
        lines = lines or [{"Description": "Refund of a design day", "Quantity": 1, "UnitAmount": 100,
                           "AccountCode": "200" if kind == "ACCRECCREDIT" else "429"}]
        body = {"CreditNotes": [{"Type": kind, "Contact": {"ContactID": contact_id}, "Date": "2026-10-05",
                                 "Status": status, "LineItems": lines, **fields}]}
        response = self.put("CreditNotes", body)
        assert response.status_code == 200, response.text
        return response.json()["CreditNotes"][0]

    def pay(self, target: dict[str, Any], amount: float, account: str = "090", *, expect: int = 200,
            **fields: Any) -> dict[str, Any]:
        """PUT one payment of ``target`` (``{"InvoiceID": …}``, ``{"CreditNoteID": …}`` …); its element back."""
        key = {"InvoiceID": "Invoice", "CreditNoteID": "CreditNote", "OverpaymentID": "Overpayment",
               "PrepaymentID": "Prepayment"}[next(iter(target))]
        response = self.put("Payments", {"Payments": [{key: target, "Account": {"Code": account},
                                                       "Date": "2026-10-10", "Amount": amount, **fields}]},
                            params={"summarizeErrors": "false"})
        assert response.status_code == expect, response.text
        return response.json()["Payments"][0]


Factory = Callable[..., XeroClient]


@pytest.fixture
def xero_factory(spec: SpecChecker) -> Iterator[Factory]:
    """Start Xero sandboxes for one test: ``xero_factory("--latency-ms", "300")``; logged in; stopped after."""
    started: list[RunningSandbox] = []

    def make(*args: str, login: bool = True) -> XeroClient:
        box = process.start("xero", "--port", "0", *args)
        started.append(box)
        client = XeroClient(box, CheckedSession(spec, box.info), box.info["refresh_token"])
        return client.login() if login else client

    yield make
    for box in started:
        box.stop()


@pytest.fixture(scope="module")
def xero(spec: SpecChecker) -> Iterator[XeroClient]:
    """One seeded sandbox per test module (limits off) and a logged-in client, for tests that only add records of
    their own; tests that move the clock, expire tokens or need the limits start their own (``xero_factory``)."""
    box = process.start("xero", "--port", "0", "--seed", "11", "--size", "40", "--rate-limits", "off")
    try:
        yield XeroClient(box, CheckedSession(spec, box.info), box.info["refresh_token"]).login()
    finally:
        box.stop()

"""QuickBooks sandbox fixtures: running sandboxes and an API client whose every JSON answer is checked against
Intuit's XSDs (so no test can forget the fidelity check)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from sandbox import process
from sandbox.process import RunningSandbox
from tests.sandbox.quickbooks.xsd import XsdIndex

ROOT = Path(__file__).resolve().parents[3]
XSD_DIR = ROOT / "specs" / "quickbooks"
_names = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other test in the run uses (the DisplayName space is shared by Customer and Vendor)."""
    return f"{prefix} {next(_names)}"


@pytest.fixture(scope="session")
def xsd() -> XsdIndex:
    assert XSD_DIR.is_dir(), f"Intuit's XSDs are expected in {XSD_DIR}"
    return XsdIndex(XSD_DIR)


class QBApi:
    """requests against one sandbox company, with a fresh access token; every JSON body from ``/v3`` is checked
    against the XSDs in a response hook and a non-conforming one fails the test there and then."""

    def __init__(self, box: RunningSandbox, xsd: XsdIndex) -> None:
        self.box = box
        self.info = box.info
        self.xsd = xsd
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json"})
        self.session.hooks["response"].append(self._check)
        self.checked = 0
        self.refresh_token = self.info["refresh_token"]
        self.authorise()

    @property
    def company(self) -> str:
        return f"{self.info['base_url']}/v3/company/{self.info['realm_id']}"

    def _check(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if "/v3/company/" not in response.url or "json" not in response.headers.get("content-type", ""):
            return
        try:
            body = response.json()
        except ValueError:
            return  # a dropped connection's partial body; the test sees the error itself
        problems = self.xsd.envelope_problems(body)
        self.checked += 1
        assert not problems, f"{response.request.method} {response.url}: not as the XSDs say:\n" + "\n".join(
            problems[:20])

    def token(self, refresh_token: str | None = None, **headers: str) -> requests.Response:
        return requests.post(self.info["token_url"], auth=(self.info["client_id"], self.info["client_secret"]),
                             data={"grant_type": "refresh_token", "refresh_token": refresh_token or self.refresh_token},
                             headers={"Accept": "application/json", **headers}, timeout=30)

    def authorise(self) -> None:
        response = self.token()
        assert response.status_code == 200, response.text
        self.refresh_token = response.json()["refresh_token"]
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(f"{self.company}/{path}", params={"minorversion": 75, **params}, timeout=60)

    def post(self, path: str, body: Any = None, **params: Any) -> requests.Response:
        return self.session.post(f"{self.company}/{path}", json=body, params={"minorversion": 75, **params},
                                 timeout=60)

    def query(self, statement: str, method: str = "GET") -> requests.Response:
        if method == "POST":
            return self.session.post(f"{self.company}/query", data=statement.encode(),
                                     headers={"Content-Type": "application/text"}, params={"minorversion": 75},
                                     timeout=60)
        return self.get("query", query=statement)

    def rows(self, statement: str, entity: str) -> list[dict[str, Any]]:
        response = self.query(statement)
        assert response.status_code == 200, response.text
        return response.json()["QueryResponse"].get(entity, [])

    def create(self, entity: str, body: dict[str, Any], **params: Any) -> dict[str, Any]:
        response = self.post(entity.lower(), body, **params)
        assert response.status_code == 200, response.text
        return response.json()[entity]

    def customer(self, name: str | None = None, **fields: Any) -> dict[str, Any]:
        return self.create("Customer", {"DisplayName": name or unique("Customer"), **fields})

    def invoice(self, customer_id: str, *amounts: str, **fields: Any) -> dict[str, Any]:
        lines = [{"Amount": amount, "DetailType": "SalesItemLineDetail",
                  "SalesItemLineDetail": {"ItemRef": {"value": "3"}, "TaxCodeRef": {"value": "2"}}}
                 for amount in (amounts or ("100.00",))]
        return self.create("Invoice", {"CustomerRef": {"value": customer_id}, "Line": lines, **fields})

    def vendor(self, name: str | None = None, **fields: Any) -> dict[str, Any]:
        return self.create("Vendor", {"DisplayName": name or unique("Vendor"), **fields})

    def bill(self, vendor_id: str, *amounts: str, **fields: Any) -> dict[str, Any]:
        lines = [{"Amount": amount, "DetailType": "AccountBasedExpenseLineDetail",
                  "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "84"}, "TaxCodeRef": {"value": "2"}}}
                 for amount in (amounts or ("100.00",))]
        return self.create("Bill", {"VendorRef": {"value": vendor_id}, "Line": lines, **fields})

    def read(self, entity: str, record_id: str) -> dict[str, Any]:
        response = self.get(f"{entity.lower()}/{record_id}")
        assert response.status_code == 200, response.text
        return response.json()[entity]

    def refused(self, response: requests.Response, code: str) -> dict[str, Any]:
        """The Fault of a refused write, which must carry ``code``."""
        assert response.status_code == 400, response.text
        fault = self.fault(response)
        assert fault["code"] == code, fault
        return fault

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.box.control(method, path, **kwargs)

    def fault(self, response: requests.Response) -> dict[str, Any]:
        body = response.json()
        assert "Fault" in body and "time" in body, body
        return body["Fault"]["Error"][0] | {"type": body["Fault"]["type"]}


@pytest.fixture(scope="module")
def qb_box() -> Iterator[RunningSandbox]:
    """One sandbox for a test module, rate limits off (tests that need them start their own)."""
    box = process.start("quickbooks", "--port", "0", "--rate-limits", "off")
    yield box
    box.stop()


@pytest.fixture(scope="module")
def qb(qb_box: RunningSandbox, xsd: XsdIndex) -> Iterator[QBApi]:
    yield QBApi(qb_box, xsd)


@pytest.fixture
def qb_factory(xsd: XsdIndex) -> Iterator[Callable[..., QBApi]]:
    """A sandbox of this test's own: ``qb_factory("--latency-ms", "300")``; stopped afterwards."""
    started: list[RunningSandbox] = []

    def make(*args: str) -> QBApi:
        box = process.start("quickbooks", "--port", "0", *args)
        started.append(box)
        return QBApi(box, xsd)

    yield make
    for box in started:
        box.stop()

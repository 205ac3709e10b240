"""python-quickbooks (with intuit-oauth) works against the sandbox unchanged apart from its URLs (issue 2 §2).

It lives in its own venv (``make install`` builds .venv-qbclient from client-requirements.txt), since its module
name ``quickbooks`` is also our plugin's.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import requests

from sandbox.seed import reference

from tests.sandbox.quickbooks.conftest import ROOT, QBApi

CLIENT_PYTHON = ROOT / ".venv-qbclient" / "bin" / "python"
SCRIPT = ROOT / "tests" / "sandbox" / "quickbooks" / "official_client.py"
FILE = b"%PDF-1.4\n" + bytes(range(256)) + b"\r\n%%EOF\n"


@pytest.mark.skipif(not CLIENT_PYTHON.exists(), reason="run `make install` to build .venv-qbclient")
def test_python_quickbooks_queries_and_creates(qb_factory) -> None:
    qb: QBApi = qb_factory()
    info = {**qb.info, "customer_name": "Official Client Ltd", "request_id": "official-invoice-1",
            "file_bytes": FILE.decode("latin-1")}
    # the sandbox speaks plain http on localhost; oauthlib refuses that unless told it is intended
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, "OAUTHLIB_INSECURE_TRANSPORT": "1"}
    run = subprocess.run([str(CLIENT_PYTHON), "-I", str(SCRIPT), json.dumps(info)], capture_output=True,
                         text=True, timeout=120, env=env, cwd="/")
    assert run.returncode == 0, run.stderr[-4000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    assert seen["token_endpoint"] == qb.info["token_url"]
    assert seen["company"] == "Harbour & Finch Ltd"
    # QuickBooks' own Services and Hours, the seeded items, and the items standing for income accounts
    assert "Consulting (per hour)" in seen["items"]
    assert len(seen["items"]) == 2 + len(reference.ITEMS) + len(reference.QB_ACCOUNT_ITEMS)
    assert seen["bank_accounts"] == ["Business Bank Account", "Business Savings Account", "USD Bank Account"]
    assert seen["tax_codes"] == 5
    assert seen["customer_sync_token"] == "1" and seen["customer_notes"] == "updated by python-quickbooks"
    assert seen["filter"] == [seen["customer_id"]] and seen["customer_count"] == 1
    invoice = seen["invoice"]
    assert invoice["total"] == 228.0 and invoice["balance"] == 228.0 and invoice["tax"] == 38.0
    assert invoice["lines"] == ["SalesItemLineDetail", "SubTotalLineDetail"] and invoice["doc_number"]
    assert seen["invoice_sync_token"] == "1" and seen["invoices_for_customer"] == [invoice["id"]]
    assert seen["voided_total"] == 0 and seen["deleted"] == "Deleted"
    assert seen["batch"] == {"successes": 3, "faults": 0} and seen["batch_fault_codes"] == ["6240"]
    assert seen["cdc_customers"] == 4 and seen["cdc_invoices"] == 2  # one live (voided), one deleted stub

    # what the client sent landed as the API shows it, and every record still conforms to the XSDs
    customer = qb.get(f"customer/{seen['customer_id']}").json()["Customer"]
    assert customer["PrimaryEmailAddr"] == {"Address": "official@client.test"}
    assert "Title" not in customer  # python-quickbooks sends "" for every unset string; none is kept
    assert [c["idempotency_key"] for c in qb.box.calls() if c["path"].endswith("/invoice")
            and c["idempotency_key"]] == ["official-invoice-1"]

    # issue 4: an Item, a Payment on an invoice, a Bill paid by a BillPayment, a Purchase, a JournalEntry and an
    # uploaded Attachable, made and read back by the client
    assert seen["item"] == {"name": "Official Client Ltd retainer", "sku": "OC-RET", "price": 500,
                            "income": "Sales"}
    payment = seen["payment"]
    assert payment["unapplied"] == 0 and payment["invoice_balance"] == 400
    assert payment["invoice_links"] == [[payment["id"], "Payment"]]
    assert seen["bill_payment"] == {"total": 60, "bill_balance": 0}
    assert seen["purchase"] == {"total": 30, "payee": "Official Client Ltd supplier"}
    assert seen["journal"] == {"doc": "OC-JNL-1", "lines": 2}
    attachable = seen["attachable"]
    assert attachable["size"] == len(FILE) and attachable["file"] == "supplier-invoice.pdf"
    assert attachable["on"] == [["Bill", attachable["bill"]]]
    link = qb.get(f"download/{attachable['id']}").text
    assert requests.get(link, timeout=30).content == FILE  # the client's base64 part arrived as the bytes

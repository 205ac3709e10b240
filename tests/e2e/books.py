"""Reading both sandboxes' books through the APIs and comparing them, independently of the pipeline's own
normalisers: what "the books are aligned" means to the end-to-end tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row

from quickbooks.hooks import QuickBooksHook
from reconcile.config import Mappings
from xero.hooks import XeroHook


def digits(value: str | None) -> str:
    return re.sub(r"\D", "", value or "")


def vat(value: str | None) -> str:
    compact = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    return compact[2:] if compact.startswith("GB") else compact


def dec(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def number(value: str | None) -> str:
    match = re.match(r"^[^\d]*?0*(\d+)$", value or "")
    return match.group(1) if match else (value or "")


@dataclass
class Books:
    xero_contacts: dict[str, dict]
    qb_customers: dict[str, dict]
    xero_invoices: dict[str, dict]
    qb_invoices: dict[str, dict]

    @classmethod
    def read(cls, xero: XeroHook, qb: QuickBooksHook) -> Books:
        xero_invoices = {}
        for summary in xero.iter_records("Invoices"):
            if summary["Type"] == "ACCREC":
                xero_invoices[summary["InvoiceID"]] = summary
        return cls(
            xero_contacts={c["ContactID"]: c for c in xero.iter_records("Contacts")},
            qb_customers={c["Id"]: c for c in qb.iter_records("Customer")},
            xero_invoices=xero_invoices,
            qb_invoices={i["Id"]: i for i in qb.iter_records("Invoice")},
        )


@dataclass
class Queue:
    """The pipeline's tables, read with plain SQL."""

    links: dict[str, dict[str, str]]  # entity -> xero id -> quickbooks id
    open: set[tuple[str, str, str]]  # (entity, ledger, record id)
    open_reasons: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, db_url: str, pair: str = "harbour") -> Queue:
        with psycopg.connect(db_url, row_factory=dict_row) as conn:
            links: dict[str, dict[str, str]] = {}
            for r in conn.execute("SELECT entity, xero_id, quickbooks_id FROM ledgerbridge.xref WHERE pair = %s",
                                  (pair,)):
                links.setdefault(r["entity"], {})[r["xero_id"]] = r["quickbooks_id"]
            reasons: dict[tuple[str, str, str], set[str]] = {}
            for r in conn.execute("SELECT entity, ledger, record_id, reason FROM ledgerbridge.exceptions "
                                  "WHERE pair = %s AND status = 'open'", (pair,)):
                reasons.setdefault((r["entity"], r["ledger"], r["record_id"]), set()).add(r["reason"])
        return cls(links, set(reasons), reasons)

    def queued(self, entity: str, ledger: str, record_id: str) -> bool:
        return (entity, ledger, record_id) in self.open


def contact_differences(x: dict, q: dict) -> list[str]:
    problems = []
    if x["Name"] != q["DisplayName"]:
        problems.append(f"name {x['Name']!r} != {q['DisplayName']!r}")
    if (x.get("EmailAddress") or "").lower() != ((q.get("PrimaryEmailAddr") or {}).get("Address") or "").lower():
        problems.append("email")
    if vat(x.get("TaxNumber")) != vat(q.get("PrimaryTaxIdentifier")):
        problems.append("tax number")
    x_phone = next((p for p in x.get("Phones") or [] if p.get("PhoneType") == "DEFAULT"), {})
    x_digits = digits("".join(x_phone.get(k) or "" for k in ("PhoneCountryCode", "PhoneAreaCode", "PhoneNumber")))
    if x_digits != digits((q.get("PrimaryPhone") or {}).get("FreeFormNumber")):
        problems.append("phone")
    if (x.get("ContactStatus") == "ACTIVE") != bool(q.get("Active")):
        problems.append("active")
    return problems


def invoice_differences(x: dict, q: dict, contact_links: dict[str, str], mappings: Mappings) -> list[str]:
    problems = []
    if number(x.get("InvoiceNumber")) != number(q.get("DocNumber")):
        problems.append(f"number {x.get('InvoiceNumber')} != {q.get('DocNumber')}")
    if contact_links.get(x["Contact"]["ContactID"]) != q["CustomerRef"]["value"]:
        problems.append("contact")
    voided = x["Status"] == "VOIDED", (q.get("PrivateNote") or "").startswith("Voided")
    if voided[0] != voided[1]:
        problems.append("voided on one side")
    if voided[0] and voided[1]:
        return problems
    q_lines = [ln for ln in q.get("Line") or [] if ln.get("DetailType") == "SalesItemLineDetail"]
    if len(x["LineItems"]) != len(q_lines):
        return problems + [f"{len(x['LineItems'])} lines != {len(q_lines)}"]
    for i, (xl, ql) in enumerate(zip(x["LineItems"], q_lines), start=1):
        detail = ql["SalesItemLineDetail"]
        if dec(xl["LineAmount"]) != dec(ql["Amount"]):
            problems.append(f"line {i} amount")
        if Decimal(str(xl["Quantity"])) != Decimal(str(detail.get("Qty"))):
            problems.append(f"line {i} quantity")
        if Decimal(str(xl["UnitAmount"])) != Decimal(str(detail.get("UnitPrice"))):
            problems.append(f"line {i} unit price")
        if (xl.get("Description") or "") != (ql.get("Description") or ""):
            problems.append(f"line {i} description")
        if mappings.qb_tax_code(xl["TaxType"]) != detail["TaxCodeRef"]["value"]:
            problems.append(f"line {i} tax code")
        if mappings.qb_line_item(xl.get("ItemCode"), xl.get("AccountCode")) != detail["ItemRef"]["value"]:
            problems.append(f"line {i} item/account")
    if dec(x["TotalTax"]) != dec((q.get("TxnTaxDetail") or {}).get("TotalTax")):
        problems.append(f"tax {x['TotalTax']} != {(q.get('TxnTaxDetail') or {}).get('TotalTax')}")
    if dec(x["Total"]) != dec(q["TotalAmt"]):
        problems.append(f"total {x['Total']} != {q['TotalAmt']}")
    x_paid = x["Status"] == "PAID"
    q_paid = dec(q.get("Balance")) == 0 and dec(q["TotalAmt"]) > 0
    if x_paid != q_paid:
        problems.append("paid status")
    return problems

"""A hostile corpus: awkward but real-world records, as people type them, beside a few ordinary canaries.

Separate from the seeded-books generator (``sandbox/seed``): the seed makes believable books; this makes the values
that break pipelines. Every record is created through a ledger's own API (the caller passes two ``create``
functions, so the corpus runs against the sandboxes or real ledgers alike), next to the books already there; a
later fault campaign can replay it. Each record says which field it makes hostile and how.

What is typed: NUL and other control characters, right-to-left text, emoji, zero-width characters, SQL and
template fragments, quotes; names of 150, 300 and 10,000 characters; a 30-character invoice number; amounts of
zero, negative, 10^15, 10^16 and with six decimals; dates in 1900, 9999 and Feb 29 of a non-leap year; a missing
contact; an unknown currency; an invalid e-mail address; a number used twice. The canaries are ordinary records
that must align the same night whatever the hostile ones do.

    from sandbox.hostile import Refs, corpus, plant
    planted = plant(corpus(refs), create_xero, create_quickbooks)

``create_xero(resource, payload)`` and ``create_quickbooks(entity, payload, key)`` return ``(ok, id, errors)``.
A record the ledger refuses at creation is kept with its errors (``refused``): that is the ledger's rule, as the
real ledger applies it, not something ledgerbridge has to handle.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

CreateXero = Callable[[str, dict[str, Any]], tuple[bool, str | None, list[str]]]
CreateQuickBooks = Callable[[str, dict[str, Any], str], tuple[bool, str | None, list[str]]]


@dataclass(frozen=True)
class Refs:
    """Records of the books the corpus writes next to: a customer and a supplier both ledgers share (linked by the
    first night), the QuickBooks item of Xero's sales account 200, and a QuickBooks expense account."""

    customer_xero_id: str
    customer_qb_id: str
    supplier_xero_id: str
    supplier_qb_id: str
    qb_sales_item: str = "1"
    qb_expense_account: str = "83"  # General Expenses (Xero 429)
    tag: str = "h1"  # makes names unique, so the corpus can be typed into the same books again
    today: dt.date = field(default_factory=dt.date.today)


def refs_from_truth(truth: dict[str, Any], tag: str = "h1") -> Refs:
    """Refs from a seeded sandbox's truth file: a customer and a supplier kept in both ledgers, in GBP, active."""

    def shared(entity: str) -> dict[str, Any]:
        return next(c for c in truth["contacts"] if c["match"] == "pair" and c["entity"] == entity
                    and c.get("currency", "GBP") == "GBP" and c.get("xero_currency", "GBP") == "GBP"
                    and not {"archived"} & {*c.get("differences", []), *(c.get("tags") or [])})

    customer, supplier = shared("customer"), shared("supplier")
    return Refs(customer["xero_id"], customer["qb_id"], supplier["xero_id"], supplier["qb_id"], tag=tag)


@dataclass
class Record:
    key: str  # stable name: "contact-nul-name"
    ledger: str  # where it is typed: xero | quickbooks
    resource: str  # the API's resource: Contacts, Invoices, Customer, Bill
    entity: str  # ledgerbridge's entity: contacts, invoices, bills
    payload: dict[str, Any]
    field: str | None  # the field made hostile (None: a canary)
    what: str

    @property
    def canary(self) -> bool:
        return self.field is None


@dataclass
class Planted:
    record: Record
    ok: bool
    ledger_id: str | None
    errors: list[str]

    @property
    def refused(self) -> bool:
        return not self.ok


def _xero_contact(name: str, **extra: Any) -> dict[str, Any]:
    return {"Name": name, **extra}


def corpus(refs: Refs) -> list[Record]:
    """The records, hostile and canary, in the order they are typed."""
    t = refs.tag
    recent = (refs.today - dt.timedelta(days=12)).isoformat()
    due = (refs.today + dt.timedelta(days=18)).isoformat()

    def contact(key: str, name: str, fld: str | None, what: str, **extra: Any) -> Record:
        return Record(key, "xero", "Contacts", "contacts", _xero_contact(name, **extra), fld, what)

    def customer(key: str, name: str, fld: str | None, what: str, **extra: Any) -> Record:
        return Record(key, "quickbooks", "Customer", "contacts", {"DisplayName": name, **extra}, fld, what)

    def invoice(key: str, fld: str | None, what: str, *, number: str | None = None, date: str = recent,
                description: str = "Consulting", unit: Any = "100.00", quantity: Any = "1",
                currency: str | None = None, contact: bool = True, due_date: str | None = None) -> Record:
        payload: dict[str, Any] = {
            "Type": "ACCREC", "InvoiceNumber": number or f"HX{t}-{zlib.crc32(key.encode()) % 10**6}", "Date": date,
            "DueDate": due_date or (due if date == recent else date), "Status": "AUTHORISED",
            "LineAmountTypes": "Exclusive",
            "LineItems": [{"Description": description, "Quantity": quantity, "UnitAmount": unit,
                           "AccountCode": "200", "TaxType": "ZERORATEDOUTPUT"}]}
        if contact:
            payload["Contact"] = {"ContactID": refs.customer_xero_id}
        if currency:
            payload["CurrencyCode"] = currency
        return Record(key, "xero", "Invoices", "invoices", payload, fld, what)

    def bill(key: str, fld: str | None, what: str, *, number: str | None = None, date: str = recent,
             description: str = "Office supplies", amount: Any = "40.00", **extra: Any) -> Record:
        payload: dict[str, Any] = {
            "VendorRef": {"value": refs.supplier_qb_id}, "DocNumber": number or f"HB{t}-{zlib.crc32(key.encode()) % 10**6}",
            "TxnDate": date, "DueDate": due if date == recent else date, "GlobalTaxCalculation": "TaxExcluded",
            "Line": [{"Amount": amount, "Description": description, "DetailType": "AccountBasedExpenseLineDetail",
                      "AccountBasedExpenseLineDetail": {"AccountRef": {"value": refs.qb_expense_account},
                                                        "TaxCodeRef": {"value": "6"}}}], **extra}
        return Record(key, "quickbooks", "Bill", "bills", payload, fld, what)

    return [
        # --- canaries: ordinary records that must align the same night -------------------------------------------
        contact("canary-contact", f"Canary Joinery {t} Ltd", None, "an ordinary new customer in Xero",
                EmailAddress=f"accounts@canary-{t}.example"),
        customer("canary-customer", f"Canary Glazing {t} Ltd", None, "an ordinary new customer in QuickBooks"),
        invoice("canary-invoice", None, "an ordinary sales invoice in Xero", number=f"CAN-{t}"),
        bill("canary-bill", None, "an ordinary bill in QuickBooks", number=f"CANB-{t}"),
        # --- Xero contacts ------------------------------------------------------------------------------------------
        contact("contact-nul-name", f"Nul\x00Byte Traders {t}", "Name", "a NUL pasted into a name"),
        contact("contact-bell-name", f"Bell\x07Ringers {t} Ltd", "Name", "a control character (BEL) in a name"),
        contact("contact-rtl-name", f"مخبز النور {t}\u200f", "Name", "right-to-left text with an RLM mark"),
        contact("contact-emoji-name", f"Pizza 🍕 Planet 🚀 {t}", "Name", "emoji in a name"),
        contact("contact-zero-width", f"Zero\u200bWidth\u200d Studio {t}", "Name", "zero-width characters"),
        contact("contact-sql-name", f"Robert'); DROP TABLE ledgerbridge.xref;-- {t}", "Name", "an SQL fragment"),
        contact("contact-quotes", f"O'Brien \"The Fixer\" & Sons {t}", "Name", "quotes and an ampersand"),
        contact("contact-template", f"{{{{7*7}}}} ${{jndi:ldap://x}} %s {t}", "Name", "template fragments"),
        contact("contact-150-name", f"{t} " + "Long Name Partnership " * 7, "Name",
                "150 characters: Xero holds it, QuickBooks' CompanyName holds 100"),
        contact("contact-10k-name", f"{t} " + "x" * 10_000, "Name", "10,000 characters"),
        contact("contact-bad-email", f"Bad Email {t} Ltd", "EmailAddress", "an e-mail address without @",
                EmailAddress="accounts at bad-email dot example"),
        contact("contact-unknown-currency", f"Unknown Currency {t} Ltd", "DefaultCurrency", "an unknown currency",
                DefaultCurrency="XYZ"),
        contact("contact-nul-website", f"Quiet Website {t} Ltd", "Website",
                "a NUL in a field ledgerbridge does not align", Website=f"https://quiet-{t}.example/\x00"),
        # the same firm in both ledgers, a NUL pasted into the Xero copy: held, yet never copied across again
        contact("shared-nul-xero", f"Shared\x00 Partners {t} Ltd", "Name",
                "a NUL in the Xero copy of a customer QuickBooks also has"),
        customer("shared-nul-quickbooks", f"Shared Partners {t} Ltd", "DisplayName",
                 "the clean QuickBooks copy of that customer"),
        # --- QuickBooks customers -----------------------------------------------------------------------------------
        customer("customer-nul-name", f"Qb\x00Nul Customer {t}", "DisplayName", "a NUL in a DisplayName"),
        customer("customer-nul-print-name", f"Quiet Printer {t} Ltd", "PrintOnCheckName",
                 "a NUL in PrintOnCheckName, a field ledgerbridge does not align",
                 PrintOnCheckName=f"Quiet\x00Printer {t}"),
        customer("customer-300-name", f"{t} " + "Three Hundred Characters Holdings " * 9, "DisplayName",
                 "300 characters: QuickBooks holds 500, Xero 255"),
        customer("customer-vertical-tab", f"Vertical\x0bTab {t} Ltd", "DisplayName", "a vertical tab"),
        # --- Xero sales invoices ------------------------------------------------------------------------------------
        invoice("invoice-30-number", "InvoiceNumber", "a 30-character invoice number (QuickBooks DocNumber: 21)",
                number=f"{t}-" + "N" * (29 - len(t))),
        invoice("invoice-nul-description", "LineItems[0].Description", "a NUL in a line description",
                description="Design\x00 work"),
        invoice("invoice-date-1900", "Date", "dated 1900", date="1900-01-01"),
        invoice("invoice-date-9999", "Date", "dated 9999", date="9999-12-31"),
        invoice("invoice-feb-29", "Date", "Feb 29 of a non-leap year", date="2025-02-29"),
        invoice("invoice-zero", "LineItems[0].UnitAmount", "a zero amount", unit="0.00"),
        invoice("invoice-negative", "LineItems[0].UnitAmount", "a negative amount", unit="-250.00"),
        invoice("invoice-10e15", "LineItems[0].UnitAmount", "10^15", unit="1000000000000000.00"),
        invoice("invoice-10e16", "LineItems[0].UnitAmount", "10^16: more than the books keep",
                unit="10000000000000000.00"),
        invoice("invoice-six-decimals", "LineItems[0].UnitAmount", "six decimals", unit="10.123456"),
        invoice("invoice-emoji-rtl", "LineItems[0].Description", "emoji and right-to-left text",
                description="تصميم الشعار 🎨 logo design"),
        invoice("invoice-sql-number", "InvoiceNumber", "an SQL fragment as the number", number=f"{t}';--"),
        invoice("invoice-10k-description", "LineItems[0].Description", "a 10,000-character description",
                description="d" * 10_000),
        invoice("invoice-unknown-currency", "CurrencyCode", "an unknown currency", currency="XYZ"),
        invoice("invoice-no-contact", "Contact", "no contact (required)", contact=False),
        invoice("invoice-duplicate-1", "InvoiceNumber", "a number used twice (first)", number=f"DUP-{t}"),
        invoice("invoice-duplicate-2", "InvoiceNumber", "a number used twice (second)", number=f"DUP-{t}",
                description="Consulting, second invoice of the same number"),
        # --- QuickBooks bills ---------------------------------------------------------------------------------------
        bill("bill-nul-description", "Line[0].Description", "a NUL in a line description",
             description="Paper\x00 and toner"),
        bill("bill-date-1900", "TxnDate", "dated 1900", date="1900-01-01"),
        bill("bill-emoji", "Line[0].Description", "emoji in a description", description="Coffee ☕ beans 🫘"),
        bill("bill-negative", "Line[0].Amount", "a negative amount", amount="-40.00"),
        bill("bill-nul-memo", "PrivateNote", "a NUL in the memo, which ledgerbridge does not align",
             PrivateNote="memo\x00"),
    ]


def plant(records: list[Record], create_xero: CreateXero, create_quickbooks: CreateQuickBooks) -> list[Planted]:
    """Type every record into its ledger; what each ledger answered."""
    out = []
    for record in records:
        if record.ledger == "xero":
            ok, ledger_id, errors = create_xero(record.resource, record.payload)
        else:
            ok, ledger_id, errors = create_quickbooks(record.resource, record.payload, f"hostile-{record.key}")
        out.append(Planted(record, ok, ledger_id, errors))
    return out


def tally(planted: list[Planted]) -> dict[str, int]:
    return {"tried": len(planted), "canaries": sum(p.record.canary for p in planted),
            "refused_by_ledger": sum(p.refused for p in planted)}


def hook_creators(xero_hook: Any, quickbooks_hook: Any) -> tuple[CreateXero, CreateQuickBooks]:
    """``create`` functions over ledgerbridge's own hooks (XeroHook, QuickBooksHook): a refusal is an answer."""
    from ledgerbridge.http import LedgerAPIError  # noqa: PLC0415
    from xero.hooks import WriteItem  # noqa: PLC0415

    def create_xero(resource: str, payload: dict[str, Any]) -> tuple[bool, str | None, list[str]]:
        try:
            out = xero_hook.write(resource, [WriteItem("hostile", payload)], method="PUT")[0]
        except LedgerAPIError as exc:
            return False, None, [str(exc)]
        return out.ok, out.ledger_id if out.ok else None, list(out.errors)

    def create_quickbooks(entity: str, payload: dict[str, Any], key: str) -> tuple[bool, str | None, list[str]]:
        try:
            made = quickbooks_hook.write_one(entity, payload, key=key)
        except LedgerAPIError as exc:
            return False, None, [str(exc)]
        return True, str(made["Id"]), []

    return create_xero, create_quickbooks

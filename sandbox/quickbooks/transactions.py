"""Invoice, Bill, CreditMemo and VendorCredit: the documents payments settle. Their lines, VAT and totals
(``lines``), balances, due dates, document numbers, voiding, and the rule that a document a payment still links
can't be deleted or voided until it is unlinked (fact sheet §1.1, §1.2, §3).

``Balance`` is ``TotalAmt`` less what has been settled (``internal["paid"]``): payments on an invoice or bill, or
the credit of a credit memo / vendor credit used by a payment. Payments keep that figure and the ``LinkedTxn``
entries pointing back at them (``payments``); a full update of the document keeps both (server fields).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors, lines, refs

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

AP_ACCOUNT = {"value": "33", "name": "Accounts Payable"}
# how a document shows the payment that settles it (a bill: by the bill payment's PayType)
PAYMENT_LINKS = frozenset({"Payment", "BillPaymentCheck", "BillPaymentCreditCard"})
CREDIT_DOCUMENTS = frozenset({"CreditMemo", "VendorCredit"})


def _due_date(ctx: Ctx, data: dict[str, Any], term_ref: dict[str, Any] | None) -> str:
    txn_date = dt.date.fromisoformat(data["TxnDate"])
    term = ctx.books.get("Term", str(term_ref["value"])) if term_ref else None
    if term is None:
        return txn_date.isoformat()
    if term.data.get("DueDays") is not None:
        return (txn_date + dt.timedelta(days=int(term.data["DueDays"]))).isoformat()
    if term.data.get("DayOfMonthDue") is not None:
        month = txn_date.replace(day=1) + dt.timedelta(days=32)
        return month.replace(day=min(int(term.data["DayOfMonthDue"]), 28)).isoformat()
    return txn_date.isoformat()


def _next_doc_number(ctx: Ctx, entity: str) -> str:
    """QuickBooks' automatic numbering: one more than the highest numeric DocNumber so far, as wide (leading
    zeros kept), or 1001 in a company without one."""
    highest, width = 1000, 0
    found = False
    for record in ctx.books.all(entity):
        number = str(record.data.get("DocNumber", ""))
        if re.fullmatch(r"\d{1,18}", number) and (not found or int(number) >= highest):
            highest, width, found = int(number), len(number), True
    return str(highest + 1).zfill(width)


def _common(ctx: Ctx, data: dict[str, Any], old: Record | None, side: str, party: Record,
            entity: str) -> tuple[list[dict], Decimal]:
    """Header, lines, VAT, totals and balance of a document; returns (lines, line sum)."""
    party_currency = party.data.get("CurrencyRef", {}).get("value", ctx.home_currency)
    code = lines.header(ctx, data, old, party_currency, "customer" if side == "sales" else "vendor")
    found = lines.read_lines(ctx, data, side, lines.SALES_LINES if side == "sales" else lines.EXPENSE_LINES)
    total = lines.taxed_total(data, found)
    data["TotalAmt"] = total
    if code != ctx.home_currency and side == "sales":
        data["HomeTotalAmt"] = lines.home_amount(data, total)  # a Bill / VendorCredit has no HomeTotalAmt
    apply_paid(data, Decimal(old.internal.get("paid", 0)) if old is not None else Decimal("0"), entity)
    return found.lines, found.total


def apply_paid(data: dict[str, Any], paid: Decimal, entity: str = "Invoice") -> Decimal:
    """Set Balance (and HomeBalance in a foreign currency, RemainingCredit on a credit memo) from what has been
    settled; returns the settled amount used."""
    paid = min(paid, data["TotalAmt"])
    data["Balance"] = max(data["TotalAmt"] - paid, Decimal("0.00"))
    if "ExchangeRate" in data and Decimal(data["ExchangeRate"]) != 1:
        data["HomeBalance"] = lines.round_money(data["Balance"] * Decimal(data["ExchangeRate"]))
    if entity == "CreditMemo":
        data["RemainingCredit"] = data["Balance"]
    return paid


def _terms(ctx: Ctx, data: dict[str, Any], party_term: dict[str, Any] | None) -> None:
    term_ref = data.get("SalesTermRef") or party_term or (
        {"value": ctx.default_term_id()} if ctx.default_term_id() else None)
    if term_ref:
        term_ref = {"value": str(term_ref["value"])}
        refs.resolve(ctx, term_ref, "Term", "SalesTermRef")
        data["SalesTermRef"] = term_ref
    data.setdefault("DueDate", _due_date(ctx, data, term_ref))


def _sales_form(ctx: Ctx, data: dict[str, Any], old: Record | None, entity: str) -> tuple[Record, Decimal]:
    """What an invoice and a credit memo share: the customer, lines, numbering, addresses, class."""
    customer = refs.resolve(ctx, data.get("CustomerRef"), "Customer", "CustomerRef", required=True)
    assert customer is not None
    found, line_sum = _common(ctx, data, old, "sales", customer, entity)
    refs.resolve(ctx, data.get("ClassRef"), "Class", "ClassRef")
    if not data.get("DocNumber") and old is not None and old.data.get("DocNumber"):
        data["DocNumber"] = old.data["DocNumber"]  # an update never drops the number
    elif not data.get("DocNumber") and old is None and data.get("AutoDocNumber") is not False:
        data["DocNumber"] = _next_doc_number(ctx, entity)  # numbers are given on create only
    data.pop("AutoDocNumber", None)
    if customer.data.get("PrimaryEmailAddr") and not data.get("BillEmail"):
        data["BillEmail"] = {"Address": customer.data["PrimaryEmailAddr"].get("Address")}
    if customer.data.get("BillAddr") and not data.get("BillAddr"):
        data["BillAddr"] = dict(customer.data["BillAddr"])
    data.setdefault("PrintStatus", "NotSet")
    data.setdefault("EmailStatus", "NotSet")
    data["Line"] = found + [{"Amount": line_sum, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}]
    return customer, line_sum


def _purchase_form(ctx: Ctx, data: dict[str, Any], old: Record | None, entity: str) -> Record:
    vendor = refs.resolve(ctx, data.get("VendorRef"), "Vendor", "VendorRef", required=True)
    assert vendor is not None
    found, _ = _common(ctx, data, old, "purchases", vendor, entity)
    data["Line"] = found
    if not data.get("APAccountRef"):
        data["APAccountRef"] = dict(vendor.data.get("APAccountRef") or AP_ACCOUNT)
    refs.account(ctx, data["APAccountRef"], "APAccountRef", ("Accounts Payable",))
    return vendor


def prepare_invoice(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    customer, _ = _sales_form(ctx, data, old, "Invoice")
    _terms(ctx, data, customer.data.get("SalesTermRef"))
    return data


def prepare_credit_memo(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    """A credit memo: an invoice's lines and VAT, no due date; its Balance (= RemainingCredit) is what payments
    have not used of it yet."""
    _sales_form(ctx, data, old, "CreditMemo")
    return data


def prepare_bill(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    vendor = _purchase_form(ctx, data, old, "Bill")
    _terms(ctx, data, vendor.data.get("TermRef"))
    return data


def prepare_vendor_credit(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    _purchase_form(ctx, data, old, "VendorCredit")
    return data


def void_invoice(ctx: Ctx, record: Record) -> dict[str, Any]:
    """Voiding keeps the invoice and its number but zeroes every amount and notes it (fact sheet §3)."""
    record.internal["voided"] = True
    return lines.zero_out(record.data)


def live_payment_links(ctx: Ctx, record: Record) -> list[tuple[str, str]]:
    """(entity, id) of the payments that still settle part of a document."""
    found = []
    for link in record.data.get("LinkedTxn") or []:
        entity = "Payment" if link.get("TxnType") == "Payment" else "BillPayment"
        if link.get("TxnType") in PAYMENT_LINKS and ctx.books.get(entity, str(link.get("TxnId"))) is not None:
            found.append((entity, str(link["TxnId"])))
    return found


def guard_linked(ctx: Ctx, record: Record, operation: str) -> None:
    """A document with payments applied can't be deleted or voided through the API until they are unlinked (fact
    sheet §1.2: "unlink linked txns first"); deleting it in the UI unlinks them, leaving the money unapplied."""
    linked = live_payment_links(ctx, record)
    if not linked or operation == "update":
        return
    if operation == "ui-delete":
        from sandbox.quickbooks import payments  # noqa: PLC0415 (payments imports this module)

        for entity, payment_id in linked:
            payments.unlink_document(ctx, entity, payment_id, record)
        return
    names = ", ".join(f"{entity} {payment_id}" for entity, payment_id in linked)
    raise errors.business(f"This transaction is linked to {names}. Unlink the linked transactions before you "
                          f"{operation} it.", "LinkedTxn")


def guard_voided(ctx: Ctx, record: Record, operation: str) -> None:
    if operation == "update" and record.internal.get("voided"):
        raise errors.business("A voided transaction can't be changed.")

"""Seeded document lines and payments, credit notes (with their allocations), overpayments, bank transactions,
manual journals and attachments.

Called by ``sandbox.xero.seed.build_books`` once contacts and invoices are in the books, so allocations and
attachments can name them by the generator's keys.
- A credit note's allocations reduce the invoices' AmountDue and its RemainingCredit; a "paid" credit note whose
  allocations leave credit over had the rest refunded (a payment on the credit note into the main bank account).
- An overpayment is made by a RECEIVE-OVERPAYMENT bank transaction whose id is ``stable_uuid("xero-overpayment-
  transaction", key)``.
- A bank transaction without a contact (bank fees) is kept without one: Xero's API requires a contact on new ones,
  but the seed describes books as they are.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sandbox.seed import reference as ref
from sandbox.seed.model import (SeedBankTransaction, SeedCreditNote, SeedJournal, SeedLine, SeedOverpayment,
                                SeedPayment, SideBooks)
from sandbox.xero import attachments, credits, settlement, tracking
from sandbox.xero.documents import CREDIT_NOTE, compute_totals, line_totals, next_number
from sandbox.xero.books import Books
from sandbox.xero.entities import Ctx
from sandbox.xero.reference import DEFAULT_RATES
from sandbox.xero.wire import CENT, FOUR, SIX, UTC, q

_ZERO = Decimal("0")
_OWNERS = {"bill": "Invoices", "invoice": "Invoices", "credit_note": "CreditNotes",
           "bank_transaction": "BankTransactions", "journal": "ManualJournals"}
_STATUS = {"draft": "DRAFT", "authorised": "AUTHORISED", "paid": "AUTHORISED", "voided": "VOIDED",
           "deleted": "DELETED", "posted": "POSTED"}


def _updated(updated: dt.datetime | None, day: dt.date) -> dt.datetime:
    return updated or dt.datetime.combine(day, dt.time(17, 0), tzinfo=UTC)


def _rate(currency: str, base: str) -> Decimal:
    return Decimal("1") if currency == base else ref.RATES.get(currency, DEFAULT_RATES.get(currency, Decimal("1")))


def seeded_lines(books: Books, lines: list[SeedLine], owner_key: str) -> list[dict[str, Any]]:
    """Document lines as the seed gives them (its tax amounts kept, even a cent off the rate)."""
    out = []
    for n, ln in enumerate(lines):
        account = ref.account(ln.account_code)
        line: dict[str, Any] = {
            "LineItemID": ref.stable_uuid("xero-line", owner_key, n), "Description": ln.description,
            "Quantity": q(ln.quantity, FOUR), "UnitAmount": q(ln.unit_amount, CENT), "AccountCode": account.code,
            "AccountID": account.xero_id, "TaxType": ln.tax_type, "TaxAmount": q(ln.tax_amount),
            "LineAmount": ln.line_amount,
            "Tracking": tracking.seeded(books, ln.tracking, f"seeded line {n} of {owner_key}"),
        }
        if ln.item_code:
            item = ref.item(ln.item_code)
            line["ItemCode"] = item.code
            line["_Item"] = {"ItemID": item.xero_id, "Name": item.name, "Code": item.code}
        out.append(line)
    return out


def payment_record(pay: SeedPayment, target: str, collection: str, doc: dict[str, Any], fallback_key: str
                   ) -> dict[str, Any]:
    """A seeded payment (a deleted one keeps Status DELETED and settles nothing)."""
    account = ref.account(pay.account_code)
    _, id_field = {"Invoices": ("Invoice", "InvoiceID"), "CreditNotes": ("CreditNote", "CreditNoteID"),
                   "Overpayments": ("Overpayment", "OverpaymentID")}[collection]
    rate = doc["CurrencyRate"]
    kinds = {"ACCREC": "ACCRECPAYMENT", "ACCPAY": "ACCPAYPAYMENT", "ACCRECCREDIT": "ARCREDITPAYMENT",
             "ACCPAYCREDIT": "APCREDITPAYMENT", "RECEIVE-OVERPAYMENT": "AROVERPAYMENTPAYMENT",
             "SPEND-OVERPAYMENT": "APOVERPAYMENTPAYMENT"}
    amount = q(pay.amount)
    return {
        "PaymentID": pay.xero_id or ref.stable_uuid("xero-payment", fallback_key),
        target: {id_field: doc[id_field]}, "Account": {"AccountID": account.xero_id, "Code": account.code},
        "Date": pay.date, "Amount": amount, "CurrencyRate": q(rate, SIX),
        "BankAmount": amount if account.currency == doc["CurrencyCode"] else q(amount / rate),
        "Reference": pay.reference or "", "Status": "DELETED" if pay.deleted else "AUTHORISED",
        "PaymentType": kinds[doc["Type"]], "IsReconciled": False,
        "UpdatedDateUTC": doc["UpdatedDateUTC"], "_by_app": False,
    }


def credited_by_invoice(side: SideBooks) -> dict[str, Decimal]:
    """Invoice key -> the credit allocated to it (so a "paid" invoice is not paid twice over)."""
    out: dict[str, Decimal] = {}
    for note in side.credit_notes:
        if note.status in ("authorised", "paid"):
            for invoice_key, amount, _ in note.allocations:
                out[invoice_key] = out.get(invoice_key, _ZERO) + amount
    return out


def load(ctx: Ctx, side: SideBooks, contact_ids: dict[str, str], invoice_ids: dict[str, str]) -> None:
    owners: dict[tuple[str, str], str] = {("Invoices", k): v for k, v in invoice_ids.items()}
    for note in side.credit_notes:
        rec = _credit_note(ctx, note, _contact(contact_ids, note.contact_key, note.key))
        owners[("CreditNotes", note.key)] = rec["CreditNoteID"]
        ctx.books.put("CreditNotes", rec["CreditNoteID"], rec)
        for n, (invoice_key, amount, when) in enumerate(note.allocations if rec["Status"] == "AUTHORISED" else []):
            if invoice_key not in invoice_ids:
                raise ValueError(f"seeded credit note {note.key} is allocated to invoice {invoice_key}, which the "
                                 "Xero side does not hold")
            _allocate(ctx, "CreditNotes", rec["CreditNoteID"], invoice_ids[invoice_key], q(amount), when,
                      ref.stable_uuid("xero-allocation", note.key, n))
        rec = ctx.books.get("CreditNotes", rec["CreditNoteID"]) or rec
        if note.status == "paid" and rec["RemainingCredit"] > 0:
            refund = SeedPayment(date=note.date, amount=rec["RemainingCredit"], account_code=ref.ACCOUNTS[0].code)
            pay = payment_record(refund, "CreditNote", "CreditNotes", rec, f"{note.key}/refund")
            ctx.books.put("Payments", pay["PaymentID"], pay)
            ctx.books.put("CreditNotes", rec["CreditNoteID"],
                          settlement.adjusted(rec, "CreditNotes", pay["Amount"], note.date))
    for over in side.overpayments:
        _overpayment(ctx, over, _contact(contact_ids, over.contact_key, over.key))
    for txn in side.bank_transactions:
        contact_id = _contact(contact_ids, txn.contact_key, txn.key) if txn.contact_key else None
        rec = _bank_transaction(ctx, txn, contact_id)
        owners[("BankTransactions", txn.key)] = rec["BankTransactionID"]
        ctx.books.put("BankTransactions", rec["BankTransactionID"], rec)
    for journal in side.journals:
        rec = _journal(ctx, journal)
        owners[("ManualJournals", journal.key)] = rec["ManualJournalID"]
        ctx.books.put("ManualJournals", rec["ManualJournalID"], rec)
    for att in side.attachments:
        collection = _OWNERS[att.owner_kind]
        owner_id = owners.get((collection, att.owner_key))
        if owner_id is None:
            raise ValueError(f"seeded attachment {att.key} belongs to {att.owner_kind} {att.owner_key}, which the "
                             "Xero side does not hold")
        rec = attachments.record(collection, owner_id, att.file_name, att.mime_type, att.content,
                                 att.xero_id or ref.stable_uuid("xero-attachment", att.key))
        ctx.books.put("Attachments", rec["AttachmentID"], rec)


def _contact(ids: dict[str, str], key: str, owner: str) -> str:
    if key not in ids:
        raise ValueError(f"seeded record {owner} names contact {key}, which the Xero side does not hold")
    return ids[key]


def _allocate(ctx: Ctx, source: str, source_id: str, invoice_id: str, amount: Decimal, when: dt.date,
              allocation_id: str) -> None:
    credit = ctx.books.get(source, source_id)
    invoice = ctx.books.get("Invoices", invoice_id)
    assert credit is not None and invoice is not None
    ctx.books.put(source, source_id, settlement.adjusted(credit, source, amount, when))
    ctx.books.put("Invoices", invoice_id, settlement.adjusted(invoice, "Invoices", amount, when, credited=True))
    ctx.books.put("Allocations", allocation_id, {
        "AllocationID": allocation_id, "Amount": amount, "Date": when, "IsDeleted": False,
        "Invoice": {"InvoiceID": invoice_id}, "_Source": source, "_SourceID": source_id})


def _credit_note(ctx: Ctx, note: SeedCreditNote, contact_id: str) -> dict[str, Any]:
    kind = "ACCRECCREDIT" if note.kind == "sales" else "ACCPAYCREDIT"
    rec: dict[str, Any] = {
        "CreditNoteID": note.xero_id or ref.stable_uuid("xero-credit-note", note.key), "Type": kind,
        "Contact": {"ContactID": contact_id}, "Date": note.date, "Status": _STATUS[note.status],
        "LineAmountTypes": "Exclusive", "LineItems": seeded_lines(ctx.books, note.lines, note.key),
        "CurrencyCode": note.currency, "CurrencyRate": q(note.currency_rate, SIX), "_Used": _ZERO,
        "SentToContact": kind == "ACCRECCREDIT" and note.status != "draft", "HasAttachments": False,
        "UpdatedDateUTC": _updated(note.updated_at, note.date), "_by_app": False,
    }
    if note.number:
        rec["CreditNoteNumber"] = note.number
    elif kind == "ACCRECCREDIT":
        rec["CreditNoteNumber"] = next_number(ctx, CREDIT_NOTE)
    if note.reference:
        rec["Reference"] = note.reference
    compute_totals(rec, CREDIT_NOTE)
    return rec


def _overpayment(ctx: Ctx, over: SeedOverpayment, contact_id: str) -> None:
    account = ref.account(over.account_code)
    rate = _rate(over.currency, ctx.base_currency)
    txn: dict[str, Any] = {
        "BankTransactionID": ref.stable_uuid("xero-overpayment-transaction", over.key), "Type": "RECEIVE-OVERPAYMENT",
        "Contact": {"ContactID": contact_id}, "BankAccount": {"AccountID": account.xero_id, "Code": account.code},
        "Date": over.date, "Status": "AUTHORISED", "LineAmountTypes": "NoTax", "IsReconciled": False,
        "LineItems": [{"LineItemID": ref.stable_uuid("xero-line", over.key, 0), "Description": "Overpayment",
                       "Quantity": Decimal("1.0000"), "UnitAmount": q(over.amount), "TaxType": "NONE",
                       "TaxAmount": Decimal("0.00"), "LineAmount": q(over.amount), "Tracking": []}],
        "CurrencyCode": over.currency, "CurrencyRate": q(rate, SIX),
        "UpdatedDateUTC": _updated(over.updated_at, over.date), "_by_app": False,
    }
    line_totals(txn)
    txn.pop("TotalDiscount", None)
    credit = credits.from_transaction(txn, None, over.xero_id or ref.stable_uuid("xero-overpayment", over.key))
    credit["UpdatedDateUTC"] = txn["UpdatedDateUTC"]
    txn["OverpaymentID"] = credit["OverpaymentID"]
    ctx.books.put("BankTransactions", txn["BankTransactionID"], txn)
    ctx.books.put("Overpayments", credit["OverpaymentID"], credit)


def _bank_transaction(ctx: Ctx, txn: SeedBankTransaction, contact_id: str | None) -> dict[str, Any]:
    account = ref.account(txn.bank_account_code)
    lines = []
    for n, ln in enumerate(txn.lines):
        line_account = ref.account(ln.account_code)
        lines.append({
            "LineItemID": ref.stable_uuid("xero-line", txn.key, n), "Description": ln.description,
            "Quantity": Decimal("1.0000"), "UnitAmount": q(ln.amount), "AccountCode": line_account.code,
            "AccountID": line_account.xero_id, "TaxType": ln.tax_type, "TaxAmount": q(ln.tax_amount),
            "LineAmount": q(ln.amount),
            "Tracking": tracking.seeded(ctx.books, ln.tracking, f"seeded line {n} of {txn.key}")})
    rec: dict[str, Any] = {
        "BankTransactionID": txn.xero_id or ref.stable_uuid("xero-bank-transaction", txn.key),
        "Type": "RECEIVE" if txn.kind == "receive" else "SPEND",
        "BankAccount": {"AccountID": account.xero_id, "Code": account.code}, "Date": txn.date,
        "Status": _STATUS[txn.status], "LineAmountTypes": "Exclusive", "LineItems": lines, "IsReconciled": False,
        "CurrencyCode": txn.currency, "CurrencyRate": q(_rate(txn.currency, ctx.base_currency), SIX),
        "UpdatedDateUTC": _updated(txn.updated_at, txn.date), "_by_app": False,
    }
    if contact_id:
        rec["Contact"] = {"ContactID": contact_id}
    if txn.reference:
        rec["Reference"] = txn.reference
    line_totals(rec)
    rec.pop("TotalDiscount", None)
    return rec


def _journal(ctx: Ctx, journal: SeedJournal) -> dict[str, Any]:
    lines = []
    for n, ln in enumerate(journal.lines):
        account = ref.account(ln.account_code)
        lines.append({"Description": ln.description, "LineAmount": q(ln.amount), "AccountCode": account.code,
                      "AccountID": account.xero_id, "TaxType": ln.tax_type, "TaxAmount": Decimal("0.00"),
                      "IsBlank": False,
                      "Tracking": tracking.seeded(ctx.books, ln.tracking, f"seeded line {n} of {journal.key}")})
    if sum((ln["LineAmount"] for ln in lines), _ZERO) != 0:
        raise ValueError(f"seeded journal {journal.key} does not balance")
    return {"ManualJournalID": journal.xero_id or ref.stable_uuid("xero-manual-journal", journal.key),
            "Narration": journal.narration, "Date": journal.date, "Status": _STATUS[journal.status],
            "LineAmountTypes": "NoTax", "JournalLines": lines, "ShowOnCashBasisReports": True,
            "UpdatedDateUTC": _updated(journal.updated_at, journal.date), "_by_app": False}

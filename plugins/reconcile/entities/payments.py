"""Payments: money received against sales invoices (Xero Payment <-> QuickBooks Payment, both ways) and paid against
bills (QuickBooks BillPayment -> Xero Payment), plus customers' overpayments (Xero Overpayment <-> the unapplied
amount of a QuickBooks Payment).

A Xero payment pays one document; a QuickBooks payment may pay several. So a QuickBooks payment is staged once per
document it pays, as "<Payment Id>:<document Id>" (and "<Payment Id>:unapplied" for an amount it leaves unapplied),
and each of those rows links to one Xero payment: every payment is carried across once.

A payment is written only once its document is linked. Payments are not edited: an amount that differs on a linked
pair waits in the exception queue; a payment deleted on one side is deleted on the other (a QuickBooks payment that
pays other documents too loses only that line).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reconcile.config import Mappings, UnmappedCode
from reconcile.entities.base import EntitySpec, RecordError, Side, WriteContext
from reconcile.normalise import clean_text, decimal, money, rate_from_quickbooks, rate_to_quickbooks
from xero.dates import parse_ms_date

COLUMNS = ("kind", "document_id", "credit_id", "contact_id", "group_id", "date", "amount", "currency",
           "currency_rate", "bank_account", "reference", "status")
COMPARE = ("kind", "document_id", "credit_id", "status")
KINDS = ("payment", "overpayment", "credit_allocation")


@dataclass(frozen=True)
class PaymentKind:
    entity: str  # "payments" | "bill_payments"
    document_entity: str  # "invoices" | "bills"
    contact_entity: str  # "contacts" | "suppliers"
    xero_payment_types: tuple[str, ...]  # ACCRECPAYMENT | ACCPAYPAYMENT
    qb_resource: str  # "Payment" | "BillPayment"
    qb_document: str  # "Invoice" | "Bill"
    qb_contact_ref: str  # "CustomerRef" | "VendorRef"
    overpayments: bool  # customers' overpayments too
    credit_entity: str  # "credit_notes" | "vendor_credits": credit allocated to documents travels here too
    xero_credit_type: str  # ACCRECCREDIT | ACCPAYCREDIT
    qb_credit: str  # "CreditMemo" | "VendorCredit"
    doc: str


def _q2(value: Decimal | None) -> Decimal | None:
    return money(value) if value is not None else None


class Payments:
    def __init__(self, kind: PaymentKind) -> None:
        self.kind = kind

    def error(self, ledger: str, record_id: str, field: str | None, message: str, label: str | None = None,
              reason: str = "invalid_field", code: str | None = None) -> RecordError:
        return RecordError(ledger, self.kind.entity, record_id, field, message, label=label, reason=reason, code=code)

    # --- Xero -----------------------------------------------------------------------------------------------------
    def xero_read(self, hook: Any, since: Any) -> Any:
        yield from hook.iter_records("Payments", modified_since=since)
        if self.kind.overpayments:
            yield from hook.iter_records("Overpayments", modified_since=since)
        for credit in hook.iter_records("CreditNotes", modified_since=since):
            if credit.get("Type") != self.kind.xero_credit_type:
                continue
            for allocation in credit.get("Allocations") or []:
                yield {"_allocation": allocation, "_credit": {k: credit.get(k) for k in (
                    "CreditNoteID", "Contact", "CurrencyCode", "CurrencyRate", "UpdatedDateUTC", "Status")}}

    def xero_normalise(self, raw: dict, mappings: Mappings) -> dict:
        if "_allocation" in raw:
            return self._xero_allocation(raw)
        overpayment = "OverpaymentID" in raw
        record_id = raw.get("OverpaymentID") if overpayment else raw.get("PaymentID")
        record_id = record_id or "?"
        try:
            updated = parse_ms_date(raw.get("UpdatedDateUTC"))
            date = parse_ms_date(raw.get("Date"))
        except ValueError as exc:
            raise self.error("xero", record_id, "Date", str(exc)) from None
        if overpayment:
            account = None
            bank = (raw.get("Payments") or [{}])[0] if raw.get("Payments") else {}
            return self._row(record_id, raw.get("UpdatedDateUTC"), updated, kind="overpayment", document_id=None,
                             contact_id=(raw.get("Contact") or {}).get("ContactID"), group_id=None,
                             date=date.date() if date else None, amount=_q2(decimal(raw.get("Total"))),
                             currency=raw.get("CurrencyCode"), currency_rate=decimal(raw.get("CurrencyRate")),
                             bank_account=account or (bank.get("Account") or {}).get("Code"),
                             reference=clean_text(raw.get("Reference")),
                             status="deleted" if raw.get("Status") in ("DELETED", "VOIDED") else "authorised")
        invoice = raw.get("Invoice") or {}
        return self._row(
            record_id, raw.get("UpdatedDateUTC"), updated, kind=self._xero_kind(raw),
            document_id=invoice.get("InvoiceID"), contact_id=(invoice.get("Contact") or {}).get("ContactID"),
            group_id=None, date=date.date() if date else None, amount=_q2(decimal(raw.get("Amount"))),
            currency=invoice.get("CurrencyCode"), currency_rate=decimal(raw.get("CurrencyRate")),
            bank_account=(raw.get("Account") or {}).get("Code"), reference=clean_text(raw.get("Reference")),
            status="deleted" if raw.get("Status") == "DELETED" else "authorised")

    def _xero_allocation(self, raw: dict) -> dict:
        allocation, credit = raw["_allocation"], raw["_credit"]
        record_id = allocation.get("AllocationID") or "?"
        try:
            updated, date = parse_ms_date(credit.get("UpdatedDateUTC")), parse_ms_date(allocation.get("Date"))
        except ValueError as exc:
            raise self.error("xero", record_id, "Date", str(exc)) from None
        deleted = bool(allocation.get("IsDeleted")) or credit.get("Status") in ("VOIDED", "DELETED")
        return self._row(
            record_id, f"{credit.get('UpdatedDateUTC')}:{deleted}", updated, kind="credit_allocation",
            document_id=(allocation.get("Invoice") or {}).get("InvoiceID"), credit_id=credit.get("CreditNoteID"),
            contact_id=(credit.get("Contact") or {}).get("ContactID"), group_id=None,
            date=date.date() if date else None, amount=_q2(decimal(allocation.get("Amount"))),
            currency=credit.get("CurrencyCode"), currency_rate=decimal(credit.get("CurrencyRate")), bank_account=None,
            reference=None, status="deleted" if deleted else "authorised")

    def _xero_kind(self, raw: dict) -> str:
        return "payment" if raw.get("PaymentType") in self.kind.xero_payment_types else "other"

    @staticmethod
    def _row(ledger_id: str, version: Any, updated: Any, **values: Any) -> dict:
        row = {"ledger_id": ledger_id, "version": version, "updated_at": updated, **values}
        row["deleted"] = row.get("status") == "deleted"
        return row

    def xero_include(self, row: dict) -> bool:
        return row.get("kind") in KINDS

    def _resolve(self, ctx: WriteContext, entity: str, ledger: str, record_id: str | None, row: dict,
                 what: str) -> str:
        linked = ctx.resolve(entity, ledger, record_id) if record_id else None
        if linked is None:
            raise self.error(ledger, row["ledger_id"], what, f"{entity[:-1].replace('_', ' ')} {record_id} is not "
                             f"linked yet, so what was paid or credited on it cannot be carried across",
                             reason="document_not_linked")
        return linked

    def xero_create(self, row: dict, ctx: WriteContext) -> dict:
        if row["kind"] == "credit_allocation":
            document = self._resolve(ctx, self.kind.document_entity, "quickbooks", row["document_id"], row,
                                     "LinkedTxn")
            credit = self._resolve(ctx, self.kind.credit_entity, "quickbooks", row["credit_id"], row, "LinkedTxn")
            return {"_resource": "Allocations", "_path": f"CreditNotes/{credit}/Allocations", "_method": "PUT",
                    "Allocations": [{"Invoice": {"InvoiceID": document}, "Amount": str(row["amount"]),
                                     "Date": row["date"].isoformat() if row.get("date") else None}]}
        if row["kind"] == "overpayment":
            contact = ctx.resolve(self.kind.contact_entity, "quickbooks", row["contact_id"])
            if contact is None:
                raise self.error("quickbooks", row["ledger_id"], self.kind.qb_contact_ref,
                                 f"customer {row['contact_id']} is not linked to a Xero contact yet",
                                 reason="contact_not_linked")
            return {"_resource": "BankTransactions", "Type": "RECEIVE-OVERPAYMENT", "Contact": {"ContactID": contact},
                    "BankAccount": {"Code": self._bank_code(row, "quickbooks", ctx.mappings)},
                    "Date": row["date"].isoformat() if row.get("date") else None,
                    "LineAmountTypes": "NoTax", "Reference": row.get("reference") or "",
                    "LineItems": [{"Description": "Overpayment", "LineAmount": str(row["amount"])}]}
        document = ctx.resolve(self.kind.document_entity, "quickbooks", row["document_id"])
        if document is None:
            raise self.error("quickbooks", row["ledger_id"], "LinkedTxn",
                             f"{self.kind.qb_document.lower()} {row['document_id']} is not linked to Xero yet, so its "
                             "payment cannot be carried across", reason="document_not_linked")
        payload: dict[str, Any] = {
            "Invoice": {"InvoiceID": document},
            "Account": {"Code": self._bank_code(row, "quickbooks", ctx.mappings)},
            "Date": row["date"].isoformat() if row.get("date") else None,
            "Amount": str(row["amount"]),
            "Reference": row.get("reference") or "",
        }
        if row.get("currency_rate") and row.get("currency") not in (None, ctx.home_currency("xero")):
            payload["CurrencyRate"] = str(row["currency_rate"])
        return payload

    def _bank_code(self, row: dict, from_ledger: str, mappings: Mappings | None = None) -> str:
        code = row.get("bank_account") or (mappings.default_bank_account if mappings else None)
        if not code:
            raise self.error(from_ledger, row["ledger_id"], "bank account", "the payment names no bank account and "
                             "the mapping file has no default_bank_account")
        return code

    @staticmethod
    def xero_link_id(payload: dict, new_id: str, record: dict | None) -> str:
        """An overpayment is made by a bank transaction: it is staged under the Overpayment's id."""
        if payload.get("_resource") == "BankTransactions":
            return (record or {}).get("OverpaymentID") or new_id
        return new_id

    def xero_delete(self, current: dict) -> dict:
        if "_allocation" in current:
            credit, allocation = current["_credit"]["CreditNoteID"], current["_allocation"]["AllocationID"]
            return {"_resource": "Allocations", "_method": "DELETE",
                    "_path": f"CreditNotes/{credit}/Allocations/{allocation}"}
        if "OverpaymentID" in current:  # an overpayment goes with the bank transaction that made it
            return {"_resource": "BankTransactions", "_path": f"BankTransactions/{current['OverpaymentID']}",
                    "Status": "DELETED"}
        return {"_path": f"Payments/{current['PaymentID']}", "Status": "DELETED"}

    # --- QuickBooks -----------------------------------------------------------------------------------------------
    def qb_read(self, hook: Any, since: Any) -> Any:
        """Each QuickBooks payment once per document it pays (and once for an unapplied amount)."""
        for raw in hook.iter_records(self.kind.qb_resource, modified_since=since):
            for part in self.qb_parts(raw):
                yield part

    def qb_parts(self, raw: dict) -> list[dict]:
        """The rows a payment is staged as: its raw record with the part it stands for. A payment of nothing that
        links documents and a credit is credit applied to the documents (QuickBooks' way of allocating credit)."""
        parts = []
        credits = [str(linked["TxnId"]) for line in raw.get("Line") or [] for linked in line.get("LinkedTxn") or []
                   if linked.get("TxnType") == self.kind.qb_credit]
        applies_credit = bool(credits) and (decimal(raw.get("TotalAmt")) or Decimal("0")) == 0
        for index, line in enumerate(raw.get("Line") or []):
            for linked in line.get("LinkedTxn") or []:
                if linked.get("TxnType") == self.kind.qb_document:
                    parts.append({**raw, "_part": {"document": str(linked["TxnId"]), "amount": line.get("Amount"),
                                                   "line": index, "credit": credits[0] if applies_credit else None}})
        unapplied = decimal(raw.get("UnappliedAmt")) or Decimal("0")
        if self.kind.overpayments and unapplied > 0:
            parts.append({**raw, "_part": {"document": None, "amount": raw.get("UnappliedAmt"), "line": None}})
        return parts

    def qb_normalise(self, raw: dict, mappings: Mappings) -> dict:
        part = raw["_part"]
        payment_id = str(raw.get("Id") or "?")
        record_id = f"{payment_id}:{part['document'] or 'unapplied'}"
        meta = raw.get("MetaData") or {}
        try:
            updated = dt.datetime.fromisoformat(meta["LastUpdatedTime"]) if meta.get("LastUpdatedTime") else None
            date = dt.date.fromisoformat(raw["TxnDate"][:10]) if raw.get("TxnDate") else None
        except ValueError as exc:
            raise self.error("quickbooks", record_id, "TxnDate", str(exc)) from None
        if self.kind.qb_resource == "BillPayment":
            pay = raw.get("CheckPayment") or raw.get("CreditCardPayment") or {}
            bank_ref = (pay.get("BankAccountRef") or pay.get("CCAccountRef") or {}).get("value")
        else:
            bank_ref = (raw.get("DepositToAccountRef") or {}).get("value")
        try:
            if bank_ref and bank_ref in mappings.clearing_accounts:
                bank = mappings.default_bank_account  # Undeposited Funds: Xero banks the payment directly
            else:
                bank = mappings.xero_account(bank_ref) if bank_ref else None
        except UnmappedCode as exc:
            raise self.error("quickbooks", record_id, "bank account", str(exc), reason="unmapped_code",
                             code=exc.code) from None
        kind = "credit_allocation" if part.get("credit") else "payment" if part["document"] else "overpayment"
        return self._row(
            record_id, raw.get("SyncToken"), updated, kind=kind, credit_id=part.get("credit"),
            document_id=part["document"], contact_id=(raw.get(self.kind.qb_contact_ref) or {}).get("value"),
            group_id=payment_id, date=date, amount=_q2(decimal(part["amount"])),
            currency=(raw.get("CurrencyRef") or {}).get("value"), currency_rate=rate_from_quickbooks(raw.get("ExchangeRate")),
            bank_account=bank, reference=clean_text(raw.get("PaymentRefNum") or raw.get("DocNumber")),
            status="deleted" if raw.get("status") == "Deleted" else "authorised")

    def qb_create(self, row: dict, ctx: WriteContext) -> dict:
        k = self.kind
        contact = ctx.resolve(k.contact_entity, "xero", row["contact_id"])
        if contact is None:
            raise self.error("xero", row["ledger_id"], "Contact", f"contact {row['contact_id']} is not linked to "
                             "QuickBooks yet", reason="contact_not_linked")
        try:
            bank = ctx.mappings.qb_account(self._bank_code(row, "xero", ctx.mappings))
        except UnmappedCode as exc:
            raise self.error("xero", row["ledger_id"], "Account", str(exc), reason="unmapped_code",
                             code=exc.code) from None
        payload: dict[str, Any] = {
            k.qb_contact_ref: {"value": contact},
            "TotalAmt": str(row["amount"]),
            "TxnDate": row["date"].isoformat() if row.get("date") else None,
        }
        if row.get("currency"):
            payload["CurrencyRef"] = {"value": row["currency"]}
            if row["currency"] != ctx.home_currency("quickbooks") and row.get("currency_rate"):
                payload["ExchangeRate"] = rate_to_quickbooks(row["currency_rate"])
        if row["kind"] == "payment":
            document = self._resolve(ctx, k.document_entity, "xero", row["document_id"], row, "Invoice")
            payload["Line"] = [{"Amount": str(row["amount"]),
                                "LinkedTxn": [{"TxnId": document, "TxnType": k.qb_document}]}]
        if row["kind"] == "credit_allocation":
            # QuickBooks applies credit with a payment of nothing: the document and the credit, same amount
            document = self._resolve(ctx, k.document_entity, "xero", row["document_id"], row, "Invoice")
            credit = self._resolve(ctx, k.credit_entity, "xero", row["credit_id"], row, "CreditNote")
            payload["TotalAmt"] = "0"
            payload["Line"] = [{"Amount": str(row["amount"]), "LinkedTxn": [{"TxnId": document,
                                                                             "TxnType": k.qb_document}]},
                               {"Amount": str(row["amount"]), "LinkedTxn": [{"TxnId": credit,
                                                                             "TxnType": k.qb_credit}]}]
        if k.qb_resource == "BillPayment":
            payload.update(PayType="Check", CheckPayment={"BankAccountRef": {"value": bank}})
        else:
            payload["DepositToAccountRef"] = {"value": bank}
            if row.get("reference"):
                payload["PaymentRefNum"] = row["reference"]  # never cut: over 21 waits as cannot_hold
        return payload

    def qb_link_id(self, payload: dict, new_id: str, record: dict | None) -> str:
        lines = payload.get("Line") or []
        document = lines[0]["LinkedTxn"][0]["TxnId"] if lines else None
        return f"{new_id}:{document or 'unapplied'}"

    def qb_delete(self, current: dict) -> dict:
        """Delete the payment, or when it pays other documents too, only the line for this one."""
        part = current.get("_part") or {}
        lines = current.get("Line") or []
        others = [ln for i, ln in enumerate(lines) if i != part.get("line")]
        base = {"Id": current["Id"], "SyncToken": current["SyncToken"]}
        if part.get("line") is None or not others:
            return base
        remaining = sum((decimal(ln.get("Amount")) or Decimal("0") for ln in others), Decimal("0"))
        unapplied = decimal(current.get("UnappliedAmt")) or Decimal("0")
        return {**base, "_operation": "update", "sparse": True, "Line": others,
                "TotalAmt": str(remaining + unapplied)}

    def qb_find(self, hook: Any, payload: dict) -> dict | None:
        return None  # payments have no natural key to look up; replay by requestid covers lost answers

    # --- the spec -------------------------------------------------------------------------------------------------
    def spec(self) -> EntitySpec:
        k = self.kind
        label = lambda r: f"{r.get('kind')} {r.get('amount')} on {r.get('date')}"  # noqa: E731
        return EntitySpec(
            name=k.entity,
            columns=COLUMNS,
            compare=COMPARE,
            depends_on=(k.document_entity, k.contact_entity),
            xero=Side("xero", "Payments", self.xero_read, self.xero_normalise, self.xero_create, None,
                      self.xero_delete, label=label, include=self.xero_include, void_operation="delete",
                      link_id=self.xero_link_id),
            quickbooks=Side("quickbooks", k.qb_resource, self.qb_read, self.qb_normalise, self.qb_create, None,
                            self.qb_delete, label=label, void_operation="delete", link_id=self.qb_link_id,
                            find_existing=self.qb_find, deleted_since=qb_deleted(k.qb_resource)),
            creatable=lambda row: row.get("status") == "authorised" and row.get("kind") in KINDS,
            report_only={"amount": ("payment_changed", "a linked payment's amount differs; payments are not edited, "
                                                       "so correct it in one ledger (delete and record it again)")},
            doc=k.doc,
            contact_entity=None,
            references_currency=True,
            matcher="payments",
            match_deleted=True,
            reference_entities={"document_id": k.document_entity, "contact_id": k.contact_entity,
                                "credit_id": k.credit_entity},
        )


def qb_deleted(resource: str) -> Any:
    def deleted_since(hook: Any, since: Any) -> list[str]:
        return [str(r["Id"]) for r in hook.changes([resource], since).get(resource, [])
                if r.get("status") == "Deleted"]
    return deleted_since


SALES = PaymentKind(
    entity="payments", document_entity="invoices", contact_entity="contacts",
    xero_payment_types=("ACCRECPAYMENT",), qb_resource="Payment", qb_document="Invoice", qb_contact_ref="CustomerRef",
    overpayments=True, credit_entity="credit_notes", xero_credit_type="ACCRECCREDIT", qb_credit="CreditMemo",
    doc="Payments on sales invoices, both ways, each payment once; customers' overpayments and credit notes "
        "allocated to invoices with them.",
)
BILLS = PaymentKind(
    entity="bill_payments", document_entity="bills", contact_entity="suppliers",
    xero_payment_types=("ACCPAYPAYMENT",), qb_resource="BillPayment", qb_document="Bill", qb_contact_ref="VendorRef",
    overpayments=False, credit_entity="vendor_credits", xero_credit_type="ACCPAYCREDIT", qb_credit="VendorCredit",
    doc="Payments of bills: QuickBooks bill payments -> Xero payments, with supplier credits applied to bills.",
)
SPEC = Payments(SALES).spec()
BILL_PAYMENTS = Payments(BILLS).spec()

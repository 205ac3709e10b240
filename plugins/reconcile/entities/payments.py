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

COLUMNS = ("kind", "document_id", "contact_id", "group_id", "date", "amount", "currency", "currency_rate",
           "bank_account", "reference", "status")
COMPARE = ("kind", "document_id", "status")


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

    def xero_normalise(self, raw: dict, mappings: Mappings) -> dict:
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

    def _xero_kind(self, raw: dict) -> str:
        return "payment" if raw.get("PaymentType") in self.kind.xero_payment_types else "other"

    @staticmethod
    def _row(ledger_id: str, version: Any, updated: Any, **values: Any) -> dict:
        row = {"ledger_id": ledger_id, "version": version, "updated_at": updated, **values}
        row["deleted"] = row.get("status") == "deleted"
        return row

    def xero_include(self, row: dict) -> bool:
        return row.get("kind") in ("payment", "overpayment")

    def xero_create(self, row: dict, ctx: WriteContext) -> dict:
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

    def xero_delete(self, current: dict) -> dict:
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
        """The rows a payment is staged as: its raw record with the part it stands for."""
        parts = []
        for index, line in enumerate(raw.get("Line") or []):
            for linked in line.get("LinkedTxn") or []:
                if linked.get("TxnType") == self.kind.qb_document:
                    parts.append({**raw, "_part": {"document": str(linked["TxnId"]), "amount": line.get("Amount"),
                                                   "line": index}})
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
            bank = mappings.xero_account(bank_ref) if bank_ref else None
        except UnmappedCode as exc:
            raise self.error("quickbooks", record_id, "bank account", str(exc), reason="unmapped_code",
                             code=exc.code) from None
        return self._row(
            record_id, raw.get("SyncToken"), updated, kind="payment" if part["document"] else "overpayment",
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
            document = ctx.resolve(k.document_entity, "xero", row["document_id"])
            if document is None:
                raise self.error("xero", row["ledger_id"], "Invoice",
                                 f"document {row['document_id']} is not linked to QuickBooks yet, so its payment "
                                 "cannot be carried across", reason="document_not_linked")
            payload["Line"] = [{"Amount": str(row["amount"]),
                                "LinkedTxn": [{"TxnId": document, "TxnType": k.qb_document}]}]
        if k.qb_resource == "BillPayment":
            payload.update(PayType="Check", CheckPayment={"BankAccountRef": {"value": bank}})
        else:
            payload["DepositToAccountRef"] = {"value": bank}
            if row.get("reference"):
                payload["PaymentRefNum"] = row["reference"][:21]
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
                      self.xero_delete, label=label, include=self.xero_include, void_operation="delete"),
            quickbooks=Side("quickbooks", k.qb_resource, self.qb_read, self.qb_normalise, self.qb_create, None,
                            self.qb_delete, label=label, void_operation="delete", link_id=self.qb_link_id,
                            find_existing=self.qb_find, deleted_since=qb_deleted(k.qb_resource)),
            creatable=lambda row: row.get("status") == "authorised" and row.get("kind") in ("payment", "overpayment"),
            report_only={"amount": ("payment_changed", "a linked payment's amount differs; payments are not edited, "
                                                       "so correct it in one ledger (delete and record it again)")},
            doc=k.doc,
            contact_entity=None,
            references_currency=True,
            matcher="payments",
            reference_entities={"document_id": k.document_entity, "contact_id": k.contact_entity},
        )


def qb_deleted(resource: str) -> Any:
    def deleted_since(hook: Any, since: Any) -> list[str]:
        return [str(r["Id"]) for r in hook.changes([resource], since).get(resource, [])
                if r.get("status") == "Deleted"]
    return deleted_since


SALES = PaymentKind(
    entity="payments", document_entity="invoices", contact_entity="contacts",
    xero_payment_types=("ACCRECPAYMENT",), qb_resource="Payment", qb_document="Invoice", qb_contact_ref="CustomerRef",
    overpayments=True,
    doc="Payments on sales invoices, both ways, each payment once; customers' overpayments with them.",
)
BILLS = PaymentKind(
    entity="bill_payments", document_entity="bills", contact_entity="suppliers",
    xero_payment_types=("ACCPAYPAYMENT",), qb_resource="BillPayment", qb_document="Bill", qb_contact_ref="VendorRef",
    overpayments=False,
    doc="Payments of bills: QuickBooks bill payments -> Xero payments.",
)
SPEC = Payments(SALES).spec()
BILL_PAYMENTS = Payments(BILLS).spec()

"""Bank transactions and journals.

- ``bank_transactions``: Xero BankTransaction RECEIVE <-> QuickBooks Deposit, and SPEND <-> Purchase (an expense).
  Xero's bank transactions go to QuickBooks; QuickBooks' expenses (Purchases) come to Xero. QuickBooks deposits are
  not copied to Xero: they mostly bank customer payments the payments entity already carries.
- ``journals``: QuickBooks JournalEntry -> Xero ManualJournal (debits positive, credits negative; they balance).

Lines are staged in Xero's codes (accounts, tax types, tracking), translated through the pair's mapping file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from reconcile.config import Mappings, UnmappedCode
from reconcile.entities import tracking
from reconcile.entities.base import EntitySpec, RecordError, Side, WriteContext
from reconcile.entities.documents import AMOUNTS_FROM_QB, AMOUNTS_FROM_XERO, AMOUNTS_TO_QB, AMOUNTS_TO_XERO, q2
from reconcile.normalise import clean_text, decimal, money, norm_number
from xero.dates import parse_ms_date

BANK_COLUMNS = ("kind", "contact_id", "contact_kind", "date", "bank_account", "reference", "currency",
                "amounts_are", "subtotal", "total_tax", "total", "status", "payment_type", "lines", "tax_by_rate")
BANK_COMPARE = ("kind", "date", "bank_account", "currency", "amounts_are", "lines", "total_tax", "total", "status")
JOURNAL_COLUMNS = ("number", "norm_number", "date", "narration", "total", "status", "lines")
JOURNAL_COMPARE = ("date", "narration", "lines", "total", "status")


def _line(description: Any, amount: Any, account: str | None, tax_type: str | None, tracking: list[str]) -> dict:
    return {"description": clean_text(description), "line_amount": q2(money(amount)), "account_code": account,
            "tax_type": tax_type, "tracking": sorted(tracking)}


def _updated_qb(raw: dict) -> dt.datetime | None:
    meta = raw.get("MetaData") or {}
    return dt.datetime.fromisoformat(meta["LastUpdatedTime"]) if meta.get("LastUpdatedTime") else None


def _tracking_xero(line: dict) -> list[str]:
    return [f"{t.get('Name')}:{t.get('Option')}" for t in line.get("Tracking") or [] if t.get("Name")]


def _tracking_qb(detail: dict, mappings: Mappings) -> list[str]:
    """A QuickBooks line's Class (and, on a journal line, its Department) as Xero tracking options."""
    class_ref = (detail.get("ClassRef") or {}).get("value")
    department = (detail.get("DepartmentRef") or {}).get("value")
    return ([mappings.xero_tracking(class_ref)] if class_ref else []) + \
        ([mappings.xero_department(department)] if department else [])


def _tax_by_rate(lines: list[dict], taxes: list[Decimal]) -> dict[str, dict[str, str | None]]:
    totals: dict[str, list[Decimal]] = {}
    for line, tax in zip(lines, taxes):
        if line.get("tax_type"):
            net_tax = totals.setdefault(line["tax_type"], [Decimal("0"), Decimal("0")])
            net_tax[0] += Decimal(line["line_amount"] or "0")
            net_tax[1] += tax
    return {k: {"net": q2(v[0]), "tax": q2(v[1])} for k, v in sorted(totals.items())}


class BankTransactions:
    entity = "bank_transactions"

    def error(self, ledger: str, record_id: str, field: str | None, message: str, label: str | None = None,
              reason: str = "invalid_field", code: str | None = None) -> RecordError:
        return RecordError(ledger, self.entity, record_id, field, message, label=label, reason=reason, code=code)

    # --- Xero -----------------------------------------------------------------------------------------------------
    def xero_read(self, hook: Any, since: Any) -> Any:
        return hook.iter_records("BankTransactions", modified_since=since)

    def xero_normalise(self, raw: dict, mappings: Mappings) -> dict:
        record_id = raw.get("BankTransactionID") or "?"
        label = raw.get("Reference")
        try:
            updated, date = parse_ms_date(raw.get("UpdatedDateUTC")), parse_ms_date(raw.get("Date"))
        except ValueError as exc:
            raise self.error("xero", record_id, "Date", str(exc), label) from None
        lines, taxes = [], []
        for item in raw.get("LineItems") or []:
            lines.append(_line(item.get("Description"), item.get("LineAmount"), item.get("AccountCode"),
                               item.get("TaxType"), _tracking_xero(item)))
            taxes.append(decimal(item.get("TaxAmount")) or Decimal("0"))
        tracking.spread_department(mappings, lines)
        kind = {"RECEIVE": "receive", "SPEND": "spend"}.get(raw.get("Type", ""), "other")
        status = {"AUTHORISED": "authorised", "DELETED": "deleted", "VOIDED": "voided"}.get(
            raw.get("Status", ""), (raw.get("Status") or "").lower())
        return {
            "ledger_id": record_id, "version": raw.get("UpdatedDateUTC"), "updated_at": updated, "kind": kind,
            "contact_id": (raw.get("Contact") or {}).get("ContactID"), "contact_kind": None,
            "date": date.date() if date else None, "bank_account": (raw.get("BankAccount") or {}).get("Code"),
            "reference": clean_text(raw.get("Reference")), "currency": raw.get("CurrencyCode"),
            "amounts_are": AMOUNTS_FROM_XERO.get(raw.get("LineAmountTypes") or "Exclusive", "exclusive"),
            "subtotal": money(raw.get("SubTotal")), "total_tax": money(raw.get("TotalTax")),
            "total": money(raw.get("Total")), "status": status, "payment_type": None, "lines": lines,
            "tax_by_rate": _tax_by_rate(lines, taxes), "deleted": status == "deleted",
        }

    def xero_create(self, row: dict, ctx: WriteContext) -> dict:
        contact = None
        if row.get("contact_id"):
            entity = "suppliers" if row.get("contact_kind") == "Vendor" else "contacts"
            contact = ctx.resolve(entity, "quickbooks", row["contact_id"])
            if contact is None:
                raise self.error("quickbooks", row["ledger_id"], "EntityRef", f"{row.get('contact_kind') or 'contact'} "
                                 f"{row['contact_id']} is not linked to a Xero contact yet", row.get("reference"),
                                 reason="contact_not_linked")
        items = []
        line_tax = _spread(row)
        for index, ln in enumerate(row["lines"]):
            item: dict[str, Any] = {"Description": ln["description"] or "", "Quantity": "1",
                                    "UnitAmount": ln["line_amount"], "AccountCode": ln["account_code"],
                                    "TaxType": ln["tax_type"]}
            if index in line_tax:
                item["TaxAmount"] = line_tax[index]
            if ln.get("tracking"):
                item["Tracking"] = [dict(zip(("Name", "Option"), t.split(":", 1))) for t in ln["tracking"]]
            items.append({k: v for k, v in item.items() if v is not None})
        payload: dict[str, Any] = {
            "Type": "SPEND" if row["kind"] == "spend" else "RECEIVE",
            "BankAccount": {"Code": row["bank_account"]},
            "Date": row["date"].isoformat() if row.get("date") else None,
            "Reference": row.get("reference") or "",
            "LineAmountTypes": AMOUNTS_TO_XERO.get(row.get("amounts_are") or "exclusive", "Exclusive"),
            "LineItems": items,
        }
        # Xero needs a payee on money spent or received; an expense QuickBooks kept without one gets the mapping's
        # sundry contact (Xero creates a contact named in a document when it does not know it)
        payload["Contact"] = {"ContactID": contact} if contact else {"Name": ctx.mappings.sundry_contact}
        if row.get("currency"):
            payload["CurrencyCode"] = row["currency"]
        return payload

    def xero_update(self, row: dict, current: dict, ctx: WriteContext) -> dict:
        return {"BankTransactionID": current["BankTransactionID"], **self.xero_create(row, ctx)}

    def xero_delete(self, current: dict) -> dict:
        return {"BankTransactionID": current["BankTransactionID"], "Status": "DELETED"}

    # --- QuickBooks -----------------------------------------------------------------------------------------------
    def qb_read(self, hook: Any, since: Any) -> Any:
        yield from hook.iter_records("Purchase", modified_since=since)
        yield from hook.iter_records("Deposit", modified_since=since)

    def qb_normalise(self, raw: dict, mappings: Mappings) -> dict:
        deposit = "DepositToAccountRef" in raw
        record_id = f"{'Deposit' if deposit else 'Purchase'}:{raw.get('Id')}"
        label = raw.get("DocNumber") or raw.get("PrivateNote")
        lines, taxes = [], []
        linked_only = deposit and all(ln.get("LinkedTxn") for ln in raw.get("Line") or [])
        try:
            for index, item in enumerate(raw.get("Line") or [], start=1):
                kind = item.get("DetailType")
                if kind not in ("DepositLineDetail", "AccountBasedExpenseLineDetail"):
                    continue
                detail = item.get(kind) or {}
                account = (detail.get("AccountRef") or {}).get("value")
                tax_ref = (detail.get("TaxCodeRef") or {}).get("value")
                side = "sales" if deposit else "purchases"
                lines.append(_line(item.get("Description"), item.get("Amount"),
                                   mappings.xero_account(account) if account else None,
                                   mappings.xero_tax_type(tax_ref, side) if tax_ref else "NONE",
                                   _tracking_qb(detail, mappings)))
                taxes.append(decimal(detail.get("TaxAmount")) or Decimal("0"))
            bank_ref = (raw.get("DepositToAccountRef" if deposit else "AccountRef") or {}).get("value")
            bank = mappings.xero_account(bank_ref) if bank_ref else None
            tracking.with_department(mappings, lines, raw.get("DepartmentRef"))
        except UnmappedCode as exc:
            raise self.error("quickbooks", record_id, "Line", str(exc), label, reason="unmapped_code",
                             code=exc.code) from None
        tax_detail = raw.get("TxnTaxDetail") or {}
        total_tax = money(tax_detail.get("TotalTax")) or Decimal("0")
        if total_tax and not any(taxes):  # the tax is known per rate only: put it on the taxed lines in proportion
            taxes = _proportional(lines, total_tax)
        entity = raw.get("EntityRef") or {}
        if deposit:
            entity = next(((ln.get("DepositLineDetail") or {}).get("Entity") for ln in raw.get("Line") or []
                           if (ln.get("DepositLineDetail") or {}).get("Entity")), {}) or {}
        status = "deleted" if raw.get("status") == "Deleted" else "authorised"
        return {
            "ledger_id": record_id, "version": raw.get("SyncToken"), "updated_at": _updated_qb(raw),
            "kind": "other" if linked_only else ("receive" if deposit else "spend"),
            "contact_id": entity.get("value"), "contact_kind": entity.get("type"),
            "date": dt.date.fromisoformat(raw["TxnDate"][:10]) if raw.get("TxnDate") else None,
            "bank_account": bank, "reference": clean_text(raw.get("DocNumber") or raw.get("PrivateNote")),
            "currency": (raw.get("CurrencyRef") or {}).get("value"),
            "amounts_are": AMOUNTS_FROM_QB.get(raw.get("GlobalTaxCalculation") or "TaxExcluded", "exclusive"),
            "subtotal": sum((Decimal(ln["line_amount"] or "0") for ln in lines), Decimal("0")),
            "total_tax": total_tax, "total": money(raw.get("TotalAmt")), "status": status,
            "payment_type": raw.get("PaymentType"), "lines": lines, "tax_by_rate": _tax_by_rate(lines, taxes),
            "deleted": status == "deleted",
        }

    def qb_create(self, row: dict, ctx: WriteContext) -> dict:
        m = ctx.mappings
        contact = None
        if row.get("contact_id"):
            contact = ctx.resolve("suppliers", "xero", row["contact_id"]) or ctx.resolve("contacts", "xero",
                                                                                         row["contact_id"])
        try:
            bank = m.qb_account(row["bank_account"])
            lines = []
            for ln in row["lines"]:
                side = "sales" if row["kind"] == "receive" else "purchases"
                detail: dict[str, Any] = {"AccountRef": {"value": m.qb_account(ln["account_code"])}}
                if ln.get("tax_type"):
                    detail["TaxCodeRef"] = {"value": m.qb_tax_code(ln["tax_type"])}
                detail.update(tracking.line_class(m, ln))
                kind = "DepositLineDetail" if side == "sales" else "AccountBasedExpenseLineDetail"
                lines.append({"Amount": ln["line_amount"], "Description": ln["description"] or "",
                              "DetailType": kind, kind: detail})
            department = tracking.transaction_department(m, row["lines"], "LineItems")
        except UnmappedCode as exc:
            raise self.error("xero", row["ledger_id"], "LineItems", str(exc), row.get("reference"),
                             reason="unmapped_code", code=exc.code) from None
        except tracking.DepartmentConflict as exc:
            raise self.error("xero", row["ledger_id"], exc.field, str(exc), row.get("reference"),
                             reason=tracking.DepartmentConflict.reason) from None
        payload: dict[str, Any] = {
            "TxnDate": row["date"].isoformat() if row.get("date") else None,
            "GlobalTaxCalculation": AMOUNTS_TO_QB.get(row.get("amounts_are") or "exclusive", "TaxExcluded"),
            "Line": lines, "PrivateNote": row.get("reference") or "",
            "TxnTaxDetail": _qb_tax_detail(row, ctx, "sales" if row["kind"] == "receive" else "purchases"),
            **department,
        }
        if row.get("currency"):
            payload["CurrencyRef"] = {"value": row["currency"]}
        if row["kind"] == "receive":
            payload.update(_resource="Deposit", DepositToAccountRef={"value": bank})
        else:
            payload.update(_resource="Purchase", AccountRef={"value": bank}, PaymentType=row.get("payment_type") or "Cash")
            if contact:
                payload["EntityRef"] = {"value": contact, "type": "Vendor"}
        return payload

    def qb_update(self, row: dict, current: dict, ctx: WriteContext) -> dict:
        payload = self.qb_create(row, ctx)
        resource = "Deposit" if "DepositToAccountRef" in current else "Purchase"
        if payload["_resource"] != resource:
            raise self.error("xero", row["ledger_id"], "Type", f"it is a {resource} in QuickBooks; money in and money "
                             "out cannot be swapped by an edit", row.get("reference"))
        why = tracking.department_kept(current, payload)
        if why:
            raise self.error("xero", row["ledger_id"], "LineItems.Tracking", why, row.get("reference"),
                             reason="not_editable")
        return {**payload, "Id": current["Id"], "SyncToken": current["SyncToken"], "sparse": True}

    def qb_link_id(self, payload: dict, new_id: str, record: dict | None) -> str:
        return f"{payload.get('_resource', 'Purchase')}:{new_id}"

    def qb_delete(self, current: dict) -> dict:
        resource = "Deposit" if "DepositToAccountRef" in current else "Purchase"
        return {"_resource": resource, "Id": current["Id"], "SyncToken": current["SyncToken"]}

    def spec(self) -> EntitySpec:
        label = lambda r: r.get("reference") or r["ledger_id"]  # noqa: E731
        return EntitySpec(
            name=self.entity, columns=BANK_COLUMNS, compare=BANK_COMPARE, depends_on=("contacts", "suppliers"),
            xero=Side("xero", "BankTransactions", self.xero_read, self.xero_normalise, self.xero_create,
                      self.xero_update, self.xero_delete, label=label, include=lambda r: r.get("kind") in ("receive", "spend"),
                      void_operation="delete",
                      creatable=lambda r: r.get("status") == "authorised"),
            quickbooks=Side("quickbooks", "Purchase", self.qb_read, self.qb_normalise, self.qb_create,
                            self.qb_update, self.qb_delete, label=label, include=lambda r: r.get("kind") in ("receive", "spend"),
                            void_operation="delete", link_id=self.qb_link_id,
                            deleted_since=_qb_deleted(("Purchase", "Deposit")),
                            # expenses come to Xero; deposits mostly bank payments already carried, so they do not
                            creatable=lambda r: r.get("status") == "authorised" and r.get("kind") == "spend"),
            doc="Xero bank transactions -> QuickBooks deposits and expenses; QuickBooks expenses -> Xero.",
            references_currency=True, matcher="bank_transactions",
        )


def _proportional(lines: list[dict], tax: Decimal) -> list[Decimal]:
    taxed = [i for i, ln in enumerate(lines) if ln.get("tax_type") not in (None, "NONE")]
    net = sum((Decimal(lines[i]["line_amount"] or "0") for i in taxed), Decimal("0"))
    shares = [Decimal("0")] * len(lines)
    left = tax
    for position, i in enumerate(taxed):
        share = left if position == len(taxed) - 1 else (tax * Decimal(lines[i]["line_amount"]) / net).quantize(
            Decimal("0.01"))
        shares[i] = share
        left -= share
    return shares


def _spread(row: dict) -> dict[int, str]:
    from reconcile.entities.documents import Documents  # noqa: PLC0415

    return Documents._xero_line_tax(row)


def _qb_tax_detail(row: dict, ctx: WriteContext, side: str) -> dict:
    lines = []
    for tax_type, amounts in (row.get("tax_by_rate") or {}).items():
        rate = ctx.mappings.qb_tax_rate(tax_type, side)
        if rate:
            lines.append({"Amount": amounts["tax"], "DetailType": "TaxLineDetail", "TaxLineDetail": {
                "TaxRateRef": {"value": rate}, "PercentBased": True, "NetAmountTaxable": amounts["net"]}})
    detail: dict[str, Any] = {"TotalTax": q2(row.get("total_tax"))}
    if lines:
        detail["TaxLine"] = lines
    return detail


def _qb_deleted(resources: tuple[str, ...]) -> Any:
    def deleted_since(hook: Any, since: Any) -> list[str]:
        changes = hook.changes(list(resources), since)
        return [f"{resource}:{r['Id']}" for resource in resources for r in changes.get(resource, [])
                if r.get("status") == "Deleted"]
    return deleted_since


class Journals:
    entity = "journals"

    def error(self, ledger: str, record_id: str, field: str | None, message: str, label: str | None = None,
              reason: str = "invalid_field", code: str | None = None) -> RecordError:
        return RecordError(ledger, self.entity, record_id, field, message, label=label, reason=reason, code=code)

    def xero_read(self, hook: Any, since: Any) -> Any:
        return hook.iter_records("ManualJournals", modified_since=since)

    def xero_normalise(self, raw: dict, mappings: Mappings) -> dict:
        record_id = raw.get("ManualJournalID") or "?"
        try:
            updated, date = parse_ms_date(raw.get("UpdatedDateUTC")), parse_ms_date(raw.get("Date"))
        except ValueError as exc:
            raise self.error("xero", record_id, "Date", str(exc), raw.get("Narration")) from None
        lines = [_line(ln.get("Description"), ln.get("LineAmount"), ln.get("AccountCode"), ln.get("TaxType") or "NONE",
                       _tracking_xero(ln)) for ln in raw.get("JournalLines") or []]
        status = {"POSTED": "posted", "DRAFT": "draft", "VOIDED": "voided", "DELETED": "deleted",
                  "ARCHIVED": "posted"}.get(raw.get("Status", ""), "posted")
        return self._row(record_id, raw.get("UpdatedDateUTC"), updated, None, date.date() if date else None,
                         raw.get("Narration"), lines, status)

    @staticmethod
    def _row(record_id: str, version: Any, updated: Any, number: str | None, date: Any, narration: str | None,
             lines: list[dict], status: str) -> dict:
        lines = sorted(lines, key=lambda ln: (ln["account_code"] or "", ln["line_amount"] or "", ln["description"] or ""))
        debits = sum((Decimal(ln["line_amount"]) for ln in lines if Decimal(ln["line_amount"] or "0") > 0),
                     Decimal("0"))
        return {"ledger_id": record_id, "version": version, "updated_at": updated, "number": number,
                "norm_number": norm_number(number), "date": date, "narration": clean_text(narration),
                "total": debits, "status": status, "lines": lines, "deleted": status == "deleted"}

    def xero_create(self, row: dict, ctx: WriteContext) -> dict:
        lines = []
        for ln in row["lines"]:
            line: dict[str, Any] = {"LineAmount": ln["line_amount"], "AccountCode": ln["account_code"],
                                    "Description": ln["description"] or "", "TaxType": ln.get("tax_type") or "NONE"}
            if ln.get("tracking"):
                line["Tracking"] = [dict(zip(("Name", "Option"), t.split(":", 1))) for t in ln["tracking"]]
            lines.append(line)
        return {"Narration": row.get("narration") or f"Journal {row.get('number') or row['ledger_id']}",
                "Date": row["date"].isoformat() if row.get("date") else None, "Status": "POSTED",
                "LineAmountTypes": "NoTax", "JournalLines": lines}

    def xero_void(self, current: dict) -> dict:
        status = "DELETED" if current.get("Status") == "DRAFT" else "VOIDED"
        return {"ManualJournalID": current["ManualJournalID"], "Status": status}

    def qb_read(self, hook: Any, since: Any) -> Any:
        return hook.iter_records("JournalEntry", modified_since=since)

    def qb_normalise(self, raw: dict, mappings: Mappings) -> dict:
        record_id = str(raw.get("Id") or "?")
        lines = []
        try:
            for item in raw.get("Line") or []:
                detail = item.get("JournalEntryLineDetail")
                if not detail:
                    continue
                amount = decimal(item.get("Amount")) or Decimal("0")
                if detail.get("PostingType") == "Credit":
                    amount = -amount
                account = (detail.get("AccountRef") or {}).get("value")
                lines.append(_line(item.get("Description"), amount, mappings.xero_account(account) if account else None,
                                   "NONE", _tracking_qb(detail, mappings)))
        except UnmappedCode as exc:
            raise self.error("quickbooks", record_id, "Line", str(exc), raw.get("DocNumber"), reason="unmapped_code",
                             code=exc.code) from None
        status = "deleted" if raw.get("status") == "Deleted" else "posted"
        narration = raw.get("PrivateNote") or (f"Journal {raw.get('DocNumber')}" if raw.get("DocNumber") else None)
        return self._row(record_id, raw.get("SyncToken"), _updated_qb(raw), raw.get("DocNumber"),
                         dt.date.fromisoformat(raw["TxnDate"][:10]) if raw.get("TxnDate") else None, narration, lines,
                         status)

    def spec(self) -> EntitySpec:
        label = lambda r: r.get("narration") or r.get("number") or r["ledger_id"]  # noqa: E731
        return EntitySpec(
            name=self.entity, columns=JOURNAL_COLUMNS, compare=JOURNAL_COMPARE,
            xero=Side("xero", "ManualJournals", self.xero_read, self.xero_normalise, self.xero_create, None,
                      self.xero_void, label=label),
            quickbooks=Side("quickbooks", "JournalEntry", self.qb_read, self.qb_normalise, None, None, None,
                            label=label, deleted_since=_qb_deleted_plain("JournalEntry")),
            creatable=lambda r: r.get("status") == "posted",
            doc="QuickBooks journal entries -> Xero manual journals.",
            matcher="journals",
        )


def _qb_deleted_plain(resource: str) -> Any:
    def deleted_since(hook: Any, since: Any) -> list[str]:
        return [str(r["Id"]) for r in hook.changes([resource], since).get(resource, [])
                if r.get("status") == "Deleted"]
    return deleted_since


SPEC = BankTransactions().spec()
JOURNALS = Journals().spec()

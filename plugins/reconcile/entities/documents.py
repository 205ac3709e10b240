"""Documents with lines: sales invoices, bills, credit notes and supplier credits share one shape.

Each kind is declared by a :class:`DocumentKind` (its Xero resource and types, its QuickBooks entity, whether its
lines are sales or purchase lines, which contact entity it refers to); :func:`document_spec` turns a kind into an
entity spec. Lines are staged in Xero's codes: a QuickBooks line's item, account, tax code and class are translated
through the pair's mapping file, and a code it does not map sends the document to the exception queue naming it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reconcile.config import Mappings, UnmappedCode
from reconcile.entities import tracking
from reconcile.entities.base import EntitySpec, RecordError, Side, WriteContext
from reconcile.evidence.documents import blocking_keys
from reconcile.normalise import (clean_text, decimal, money, norm_number, rate_from_quickbooks,
                                 rate_to_quickbooks)
from xero.dates import parse_ms_date

COLUMNS = ("kind", "number", "norm_number", "contact_id", "date", "due_date", "currency", "currency_rate",
           "amounts_are", "subtotal", "total_tax", "total", "amount_paid", "amount_due", "status", "reference",
           "lines", "lines_amount", "lines_tax", "tax_by_rate", "match_keys")
# contact_id is compared through the contact entity's cross-reference
COMPARE = ("norm_number", "contact_id", "date", "due_date", "currency", "amounts_are", "lines", "subtotal",
           "total_tax", "total", "status")

XERO_STATUS = {"DRAFT": "draft", "SUBMITTED": "draft", "AUTHORISED": "authorised", "PAID": "paid",
               "VOIDED": "voided", "DELETED": "deleted"}
AMOUNTS_FROM_XERO = {"Exclusive": "exclusive", "Inclusive": "inclusive", "NoTax": "notax"}
AMOUNTS_TO_XERO = {v: k for k, v in AMOUNTS_FROM_XERO.items()}
AMOUNTS_FROM_QB = {"TaxExcluded": "exclusive", "TaxInclusive": "inclusive", "NotApplicable": "notax"}
AMOUNTS_TO_QB = {v: k for k, v in AMOUNTS_FROM_QB.items()}
SYNCED_STATUSES = ("authorised", "paid")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class DocumentKind:
    entity: str  # "invoices"
    label: str  # "sales invoice", for messages
    xero_resource: str  # "Invoices" | "CreditNotes"
    xero_types: tuple[str, ...]  # ("ACCREC",)
    qb_resource: str  # "Invoice" | "Bill" | "CreditMemo" | "VendorCredit"
    side: str  # "sales" | "purchases": which tax rates and which QuickBooks line detail
    contact_entity: str  # "contacts" | "suppliers"
    doc: str = ""
    note_on_xero: bool = False  # note the QuickBooks Id on the Xero record's History after creating it there

    @property
    def xero_id_field(self) -> str:
        return "CreditNoteID" if self.xero_resource == "CreditNotes" else "InvoiceID"

    @property
    def xero_number_field(self) -> str:
        return "CreditNoteNumber" if self.xero_resource == "CreditNotes" else "InvoiceNumber"

    @property
    def qb_contact_ref(self) -> str:
        return "CustomerRef" if self.side == "sales" else "VendorRef"

    @property
    def qb_contact_entity(self) -> str:
        return "Customer" if self.side == "sales" else "Vendor"


def q4(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.0001")))


def q2(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def staged_line(description: Any, quantity: Any, unit_amount: Any, line_amount: Any, account_code: str | None,
                tax_type: str | None, item_code: str | None, tracking: list[str] | None = None) -> dict:
    """A staged line: amounts as fixed-point strings so equal lines compare equal as JSON."""
    return {
        "description": clean_text(description),
        "quantity": q4(decimal(quantity) if quantity is not None else Decimal("1")),
        "unit_amount": q4(decimal(unit_amount)),
        "line_amount": q2(money(line_amount)),
        "account_code": account_code,
        "tax_type": tax_type,
        "item_code": item_code,
        "tracking": sorted(tracking or []),
    }


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def xero_tracking(line: dict) -> list[str]:
    return [f"{t.get('Name')}:{t.get('Option')}" for t in line.get("Tracking") or [] if t.get("Name")]


class Documents:
    """The entity spec of one document kind, and the functions it is made of."""

    def __init__(self, kind: DocumentKind) -> None:
        self.kind = kind

    # --- helpers -------------------------------------------------------------------------------------------------
    def error(self, ledger: str, record_id: str, field: str | None, message: str, label: str | None,
              reason: str = "invalid_field", code: str | None = None) -> RecordError:
        return RecordError(ledger, self.kind.entity, record_id, field, message, label=label, reason=reason, code=code)

    def finish(self, row: dict, ledger: str, label: str | None) -> dict:
        row["lines_amount"] = sum((Decimal(ln["line_amount"] or "0") for ln in row["lines"]), Decimal("0"))
        row["norm_number"] = norm_number(row.get("number"))
        row["deleted"] = row.get("status") == "deleted"
        for key in ("subtotal", "total_tax", "total", "amount_paid", "amount_due"):
            try:
                row[key] = money(row.get(key))
            except ValueError as exc:
                raise self.error(ledger, row["ledger_id"], key, str(exc), label) from None
        row["match_keys"] = blocking_keys(row)
        return row

    def purchase_line(self, line: dict) -> dict:
        """A purchase line without an item is an amount on an account: its quantity is one (QuickBooks keeps no
        quantity for it), so both ledgers' forms of it compare equal."""
        if self.kind.side == "purchases" and not line.get("item_code"):
            line["quantity"] = "1.0000"
            line["unit_amount"] = q4(Decimal(line["line_amount"] or "0"))
        if self.kind.side == "purchases" and line.get("item_code"):
            line["account_code"] = None  # the item decides the account in QuickBooks
        return line

    # --- Xero -----------------------------------------------------------------------------------------------------
    def xero_read(self, hook: Any, since: Any) -> Any:
        return hook.iter_records(self.kind.xero_resource, modified_since=since)

    def xero_include(self, row: dict) -> bool:
        return row.get("kind") in self.kind.xero_types

    def xero_normalise(self, raw: dict, mappings: Mappings) -> dict:
        k = self.kind
        record_id = raw.get(k.xero_id_field) or "?"
        label = raw.get(k.xero_number_field)

        def when(field: str) -> Any:
            try:
                return parse_ms_date(raw.get(field))
            except ValueError as exc:
                raise self.error("xero", record_id, field, str(exc), label) from None

        updated, date, due = when("UpdatedDateUTC"), when("Date"), when("DueDate")
        lines = []
        for index, item in enumerate(raw.get("LineItems") or [], start=1):
            try:
                lines.append(self.purchase_line(staged_line(
                    item.get("Description"), item.get("Quantity"), item.get("UnitAmount"), item.get("LineAmount"),
                    item.get("AccountCode"), item.get("TaxType"), item.get("ItemCode"), xero_tracking(item))))
            except ValueError as exc:
                raise self.error("xero", record_id, f"LineItems[{index}]", str(exc), label) from None
        tracking.spread_department(mappings, lines)
        # what is settled: paid, and credit allocated (QuickBooks' balance counts both the same way)
        paid = (decimal(raw.get("AmountPaid")) or Decimal("0")) + (decimal(raw.get("AmountCredited")) or Decimal("0"))
        if k.xero_resource == "CreditNotes":  # a credit note's "paid" part is what was allocated or refunded
            paid = (decimal(raw.get("Total")) or Decimal("0")) - (decimal(raw.get("RemainingCredit")) or Decimal("0"))
        row = {
            "ledger_id": record_id, "version": raw.get("UpdatedDateUTC"), "updated_at": updated,
            "kind": raw.get("Type"), "number": clean_text(raw.get(k.xero_number_field)),
            "contact_id": (raw.get("Contact") or {}).get("ContactID"),
            "date": date.date() if date else None, "due_date": due.date() if due else None,
            "currency": raw.get("CurrencyCode"), "currency_rate": decimal(raw.get("CurrencyRate")),
            "amounts_are": AMOUNTS_FROM_XERO.get(raw.get("LineAmountTypes") or "Exclusive", "exclusive"),
            "subtotal": raw.get("SubTotal"), "total_tax": raw.get("TotalTax"), "total": raw.get("Total"),
            "amount_paid": paid, "amount_due": raw.get("AmountDue", raw.get("RemainingCredit")),
            "status": XERO_STATUS.get(raw.get("Status", ""), (raw.get("Status") or "").lower()),
            "reference": clean_text(raw.get("Reference")), "lines": lines,
            "lines_tax": money(sum((decimal(i.get("TaxAmount")) or Decimal("0") for i in raw.get("LineItems") or []),
                                   Decimal("0"))),
            "tax_by_rate": self._xero_tax_by_rate(raw.get("LineItems") or []),
        }
        return self.finish(row, "xero", label)

    @staticmethod
    def _xero_tax_by_rate(items: list[dict]) -> dict[str, dict[str, str]]:
        totals: dict[str, list[Decimal]] = {}
        for item in items:
            if not item.get("TaxType"):
                continue
            net_tax = totals.setdefault(item["TaxType"], [Decimal("0"), Decimal("0")])
            net_tax[0] += decimal(item.get("LineAmount")) or Decimal("0")
            net_tax[1] += decimal(item.get("TaxAmount")) or Decimal("0")
        return {key: {"net": q2(v[0]), "tax": q2(v[1])} for key, v in sorted(totals.items())}

    def xero_fields(self, row: dict, ctx: WriteContext) -> dict:
        k = self.kind
        contact = ctx.resolve(k.contact_entity, "quickbooks", row["contact_id"])
        if contact is None:
            raise self.error("quickbooks", row["ledger_id"], k.qb_contact_ref,
                             f"{k.qb_contact_entity.lower()} {row['contact_id']} is not linked to a Xero contact yet",
                             row.get("number"), reason="contact_not_linked")
        line_tax = self._xero_line_tax(row)
        items = []
        for index, ln in enumerate(row["lines"]):
            item: dict[str, Any] = {"Description": ln["description"] or "", "Quantity": ln["quantity"],
                                    "UnitAmount": ln["unit_amount"], "TaxType": ln["tax_type"]}
            if ln.get("account_code"):
                item["AccountCode"] = ln["account_code"]
            if ln.get("item_code"):
                item["ItemCode"] = ln["item_code"]
            if index in line_tax:
                item["TaxAmount"] = line_tax[index]
            if ln.get("tracking"):
                item["Tracking"] = [dict(zip(("Name", "Option"), t.split(":", 1))) for t in ln["tracking"]]
            items.append({key: value for key, value in item.items() if value is not None})
        payload: dict[str, Any] = {
            "Type": row.get("kind") if row.get("kind") in k.xero_types else k.xero_types[0],
            "Contact": {"ContactID": contact},
            k.xero_number_field: row.get("number") or "",
            "Date": row["date"].isoformat() if row.get("date") else None,
            "DueDate": row["due_date"].isoformat() if row.get("due_date") else None,
            "CurrencyCode": row.get("currency"),
            "LineAmountTypes": AMOUNTS_TO_XERO.get(row.get("amounts_are") or "exclusive", "Exclusive"),
            "Status": "AUTHORISED",
            "LineItems": items,
        }
        if row.get("currency_rate") and row.get("currency") not in (None, ctx.home_currency("xero")):
            payload["CurrencyRate"] = str(row["currency_rate"])
        if k.xero_resource == "CreditNotes":
            payload.pop("DueDate")
        if row.get("reference") and k.side == "sales":
            payload["Reference"] = row["reference"]
        return payload

    @staticmethod
    def _xero_line_tax(row: dict) -> dict[int, str]:
        """Per-line tax that adds up, per rate, to the tax the other ledger holds (its rounding may differ):
        each rate's tax spread over its lines in proportion, the last line taking the remainder."""
        result: dict[int, str] = {}
        for tax_type, amounts in (row.get("tax_by_rate") or {}).items():
            indexes = [i for i, ln in enumerate(row["lines"]) if ln.get("tax_type") == tax_type]
            net, tax = Decimal(amounts["net"] or "0"), Decimal(amounts["tax"] or "0")
            if not indexes or net == 0:
                continue
            left = tax
            for position, i in enumerate(indexes):
                if position == len(indexes) - 1:
                    share = left
                else:
                    share = (tax * Decimal(row["lines"][i]["line_amount"]) / net).quantize(CENT, ROUND_HALF_UP)
                    left -= share
                result[i] = q2(share)  # type: ignore[assignment]
        return result

    def xero_create(self, row: dict, ctx: WriteContext) -> dict:
        return self.xero_fields(row, ctx)

    def xero_update(self, row: dict, current: dict, ctx: WriteContext) -> dict:
        return {self.kind.xero_id_field: current[self.kind.xero_id_field], **self.xero_fields(row, ctx)}

    def xero_void(self, current: dict) -> dict:
        status = "DELETED" if current.get("Status") in ("DRAFT", "SUBMITTED") else "VOIDED"
        return {self.kind.xero_id_field: current[self.kind.xero_id_field], "Status": status}

    def xero_find(self, hook: Any, payload: dict) -> dict | None:
        number = payload.get(self.kind.xero_number_field)
        if not number:
            return None
        contact = (payload.get("Contact") or {}).get("ContactID")
        where = f'{self.kind.xero_number_field}=="{number}"'
        if contact:
            where += f' AND Contact.ContactID==Guid("{contact}")'
        return next(iter(hook.iter_records(self.kind.xero_resource, where=where)), None)

    # --- QuickBooks -----------------------------------------------------------------------------------------------
    def qb_read(self, hook: Any, since: Any) -> Any:
        return hook.iter_records(self.kind.qb_resource, modified_since=since)

    @staticmethod
    def qb_status(raw: dict) -> str:
        if raw.get("status") == "Deleted":
            return "deleted"
        total = decimal(raw.get("TotalAmt")) or Decimal("0")
        balance = decimal(raw.get("Balance"))
        if (raw.get("PrivateNote") or "").startswith("Voided") and total == 0:
            return "voided"
        if balance is not None and total > 0 and balance == 0:
            return "paid"
        return "authorised"

    def qb_line(self, item: dict, mappings: Mappings) -> dict | None:
        kind = item.get("DetailType")
        detail = item.get(kind) or {}
        side = self.kind.side
        tax_ref = (detail.get("TaxCodeRef") or {}).get("value")
        tax_type = mappings.xero_tax_type(tax_ref, side) if tax_ref else None
        class_ref = (detail.get("ClassRef") or {}).get("value")
        options = [mappings.xero_tracking(class_ref)] if class_ref else []
        if kind in ("SalesItemLineDetail", "ItemBasedExpenseLineDetail"):
            item_ref = (detail.get("ItemRef") or {}).get("value")
            account = mappings.account_of_item(item_ref) if item_ref and side == "sales" else None
            account_ref = (detail.get("ItemAccountRef") or {}).get("value")
            if account is None and account_ref and side == "sales":
                account = mappings.xero_account(account_ref)
            return self.purchase_line(staged_line(
                item.get("Description"), detail.get("Qty"), detail.get("UnitPrice"), item.get("Amount"), account,
                tax_type, mappings.xero_item(item_ref) if item_ref else None, options))
        if kind == "AccountBasedExpenseLineDetail":
            account_ref = (detail.get("AccountRef") or {}).get("value")
            return self.purchase_line(staged_line(
                item.get("Description"), 1, item.get("Amount"), item.get("Amount"),
                mappings.xero_account(account_ref) if account_ref else None, tax_type, None, options))
        return None  # SubTotalLineDetail and similar are computed by QuickBooks

    def qb_normalise(self, raw: dict, mappings: Mappings) -> dict:
        k = self.kind
        record_id = str(raw.get("Id") or "?")
        label = raw.get("DocNumber")
        meta = raw.get("MetaData") or {}
        try:
            updated = dt.datetime.fromisoformat(meta["LastUpdatedTime"]) if meta.get("LastUpdatedTime") else None
            date, due = _date(raw.get("TxnDate")), _date(raw.get("DueDate"))
        except ValueError as exc:
            raise self.error("quickbooks", record_id, "TxnDate/DueDate", str(exc), label) from None
        lines = []
        for index, item in enumerate(raw.get("Line") or [], start=1):
            try:
                line = self.qb_line(item, mappings)
            except UnmappedCode as exc:
                raise self.error("quickbooks", record_id, f"Line[{index}]", str(exc), label, reason="unmapped_code",
                                 code=exc.code) from None
            except ValueError as exc:
                raise self.error("quickbooks", record_id, f"Line[{index}]", str(exc), label) from None
            if line is not None:
                lines.append(line)
        try:
            tracking.with_department(mappings, lines, raw.get("DepartmentRef"))
        except UnmappedCode as exc:
            raise self.error("quickbooks", record_id, "DepartmentRef", str(exc), label, reason="unmapped_code",
                             code=exc.code) from None
        tax_detail = raw.get("TxnTaxDetail") or {}
        tax_by_rate: dict[str, dict[str, str | None]] = {}
        for tax_line in tax_detail.get("TaxLine") or []:
            info = tax_line.get("TaxLineDetail") or {}
            rate = (info.get("TaxRateRef") or {}).get("value")
            if rate is None:
                continue
            try:
                tax_type = mappings.xero_tax_type_of_rate(rate)
            except UnmappedCode as exc:
                raise self.error("quickbooks", record_id, "TxnTaxDetail.TaxLine", str(exc), label,
                                 reason="unmapped_code", code=exc.code) from None
            tax_by_rate[tax_type] = {"net": q2(money(info.get("NetAmountTaxable"))),
                                     "tax": q2(money(tax_line.get("Amount")))}
        tax = tax_detail.get("TotalTax")
        total = decimal(raw.get("TotalAmt"))
        balance = decimal(raw.get("Balance", raw.get("RemainingCredit")))
        status = self.qb_status(raw)
        row = {
            "ledger_id": record_id, "version": raw.get("SyncToken"), "updated_at": updated,
            "kind": k.xero_types[0], "number": clean_text(raw.get("DocNumber")),
            "contact_id": (raw.get(k.qb_contact_ref) or {}).get("value"),
            "date": date, "due_date": due, "currency": (raw.get("CurrencyRef") or {}).get("value"),
            "currency_rate": rate_from_quickbooks(raw.get("ExchangeRate")),
            "amounts_are": AMOUNTS_FROM_QB.get(raw.get("GlobalTaxCalculation") or "TaxExcluded", "exclusive"),
            "subtotal": sum((Decimal(ln["line_amount"] or "0") for ln in lines), Decimal("0")),
            "total_tax": tax if tax is not None else Decimal("0"), "total": total,
            "amount_paid": (total - balance) if total is not None and balance is not None else None,
            "amount_due": balance, "status": status, "reference": None, "lines": lines,
            "lines_tax": money(tax) if tax is not None else Decimal("0"),
            "tax_by_rate": dict(sorted(tax_by_rate.items())),
        }
        return self.finish(row, "quickbooks", label)

    def qb_fields(self, row: dict, ctx: WriteContext) -> dict:
        k = self.kind
        contact = ctx.resolve(k.contact_entity, "xero", row["contact_id"])
        if contact is None:
            raise self.error("xero", row["ledger_id"], "Contact",
                             f"contact {row['contact_id']} is not linked to a QuickBooks "
                             f"{k.qb_contact_entity.lower()} yet", row.get("number"), reason="contact_not_linked")
        lines = []
        for index, ln in enumerate(row["lines"], start=1):
            try:
                lines.append(self._qb_line_payload(ln, ctx))
            except UnmappedCode as exc:
                raise self.error("xero", row["ledger_id"], f"LineItems[{index}]", str(exc), row.get("number"),
                                 reason="unmapped_code", code=exc.code) from None
        try:
            department = tracking.transaction_department(ctx.mappings, row["lines"], "LineItems")
        except tracking.DepartmentConflict as exc:
            raise self.error("xero", row["ledger_id"], exc.field, str(exc), row.get("number"),
                             reason=tracking.DepartmentConflict.reason) from None
        except UnmappedCode as exc:
            raise self.error("xero", row["ledger_id"], "LineItems.Tracking", str(exc), row.get("number"),
                             reason="unmapped_code", code=exc.code) from None
        payload: dict[str, Any] = {
            k.qb_contact_ref: {"value": contact},
            "DocNumber": row.get("number") or "",  # never cut: longer than 21 waits as cannot_hold
            "TxnDate": row["date"].isoformat() if row.get("date") else None,
            "GlobalTaxCalculation": AMOUNTS_TO_QB.get(row.get("amounts_are") or "exclusive", "TaxExcluded"),
            "Line": lines,
            "TxnTaxDetail": self._qb_tax_detail(row, ctx),
            **department,
        }
        if row.get("due_date") and k.qb_resource in ("Invoice", "Bill"):
            payload["DueDate"] = row["due_date"].isoformat()
        if row.get("currency"):
            payload["CurrencyRef"] = {"value": row["currency"]}
            if row["currency"] != ctx.home_currency("quickbooks") and row.get("currency_rate"):
                payload["ExchangeRate"] = rate_to_quickbooks(row["currency_rate"])
        return payload

    def _qb_line_payload(self, ln: dict, ctx: WriteContext) -> dict:
        m = ctx.mappings
        tax = {"TaxCodeRef": {"value": m.qb_tax_code(ln["tax_type"])}} if ln.get("tax_type") else {}
        line_class = tracking.line_class(m, ln)
        base = {"Amount": ln["line_amount"], "Description": ln["description"] or ""}
        if self.kind.side == "sales":
            # QuickBooks takes the income account from the item (an account's own item when the line has none)
            detail = {"Qty": ln["quantity"], "UnitPrice": ln["unit_amount"],
                      "ItemRef": {"value": m.qb_line_item(ln.get("item_code"), ln.get("account_code"))},
                      **tax, **line_class}
            return {**base, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail}
        if ln.get("item_code"):
            detail = {"Qty": ln["quantity"], "UnitPrice": ln["unit_amount"],
                      "ItemRef": {"value": m.qb_item(ln["item_code"])}, **tax, **line_class}
            return {**base, "DetailType": "ItemBasedExpenseLineDetail", "ItemBasedExpenseLineDetail": detail}
        detail = {"AccountRef": {"value": m.qb_account(ln["account_code"])}, **tax, **line_class}
        return {**base, "DetailType": "AccountBasedExpenseLineDetail", "AccountBasedExpenseLineDetail": detail}

    def _qb_tax_detail(self, row: dict, ctx: WriteContext) -> dict:
        """The tax the other ledger computed, per rate, so the two agree to the penny whatever their rounding."""
        tax_lines = []
        for tax_type, amounts in (row.get("tax_by_rate") or {}).items():
            try:
                rate = ctx.mappings.qb_tax_rate(tax_type, self.kind.side)
            except UnmappedCode as exc:
                raise self.error("xero", row["ledger_id"], "LineItems.TaxType", str(exc), row.get("number"),
                                 reason="unmapped_code", code=exc.code) from None
            if rate is None:
                continue
            tax_lines.append({"Amount": amounts["tax"], "DetailType": "TaxLineDetail", "TaxLineDetail": {
                "TaxRateRef": {"value": rate}, "PercentBased": True, "NetAmountTaxable": amounts["net"]}})
        detail: dict[str, Any] = {"TotalTax": q2(row.get("total_tax"))}
        if tax_lines:
            detail["TaxLine"] = tax_lines
        return detail

    def qb_create(self, row: dict, ctx: WriteContext) -> dict:
        return self.qb_fields(row, ctx)

    def qb_update(self, row: dict, current: dict, ctx: WriteContext) -> dict:
        fields = self.qb_fields(row, ctx)
        why = tracking.department_kept(current, fields)
        if why:
            raise self.error("xero", row["ledger_id"], "LineItems.Tracking", why, row.get("number"),
                             reason="not_editable")
        return {"Id": current["Id"], "SyncToken": current["SyncToken"], "sparse": True, **fields}

    def qb_void(self, current: dict) -> dict:
        return {"Id": current["Id"], "SyncToken": current["SyncToken"]}

    def qb_find(self, hook: Any, payload: dict) -> dict | None:
        from quickbooks.query import quote  # noqa: PLC0415

        number = payload.get("DocNumber")
        if not number:
            return None
        contact = (payload.get(self.kind.qb_contact_ref) or {}).get("value")
        where = f"DocNumber = {quote(number)}" + (f" AND {self.kind.qb_contact_ref} = {quote(contact)}"
                                                   if contact else "")
        found = hook.query(f"SELECT * FROM {self.kind.qb_resource} WHERE {where}")
        return (found.get(self.kind.qb_resource) or [None])[0]

    def note(self, ledger: str, new_id: str, run_id: str) -> str | None:
        if ledger != "quickbooks" or not self.kind.note_on_xero:
            return None
        return f"Copied to QuickBooks Online as {self.kind.qb_resource} {new_id} by ledgerbridge (run {run_id})"

    # --- the spec -------------------------------------------------------------------------------------------------
    def spec(self) -> EntitySpec:
        k = self.kind
        label = lambda r: r.get("number") or r["ledger_id"]  # noqa: E731
        return EntitySpec(
            name=k.entity,
            columns=COLUMNS,
            compare=COMPARE,
            depends_on=(k.contact_entity,),
            xero=Side("xero", k.xero_resource, self.xero_read, self.xero_normalise, self.xero_create,
                      self.xero_update, self.xero_void, label=label, include=self.xero_include,
                      find_existing=self.xero_find, locked=xero_locked),
            # QuickBooks voids invoices; bills and credits can only be deleted
            quickbooks=Side("quickbooks", k.qb_resource, self.qb_read, self.qb_normalise, self.qb_create,
                            self.qb_update, self.qb_void, label=label, find_existing=self.qb_find,
                            void_operation="void" if k.qb_resource == "Invoice" else "delete",
                            deleted_since=qb_deleted(k.qb_resource)),
            creatable=lambda row: row.get("status") in SYNCED_STATUSES,
            # what was paid or allocated is carried by the payments entities, not by editing the document
            report_only={"amount_paid": ("payment_mismatch", "the payments differ between the ledgers and have to "
                                                             "be carried across as payments")},
            report_on_create=("amount_paid",),
            note_on_source=self.note,
            doc=k.doc,
            contact_entity=k.contact_entity,
            references_currency=True,
            matcher="documents",
        )


def qb_deleted(resource: str) -> Any:
    def deleted_since(hook: Any, since: Any) -> list[str]:
        return [str(r["Id"]) for r in hook.changes([resource], since).get(resource, [])
                if r.get("status") == "Deleted"]
    return deleted_since


def xero_locked(row: dict) -> str | None:
    """Xero does not edit a document that has payments or credit allocated to it."""
    if row.get("status") not in ("voided", "deleted") and (row.get("amount_paid") or 0) > 0:
        return f"it has {row['amount_paid']} paid or credited against it (remove the payment first)"
    return None


def document_spec(kind: DocumentKind) -> EntitySpec:
    return Documents(kind).spec()

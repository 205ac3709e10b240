"""Sales invoices: Xero Invoice (Type ACCREC) -> QuickBooks Invoice, then the QuickBooks Id noted back on the Xero
invoice's History (as in the "Invoice -> QuickBooks" workflow).

Lines are staged in Xero's codes: a QuickBooks line's item, account and tax code are translated through the
pair's mapping file, and a code it does not map sends the invoice to the exception queue naming the code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from reconcile.config import Mappings, UnmappedCode
from reconcile.entities.base import EntitySpec, RecordError, Side, WriteContext
from reconcile.normalise import clean_text, decimal, money, norm_number
from xero.dates import parse_ms_date

COLUMNS = ("kind", "number", "norm_number", "contact_id", "date", "due_date", "currency", "currency_rate",
           "amounts_are", "subtotal", "total_tax", "total", "amount_paid", "amount_due", "status", "reference",
           "lines", "lines_amount", "lines_tax", "tax_by_rate")
# contact_id is compared through the contacts cross-reference (see include/sql/deltas/invoices_compare.sql)
COMPARE = ("norm_number", "contact_id", "date", "due_date", "currency", "amounts_are", "lines", "subtotal",
           "total_tax", "total", "status")

XERO_STATUS = {"DRAFT": "draft", "SUBMITTED": "draft", "AUTHORISED": "authorised", "PAID": "paid",
               "VOIDED": "voided", "DELETED": "deleted"}
AMOUNTS_FROM_XERO = {"Exclusive": "exclusive", "Inclusive": "inclusive", "NoTax": "notax"}
AMOUNTS_TO_XERO = {v: k for k, v in AMOUNTS_FROM_XERO.items()}
AMOUNTS_FROM_QB = {"TaxExcluded": "exclusive", "TaxInclusive": "inclusive", "NotApplicable": "notax"}
AMOUNTS_TO_QB = {v: k for k, v in AMOUNTS_FROM_QB.items()}
SYNCED_STATUSES = ("authorised", "paid")


def _q4(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.0001")))


def _q2(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _line(description: Any, quantity: Any, unit_amount: Any, line_amount: Any, account_code: str | None,
          tax_type: str | None, item_code: str | None) -> dict:
    """A staged line: amounts as fixed-point strings so equal lines compare equal as JSON."""
    return {
        "description": clean_text(description),
        "quantity": _q4(decimal(quantity) if quantity is not None else Decimal("1")),
        "unit_amount": _q4(decimal(unit_amount)),
        "line_amount": _q2(money(line_amount)),
        "account_code": account_code,
        "tax_type": tax_type,
        "item_code": item_code,
    }


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(value[:10])


def _finish(row: dict, ledger: str, label: str | None) -> dict:
    lines = row["lines"]
    row["lines_amount"] = sum((Decimal(ln["line_amount"] or "0") for ln in lines), Decimal("0"))
    row["norm_number"] = norm_number(row.get("number"))
    row["deleted"] = row.get("status") == "deleted"
    for key in ("subtotal", "total_tax", "total", "amount_paid", "amount_due"):
        try:
            row[key] = money(row.get(key))
        except ValueError as exc:
            raise RecordError(ledger, "invoices", row["ledger_id"], key, str(exc), label=label) from None
    return row


# --- Xero ---------------------------------------------------------------------------------------------------------
def xero_read(hook: Any, since: Any) -> Any:
    return hook.iter_records("Invoices", modified_since=since)


def xero_normalise(raw: dict, mappings: Mappings) -> dict:
    record_id = raw.get("InvoiceID") or "?"
    label = raw.get("InvoiceNumber")

    def when(field: str) -> Any:
        try:
            parsed = parse_ms_date(raw.get(field))
        except ValueError as exc:
            raise RecordError("xero", "invoices", record_id, field, str(exc), label=label) from None
        return parsed

    updated = when("UpdatedDateUTC")
    date, due = when("Date"), when("DueDate")
    lines = []
    for index, item in enumerate(raw.get("LineItems") or [], start=1):
        try:
            lines.append(_line(item.get("Description"), item.get("Quantity"), item.get("UnitAmount"),
                               item.get("LineAmount"), item.get("AccountCode"), item.get("TaxType"),
                               item.get("ItemCode")))
        except ValueError as exc:
            raise RecordError("xero", "invoices", record_id, f"LineItems[{index}]", str(exc), label=label) from None
    kind = {"ACCREC": "sales", "ACCPAY": "bill"}.get(raw.get("Type", ""), raw.get("Type", "").lower())
    row = {
        "ledger_id": record_id, "version": raw.get("UpdatedDateUTC"), "updated_at": updated, "kind": kind,
        "number": clean_text(raw.get("InvoiceNumber")), "contact_id": (raw.get("Contact") or {}).get("ContactID"),
        "date": date.date() if date else None, "due_date": due.date() if due else None,
        "currency": raw.get("CurrencyCode"), "currency_rate": decimal(raw.get("CurrencyRate")),
        "amounts_are": AMOUNTS_FROM_XERO.get(raw.get("LineAmountTypes") or "Exclusive", "exclusive"),
        "subtotal": raw.get("SubTotal"), "total_tax": raw.get("TotalTax"), "total": raw.get("Total"),
        "amount_paid": raw.get("AmountPaid"), "amount_due": raw.get("AmountDue"),
        "status": XERO_STATUS.get(raw.get("Status", ""), (raw.get("Status") or "").lower()),
        "reference": clean_text(raw.get("Reference")), "lines": lines,
        "lines_tax": money(sum((decimal(i.get("TaxAmount")) or Decimal("0") for i in raw.get("LineItems") or []),
                               Decimal("0"))),
        "tax_by_rate": _xero_tax_by_rate(raw.get("LineItems") or []),
    }
    return _finish(row, "xero", label)


def _xero_tax_by_rate(items: list[dict]) -> dict[str, dict[str, str]]:
    totals: dict[str, list[Decimal]] = {}
    for item in items:
        if not item.get("TaxType"):
            continue
        net_tax = totals.setdefault(item["TaxType"], [Decimal("0"), Decimal("0")])
        net_tax[0] += decimal(item.get("LineAmount")) or Decimal("0")
        net_tax[1] += decimal(item.get("TaxAmount")) or Decimal("0")
    return {k: {"net": _q2(v[0]), "tax": _q2(v[1])} for k, v in sorted(totals.items())}


def xero_fields(row: dict, ctx: WriteContext) -> dict:
    contact = ctx.resolve("contacts", "quickbooks", row["contact_id"])
    if contact is None:
        raise RecordError("quickbooks", "invoices", row["ledger_id"], "CustomerRef",
                          f"customer {row['contact_id']} is not linked to a Xero contact yet",
                          label=row.get("number"), reason="contact_not_linked")
    return {
        "Type": "ACCREC" if row.get("kind") == "sales" else "ACCPAY",
        "Contact": {"ContactID": contact},
        "InvoiceNumber": row.get("number") or "",
        "Reference": row.get("reference") or "",
        "Date": row["date"].isoformat() if row.get("date") else None,
        "DueDate": row["due_date"].isoformat() if row.get("due_date") else None,
        "CurrencyCode": row.get("currency"),
        "LineAmountTypes": AMOUNTS_TO_XERO.get(row.get("amounts_are") or "exclusive", "Exclusive"),
        "Status": "AUTHORISED",
        "LineItems": [{k: v for k, v in {
            "Description": ln["description"], "Quantity": ln["quantity"], "UnitAmount": ln["unit_amount"],
            "AccountCode": ln["account_code"], "TaxType": ln["tax_type"], "ItemCode": ln["item_code"],
        }.items() if v is not None} for ln in row["lines"]],
    }


def xero_create(row: dict, ctx: WriteContext) -> dict:
    return xero_fields(row, ctx)


def xero_update(row: dict, current: dict, ctx: WriteContext) -> dict:
    return {"InvoiceID": current["InvoiceID"], **xero_fields(row, ctx)}


def xero_void(current: dict) -> dict:
    return {"InvoiceID": current["InvoiceID"], "Status": "VOIDED"}


# --- QuickBooks ---------------------------------------------------------------------------------------------------
def qb_read(hook: Any, since: Any) -> Any:
    return hook.iter_records("Invoice", modified_since=since)


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


def qb_normalise(raw: dict, mappings: Mappings) -> dict:
    record_id = str(raw.get("Id") or "?")
    label = raw.get("DocNumber")
    meta = raw.get("MetaData") or {}
    try:
        updated = dt.datetime.fromisoformat(meta["LastUpdatedTime"]) if meta.get("LastUpdatedTime") else None
        date, due = _date(raw.get("TxnDate")), _date(raw.get("DueDate"))
    except ValueError as exc:
        raise RecordError("quickbooks", "invoices", record_id, "TxnDate/DueDate", str(exc), label=label) from None
    lines = []
    for index, item in enumerate(raw.get("Line") or [], start=1):
        if item.get("DetailType") != "SalesItemLineDetail":
            continue  # SubTotalLineDetail and similar are computed by QuickBooks
        detail = item.get("SalesItemLineDetail") or {}
        where = f"Line[{index}]"
        try:
            item_ref = (detail.get("ItemRef") or {}).get("value")
            account_ref = (detail.get("ItemAccountRef") or {}).get("value")
            tax_ref = (detail.get("TaxCodeRef") or {}).get("value")
            account = mappings.account_of_item(item_ref) if item_ref else None
            if account is None and account_ref:
                account = mappings.xero_account(account_ref)
            lines.append(_line(
                item.get("Description"), detail.get("Qty"), detail.get("UnitPrice"), item.get("Amount"),
                account, mappings.xero_tax_type(tax_ref, "sales") if tax_ref else None,
                mappings.xero_item(item_ref) if item_ref else None,
            ))
        except UnmappedCode as exc:
            raise RecordError("quickbooks", "invoices", record_id, where, str(exc), label=label,
                              reason="unmapped_code", code=exc.code) from None
        except ValueError as exc:
            raise RecordError("quickbooks", "invoices", record_id, where, str(exc), label=label) from None
    tax = (raw.get("TxnTaxDetail") or {}).get("TotalTax")
    tax_by_rate: dict[str, dict[str, str]] = {}
    for tax_line in (raw.get("TxnTaxDetail") or {}).get("TaxLine") or []:
        info = tax_line.get("TaxLineDetail") or {}
        rate = (info.get("TaxRateRef") or {}).get("value")
        if rate is None:
            continue
        try:
            tax_type = mappings.xero_tax_type_of_rate(rate)
        except UnmappedCode as exc:
            raise RecordError("quickbooks", "invoices", record_id, "TxnTaxDetail.TaxLine", str(exc), label=label,
                              reason="unmapped_code", code=exc.code) from None
        tax_by_rate[tax_type] = {"net": _q2(money(info.get("NetAmountTaxable"))),
                                 "tax": _q2(money(tax_line.get("Amount")))}
    total = decimal(raw.get("TotalAmt"))
    balance = decimal(raw.get("Balance"))
    row = {
        "ledger_id": record_id, "version": raw.get("SyncToken"), "updated_at": updated, "kind": "sales",
        "number": clean_text(raw.get("DocNumber")), "contact_id": (raw.get("CustomerRef") or {}).get("value"),
        "date": date, "due_date": due, "currency": (raw.get("CurrencyRef") or {}).get("value"),
        "currency_rate": decimal(raw.get("ExchangeRate")),
        "amounts_are": AMOUNTS_FROM_QB.get(raw.get("GlobalTaxCalculation") or "TaxExcluded", "exclusive"),
        "subtotal": sum((decimal(ln["line_amount"]) for ln in lines), Decimal("0")) if lines else Decimal("0"),
        "total_tax": tax if tax is not None else Decimal("0"), "total": total,
        "amount_paid": (total - balance) if total is not None and balance is not None else None,
        "amount_due": balance, "status": qb_status(raw), "reference": None, "lines": lines,
        "lines_tax": money(tax) if tax is not None else Decimal("0"),
        "tax_by_rate": dict(sorted(tax_by_rate.items())),
    }
    return _finish(row, "quickbooks", label)


def qb_fields(row: dict, ctx: WriteContext) -> dict:
    customer = ctx.resolve("contacts", "xero", row["contact_id"])
    if customer is None:
        raise RecordError("xero", "invoices", row["ledger_id"], "Contact",
                          f"contact {row['contact_id']} is not linked to a QuickBooks customer yet",
                          label=row.get("number"), reason="contact_not_linked")
    lines = []
    for index, ln in enumerate(row["lines"], start=1):
        try:
            # QuickBooks takes the income account from the item (an account's own item when the line has none)
            detail: dict[str, Any] = {"Qty": ln["quantity"], "UnitPrice": ln["unit_amount"], "ItemRef": {
                "value": ctx.mappings.qb_line_item(ln.get("item_code"), ln.get("account_code"))}}
            if ln.get("tax_type"):
                detail["TaxCodeRef"] = {"value": ctx.mappings.qb_tax_code(ln["tax_type"])}
        except UnmappedCode as exc:
            raise RecordError("xero", "invoices", row["ledger_id"], f"LineItems[{index}]", str(exc),
                              label=row.get("number"), reason="unmapped_code", code=exc.code) from None
        lines.append({"DetailType": "SalesItemLineDetail", "Amount": ln["line_amount"],
                      "Description": ln["description"] or "", "SalesItemLineDetail": detail})
    payload: dict[str, Any] = {
        "CustomerRef": {"value": customer},
        "DocNumber": (row.get("number") or "")[:21],
        "TxnDate": row["date"].isoformat() if row.get("date") else None,
        "DueDate": row["due_date"].isoformat() if row.get("due_date") else None,
        "GlobalTaxCalculation": AMOUNTS_TO_QB.get(row.get("amounts_are") or "exclusive", "TaxExcluded"),
        "Line": lines,
        "TxnTaxDetail": _qb_tax_detail(row, ctx),
    }
    if row.get("currency"):
        payload["CurrencyRef"] = {"value": row["currency"]}
    return payload


def _qb_tax_detail(row: dict, ctx: WriteContext) -> dict:
    """The tax Xero computed, per rate, so the two ledgers agree to the penny whatever their rounding rules."""
    tax_lines = []
    for tax_type, amounts in (row.get("tax_by_rate") or {}).items():
        try:
            rate = ctx.mappings.qb_tax_rate(tax_type, "sales")
        except UnmappedCode as exc:
            raise RecordError("xero", "invoices", row["ledger_id"], "LineItems.TaxType", str(exc),
                              label=row.get("number"), reason="unmapped_code", code=exc.code) from None
        if rate is None:
            continue
        tax_lines.append({"Amount": amounts["tax"], "DetailType": "TaxLineDetail", "TaxLineDetail": {
            "TaxRateRef": {"value": rate}, "PercentBased": True, "NetAmountTaxable": amounts["net"]}})
    detail: dict[str, Any] = {"TotalTax": _q2(row.get("total_tax"))}
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return detail


def qb_create(row: dict, ctx: WriteContext) -> dict:
    return qb_fields(row, ctx)


def qb_update(row: dict, current: dict, ctx: WriteContext) -> dict:
    return {"Id": current["Id"], "SyncToken": current["SyncToken"], "sparse": True, **qb_fields(row, ctx)}


def qb_void(current: dict) -> dict:
    return {"Id": current["Id"], "SyncToken": current["SyncToken"]}


def xero_find(hook: Any, payload: dict) -> dict | None:
    number = payload.get("InvoiceNumber")
    if not number:
        return None
    return next(iter(hook.iter_records("Invoices", params={"InvoiceNumbers": number})), None)


def qb_find(hook: Any, payload: dict) -> dict | None:
    from quickbooks.query import quote  # noqa: PLC0415

    number = payload.get("DocNumber")
    if not number:
        return None
    found = hook.query(f"SELECT * FROM Invoice WHERE DocNumber = {quote(number)}")
    return (found.get("Invoice") or [None])[0]


def note_on_xero(ledger: str, new_id: str, run_id: str) -> str | None:
    if ledger != "quickbooks":
        return None
    return f"Copied to QuickBooks Online as Invoice {new_id} by ledgerbridge (run {run_id})"


SPEC = EntitySpec(
    name="invoices",
    columns=COLUMNS,
    compare=COMPARE,
    depends_on=("contacts",),
    xero=Side("xero", "Invoices", xero_read, xero_normalise, xero_create, xero_update, xero_void,
              label=lambda r: r.get("number") or r["ledger_id"], include=lambda r: r.get("kind") == "sales",
              find_existing=xero_find),
    quickbooks=Side("quickbooks", "Invoice", qb_read, qb_normalise, qb_create, qb_update, qb_void,
                    label=lambda r: r.get("number") or r["ledger_id"], find_existing=qb_find),
    creatable=lambda row: row.get("status") in SYNCED_STATUSES,
    # what was paid is a matter of payments, not an invoice edit: payments are carried across separately
    report_only={"amount_paid": ("payment_mismatch", "the payments differ between the ledgers and have to be "
                                                     "carried across as payments")},
    note_on_source=note_on_xero,
    doc="Xero sales invoices (ACCREC) -> QuickBooks invoices, with the QuickBooks Id noted on the Xero History.",
)

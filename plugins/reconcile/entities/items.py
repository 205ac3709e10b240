"""Items: Xero Item <-> QuickBooks Item, both ways, matched by code (Xero Code = QuickBooks Sku) or name.

Items aligned here also translate the item codes of document lines (with the mapping file's ``items`` first):
an item created in one ledger by this entity can be used on the other's invoices without editing the mapping file.
QuickBooks items that stand for an income account (``quickbooks_account_items``) are not items to Xero.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reconcile.config import Mappings, UnmappedCode
from reconcile.entities.base import EntitySpec, RecordError, Side, WriteContext
from reconcile.normalise import clean_text, decimal, norm_name
from xero.dates import parse_ms_date

COLUMNS = ("code", "name", "norm_name", "description", "sale_price", "sale_account", "sale_tax_type",
           "purchase_price", "purchase_account", "purchase_tax_type", "is_sold", "is_purchased", "active")
COMPARE = ("code", "name", "description", "sale_price", "sale_account", "sale_tax_type", "purchase_price",
           "purchase_account", "active")


def _price(value: Any) -> str | None:
    number = decimal(value)
    return None if number is None else str(number.quantize(decimal("0.0001")))


def _row(record_id: str, version: Any, updated: Any, **values: Any) -> dict:
    row = {"ledger_id": record_id, "version": version, "updated_at": updated, "deleted": False, **values}
    row["name"] = clean_text(row.get("name"))
    row["norm_name"] = norm_name(row["name"])
    row["code"] = clean_text(row.get("code"))
    row["description"] = clean_text(row.get("description"))
    return row


def xero_read(hook: Any, since: Any) -> Any:
    return hook.iter_records("Items", modified_since=since)


def xero_normalise(raw: dict, mappings: Mappings) -> dict:
    record_id = raw.get("ItemID") or "?"
    try:
        updated = parse_ms_date(raw.get("UpdatedDateUTC"))
    except ValueError as exc:
        raise RecordError("xero", "items", record_id, "UpdatedDateUTC", str(exc), label=raw.get("Code")) from None
    sales, purchases = raw.get("SalesDetails") or {}, raw.get("PurchaseDetails") or {}
    return _row(record_id, raw.get("UpdatedDateUTC"), updated, code=raw.get("Code"), name=raw.get("Name"),
                description=raw.get("Description"), sale_price=_price(sales.get("UnitPrice")),
                sale_account=sales.get("AccountCode"), sale_tax_type=sales.get("TaxType"),
                purchase_price=_price(purchases.get("UnitPrice")), purchase_account=purchases.get("AccountCode"),
                purchase_tax_type=purchases.get("TaxType"), is_sold=raw.get("IsSold", True),
                is_purchased=raw.get("IsPurchased", True), active=True)


def xero_fields(row: dict) -> dict:
    payload: dict[str, Any] = {"Code": row["code"], "Name": row.get("name") or row["code"],  # never cut: over 50 waits as cannot_hold
                               "Description": row.get("description") or "", "IsSold": bool(row.get("sale_account")),
                               "IsPurchased": bool(row.get("purchase_account"))}
    if row.get("sale_account"):
        payload["SalesDetails"] = {k: v for k, v in {"UnitPrice": row.get("sale_price"), "AccountCode":
                                   row["sale_account"], "TaxType": row.get("sale_tax_type")}.items() if v is not None}
    if row.get("purchase_account"):
        payload["PurchaseDetails"] = {k: v for k, v in {"UnitPrice": row.get("purchase_price"), "AccountCode":
                                      row["purchase_account"], "TaxType": row.get("purchase_tax_type")}.items()
                                      if v is not None}
    return payload


def xero_create(row: dict, ctx: WriteContext) -> dict:
    if not row.get("code"):
        raise RecordError("quickbooks", "items", row["ledger_id"], "Sku", "Xero needs an item code: give the "
                          "QuickBooks item a SKU", label=row.get("name"))
    return xero_fields(row)


def xero_update(row: dict, current: dict, ctx: WriteContext) -> dict:
    return {"ItemID": current["ItemID"], **xero_fields(row)}


def qb_read(hook: Any, since: Any) -> Any:
    return hook.iter_records("Item", modified_since=since)


def qb_normalise(raw: dict, mappings: Mappings) -> dict:
    record_id = str(raw.get("Id") or "?")
    meta = raw.get("MetaData") or {}
    updated = dt.datetime.fromisoformat(meta["LastUpdatedTime"]) if meta.get("LastUpdatedTime") else None
    try:
        income = (raw.get("IncomeAccountRef") or {}).get("value")
        expense = (raw.get("ExpenseAccountRef") or {}).get("value")
        sale_tax = (raw.get("SalesTaxCodeRef") or {}).get("value")
        purchase_tax = (raw.get("PurchaseTaxCodeRef") or {}).get("value")
        return _row(record_id, raw.get("SyncToken"), updated, code=raw.get("Sku"), name=raw.get("Name"),
                    description=raw.get("Description"), sale_price=_price(raw.get("UnitPrice")),
                    sale_account=mappings.xero_account(income) if income else None,
                    sale_tax_type=mappings.xero_tax_type(sale_tax, "sales") if sale_tax else None,
                    purchase_price=_price(raw.get("PurchaseCost")) if expense else None,
                    purchase_account=mappings.xero_account(expense) if expense else None,
                    purchase_tax_type=mappings.xero_tax_type(purchase_tax, "purchases") if purchase_tax else None,
                    is_sold=bool(income), is_purchased=bool(expense), active=bool(raw.get("Active", True)),
                    account_item=mappings.account_of_item(record_id) is not None)
    except UnmappedCode as exc:
        raise RecordError("quickbooks", "items", record_id, exc.kind, str(exc), label=raw.get("Name"),
                          reason="unmapped_code", code=exc.code) from None


def qb_fields(row: dict, ctx: WriteContext) -> dict:
    m = ctx.mappings
    try:
        payload: dict[str, Any] = {"Name": row.get("name") or row["code"], "Sku": row.get("code") or "",
                                   "Description": row.get("description") or "", "Active": bool(row.get("active", True))}
        if row.get("sale_account"):
            payload.update(IncomeAccountRef={"value": m.qb_account(row["sale_account"])},
                           UnitPrice=row.get("sale_price") or "0")
            if row.get("sale_tax_type"):
                payload["SalesTaxCodeRef"] = {"value": m.qb_tax_code(row["sale_tax_type"])}
        if row.get("purchase_account"):
            payload.update(ExpenseAccountRef={"value": m.qb_account(row["purchase_account"])},
                           PurchaseCost=row.get("purchase_price") or "0")
            if row.get("purchase_tax_type"):
                payload["PurchaseTaxCodeRef"] = {"value": m.qb_tax_code(row["purchase_tax_type"])}
    except UnmappedCode as exc:
        raise RecordError("xero", "items", row["ledger_id"], exc.kind, str(exc), label=row.get("code"),
                          reason="unmapped_code", code=exc.code) from None
    payload["Type"] = "NonInventory" if row.get("purchase_account") else "Service"
    return payload


def qb_create(row: dict, ctx: WriteContext) -> dict:
    return qb_fields(row, ctx)


def qb_update(row: dict, current: dict, ctx: WriteContext) -> dict:
    payload = qb_fields(row, ctx)
    payload.pop("Type")  # an item's type is not changed
    return {"Id": current["Id"], "SyncToken": current["SyncToken"], "sparse": True, **payload}


def xero_find(hook: Any, payload: dict) -> dict | None:
    code = payload.get("Code", "").replace('"', '\\"')
    return next(iter(hook.iter_records("Items", where=f'Code=="{code}"')), None)


def qb_find(hook: Any, payload: dict) -> dict | None:
    from quickbooks.query import quote  # noqa: PLC0415

    found = hook.query(f"SELECT * FROM Item WHERE Name = {quote(payload['Name'])} AND Active IN (true, false)")
    return (found.get("Item") or [None])[0]


def _label(row: dict) -> str:
    return row.get("code") or row.get("name") or row["ledger_id"]


SPEC = EntitySpec(
    name="items",
    columns=COLUMNS,
    compare=COMPARE,
    xero=Side("xero", "Items", xero_read, xero_normalise, xero_create, xero_update, label=_label,
              find_existing=xero_find),
    # a QuickBooks item without a SKU (like its built-in "Hours") has no code for Xero: it is not copied
    quickbooks=Side("quickbooks", "Item", qb_read, qb_normalise, qb_create, qb_update, label=_label,
                    find_existing=qb_find, include=lambda r: not r.get("account_item"),
                    creatable=lambda r: bool(r.get("active") and r.get("code"))),
    creatable=lambda row: bool(row.get("active")),
    doc="Xero items <-> QuickBooks items, both ways (matched by code or name).",
    matcher="items",
)

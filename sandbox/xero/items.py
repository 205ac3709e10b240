"""Items (spec ``Item`` / ``Purchase``; fact sheet §1.1, §1.2, §2.1).

- ``GET /Items`` is not paged (``page`` is ignored); where/order/If-Modified-Since/unitdp. ``GET /Items/{ItemID}``
  or ``/Items/{Code}``.
- ``PUT`` creates; ``POST`` creates or updates, finding the item by ItemID or else by Code. ``Code`` is required,
  at most 30 characters and unique: "Price List Item with Code ''X'' already exists" (the spec's example, Xero's
  doubled quotes and all). Name at most 50, Description/PurchaseDescription at most 4000 characters.
- ``SalesDetails`` / ``PurchaseDetails``: UnitPrice a number, AccountCode an account a document line may use,
  TaxType an active rate of that side. IsSold/IsPurchased default true; setting one false clears that side's
  details and description, as Xero documents.
- ``DELETE /Items/{ItemID}`` -> 204 No Content.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sandbox.seed.model import SeedItem
from sandbox.xero.entities import Ctx, Detail, Entity, Outcome, public
from sandbox.xero.invoice_lines import document_account, tax_rate
from sandbox.xero.wire import CENT, FOUR, ZERO_GUID, ms_date, q, to_decimal

_LIMITS = {"Code": 30, "Name": 50, "Description": 4000, "PurchaseDescription": 4000}
_SIDES = (("SalesDetails", "IsSold", "Description", "ACCREC"),
          ("PurchaseDetails", "IsPurchased", "PurchaseDescription", "ACCPAY"))


def item_record(item: SeedItem, created: dt.datetime) -> dict[str, Any]:
    purchase: dict[str, Any] = {}
    if item.purchase_account_code:
        purchase = {"UnitPrice": q(item.unit_price * Decimal("0.6"), FOUR), "AccountCode": item.purchase_account_code,
                    "TaxType": "INPUT2" if item.tax_type == "OUTPUT2" else
                    {"ZERORATEDOUTPUT": "ZERORATEDINPUT", "RROUTPUT": "RRINPUT"}.get(item.tax_type, "NONE")}
    return {
        "ItemID": item.xero_id, "Code": item.code, "Name": item.name, "Description": item.description,
        "PurchaseDescription": item.description if purchase else "", "IsSold": True, "IsPurchased": bool(purchase),
        "IsTrackedAsInventory": False,
        "SalesDetails": {"UnitPrice": q(item.unit_price, FOUR), "AccountCode": item.sales_account_code,
                         "TaxType": item.tax_type},
        "PurchaseDetails": purchase, "UpdatedDateUTC": created,
    }


def by_code(ctx: Ctx, code: str, other_than: str | None = None) -> dict[str, Any] | None:
    wanted = code.strip().casefold()
    return next((i for i in ctx.books.records("Items")
                 if i["Code"].casefold() == wanted and i["ItemID"] != other_than), None)


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail) -> dict[str, Any]:
    out: dict[str, Any] = {"ItemID": rec["ItemID"], "Code": rec["Code"]}
    for key in ("Description", "PurchaseDescription"):
        if rec.get(key):
            out[key] = rec[key]
    if rec.get("UpdatedDateUTC"):
        out["UpdatedDateUTC"] = ms_date(rec["UpdatedDateUTC"])
    for key in ("PurchaseDetails", "SalesDetails"):
        details = dict(rec.get(key) or {})
        if "UnitPrice" in details:
            details["UnitPrice"] = q(details["UnitPrice"], FOUR if ctx.unitdp == 4 else CENT)
        out[key] = details
    out["Name"] = rec.get("Name") or ""
    out["IsTrackedAsInventory"] = bool(rec.get("IsTrackedAsInventory"))
    if rec.get("InventoryAssetAccountCode"):
        out["InventoryAssetAccountCode"] = rec["InventoryAssetAccountCode"]
    out["IsSold"], out["IsPurchased"] = bool(rec.get("IsSold")), bool(rec.get("IsPurchased"))
    return out


class ItemWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        code = payload.get("Code")
        return by_code(ctx, code) if isinstance(code, str) and code.strip() else None

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        rec: dict[str, Any] = copy.deepcopy(existing) if existing else {
            "ItemID": ZERO_GUID, "Code": "", "IsSold": True, "IsPurchased": True, "IsTrackedAsInventory": False,
            "SalesDetails": {}, "PurchaseDetails": {}, "_by_app": True}
        out = Outcome(rec)
        errors = out.errors
        for key, limit in _LIMITS.items():
            value = payload.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                errors.append(f"{key} must be a string.")
                continue
            value = value.strip() if key == "Code" else value
            if len(value) > limit:
                errors.append(f"{key} must not be more than {limit} characters long.")
                value = value[:limit]  # the element echoed back keeps within the schema's maxLength
            rec[key] = value
        if not rec["Code"]:
            errors.append("Code is required for an item.")
        elif by_code(ctx, rec["Code"], rec["ItemID"]) is not None and (
                existing is None or existing["Code"].casefold() != rec["Code"].casefold()):
            errors.append(f"Price List Item with Code ''{rec['Code']}'' already exists")
        for flag in ("IsSold", "IsPurchased", "IsTrackedAsInventory"):
            if isinstance(payload.get(flag), bool):
                rec[flag] = payload[flag]
        if rec["IsTrackedAsInventory"]:
            code = payload.get("InventoryAssetAccountCode") or rec.get("InventoryAssetAccountCode")
            if not code:
                errors.append("An InventoryAssetAccountCode is required for a tracked inventory item.")
            rec["InventoryAssetAccountCode"] = code
        for key, flag, description, side in _SIDES:
            if isinstance(payload.get(key), dict):
                rec[key] = self._details(ctx, payload[key], rec.get(key) or {}, side, key, errors)
            if not rec[flag]:
                # "If IsSold is updated to false then Description and SalesDetails values will be nulled" (Xero)
                rec[key] = {}
                rec.pop(description, None)
        if existing is None:
            out.history.append(("Created", f"Item {rec['Code']} created."))
        else:
            changed = sorted(k for k in set(public(rec)) | set(public(existing))
                             if k != "UpdatedDateUTC" and rec.get(k) != existing.get(k))
            if changed:
                out.history.append(("Edited", "Changed " + ", ".join(changed) + "."))
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        if record["ItemID"] == ZERO_GUID:
            record["ItemID"] = str(uuid.uuid4())

    @staticmethod
    def _details(ctx: Ctx, given: dict[str, Any], current: dict[str, Any], side: str, key: str,
                 errors: list[str]) -> dict[str, Any]:
        details = dict(current)
        if "UnitPrice" in given:
            try:
                price = to_decimal(given["UnitPrice"])
            except ValueError:
                errors.append(f"{key} UnitPrice must be a number.")
                price = None
            if price is None:
                details.pop("UnitPrice", None)
            else:
                details["UnitPrice"] = q(price, FOUR)
        for field in ("AccountCode", "COGSAccountCode"):
            code = given.get(field)
            if code in (None, ""):
                continue
            account = document_account(ctx, str(code))
            if account is None:
                errors.append(f"Account code '{code}' is not a valid code for this document.")
            details[field] = account["Code"] if account else str(code)
        tax_type = given.get("TaxType")
        if tax_type not in (None, ""):
            if tax_rate(ctx, str(tax_type), side) is None:
                errors.append(f"The TaxType code {tax_type} does not exist or cannot be used for this type of "
                              "transaction.")
            details["TaxType"] = str(tax_type)
        return details


ITEMS = Entity(
    name="Items", singular="Item", id_field="ItemID", render=render, alt_keys=("Code",),
    fields=frozenset({"ItemID", "Code", "Name", "Description", "PurchaseDescription", "IsSold", "IsPurchased",
                      "IsTrackedAsInventory", "UpdatedDateUTC", "SalesDetails", "PurchaseDetails"}),
    writer=ItemWriter(), history=True, deletable=lambda ctx, rec: None,
)

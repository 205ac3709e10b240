"""Tracking categories (spec ``TrackingCategory`` / ``TrackingOption``) and the tracking of document lines.

- ``GET /TrackingCategories`` lists the ACTIVE categories with their ACTIVE options; ``includeArchived=true`` adds
  the ARCHIVED ones (categories and options); DELETED ones never show. No If-Modified-Since, no paging (fact sheet
  §2.1). ``GET /TrackingCategories/{TrackingCategoryID}``.
- A line's ``Tracking`` names at most two categories (fact sheet §1.2 LineItem), each by ``Name`` + ``Option`` or by
  ``TrackingCategoryID`` + ``TrackingOptionID``; names compare without case. A line keeps all four keys, as Xero
  answers them (the spec's ManualJournals example). Archived categories and options cannot be used on new lines.
- Writing (spec ``createTrackingCategory`` / ``updateTrackingCategory`` / ``createTrackingOptions`` /
  ``updateTrackingOptions``): ``PUT /TrackingCategories`` with a bare ``{"Name"}``; ``POST
  /TrackingCategories/{id}`` changes Name or Status (ACTIVE | ARCHIVED); ``PUT /TrackingCategories/{id}/Options``
  adds an option; ``POST …/Options/{TrackingOptionID}`` renames or archives one. Names are unique (at most 100
  characters); an organisation has at most two ACTIVE categories (Xero's limit).
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from starlette.responses import Response

from sandbox.seed.model import SeedTrackingCategory
from sandbox.xero.api import parse_body, save_side_effects
from sandbox.xero.entities import Ctx, Detail, Entity, Outcome
from sandbox.xero.wire import (ZERO_GUID, api_exception, envelope, json_response, not_found, validation_exception)

MAX_PER_LINE = 2
MAX_ACTIVE = 2
_STATUSES = ("ACTIVE", "ARCHIVED")


def category_record(category: SeedTrackingCategory) -> dict[str, Any]:
    return {"TrackingCategoryID": category.xero_id, "Name": category.name, "Status": "ACTIVE",
            "Options": [{"TrackingOptionID": o.xero_id, "Name": o.name, "Status": "ACTIVE"}
                        for o in category.options]}


def _shown(status: str, include_archived: bool) -> bool:
    return status == "ACTIVE" or (include_archived and status == "ARCHIVED")


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail) -> dict[str, Any]:
    # GET by id shows archived options too: the caller named the category
    everything = ctx.include_archived or detail is Detail.FULL
    return {"Name": rec["Name"], "Status": rec["Status"], "TrackingCategoryID": rec["TrackingCategoryID"],
            "Options": [{"TrackingOptionID": o["TrackingOptionID"], "Name": o["Name"], "Status": o["Status"]}
                        for o in rec["Options"] if _shown(o["Status"], everything)]}


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.strip().casefold() == b.strip().casefold()


def _category(ctx: Ctx, given: dict[str, Any]) -> dict[str, Any] | None:
    cid, name = given.get("TrackingCategoryID"), given.get("Name")
    for rec in ctx.books.records("TrackingCategories"):
        if rec["Status"] == "DELETED":
            continue
        if (cid and str(cid).lower() == rec["TrackingCategoryID"].lower()) or (not cid and _same(name, rec["Name"])):
            return rec
    return None


def resolve(ctx: Ctx, given: Any, n: int, errors: list[str]) -> list[dict[str, Any]]:
    """The tracking of line ``n`` as stored: [{Name, Option, TrackingCategoryID, TrackingOptionID}]."""
    if given in (None, []):
        return []
    if not isinstance(given, list) or not all(isinstance(t, dict) for t in given):
        errors.append(f"Line item {n}: Tracking must be a list of tracking categories.")
        return []
    if len(given) > MAX_PER_LINE:
        errors.append(f"Line item {n}: a line can be tracked against at most {MAX_PER_LINE} tracking categories.")
    out: list[dict[str, Any]] = []
    for item in given:
        category = _category(ctx, item)
        label = item.get("Name") or item.get("TrackingCategoryID") or ""
        if category is None:
            errors.append(f"Line item {n}: the tracking category '{label}' does not exist.")
            continue
        if category["Status"] != "ACTIVE":
            errors.append(f"Line item {n}: the tracking category '{category['Name']}' is archived.")
            continue
        oid, option_name = item.get("TrackingOptionID"), item.get("Option")
        option = next((o for o in category["Options"] if o["Status"] != "DELETED" and (
            (oid and str(oid).lower() == o["TrackingOptionID"].lower()) or (not oid and _same(option_name, o["Name"]))
        )), None)
        if option is None:
            errors.append(f"Line item {n}: the tracking option '{option_name or oid or ''}' does not exist in "
                          f"the tracking category '{category['Name']}'.")
            continue
        if option["Status"] != "ACTIVE":
            errors.append(f"Line item {n}: the tracking option '{option['Name']}' is archived.")
            continue
        if any(t["TrackingCategoryID"] == category["TrackingCategoryID"] for t in out):
            errors.append(f"Line item {n}: the tracking category '{category['Name']}' is used twice.")
            continue
        out.append({"Name": category["Name"], "Option": option["Name"],
                    "TrackingCategoryID": category["TrackingCategoryID"],
                    "TrackingOptionID": option["TrackingOptionID"]})
    return out


def seeded(ctx_books: Any, pairs: list[tuple[str, str]], where: str) -> list[dict[str, Any]]:
    """Tracking of a seeded line from (category, option) names; an unknown name is a broken seed."""
    out = []
    for name, option in pairs:
        category = next((c for c in ctx_books.records("TrackingCategories") if _same(c["Name"], name)), None)
        found = next((o for o in (category or {}).get("Options", []) if _same(o["Name"], option)), None)
        if category is None or found is None:
            raise ValueError(f"{where}: tracking {name}/{option} is not among the seeded tracking categories")
        out.append({"Name": category["Name"], "Option": found["Name"],
                    "TrackingCategoryID": category["TrackingCategoryID"],
                    "TrackingOptionID": found["TrackingOptionID"]})
    return out


def _name_problems(name: Any, taken: list[str]) -> list[str]:
    if not isinstance(name, str) or not name.strip():
        return ["A Name must be specified."]
    if len(name) > 100:
        return ["Name must not be more than 100 characters long."]
    if any(_same(name, other) for other in taken):
        return [f"The name {name.strip()} is already in use."]
    return []


class TrackingCategoryWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        rec: dict[str, Any] = copy.deepcopy(existing) if existing else {
            "TrackingCategoryID": ZERO_GUID, "Name": "", "Status": "ACTIVE", "Options": []}
        out = Outcome(rec)
        others = [c for c in ctx.books.records("TrackingCategories")
                  if c["TrackingCategoryID"] != rec["TrackingCategoryID"] and c["Status"] != "DELETED"]
        if "Name" in payload or existing is None:
            out.errors.extend(_name_problems(payload.get("Name"), [c["Name"] for c in others]))
            rec["Name"] = str(payload.get("Name") or "").strip()
        status = payload.get("Status")
        if status is not None:
            if status not in _STATUSES:
                out.errors.append(f"Status '{status}' is not valid. Use ACTIVE or ARCHIVED.")
            else:
                rec["Status"] = status
        if rec["Status"] == "ACTIVE" and (existing is None or existing["Status"] != "ACTIVE") and \
                sum(c["Status"] == "ACTIVE" for c in others) >= MAX_ACTIVE:
            out.errors.append(f"An organisation can have at most {MAX_ACTIVE} active tracking categories.")
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        if record["TrackingCategoryID"] == ZERO_GUID:
            record["TrackingCategoryID"] = str(uuid.uuid4())


def _option_view(option: dict[str, Any]) -> dict[str, Any]:
    status = option["Status"]
    return {"TrackingOptionID": option["TrackingOptionID"], "Name": option["Name"], "Status": status,
            "HasValidationErrors": False, "IsDeleted": status == "DELETED", "IsArchived": status == "ARCHIVED",
            "IsActive": status == "ACTIVE"}


def write_option(ctx: Ctx, key: str, option_id: str | None, body: bytes) -> Response:
    """PUT …/Options (a new option) or POST …/Options/{TrackingOptionID} (rename, archive)."""
    category = ctx.books.get("TrackingCategories", key)
    if category is None:
        return not_found()
    option = next((o for o in category["Options"] if option_id and o["TrackingOptionID"].lower() ==
                   option_id.lower()), None)
    if option_id is not None and option is None:
        return not_found()
    try:
        data = parse_body(body)
    except (ValueError, UnicodeDecodeError):
        return api_exception(17, "PostDataInvalidException", "Invalid Json data")
    data = (data.get("Options") or [{}])[0] if isinstance(data, dict) and "Options" in data else data
    data = {k[:1].upper() + k[1:]: v for k, v in data.items()} if isinstance(data, dict) else {}
    updated = copy.deepcopy(option) if option else {"TrackingOptionID": str(uuid.uuid4()), "Name": "",
                                                    "Status": "ACTIVE"}
    errors: list[str] = []
    if "Name" in data or option is None:
        taken = [o["Name"] for o in category["Options"] if o is not option and o["Status"] != "DELETED"]
        errors.extend(_name_problems(data.get("Name"), taken))
        updated["Name"] = str(data.get("Name") or "").strip()
    if data.get("Status") is not None:
        if data["Status"] not in _STATUSES:
            errors.append(f"Status '{data['Status']}' is not valid. Use ACTIVE or ARCHIVED.")
        else:
            updated["Status"] = data["Status"]
    if errors:
        return validation_exception([{**_option_view(updated), "ValidationErrors": [{"Message": m}
                                                                                   for m in errors]}])
    changed = copy.deepcopy(category)
    if option is None:
        changed["Options"].append(updated)
    else:
        changed["Options"] = [updated if o["TrackingOptionID"] == option["TrackingOptionID"] else o
                              for o in changed["Options"]]
    save_side_effects(ctx, [("TrackingCategories", changed, "UPDATE")])
    return json_response(envelope("Options", [_option_view(updated)], ctx.now, ctx.provider))


TRACKING_CATEGORIES = Entity(
    name="TrackingCategories", singular="TrackingCategory", id_field="TrackingCategoryID", render=render,
    modified_since=False, archived=lambda r: r["Status"] == "ARCHIVED",
    fields=frozenset({"TrackingCategoryID", "Name", "Status"}), writer=TrackingCategoryWriter(), options=True,
)

"""Generic handlers of the Accounting API, driven by :class:`sandbox.xero.entities.Entity` definitions.

They run on the event loop without awaiting between reading and writing the books, so a batch is applied as one
step. Reading: fact sheet §2 (paging, If-Modified-Since, where/order, IDs/Statuses, includeArchived, summaryOnly).
Writing: §3 (PUT creates only, POST creates or updates, summarizeErrors, partial saves, History).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any, Mapping

from starlette.responses import Response

from sandbox.xero.entities import Change, Ctx, Detail, Entity, public
from sandbox.xero.where import WhereError, compile_where, parse_order, sort_views
from sandbox.xero.wire import (ZERO_GUID, api_exception, envelope, history_string, is_guid, json_response,
                               ms_date, not_found, validation_exception)

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # since July 2024 (fact sheet §2.2)
HISTORY_NOT_FOUND = "The document with the supplied id was not found for this endpoint."


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def find(ctx: Ctx, entity: Entity, key: str) -> dict[str, Any] | None:
    """A record by its id, or by one of the entity's other keys (GET /Invoices/INV-0001)."""
    record = ctx.books.get(entity.name, key)
    if record is not None:
        return record
    wanted = key.strip().casefold()
    for alt in entity.alt_keys:
        for rec in ctx.books.records(entity.name):
            value = rec.get(alt)
            if isinstance(value, str) and value.strip().casefold() == wanted:
                return rec
    return None


# --- reading --------------------------------------------------------------------------------------------------------
def list_records(ctx: Ctx, entity: Entity, params: Mapping[str, str], modified_since: dt.datetime | None) -> Response:
    try:
        where = compile_where(params["where"], entity.fields, entity.singular) if params.get("where") else None
        order = parse_order(params["order"], entity.fields, entity.singular) if params.get("order") else []
    except WhereError as exc:
        return api_exception(16, "QueryParseException", str(exc))
    if params.get("unitdp") == "4":
        ctx.unitdp = 4
    ctx.include_archived = _flag(params.get("includeArchived"))

    records = list(ctx.books.records(entity.name))
    if entity.archived is not None and not _flag(params.get("includeArchived")):
        records = [r for r in records if not entity.archived(r)]
    if modified_since is not None and entity.modified_since:
        records = [r for r in records if r.get("UpdatedDateUTC") and r["UpdatedDateUTC"] >= modified_since]
    if _flag(params.get("createdByMyApp")):
        records = [r for r in records if r.get("_by_app")]
    pairs = [(entity.view_of(ctx, r), r) for r in records]
    for param, path in entity.list_filters.items():
        if params.get(param):
            wanted = {v.strip().strip('"').casefold() for v in params[param].split(",") if v.strip()}
            pairs = [(v, r) for v, r in pairs if str(_get(v, path) or "").casefold() in wanted]
    term = (params.get("searchTerm") or "").strip().casefold()
    if term and entity.search_fields:
        pairs = [(v, r) for v, r in pairs
                 if any(term in str(v.get(f) or "").casefold() for f in entity.search_fields)]
    if where is not None:
        try:
            pairs = [(v, r) for v, r in pairs if where(v)]
        except WhereError as exc:
            return api_exception(16, "QueryParseException", str(exc))
    pairs = sort_views(pairs, order, id_of=lambda r: str(r[entity.id_field]).lower(),
                       default=lambda r: r.get("_seq", 0))

    page = _int(params.get("page")) if entity.paged else None
    pagination = None
    detail = Detail.SUMMARY if _flag(params.get("summaryOnly")) else Detail.UNPAGED
    if page is not None:
        size = _int(params.get("pageSize")) or DEFAULT_PAGE_SIZE
        size = max(1, min(size, MAX_PAGE_SIZE))
        page = max(1, page)
        count = len(pairs)
        pagination = {"page": page, "pageSize": size, "pageCount": math.ceil(count / size), "itemCount": count}
        pairs = pairs[(page - 1) * size: page * size]
        if detail is not Detail.SUMMARY:
            detail = Detail.PAGE
    items = [entity.render(ctx, r, detail) for _, r in pairs]
    return json_response(envelope(entity.envelope_key, items, ctx.now, ctx.provider, pagination=pagination))


def _get(view: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = view
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def get_one(ctx: Ctx, entity: Entity, key: str, params: Mapping[str, str]) -> Response:
    if not entity.by_key:
        return not_found()
    record = find(ctx, entity, key)
    if record is None:
        return not_found()
    if params.get("unitdp") == "4":
        ctx.unitdp = 4
    return json_response(envelope(entity.envelope_key, [entity.render(ctx, record, Detail.FULL)], ctx.now,
                                  ctx.provider))


# --- writing --------------------------------------------------------------------------------------------------------
def parse_body(body: bytes) -> Any:
    """The request's JSON with numbers as Decimal; raises ValueError when it is not JSON."""
    return json.loads(body.decode("utf-8") or "null", parse_float=Decimal)


def write_batch(ctx: Ctx, entity: Entity, method: str, body: bytes, params: Mapping[str, str],
                path_key: str | None = None) -> Response:
    """PUT (create) or POST (create or update) a batch; valid elements are saved even when others fail."""
    assert entity.writer is not None
    try:
        data = parse_body(body)
    except (ValueError, UnicodeDecodeError):
        return api_exception(17, "PostDataInvalidException", "Invalid Json data")
    items = data.get(entity.envelope_key) if isinstance(data, dict) else None
    if items is None and isinstance(data, dict) and data:
        items = [data]  # a bare element without the plural envelope
    if not isinstance(items, list) or not items:
        return validation_exception([], f"No {entity.name} were provided in the request.")
    if params.get("unitdp") == "4":
        ctx.unitdp = 4
    target: dict[str, Any] | None = None
    if path_key is not None:
        target = find(ctx, entity, path_key)
        if target is None:
            return not_found()
    elements: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for payload in items:
        if target is not None and isinstance(payload, dict):
            payload = {**payload, entity.id_field: target[entity.id_field]}
        element, ok = _write_one(ctx, entity, method, payload)
        elements.append(element)
        if not ok:
            failed.append(element)
    summarize = (params.get("summarizeErrors") or "true").strip().lower() != "false"
    if failed and summarize:
        # the valid elements are saved all the same; the 400 does not say which (fact sheet §3)
        return validation_exception(failed)
    return json_response(envelope(entity.envelope_key, elements, ctx.now, ctx.provider))


def _write_one(ctx: Ctx, entity: Entity, method: str, payload: Any) -> tuple[dict[str, Any], bool]:
    writer = entity.writer
    assert writer is not None
    if not isinstance(payload, dict):
        return _error_element(ctx, entity, {entity.id_field: ZERO_GUID},
                              [f"Each element of {entity.name} must be an object."]), False
    key = payload.get(entity.id_field)
    existing: dict[str, Any] | None = None
    if entity.natural_key:
        existing = ctx.books.get(entity.name, str(key)) if key not in (None, "") else None
    elif key not in (None, ""):
        if not is_guid(key):
            return _error_element(ctx, entity, _draft(ctx, entity, payload),
                                  [f"{entity.id_field} '{key}' is not a valid GUID."]), False
        existing = ctx.books.get(entity.name, str(key))
        if existing is not None and method == "PUT":
            return _error_element(ctx, entity, existing, [
                f"A {entity.singular} with {entity.id_field} {key} already exists. PUT creates new records only; "
                "use POST to update it."]), False
        if existing is None:
            return _error_element(ctx, entity, _draft(ctx, entity, payload),
                                  [f"The {entity.singular} with {entity.id_field} {key} could not be found."]), False
    elif method == "POST":
        existing = writer.match(ctx, payload)
    outcome = writer.build(ctx, payload, existing)
    if outcome.errors:
        return _error_element(ctx, entity, outcome.record, outcome.errors, outcome.warnings), False

    save_side_effects(ctx, outcome.side_effects)
    record = outcome.record
    writer.finalise(ctx, record)
    changed = existing is None or _comparable(record) != _comparable(existing)
    if changed:
        record["UpdatedDateUTC"] = ctx.now
        ctx.books.put(entity.name, record[entity.id_field], record)
        if entity.history:
            for what, details in outcome.history:
                text = details(record) if callable(details) else details
                ctx.books.add_history(record[entity.id_field], {"Changes": what, "DateUTC": ctx.now,
                                                                "User": ctx.provider, "Details": text})
        _changed(ctx, entity, record, "CREATE" if existing is None else "UPDATE")
    else:
        record = existing  # nothing to change: the record and its UpdatedDateUTC stay as they were
    element = entity.render(ctx, record, Detail.FULL)
    if outcome.warnings:
        element["Warnings"] = [{"Message": w} for w in outcome.warnings]
    element["StatusAttributeString"] = "OK"
    return element, True


def _entity(ctx: Ctx, name: str) -> Entity:
    entity = ctx.registry.get(name) if ctx.registry else None
    if entity is None:
        raise LookupError(f"no entity {name!r} in the registry")
    return entity


def _changed(ctx: Ctx, entity: Entity, record: dict[str, Any], event: str) -> None:
    if entity.webhook:
        data = entity.webhook_data(record) if entity.webhook_data else None
        ctx.changes.append(Change(entity.webhook, entity.name, record[entity.id_field], event, data))


def save_side_effects(ctx: Ctx, side_effects: list[tuple[str, dict[str, Any], str]]) -> None:
    """Records of other entities a write changed (an invoice a payment settles), saved with a new timestamp."""
    for other, record, event in side_effects:
        side = _entity(ctx, other)
        record["UpdatedDateUTC"] = ctx.now
        ctx.books.put(side.name, record[side.id_field], record)
        _changed(ctx, side, record, event)


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in public(record).items() if k != "UpdatedDateUTC"}


def _draft(ctx: Ctx, entity: Entity, payload: dict[str, Any]) -> dict[str, Any]:
    """The element as it would have been created, to echo back with its errors."""
    assert entity.writer is not None
    clean = {k: v for k, v in payload.items() if k != entity.id_field}
    record = entity.writer.build(ctx, clean, None).record
    key = payload.get(entity.id_field)
    if entity.natural_key:
        record[entity.id_field] = str(key or "")
    else:
        record[entity.id_field] = str(key) if is_guid(key) else ZERO_GUID
    return record


def _error_element(ctx: Ctx, entity: Entity, record: dict[str, Any], errors: list[str],
                   warnings: list[str] | None = None) -> dict[str, Any]:
    try:
        element = entity.render(ctx, record, Detail.FULL)
    except (KeyError, TypeError, AttributeError, ValueError):
        element = {entity.id_field: record.get(entity.id_field, ZERO_GUID)}  # a draft too broken to show
    if "HasErrors" in element:
        element["HasErrors"] = True
    else:
        element["HasValidationErrors"] = True
    if warnings:
        element["Warnings"] = [{"Message": w} for w in warnings]
    element["StatusAttributeString"] = "ERROR"
    element["ValidationErrors"] = [{"Message": m} for m in errors]
    return element


def delete_one(ctx: Ctx, entity: Entity, key: str) -> Response:
    """DELETE /Items/{ItemID}: 204 with no content; 400 when the record cannot go, 404 when there is none."""
    assert entity.deletable is not None
    record = find(ctx, entity, key)
    if record is None:
        return not_found()
    reason = entity.deletable(ctx, record)
    if reason:
        return validation_exception([_error_element(ctx, entity, record, [reason])])
    ctx.books.delete(entity.name, record[entity.id_field])
    return Response(status_code=204)


# --- history ---------------------------------------------------------------------------------------------------------
def _history_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {"Changes": entry["Changes"], "DateUTCString": history_string(entry["DateUTC"]),
            "DateUTC": ms_date(entry["DateUTC"]), "User": entry["User"], "Details": entry["Details"]}


def get_history(ctx: Ctx, entity: Entity, key: str) -> Response:
    record = find(ctx, entity, key)
    if record is None or not entity.history:
        return not_found()
    entries = [_history_entry(e) for e in reversed(ctx.books.history_of(record[entity.id_field]))]
    return json_response(envelope("HistoryRecords", entries, ctx.now, ctx.provider))


def put_history(ctx: Ctx, entity: Entity, key: str, body: bytes) -> Response:
    """Add notes (``{"HistoryRecords":[{"Details":"…"}]}``); an unknown record is a 400, as the spec shows."""
    if not entity.history:
        return not_found()
    try:
        data = parse_body(body)
    except (ValueError, UnicodeDecodeError):
        return api_exception(17, "PostDataInvalidException", "Invalid Json data")
    items = data.get("HistoryRecords") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        return validation_exception([], "No HistoryRecords were provided in the request.")
    record = find(ctx, entity, key)
    stamp = {"DateUTCString": history_string(ctx.now), "DateUTC": ms_date(ctx.now, offset=False)}
    if record is None:
        return validation_exception([{**stamp, "Details": str((i or {}).get("Details", "")) if isinstance(i, dict)
                                      else "", "ValidationErrors": [{"Message": HISTORY_NOT_FOUND}]}
                                     for i in items])
    problems, notes = [], []
    for item in items:
        details = item.get("Details") if isinstance(item, dict) else None
        if not isinstance(details, str) or not details.strip():
            problems.append({**stamp, "Details": "", "ValidationErrors": [{"Message": "Details must be specified."}]})
        elif len(details) > 2500:
            problems.append({**stamp, "Details": details[:2500],
                             "ValidationErrors": [{"Message": "Details must not be more than 2500 characters."}]})
        else:
            notes.append(details)
    if problems:
        return validation_exception(problems)
    for details in notes:
        ctx.books.add_history(record[entity.id_field], {"Changes": "Note", "DateUTC": ctx.now, "User": ctx.provider,
                                                        "Details": details})
    return json_response(envelope("HistoryRecords", [{**stamp, "Details": d, "ValidationErrors": []} for d in notes],
                                  ctx.now, ctx.provider))

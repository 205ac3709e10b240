"""Attachments of invoices and bills, credit notes, bank transactions, manual journals, contacts and accounts (spec
``Attachment``).

- ``GET /{Resource}/{id}/Attachments``: the list (AttachmentID, FileName, Url, MimeType, ContentLength).
- ``GET /{Resource}/{id}/Attachments/{AttachmentID}`` or ``/{FileName}``: the file's own bytes, served with its
  mime type whatever ``Accept`` says (xero-python asks with ``Accept: application/octet-stream`` and a
  ``contentType`` header; the spec models the body as ``application/octet-stream``, ``format: binary``).
- ``PUT`` / ``POST /{Resource}/{id}/Attachments/{FileName}``: the request body is the raw file. Its MimeType is the
  request's Content-Type, or, when that is the generic ``application/octet-stream`` the SDKs send, the one the file
  name's extension implies. Uploading a name the document already has replaces that file (same AttachmentID).
  ``IncludeOnline=true`` is kept on sales invoices and customer credit notes only (the only ones shown online).
- Limits: 10 files per document; files over 10 MB are refused with 413 ``RequestEntityTooLarge`` problem details, as
  Xero answered a 14 MB upload (XeroAPI/Xero-Java#349). 10 MB: the Accounting API limit quoted by integrators in
  2026 (Codat docs PR #1802; Workato's Xero connector); Xero's web app allows 25 MB, the API allowed 3 MB in 2024.
- The parent shows ``HasAttachments``; an upload does not change its UpdatedDateUTC.
"""

from __future__ import annotations

import base64
import mimetypes
import uuid
from typing import Any, Mapping

from starlette.responses import Response

from sandbox.xero.api import find
from sandbox.xero.entities import Ctx, Entity
from sandbox.xero.wire import envelope, json_response, not_found, problem, validation_exception

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_DOCUMENT = 10
GENERIC_TYPES = {"", "application/octet-stream", "application/x-www-form-urlencoded"}
# the only documents whose attachments can be shown with the online invoice
_ONLINE_TYPES = {"ACCREC", "ACCRECCREDIT"}


def _index(ctx: Ctx) -> dict[tuple[str, str], list[dict[str, Any]]]:
    def build() -> dict[tuple[str, str], list[dict[str, Any]]]:
        out: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for rec in sorted(ctx.books.records("Attachments"), key=lambda r: r.get("_seq", 0)):
            out.setdefault((rec["_Owner"], rec["_OwnerID"].lower()), []).append(rec)
        return out
    return ctx.cached("attachments_by_owner", build)


def of(ctx: Ctx, collection: str, owner_id: str) -> list[dict[str, Any]]:
    return _index(ctx).get((collection, owner_id.lower()), [])


def has_attachments(ctx: Ctx, collection: str, owner_id: str) -> bool:
    return bool(of(ctx, collection, owner_id))


def record(collection: str, owner_id: str, file_name: str, mime_type: str, content: bytes,
           attachment_id: str | None = None, include_online: bool = False) -> dict[str, Any]:
    """An attachment as the books keep it (the bytes base64-encoded, so the books stay JSON)."""
    return {"AttachmentID": attachment_id or str(uuid.uuid4()), "FileName": file_name, "MimeType": mime_type,
            "ContentLength": len(content), "IncludeOnline": include_online, "_Owner": collection,
            "_OwnerID": owner_id, "_Content": base64.b64encode(content).decode("ascii")}


def _view(rec: dict[str, Any], base_url: str, owner_id: str) -> dict[str, Any]:
    out = {"AttachmentID": rec["AttachmentID"], "FileName": rec["FileName"],
           "Url": f"{base_url}/{rec['_Owner']}/{owner_id}/Attachments/{rec['FileName']}",
           "MimeType": rec["MimeType"], "ContentLength": rec["ContentLength"]}
    if rec.get("IncludeOnline"):
        out["IncludeOnline"] = True
    return out


def _owner(ctx: Ctx, entity: Entity, key: str) -> dict[str, Any] | None:
    return find(ctx, entity, key)


def list_for(ctx: Ctx, entity: Entity, key: str, base_url: str) -> Response:
    owner = _owner(ctx, entity, key)
    if owner is None:
        return not_found()
    owner_id = owner[entity.id_field]
    items = [_view(r, base_url, owner_id) for r in of(ctx, entity.name, owner_id)]
    return json_response(envelope("Attachments", items, ctx.now, ctx.provider))


def content(ctx: Ctx, entity: Entity, key: str, name: str) -> Response:
    """The file by AttachmentID or by FileName (names compare without case)."""
    owner = _owner(ctx, entity, key)
    if owner is None:
        return not_found()
    files = of(ctx, entity.name, owner[entity.id_field])
    found = next((r for r in files if r["AttachmentID"].lower() == name.lower()), None) or \
        next((r for r in files if r["FileName"].casefold() == name.casefold()), None)
    if found is None:
        return not_found()
    return Response(base64.b64decode(found["_Content"]), media_type=found["MimeType"])


def mime_type_of(file_name: str, content_type: str | None) -> str:
    given = (content_type or "").split(";")[0].strip().lower()
    if given not in GENERIC_TYPES:
        return given
    guessed, _ = mimetypes.guess_type(file_name)
    return guessed or "application/octet-stream"


def upload(ctx: Ctx, entity: Entity, key: str, name: str, body: bytes, content_type: str | None,
           params: Mapping[str, str], base_url: str) -> Response:
    owner = _owner(ctx, entity, key)
    if owner is None:
        return not_found()
    if len(body) > MAX_BYTES:
        return problem(413, "RequestEntityTooLarge", "PayloadTooLarge")
    owner_id = owner[entity.id_field]
    files = of(ctx, entity.name, owner_id)
    same = next((r for r in files if r["FileName"].casefold() == name.casefold()), None)
    problems = []
    if not name.strip() or "/" in name or "\\" in name:
        problems.append("The file name is not valid.")
    if not body:
        problems.append("The file is empty: send its bytes as the request body.")
    if same is None and len(files) >= MAX_PER_DOCUMENT:
        problems.append(f"A document can have at most {MAX_PER_DOCUMENT} attachments.")
    online = next((v for k, v in params.items() if k.lower() == "includeonline"), "").strip().lower() == "true"
    draft = record(entity.name, owner_id, name, mime_type_of(name, content_type), body,
                   same["AttachmentID"] if same else None, online and owner.get("Type") in _ONLINE_TYPES)
    if problems:
        element = {**_view(draft, base_url, owner_id), "ValidationErrors": [{"Message": m} for m in problems]}
        return validation_exception([element])
    ctx.books.put("Attachments", draft["AttachmentID"], draft)
    return json_response(envelope("Attachments", [_view(draft, base_url, owner_id)], ctx.now, ctx.provider))

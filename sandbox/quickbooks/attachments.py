"""Attachable: files and notes on other records (DCOPY attachable; python-quickbooks ``Attachable``).

A file arrives through ``POST /upload`` as ``multipart/form-data``: a ``file_metadata_<n>`` part (Attachable JSON:
``AttachableRef``, ``FileName``, ``ContentType``) and a ``file_content_<n>`` part with the bytes (plain, or base64
with ``Content-Transfer-Encoding: base64`` as python-quickbooks sends them), paired by ``<n>``; a content part
without metadata gets its name and type from its own headers. The answer is
``{"AttachableResponse": [{"Attachable": {...}} | {"Fault": {...}}], "time"}``. A note alone is created as plain
JSON on ``/attachable``. Read, query (``AttachableRef.EntityRef.Type`` / ``.value``), update and delete are the
usual ones. A stored file shows ``FileAccessUri`` (``/v3/company/<realm>/download/<id>``), ``Size`` and a
``TempDownloadUri`` that serves the bytes for 15 minutes; ``GET /download/<id>`` answers such a link as text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import mimetypes
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sandbox.quickbooks import errors

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

SERVER_FIELDS = frozenset({"FileAccessUri", "TempDownloadUri", "Size", "ThumbnailFileAccessUri",
                           "ThumbnailTempDownloadUri"})
LINK_SECONDS = 15 * 60  # "The URL expires after 15 minutes" (DCOPY attachable)
APPROVED = {"ai", "csv", "doc", "docx", "eps", "gif", "jpeg", "jpg", "ods", "pdf", "png", "rtf", "tif", "txt",
            "xls", "xlsx", "xml"}
CATEGORIES = {"Contact Photo", "Document", "Image", "Receipt", "Signature", "Sound", "Other"}
LIMIT_BYTES = 100 * 1024 * 1024


def prepare(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    from sandbox.quickbooks.entities import lookup  # noqa: PLC0415 (entities imports this module)

    for index, ref in enumerate(data.get("AttachableRef") or []):
        element = f"AttachableRef[{index}].EntityRef"
        entity_ref = ref.get("EntityRef") or {}
        if not entity_ref.get("value") or not entity_ref.get("type"):
            raise errors.required(f"{element}.type" if entity_ref.get("value") else f"{element}.value")
        definition = lookup(str(entity_ref["type"]))
        if definition is None or ctx.books.get(definition.name, str(entity_ref["value"])) is None:
            raise errors.invalid_reference(element, entity_ref["type"], entity_ref["value"])
        entity_ref["type"] = definition.name
        ref.setdefault("IncludeOnSend", False)
    if not data.get("FileName") and not data.get("Note"):
        raise errors.required("FileName")
    for key, limit in (("FileName", 1000), ("Note", 2000), ("ContentType", 100), ("Category", 100)):
        if len(str(data.get(key) or "")) > limit:
            raise errors.too_long(key, limit)
    if data.get("Category") and data["Category"] not in CATEGORIES:
        raise errors.invalid_enum("Category", data["Category"])
    if data.get("FileName"):
        extension = PurePosixPath(str(data["FileName"])).suffix.lower().lstrip(".")
        if extension not in APPROVED:
            raise errors.business(f"The file type .{extension} is not supported. Upload one of: "
                                  f"{', '.join(sorted(APPROVED))}.", "FileName")
        data.setdefault("ContentType", mimetypes.guess_type(str(data["FileName"]))[0] or "application/octet-stream")
    return data


def _signature(ctx: Ctx, record_id: str, expires: int) -> str:
    message = f"{ctx.realm_id}/{record_id}/{expires}".encode()
    return hmac.new(ctx.file_secret, message, hashlib.sha256).hexdigest()[:40]


def temporary_link(ctx: Ctx, record: Record) -> str:
    expires = int(ctx.clock.time()) + LINK_SECONDS
    name = quote(str(record.data.get("FileName") or "file"))
    return (f"{ctx.base_url}/attachments/{ctx.realm_id}/{record.id}/{name}?Expires={expires}"
            f"&Signature={_signature(ctx, record.id, expires)}")


def derive(ctx: Ctx, record: Record) -> dict[str, Any]:
    if "content" not in record.internal:
        return {}
    return {"FileAccessUri": f"/v3/company/{ctx.realm_id}/download/{record.id}",
            "TempDownloadUri": temporary_link(ctx, record), "Size": int(record.internal["size"])}


def stored(content: bytes) -> dict[str, Any]:
    """The internal state holding a file's bytes (base64, so the books stay JSON)."""
    return {"content": base64.b64encode(content).decode("ascii"), "size": len(content)}


def content_of(record: Record) -> bytes:
    return base64.b64decode(record.internal["content"])


def check_link(ctx: Ctx, record_id: str, expires: str, signature: str) -> bool:
    try:
        when = int(expires)
    except ValueError:
        return False
    good = hmac.compare_digest(_signature(ctx, record_id, when), signature)
    return good and ctx.clock.time() <= when


def parse_upload(content_type: str | None, body: bytes) -> list[tuple[dict[str, Any], bytes]]:
    """(metadata, bytes) for each file of a multipart upload, in the order of their index."""
    if not content_type or not content_type.lower().startswith("multipart/"):
        raise errors.unsupported_operation("upload without a multipart/form-data body")
    if len(body) > LIMIT_BYTES:
        raise errors.business("The upload is larger than 100 MB.", "file_content")
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    if not message.is_multipart():
        raise errors.required("file_content_0")
    metadata: dict[str, dict[str, Any]] = {}
    contents: dict[str, tuple[bytes, str | None, str]] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition") or "")
        payload = part.get_payload(decode=True) or b""
        if name.startswith("file_metadata_"):
            try:
                metadata[name.removeprefix("file_metadata_")] = json.loads(payload.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise errors.QBError("2010", "Request has invalid or unsupported property",
                                     f"Property Name:{name}: {exc} specified is unsupported or invalid",
                                     element=name) from exc
        elif name.startswith("file_content_"):
            contents[name.removeprefix("file_content_")] = (payload, part.get_filename(), part.get_content_type())
    if not contents:
        raise errors.required("file_content_0")
    files = []
    for suffix in sorted(contents, key=lambda s: (len(s), s)):
        payload, filename, part_type = contents[suffix]
        meta = metadata.get(suffix) or {}
        if not isinstance(meta, dict):
            raise errors.unsupported_property(f"file_metadata_{suffix}", "Attachable",
                                              "Can not deserialize instance out of a non-object for")
        if filename and not meta.get("FileName"):
            meta["FileName"] = filename
        if part_type and not meta.get("ContentType") and part_type != "text/plain":
            meta["ContentType"] = part_type
        files.append((meta, payload))
    return files

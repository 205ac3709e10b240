"""Supporting files: a bill's attachments in QuickBooks (Attachable) copied to the linked Xero bill (Attachments).

Runs after the bills are written. Each file is copied once: ``ledgerbridge.attachment_links`` remembers what was
copied (by the source attachment's id and the content's SHA-256), and the upload carries an idempotency key
derived from the content, so a retried task neither uploads twice nor misses a file. Every upload is audited.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote as url_quote

from psycopg.types.json import Jsonb

from ledgerbridge import db
from ledgerbridge.http import LedgerAPIError
from reconcile.config import PairConfig
from reconcile.run import RunInfo, open_exception

log = logging.getLogger(__name__)

MAX_BYTES = 25 * 1024 * 1024  # Xero refuses larger files


@dataclass
class CopyResult:
    checked: int = 0
    copied: int = 0
    already: int = 0
    failed: int = 0

    def counts(self) -> dict[str, int]:
        return vars(self).copy()


def qb_attachments(hook: Any, entity: str, record_id: str) -> list[dict]:
    from quickbooks.query import quote  # noqa: PLC0415

    statement = (f"SELECT * FROM Attachable WHERE AttachableRef.EntityRef.Type = {quote(entity)} "
                 f"AND AttachableRef.EntityRef.value = {quote(record_id)}")
    return hook.query(statement).get("Attachable") or []


def qb_download(hook: Any, attachable: dict) -> bytes:
    """The file's bytes: QuickBooks answers /download/{id} with a temporary URL to fetch them from."""
    url = attachable.get("TempDownloadUri") or hook.download_url(str(attachable["Id"]))
    response = hook.get_conn().get(url.strip(), timeout=hook.timeout)
    if response.status_code != 200:
        raise LedgerAPIError("quickbooks", "GET", "download", response.status_code, response.text[:200],
                             attachable.get("FileName"))
    return response.content


def copy_bill_attachments(pair: PairConfig, run: RunInfo, xero_hook: Any, qb_hook: Any,
                          db_url: str | None = None) -> CopyResult:
    """Copy the supporting files of every linked bill from QuickBooks to Xero (those not copied yet)."""
    from xero.hooks import idempotency_key  # noqa: PLC0415

    result = CopyResult()
    with db.connect(db_url, autocommit=True) as conn:
        links = conn.execute(db.sql("attachments/linked_bills"), {"pair": pair.name}).fetchall()
        copied = {(r["source_id"], r["sha256"]) for r in conn.execute(db.sql("attachments/copied"),
                                                                       {"pair": pair.name, "entity": "bills"})}
        for link in links:
            for attachable in qb_attachments(qb_hook, "Bill", link["quickbooks_id"]):
                if not attachable.get("FileName"):
                    continue  # a note, not a file
                result.checked += 1
                source_id = str(attachable["Id"])
                try:
                    content = qb_download(qb_hook, attachable)
                except LedgerAPIError as exc:
                    _failed(conn, pair, run, link, attachable, str(exc), result)
                    continue
                digest = hashlib.sha256(content).hexdigest()
                if (source_id, digest) in copied:
                    result.already += 1
                    continue
                if len(content) > MAX_BYTES:
                    _failed(conn, pair, run, link, attachable, f"{len(content)} bytes is more than Xero accepts", result)
                    continue
                path = f"Invoices/{link['xero_id']}/Attachments/{url_quote(attachable['FileName'])}"
                key = idempotency_key("PUT", path, {"sha256": digest})
                try:
                    answer = xero_hook.request("PUT", path, data=content, record=attachable["FileName"], headers={
                        "Content-Type": attachable.get("ContentType") or "application/octet-stream",
                        "Idempotency-Key": key})
                except LedgerAPIError as exc:
                    _failed(conn, pair, run, link, attachable, str(exc), result)
                    continue
                target = (answer.json().get("Attachments") or [{}])[0]
                conn.execute(db.sql("attachments/record"), {
                    "pair": pair.name, "entity": "bills", "source_ledger": "quickbooks", "source_id": source_id,
                    "source_record": link["quickbooks_id"], "target_ledger": "xero", "target_record": link["xero_id"],
                    "target_id": target.get("AttachmentID"), "file_name": attachable["FileName"],
                    "size": len(content), "sha256": digest, "run_id": run.run_id})
                conn.execute(db.sql("audit/add"), {
                    "run_id": run.run_id, "try_number": run.try_number, "pair": pair.name, "entity": "bills",
                    "ledger": "xero", "operation": "attach", "outbox_id": None, "record_id": link["xero_id"],
                    "payload_hash": digest, "idempotency_key": key, "outcome": "applied",
                    "answer": Jsonb({"AttachmentID": target.get("AttachmentID"), "FileName": attachable["FileName"]})})
                result.copied += 1
    log.info("bill attachments for pair %s: %s", pair.name, result.counts())
    return result


def _failed(conn: Any, pair: PairConfig, run: RunInfo, link: dict, attachable: dict, message: str,
            result: CopyResult) -> None:
    result.failed += 1
    open_exception(conn, run, pair.name, "bills", "quickbooks", link["quickbooks_id"], "attachment_failed",
                   f"the supporting file {attachable.get('FileName')!r} of QuickBooks bill {link['quickbooks_id']} "
                   f"could not be copied to Xero: {message}", field="Attachable", label=attachable.get("FileName"))

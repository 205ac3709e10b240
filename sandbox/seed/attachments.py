"""Supporting files on bills: QuickBooks Attachable (AttachableRef to the Bill) <-> Xero Attachments on the ACCPAY
invoice. They follow bills, QuickBooks -> Xero: most are on the QuickBooks copy only (``only_quickbooks``), on bills
both sides hold or on QuickBooks-only ones; one or a few were attached in Xero too (``pair``: the same file name and
bytes). Deleted bills carry none.

The files are small (under 5 KB) and valid: a one-page PDF of the supplier's invoice ("northgate-print-invoice-
2291.pdf") or a PNG scan of a receipt ("receipt-northgate-print-2026-09-14.png"), made from the bill's data, so the
same seed gives the same bytes.

Ids: Xero AttachmentID ``stable_uuid("xero", seed, "attachment", key)``; QuickBooks Attachable Ids in key order.
"""

from __future__ import annotations

import random
import re
import struct
import zlib
from dataclasses import dataclass

from sandbox.seed import reference
from sandbox.seed.model import SeedAttachment, SeedInvoice


@dataclass
class AttachmentDraft:
    attachment: SeedAttachment
    presence: str  # both | quickbooks

    @property
    def tags(self) -> list[str]:
        return ["only_quickbooks"] if self.presence == "quickbooks" else []


def slug(name: str) -> str:
    words = re.sub(r"[^a-z0-9 ]+", "", name.lower().replace("&", " ")).split()
    kept = [w for w in words if w not in ("ltd", "limited", "co", "company", "llp", "and")][:2]
    return "-".join(kept) or "supplier"


def _pdf_text(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii").replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def invoice_pdf(supplier: str, bill: SeedInvoice) -> bytes:
    """A one-page PDF (Helvetica text) of the supplier's invoice: number, dates, lines, totals."""
    rows = [supplier, "INVOICE", f"Invoice number: {bill.number or 'n/a'}", f"Date: {bill.date.isoformat()}",
            f"Due: {bill.due_date.isoformat()}", f"To: {reference.ORGANISATION_NAME}", ""]
    rows += [f"{ln.description[:48]:<48} {ln.quantity:>6} x {ln.unit_amount:>9} = {ln.line_amount:>10}"
             for ln in bill.lines]
    rows += ["", f"Subtotal GBP {bill.subtotal}", f"VAT GBP {bill.total_tax}", f"Total GBP {bill.total}"]
    ops = ["BT", "/F1 11 Tf", "14 TL", "56 780 Td"] + [f"({_pdf_text(r)}) '" for r in rows] + ["ET"]
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# random bytes to greys: light paper grain, darker ink
_PAPER = bytes(240 + b % 8 for b in range(256))
_INK = bytes(70 + b % 40 for b in range(256))


def receipt_png(rng: random.Random, lines: int) -> bytes:
    """A small greyscale PNG that looks like a scanned till receipt: paper, a header block and text rows."""
    width, height = 60, 24 + 8 * lines
    lengths = [rng.randrange(20, 50) for _ in range(lines)]
    rows = []
    for y in range(height):
        row = bytearray(rng.randbytes(width).translate(_PAPER))  # paper grain
        text_row, offset = divmod(y - 20, 8)
        if 6 <= y < 14:
            row[12:48] = bytes([40]) * 36  # the shop's name
        elif y >= 20 and text_row < lines and offset < 3:
            row[6:6 + lengths[text_row]] = rng.randbytes(lengths[text_row]).translate(_INK)
        rows.append(b"\x00" + bytes(row))  # filter byte: none

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) +
            chunk(b"IEND", b""))


def attachments(rng: random.Random, seed: int, bills: list[SeedInvoice], pair_keys: set[str],
                names: dict[str, str], full: bool) -> list[AttachmentDraft]:
    """Files on a few of the QuickBooks bills (``bills``: QuickBooks' copies); ``pair_keys``: bills both sides
    hold; ``names``: QuickBooks display name per contact key."""
    live = [b for b in bills if b.status != "deleted"]
    if not live:
        return []
    count = min(len(live), max(3, round(0.15 * len(live))))
    chosen = sorted(rng.sample(live, count), key=lambda b: b.key)
    paired = [b for b in chosen if b.key in pair_keys]
    in_xero = set()
    if paired:
        in_xero = {b.key for b in paired if rng.random() < 0.3} or {rng.choice(paired).key}
        if full and len(paired) > 1 and len(in_xero) == len(paired):
            in_xero.discard(paired[-1].key)  # and one on a shared bill still to copy
    out = []
    for n, bill in enumerate(chosen, start=1):
        key = f"attachment-{n:05d}"
        supplier = names.get(bill.contact_key, "Supplier")
        if n == 2 or (n > 2 and rng.random() < 0.25):  # the first a PDF, the second a PNG, then either
            name = f"receipt-{slug(supplier)}-{bill.date.isoformat()}.png"
            content, mime = receipt_png(rng, len(bill.lines) + 2), "image/png"
        else:
            number = re.sub(r"[^A-Za-z0-9]+", "-", bill.number).strip("-").lower() if bill.number else \
                bill.date.isoformat()
            name = f"{slug(supplier)}-invoice-{number}.pdf"
            content, mime = invoice_pdf(supplier, bill), "application/pdf"
        both = bill.key in in_xero
        out.append(AttachmentDraft(SeedAttachment(
            key=key, owner_kind="bill", owner_key=bill.key, file_name=name, mime_type=mime, content=content,
            xero_id=reference.stable_uuid("xero", seed, "attachment", key) if both else None, qb_id=str(n)),
            presence="both" if both else "quickbooks"))
    return out

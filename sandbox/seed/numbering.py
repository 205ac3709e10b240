"""Numbers and references of seeded sales invoices and bills (see ``sandbox.seed.documents`` for the rules)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from sandbox.seed.contacts import SIDES
from sandbox.seed.plan import Weighted

if TYPE_CHECKING:
    from sandbox.seed.documents import Document

_BILL_SCHEMES = ["SI-{n:05d}", "{n}", "INV{n:06d}", "26/{n:04d}", "{n}-A"]
# how QuickBooks holds Xero's "INV-0412": "0412", "INV-0412", or no DocNumber
_SALES_NUMBER_FORMS = Weighted(["prefix", "same", "missing"], [70, 22, 8])
_BILL_NUMBER_GAPS: Weighted[str | None] = Weighted([None, "xero", "quickbooks"], [85, 8, 7])


def number_documents(docs: list[Document], kind: str, r: random.Random, full: bool) -> None:
    """Keys, numbers and references, in date order (call once every document is drawn)."""
    docs.sort(key=lambda d: (d.date, d.order))
    prefix = "sale" if kind == "sales" else "bill"
    for i, doc in enumerate(docs, start=1):
        doc.key = f"{prefix}-{i:05d}"
    if kind == "sales":
        _number_sales(docs, r, full)
    else:
        _number_bills(docs, r, full)


def _voided_in_quickbooks(doc: Document) -> bool:
    """QuickBooks zeroes a voided document's amounts: its number is all that is left to link it by."""
    return doc.quickbooks is not None and doc.quickbooks.status == "voided"


def _number_sales(docs: list[Document], r: random.Random, full: bool) -> None:
    start = 100 + r.randrange(400)
    forced = ["prefix"] + (["missing", "reference"] if full else [])
    for i, doc in enumerate(docs):
        n = start + i
        doc.xero_number = f"INV-{n:04d}"
        form = _SALES_NUMBER_FORMS.pick(r)
        keep_number = _voided_in_quickbooks(doc)
        if keep_number and form == "missing":
            form = "prefix"
        shared_plain = doc.presence == "both" and doc.role == "plain"
        reference_gap = False
        if shared_plain and forced and not (keep_number and forced[0] == "missing"):
            wanted = forced.pop(0)
            reference_gap = wanted == "reference"
            form = form if reference_gap else wanted
        # a reference could tell look-alikes apart, so the ambiguous ones have none
        ref = None
        if doc.role == "plain" and (reference_gap or r.random() < 0.3):
            ref = f"{r.choice(['PO ', 'PO-', 'Job ', 'Order '])}{r.randrange(1000, 99999)}"
        gap_side = None
        if shared_plain and ref and (reference_gap or r.random() < 0.1):
            gap_side = r.choice(SIDES)
            doc.tags.append(f"missing_reference:{gap_side}")
        for side in SIDES:
            state = doc.side(side)
            if state is not None:
                state.reference = None if side == gap_side else ref
        q = doc.quickbooks
        if q is None:
            continue
        if q.number_missing or form == "missing":
            q.number_missing = True
            doc.qb_number = None
            if doc.presence == "both" and "missing_number:quickbooks" not in doc.tags:
                doc.tags.append("missing_number:quickbooks")
        elif form == "prefix":
            doc.qb_number = f"{n:04d}"
            if doc.presence == "both":
                doc.tags.append("number_prefix")
        else:
            doc.qb_number = doc.xero_number
        if doc.xero is None:
            doc.xero_number = None


def _number_bills(docs: list[Document], r: random.Random, full: bool) -> None:
    schemes: dict[str, tuple[str, int]] = {}
    forced = ["missing"] if full else []
    for doc in docs:
        scheme, last = schemes.get(doc.contact.key) or (r.choice(_BILL_SCHEMES), r.randrange(100, 5000))
        last += r.randint(1, 40)
        schemes[doc.contact.key] = (scheme, last)
        number = scheme.format(n=last)
        missing = _BILL_NUMBER_GAPS.pick(r)
        if doc.presence == "both" and doc.role == "plain" and forced and not _voided_in_quickbooks(doc):
            forced.pop(0)
            missing = r.choice(SIDES)
        if _voided_in_quickbooks(doc):
            missing = None  # on neither side
        doc.xero_number = number if doc.xero is not None else None
        doc.qb_number = number if doc.quickbooks is not None else None
        if doc.presence == "both" and missing:
            setattr(doc, f"{'xero' if missing == 'xero' else 'qb'}_number", None)
            doc.side(missing).number_missing = True  # type: ignore[union-attr]
            doc.tags.append(f"missing_number:{missing}")

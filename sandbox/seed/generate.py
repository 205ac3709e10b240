"""Seeded books: Harbour & Finch Ltd as its Xero and QuickBooks books stood before ledgerbridge arrived.

``generate(seed, size)`` is deterministic: the same seed and size give the same books and truth in any process (no
clock, no global random state, no set iteration). Every date lies in the 120 days before the fixed as-of date
2026-11-01 (due dates follow the contact's 14 or 30 day terms and may fall after it). ``size`` is the number of
sales invoices (distinct business documents, whichever ledgers hold them); there are about size/2 customers (at
least 8), size/6 suppliers (at least 4) and size/3 bills (at least 3). Sizes from 10 up are supported.
Archived contacts did no business in the window (both ledgers refuse new documents for them), and ambiguous
contacts have no documents (nothing could be linked to them until a person decides).

Statuses per side: draft (Xero only), authorised (open or part-paid), paid, voided (the lines keep the amounts
they had; the QuickBooks sandbox zeroes them as a QBO void does), deleted (held by one side only: a deleted Xero
draft, or a QuickBooks hard delete that only cdc still shows).

Both books were kept by hand, so most records are on both sides with the differences seen in practice, some are
on one side only, and a few are genuinely ambiguous. Every size holds the main situations at least once (tags
marked * below); from size 40 on every situation is present at least once; beyond that they scale with the size.

Ids: Xero ids are ``stable_uuid("xero", seed, entity, key)``. QuickBooks ids are decimal strings from one
sequence per entity type starting at 1, in creation order: customers, vendors, invoices, bills, payments and bill
payments each have their own (QBO shares sequences more widely; separate ones keep seeded ids small and obvious).
Contacts are created in key order, documents and payments in date order, so a QuickBooks id names a record only
together with its entity (the truth's ``entity`` / ``kind``). A record held by one side only has None for the
other side's id. Conventions on numbers and on tax rounding: ``sandbox.seed.documents`` and
``sandbox.seed.lines``.

Truth (``SeedBooks.truth``, JSON-ready; ``write_truth`` stores it)::

    {"format": 1, "seed": 7, "size": 40, "as_of": "2026-11-01", "organisation": "Harbour & Finch Ltd",
     "contacts": [{"key": "cust-00003", "entity": "customer" | "supplier",
                   "match": "pair" | "ambiguous" | "single",
                   "xero_id": uuid | null, "qb_id": "3" | null, "xero_name": ..., "qb_name": ...,
                   "differences": [tag, ...]}],
     "invoices": [{"key": "sale-00012", "kind": "sales" | "bill", "match": ..., "contact_key": ...,
                   "xero_id", "qb_id", "xero_number", "qb_number", "xero_status", "qb_status",
                   "xero_total": "120.00" | null, "qb_total": ..., "differences": [tag, ...]}],
     "payments": [{"key": "sale-00012-p1", "invoice_key": ..., "kind": "sales" | "bill", "xero_id", "qb_id",
                   "date": "2026-09-30", "amount": "60.00"}],
     "ambiguous": [{"entity": "contact" | "invoice", "kind": "customer" | "sales", "side": "xero" | "quickbooks",
                    "key": ..., "id": <id on side>, "candidates": [<ids on the other side>],
                    "candidate_keys": [...], "truth_partner": <id on the other side>, "truth_partner_key": ...}],
     "counts": summary(books)}

``match``: "pair" = the same business record on both sides, to be linked; "single" = held by one side only;
"ambiguous" = part of an ambiguous group: the record named by ``id`` has two plausible partners (``candidates``)
that nothing in the matching rules tells apart, so none of the group's records may be linked automatically; they
belong in the exception queue. ``truth_partner`` says which candidate is really the same record (for reviewers).

Difference tags (``kind:side`` names the side it applies to; "missing_X:side" = X absent on that side):

- contacts: only_xero*, only_quickbooks*, name_case*, name_punctuation*, ltd_limited*, name_spacing,
  name_ampersand, co_company (the two names normalise alike), missing_email:side*, email_case,
  missing_tax_number:side*, tax_number_format (GB123456789 vs GB 123 4567 89), missing_phone:side, phone_format,
  missing_address:side, archived* (both sides), archived_one_side:side (archived there, active on the other),
  ambiguous* (the pair inside an ambiguous group), ambiguous_candidate (the look-alike, held by one side only).
- invoices and bills: only_xero*, only_quickbooks*, number_prefix* (sales: "INV-0412" vs "0412"),
  missing_number:side, missing_reference:side, tax_cent* (totals differ by exactly 0.01: Xero rounds VAT per
  line, QuickBooks per invoice), paid_one_side:side* (fully paid there, open or part-paid on the other),
  part_paid_one_side:side, part_paid* (part-paid on a side at the as-of date), multi_payment (paid in
  instalments), voided* (both sides), voided_one_side:side*, draft (Xero only), deleted (one side only: a deleted
  Xero draft or a QuickBooks hard delete), ambiguous*, ambiguous_candidate.
  (*) main for bills: only_xero, only_quickbooks, paid_one_side.
A shared pair whose tags name no difference holds the same values on both sides (ids and updated_at aside).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from sandbox.seed import names, reference
from sandbox.seed.contacts import SIDES, Contact, ContactFactory
from sandbox.seed.documents import Document, DocumentFactory, PaymentDraft
from sandbox.seed.lines import seed_lines
from sandbox.seed.model import SeedBooks, SeedInvoice, SeedPayment, SideBooks
from sandbox.seed.plan import AS_OF, FULL_COVERAGE_SIZE, MIN_SIZE, stamp

TRUTH_FORMAT = 1


def counts_for(size: int) -> dict[str, int]:
    """Distinct business records of each entity for ``size``."""
    return {"customers": max(8, round(size / 2)), "suppliers": max(4, round(size / 6)), "sales_invoices": size,
            "bills": max(3, round(size / 3))}


def generate(seed: int, size: int = 40) -> SeedBooks:
    if size < MIN_SIZE:
        raise ValueError(f"seeded books need size >= {MIN_SIZE}, got {size}")

    def rng(part: str) -> random.Random:
        # one stream per part, so that drawing more of one thing never shifts another (str seeds hash stably)
        return random.Random(f"ledgerbridge/{seed}/{part}")

    n = counts_for(size)
    full = size >= FULL_COVERAGE_SIZE
    factory = ContactFactory(rng=rng("contacts"), seed=seed, book=names.NameBook(rng("names")))
    customers = factory.build("customer", n["customers"], size)
    suppliers = factory.build("supplier", n["suppliers"], size)
    factory.finish(size, full)
    sales = DocumentFactory(rng("sales"), "sales", customers)
    sales.build(n["sales_invoices"], size)
    sales.number(rng("sales-numbers"), full)
    bills = DocumentFactory(rng("bills"), "bill", suppliers)
    bills.build(n["bills"], size)
    bills.number(rng("bill-numbers"), full)

    _contact_ids(seed, customers, suppliers)
    stamps = rng("stamps")
    docs = sales.docs + bills.docs
    _document_ids(seed, sales.docs, "invoice", "payment")
    _document_ids(seed, bills.docs, "bill", "billpayment")
    sides = {side: SideBooks(ledger=side, organisation_name=reference.ORGANISATION_NAME,  # type: ignore[arg-type]
                             accounts=list(reference.ACCOUNTS), tax_rates=list(reference.TAX_RATES),
                             items=list(reference.ITEMS),
                             contacts=[c.on(side) for c in customers + suppliers if c.on(side) is not None],
                             invoices=[]) for side in SIDES}
    for doc in sorted(docs, key=lambda d: (d.date, d.key)):
        for side in SIDES:
            record = _invoice(doc, side, stamps)
            if record is not None:
                sides[side].invoices.append(record)
    books = SeedBooks(seed=seed, size=size, xero=sides["xero"], quickbooks=sides["quickbooks"], truth={})
    books.truth = truth_document(books, customers + suppliers, docs, factory, sales)
    books.truth["counts"] = summary(books)
    return books


# --- ids and records ---------------------------------------------------------------------------------------------

def _contact_ids(seed: int, customers: list[Contact], suppliers: list[Contact]) -> None:
    for group in (customers, suppliers):
        qb_seq = 0
        for c in sorted(group, key=lambda c: c.key):
            xero_id = reference.stable_uuid("xero", seed, "contact", c.key) if c.xero else None
            qb_id = None
            if c.quickbooks:
                qb_seq += 1
                qb_id = str(qb_seq)
            for rec in (c.xero, c.quickbooks):
                if rec is not None:
                    rec.xero_id, rec.qb_id = xero_id, qb_id


def _document_ids(seed: int, docs: list[Document], entity: str, payment_entity: str) -> None:
    """Ids in creation (date) order; payments keyed per document and numbered by QuickBooks in date order."""
    docs.sort(key=lambda d: (d.date, d.key))
    qb_seq = 0
    for doc in docs:
        doc.xero_id = reference.stable_uuid("xero", seed, entity, doc.key) if doc.xero else None
        doc.qb_id = None
        if doc.quickbooks:
            qb_seq += 1
            doc.qb_id = str(qb_seq)
    payments: dict[int, tuple[PaymentDraft, set[str]]] = {}
    for doc in docs:
        for side in SIDES:
            state = doc.side(side)
            for p in state.payments if state else ():
                p.key = f"{doc.key}-p{p.index}"
                payments.setdefault(id(p), (p, set()))[1].add(side)
    qb_seq = 0
    for p, held in sorted(payments.values(), key=lambda ph: (ph[0].date, ph[0].key)):
        p.xero_id = reference.stable_uuid("xero", seed, payment_entity, p.key) if "xero" in held else None
        if "quickbooks" in held:
            qb_seq += 1
            p.qb_id = str(qb_seq)


def _status(state_status: str, paid: Decimal, total: Decimal) -> str:
    if state_status != "authorised":
        return state_status
    return "paid" if total > 0 and paid == total else "authorised"


def _invoice(doc: Document, side: str, rng: random.Random) -> SeedInvoice | None:
    state = doc.side(side)
    if state is None:
        return None
    taxes = doc.taxes(side)
    payments = [SeedPayment(date=p.date, amount=p.amount, account_code=p.account_code, reference=p.reference,
                            key=p.key, xero_id=p.xero_id, qb_id=p.qb_id) for p in state.payments]
    last = max([doc.date] + [p.date for p in payments])
    record = SeedInvoice(
        key=doc.key, xero_id=doc.xero_id, qb_id=doc.qb_id, kind=doc.kind,
        number=doc.xero_number if side == "xero" else doc.qb_number, contact_key=doc.contact.key, date=doc.date,
        due_date=doc.due_date, lines=seed_lines(doc.drafts, taxes), reference=state.reference, payments=payments,
        updated_at=stamp(rng, last))
    record.status = _status(state.status, record.amount_paid, record.total)
    return record


# --- truth and summary -------------------------------------------------------------------------------------------

def _match(role: str, presence: str) -> str:
    if role != "plain":
        return "ambiguous"
    return "pair" if presence == "both" else "single"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def truth_document(books: SeedBooks, contacts: list[Contact], docs: list[Document], factory: ContactFactory,
                   sales: DocumentFactory) -> dict[str, Any]:
    """Which records are the same business record, how their copies differ, and which are ambiguous."""
    by_key = {inv.key: inv for inv in books.xero.invoices}
    qb_by_key = {inv.key: inv for inv in books.quickbooks.invoices}
    truth_contacts = []
    for c in sorted(contacts, key=lambda c: (c.entity, c.key)):
        rec = c.xero or c.quickbooks
        assert rec is not None
        truth_contacts.append({
            "key": c.key, "entity": c.entity, "match": _match(c.role, c.presence), "xero_id": rec.xero_id,
            "qb_id": rec.qb_id, "xero_name": c.xero.name if c.xero else None,
            "qb_name": c.quickbooks.name if c.quickbooks else None, "differences": sorted(set(c.tags))})
    truth_invoices, truth_payments = [], []
    for d in sorted(docs, key=lambda d: (d.kind != "sales", d.key)):
        x, q = by_key.get(d.key), qb_by_key.get(d.key)
        truth_invoices.append({
            "key": d.key, "kind": d.kind, "match": _match(d.role, d.presence), "contact_key": d.contact.key,
            "xero_id": x.xero_id if x else None, "qb_id": q.qb_id if q else None,
            "xero_number": x.number if x else None, "qb_number": q.number if q else None,
            "xero_status": x.status if x else None, "qb_status": q.status if q else None,
            "xero_total": _money(x.total) if x else None, "qb_total": _money(q.total) if q else None,
            "differences": sorted(set(d.tags))})
        seen: dict[str, SeedPayment] = {}
        for inv in (x, q):
            for p in inv.payments if inv else ():
                seen.setdefault(p.key or "", p)
        for p in sorted(seen.values(), key=lambda p: p.key or ""):
            truth_payments.append({"key": p.key, "invoice_key": d.key, "kind": d.kind, "xero_id": p.xero_id,
                                   "qb_id": p.qb_id, "date": p.date.isoformat(), "amount": _money(p.amount)})
    ambiguous = []
    for group in factory.ambiguous:
        other = "quickbooks" if group.side == "xero" else "xero"
        ambiguous.append(_ambiguous_entry("contact", "customer", group.side, group.subject.key,
                                          _cid(group.subject, group.side),
                                          [(group.subject.key, _cid(group.subject, other)),
                                           (group.other.key, _cid(group.other, other))]))
    for side, subject, twin in sales.ambiguous:
        other = "quickbooks" if side == "xero" else "xero"
        ambiguous.append(_ambiguous_entry("invoice", "sales", side, subject.key, _did(subject, side),
                                          [(subject.key, _did(subject, other)), (twin.key, _did(twin, other))]))
    return {"format": TRUTH_FORMAT, "seed": books.seed, "size": books.size, "as_of": AS_OF.isoformat(),
            "organisation": reference.ORGANISATION_NAME, "contacts": truth_contacts, "invoices": truth_invoices,
            "payments": truth_payments, "ambiguous": ambiguous}


def _cid(c: Contact, side: str) -> str | None:
    rec = c.on(side)
    return None if rec is None else (rec.xero_id if side == "xero" else rec.qb_id)


def _did(d: Document, side: str) -> str | None:
    if d.side(side) is None:
        return None
    return d.xero_id if side == "xero" else d.qb_id


def _ambiguous_entry(entity: str, kind: str, side: str, key: str, ident: str | None,
                     partners: list[tuple[str, str | None]]) -> dict[str, Any]:
    ordered = sorted(partners, key=lambda kp: str(kp[1]))
    return {"entity": entity, "kind": kind, "side": side, "key": key, "id": ident,
            "candidates": [i for _, i in ordered], "candidate_keys": [k for k, _ in ordered],
            "truth_partner": partners[0][1], "truth_partner_key": partners[0][0]}


def summary(books: SeedBooks) -> dict[str, Any]:
    """Counts per side, pairs, ambiguity and difference tags (also stored as the truth's ``counts``)."""
    out: dict[str, Any] = {}
    for side in (books.xero, books.quickbooks):
        sales = [i for i in side.invoices if i.kind == "sales"]
        bills = [i for i in side.invoices if i.kind == "bill"]
        out[side.ledger] = {
            "customers": sum(c.is_customer for c in side.contacts),
            "suppliers": sum(c.is_supplier for c in side.contacts),
            "archived_contacts": sum(c.archived for c in side.contacts),
            "sales_invoices": len(sales), "bills": len(bills),
            "payments": sum(len(i.payments) for i in side.invoices),
            "sales_by_status": dict(sorted(Counter(i.status for i in sales).items())),
            "bills_by_status": dict(sorted(Counter(i.status for i in bills).items())),
        }
    truth = books.truth
    contacts, invoices = truth.get("contacts", []), truth.get("invoices", [])

    def tally(rows: list[dict[str, Any]]) -> dict[str, int]:
        return dict(sorted(Counter(t for r in rows for t in r["differences"]).items()))

    def pairs(rows: list[dict[str, Any]]) -> int:
        return sum(r["match"] == "pair" for r in rows)

    out["keys"] = {"customers": sum(r["entity"] == "customer" for r in contacts),
                   "suppliers": sum(r["entity"] == "supplier" for r in contacts),
                   "sales_invoices": sum(r["kind"] == "sales" for r in invoices),
                   "bills": sum(r["kind"] == "bill" for r in invoices)}
    out["pairs"] = {"customers": pairs([r for r in contacts if r["entity"] == "customer"]),
                    "suppliers": pairs([r for r in contacts if r["entity"] == "supplier"]),
                    "sales_invoices": pairs([r for r in invoices if r["kind"] == "sales"]),
                    "bills": pairs([r for r in invoices if r["kind"] == "bill"]),
                    "payments": sum(p["xero_id"] is not None and p["qb_id"] is not None
                                    for p in truth.get("payments", []))}
    out["ambiguous"] = dict(sorted(Counter(a["entity"] for a in truth.get("ambiguous", [])).items()))
    out["differences"] = {"contacts": tally(contacts),
                          "sales_invoices": tally([r for r in invoices if r["kind"] == "sales"]),
                          "bills": tally([r for r in invoices if r["kind"] == "bill"])}
    return out


def write_truth(books: SeedBooks, path: str | os.PathLike[str]) -> Path:
    """Write the truth as JSON (whole or not at all: a temporary file renamed into place)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(books.truth, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.seed.generate",
                                     description="Generate seeded books and print their summary.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--truth", default=None, help="also write the truth file here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    books = generate(args.seed, args.size)
    elapsed = time.perf_counter() - started
    if args.truth:
        write_truth(books, args.truth)
    print(json.dumps({"seconds": round(elapsed, 3), **summary(books)}, indent=1))


if __name__ == "__main__":
    main()

"""Seeded books: Harbour & Finch Ltd as its Xero and QuickBooks books stood before ledgerbridge arrived.

``generate(seed, size)`` is deterministic: the same seed and size give the same books and truth in any process (no
clock, no global random state, no set iteration; every part draws from its own ``random.Random``). Every date lies
in the 120 days before the fixed as-of date 2026-11-01 (due dates follow the contact's 14 or 30 day terms and may
fall after it). ``size`` is the number of sales invoices (distinct business documents, whichever ledgers hold them);
the other entities scale with it (``counts_for``): about size/2 customers (at least 8), size/6 suppliers (at least
4), size/3 bills (at least 3), 4% sales and 1.5% purchase credit notes (at least 8 and 3), 8% bank transactions
keyed in Xero (at least 10), 6% expenses keyed in QuickBooks (at least 6), 2% journals (at least 6), a few
overpayments, and files on about 15% of the bills QuickBooks holds (at least 3). Sizes from 10 up are supported;
20000 generates in a few seconds.
Archived contacts did no business in the window (both ledgers refuse new documents for them), and ambiguous
contacts have no documents (nothing could be linked to them until a person decides).

Statuses per side: draft (Xero only), authorised (open or part-paid), paid, voided (the lines keep the amounts
they had; the QuickBooks sandbox zeroes them as a QBO void does), deleted (held by one side only: a deleted Xero
draft, or a QuickBooks hard delete that only cdc still shows). A document is paid when the payments that still
stand (not deleted) cover its total; credit-note allocations never settle one.

Both books were kept by hand, so most records are on both sides with the differences seen in practice, some are
on one side only, and a few are genuinely ambiguous. Every size holds the main situations at least once (tags
marked * below); from size 40 on every situation is present at least once; beyond that they scale with the size.

Ids: Xero ids are ``stable_uuid("xero", seed, entity, key)`` (items: ``stable_uuid("item", code)``). QuickBooks
ids are decimal strings from one sequence per entity type starting at 1, in creation order: Customer, Vendor,
Invoice, Bill, Payment (payments on invoices and overpayments; the two Xero payments of one QuickBooks payment over
two invoices share its id), BillPayment, CreditMemo, VendorCredit, Deposit, Purchase, JournalEntry and Attachable
each have their own (QBO shares sequences more widely; separate ones keep seeded ids small and obvious); Items
go on from 20. Contacts are created in key order, documents and payments in date order, so a QuickBooks id names a
record only together with its entity (the truth's ``entity`` / ``kind`` / ``qb_entity``). A record held by one
side only has None for the other side's id. Conventions: numbers and tax rounding in ``sandbox.seed.documents``,
``sandbox.seed.numbering`` and ``sandbox.seed.lines``; the other entities in ``sandbox.seed.items``,
``credits``, ``banking``, ``journals`` and ``attachments``.

Both sides hold the reference tracking category ("Region": North, South, London <-> QuickBooks Classes) and their
own currencies (Xero GBP, USD, EUR; QuickBooks GBP, USD); each also has a reverse-charge tax rate that the shipped
mapping file lacks (``SideBooks.extra_tax_rates``): QuickBooks' is on a seeded bill, Xero's is used by nothing.

Truth (``SeedBooks.truth``, JSON-ready; ``write_truth`` stores it). Amounts are strings with two decimals, in the
record's currency::

    {"format": 2, "seed": 7, "size": 40, "as_of": "2026-11-01", "organisation": "Harbour & Finch Ltd",
     "home_currency": "GBP", "currencies": {"xero": ["GBP", "USD", "EUR"], "quickbooks": ["GBP", "USD"]},
     "items": [{"key": "SUPPORT-M" (the item code), "match": "pair" | "single", "xero_id", "qb_id",
                "xero_name", "qb_name", "xero_price": "250.00" | null, "qb_price", "differences": [tag, ...]}],
     "contacts": [{"key": "cust-00003", "entity": "customer" | "supplier",
                   "match": "pair" | "ambiguous" | "single",
                   "xero_id": uuid | null, "qb_id": "3" | null, "xero_name": ..., "qb_name": ...,
                   "xero_currency": "GBP" | null, "qb_currency": ..., "differences": [tag, ...]}],
     "invoices": [{"key": "sale-00012", "kind": "sales" | "bill", "match": ..., "contact_key": ...,
                   "xero_id", "qb_id", "xero_number", "qb_number", "xero_status", "qb_status",
                   "xero_total": "120.00" | null, "qb_total": ..., "currency": "GBP", "currency_rate": "1.000000",
                   "xero_due" / "qb_due": amount due of an authorised or paid copy (else null),
                   "xero_credited" / "qb_credited": allocated by that side's credit notes,
                   "differences": [tag, ...]}],
     "payments": [{"key": "sale-00012-p1", "invoice_key": ..., "kind": "sales" | "bill",
                   "match": "pair" | "single", "presence": "both" | "xero" | "quickbooks", "xero_id", "qb_id",
                   "group": "group-00001" | null (the payments of one QuickBooks payment over several invoices),
                   "deleted_on": "xero" | "quickbooks" | null, "date": "2026-09-30", "amount": "60.00",
                   "currency": "GBP", "account_code": "090"}],
     "credit_notes": [{"key": "credit-00004" | "supcredit-00002", "kind": "sales" | "purchase", "match",
                       "contact_key", "xero_id", "qb_id" (CreditMemo | VendorCredit), "xero_number", "qb_number",
                       "xero_status", "qb_status", "xero_total", "qb_total", "xero_remaining", "qb_remaining",
                       "date", "reference", "allocations": [{"invoice_key", "amount", "date",
                       "sides": ["xero", "quickbooks"]}], "differences"}],
     "overpayments": [{"key": "overpay-00001", "match", "contact_key", "xero_id" (OverpaymentID),
                       "qb_id" (a Payment Id), "qb_entity": "Payment", "date", "amount", "account_code",
                       "differences"}],
     "bank_transactions": [{"key": "bank-00003" | "expense-00007", "kind": "receive" | "spend",
                            "origin": "xero" | "quickbooks" (where it was keyed: the direction it flows),
                            "qb_entity": "Deposit" | "Purchase", "match", "date", "bank_account_code", "xero_id",
                            "qb_id", "xero_contact_key", "qb_contact_key", "xero_status", "qb_status",
                            "xero_total", "qb_total", "payment_type": "Cash" | "Check" | null, "differences"}],
     "journals": [{"key": "journal-00002", "match", "date", "narration", "xero_id", "qb_id", "qb_number",
                   "xero_status", "qb_status" ("posted" | "deleted"), "total" (sum of debits), "lines",
                   "differences"}],
     "attachments": [{"key": "attachment-00001", "owner_kind": "bill", "owner_key": "bill-00004", "match",
                      "xero_id", "qb_id", "file_name", "mime_type", "size", "sha256", "differences"}],
     "ambiguous": [{"entity": "contact" | "invoice", "kind": "customer" | "sales", "side": "xero" | "quickbooks",
                    "key": ..., "id": <id on side>, "candidates": [<ids on the other side>],
                    "candidate_keys": [...], "truth_partner": <id on the other side>, "truth_partner_key": ...}],
     "control_totals": {"as_of", "home_currency", "rule",
                        "xero" | "quickbooks": {"receivables" | "payables": {"total": home-currency amount,
                            "by_currency": {"GBP": ..., "USD": ...},
                            "contacts": {contact key: {"currency", "amount", "home"}}}},
                        "differences": [{"kind": "receivables" | "payables", "contact_key", "xero", "quickbooks"
                                         (home-currency amounts), "documents": [keys whose amounts differ]}]},
     "counts": summary(books)}

``match``: "pair" = the same business record on both sides, to be linked; "single" = held by one side only;
"ambiguous" = part of an ambiguous group: the record named by ``id`` has two plausible partners (``candidates``)
that nothing in the matching rules tells apart, so none of the group's records may be linked automatically; they
belong in the exception queue. ``truth_partner`` says which candidate is really the same record (for reviewers).

Control totals: what each ledger holds at the as-of date, per contact and in total. Receivables: authorised sales
invoices count with their amount due (total less the payments that stand and the credit allocated), authorised
sales credit notes reduce them by their remaining credit, unallocated overpayments by their amount; payables the
same with bills and purchase credit notes. Paid documents owe nothing; drafts, voided and deleted ones do not
count. Foreign amounts are converted per document (amount / currency_rate, half-up to the penny). ``differences``
lists every contact whose totals differ between the ledgers and the documents that make the difference.

Difference tags (``kind:side`` names the side it applies to; "missing_X:side" = X absent on that side):

- contacts: only_xero*, only_quickbooks*, name_case*, name_punctuation*, ltd_limited*, name_spacing,
  name_ampersand, co_company (the two names normalise alike), missing_email:side*, email_case,
  missing_tax_number:side*, tax_number_format (GB123456789 vs GB 123 4567 89), missing_phone:side, phone_format,
  missing_address:side, archived* (both sides), archived_one_side:side (archived there, active on the other),
  ambiguous* (the pair inside an ambiguous group), ambiguous_candidate (the look-alike, held by one side only),
  foreign_currency (billed in USD or EUR; abroad: no UK VAT number or phone), currency_not_enabled:quickbooks (the
  Xero copy is in EUR, the QuickBooks copy in GBP: QuickBooks has no EUR).
- items: only_xero*, only_quickbooks*, unit_price:side or description:side* (one shared item; the side holding
  the changed copy).
- invoices and bills: only_xero*, only_quickbooks*, number_prefix* (sales: "INV-0412" vs "0412"),
  missing_number:side, missing_reference:side, tax_cent* (totals differ by exactly 0.01: Xero rounds VAT per
  line, QuickBooks per invoice), paid_one_side:side* (fully paid there, open or part-paid on the other),
  part_paid_one_side:side, part_paid* (part-paid on a side at the as-of date), multi_payment (paid in
  instalments), multi_invoice_payment (sales: one QuickBooks payment paid it and another invoice of the customer;
  Xero holds a payment per invoice), payment_deleted:xero (sales: paid on both, the payment then deleted in Xero,
  which lists it with Status DELETED; QuickBooks still holds it), payment_deleted:quickbooks (a payment recorded
  in QuickBooks only, then deleted there: gone, seen through cdc; the document is open on both sides), voided*
  (both sides), voided_one_side:side*, draft (Xero only), deleted (one side only: a deleted Xero draft or a
  QuickBooks hard delete), ambiguous*, ambiguous_candidate, foreign_currency (sales in USD on both sides or in
  USD/EUR on Xero only, with currency_rate from reference.RATES), currency_not_enabled:quickbooks (EUR, Xero only:
  belongs in the exception queue), unmapped_tax_code:quickbooks (a bill held by QuickBooks only, coded to the
  reverse-charge tax code the mapping lacks: belongs in the exception queue), tracking* (lines carry a Region),
  tracking_one_side:side* (only that side's copy carries it), credit_allocated (a credit note both sides hold is
  allocated to it on both), credit_allocated_one_side:xero (allocated in Xero only).
  (*) main for bills: only_xero, only_quickbooks, paid_one_side.
- credit notes: allocated*, part_allocated*, fully_allocated, allocated_one_side:xero, only_xero*,
  voided_one_side:xero*, number_prefix (sales).
- overpayments: only_quickbooks* (the rest are pairs).
- bank transactions and expenses: only_xero* (bank transactions), only_quickbooks* (expenses),
  voided_one_side:xero*, missing_contact:quickbooks, tracking*, tracking_one_side:side*.
- journals: only_quickbooks*, deleted* (QuickBooks only), tracking*.
- attachments: only_quickbooks* (the rest are on both sides).
A shared pair whose tags name no difference holds the same values on both sides (ids and updated_at aside).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from decimal import Decimal
from pathlib import Path

from sandbox.seed import names, reference
from sandbox.seed.attachments import attachments
from sandbox.seed.banking import BankFactory, OverpaymentDraft, overpayments
from sandbox.seed.contacts import SIDES, Contact, ContactFactory
from sandbox.seed.credits import CreditFactory, credit_ids
from sandbox.seed.documents import Document, DocumentFactory, PaymentDraft
from sandbox.seed.items import plan_items
from sandbox.seed.journals import journals
from sandbox.seed.lines import seed_lines
from sandbox.seed.model import SeedBooks, SeedInvoice, SeedPayment, SideBooks
from sandbox.seed.plan import FULL_COVERAGE_SIZE, MIN_SIZE, stamp
from sandbox.seed.truth import TRUTH_FORMAT, Plan, summary, truth_document

__all__ = ["TRUTH_FORMAT", "counts_for", "generate", "summary", "truth_document", "write_truth"]


def counts_for(size: int) -> dict[str, int]:
    """Distinct business records of each entity for ``size``."""
    return {"customers": max(8, round(size / 2)), "suppliers": max(4, round(size / 6)), "sales_invoices": size,
            "bills": max(3, round(size / 3)),
            "sales_credit_notes": max(8, round(0.04 * size)), "purchase_credit_notes": max(3, round(0.015 * size)),
            "bank_transactions": max(10, round(0.08 * size)), "expenses": max(6, round(0.06 * size)),
            "journals": max(6, round(0.02 * size)),
            "overpayments": max(1, round(0.002 * size)) + max(1, round(0.001 * size))}


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
    sales.track(rng("sales-tracking"), full)
    bills = DocumentFactory(rng("bills"), "bill", suppliers)
    bills.build(n["bills"], size)
    bills.number(rng("bill-numbers"), full)
    bills.track(rng("bill-tracking"), full)
    credits = []
    for kind, contacts, docs, total in (("sales", customers, sales.docs, n["sales_credit_notes"]),
                                        ("purchase", suppliers, bills.docs, n["purchase_credit_notes"])):
        cf = CreditFactory(rng(f"{kind}-credits"), kind, contacts, docs)  # type: ignore[arg-type]
        cf.build(total, size)
        cf.number(rng(f"{kind}-credit-numbers"), full)
        credit_ids(seed, cf.credits)
        credits += cf.credits
    bank = BankFactory(rng("bank"), customers + suppliers)
    bank.build(n["bank_transactions"], n["expenses"], size, full)
    bank.number(seed)
    pairs = max(1, round(0.002 * size))
    overs = overpayments(rng("overpayments"), customers, pairs, n["overpayments"] - pairs, seed)
    posted = journals(rng("journals"), n["journals"], size, seed)
    items = plan_items(rng("items"))

    _contact_ids(seed, customers, suppliers)
    docs = sales.docs + bills.docs
    _document_ids(seed, sales.docs, "invoice", "payment", overs)
    _document_ids(seed, bills.docs, "bill", "billpayment", [])
    sides: dict[str, SideBooks] = {}
    for side in SIDES:
        r = rng(f"stamps-{side}")
        sides[side] = SideBooks(
            ledger=side, organisation_name=reference.ORGANISATION_NAME,  # type: ignore[arg-type]
            accounts=list(reference.ACCOUNTS), tax_rates=list(reference.TAX_RATES), items=items.on(side),
            contacts=[c.on(side) for c in customers + suppliers if c.on(side) is not None],  # type: ignore[misc]
            invoices=[rec for d in sorted(docs, key=lambda d: (d.date, d.key))
                      if (rec := _invoice(d, side, r)) is not None],
            credit_notes=[rec for c in sorted(credits, key=lambda c: (c.date, c.key))
                          if (rec := c.record(side, r)) is not None],
            overpayments=[rec for o in overs if (rec := o.record(side, r)) is not None],
            bank_transactions=[rec for b in bank.drafts if (rec := b.record(side, r)) is not None],
            journals=[rec for j in posted if (rec := j.record(side, r)) is not None],
            tracking=list(reference.TRACKING),
            currencies=list(reference.XERO_CURRENCIES if side == "xero" else reference.QUICKBOOKS_CURRENCIES),
            extra_tax_rates=list(reference.QB_EXTRA_TAX_RATES if side == "quickbooks" else reference.XERO_EXTRA_TAX_RATES))
    files = attachments(rng("attachments"), seed, [i for i in sides["quickbooks"].invoices if i.kind == "bill"],
                        {d.key for d in bills.docs if d.presence == "both"},
                        {c.key: c.name for c in sides["quickbooks"].contacts}, full)
    sides["quickbooks"].attachments = [f.attachment for f in files]
    sides["xero"].attachments = [f.attachment for f in files if f.presence == "both"]
    books = SeedBooks(seed=seed, size=size, xero=sides["xero"], quickbooks=sides["quickbooks"], truth={})
    plan = Plan(contacts=customers + suppliers, contact_factory=factory, docs=docs, sales=sales, credits=credits,
                bank=bank.drafts, overpayments=overs, journals=posted, items=items, attachments=files)
    books.truth = truth_document(books, plan)
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


def _document_ids(seed: int, docs: list[Document], entity: str, payment_entity: str,
                  overs: list[OverpaymentDraft]) -> None:
    """Ids in creation (date) order; payments keyed per document and numbered by QuickBooks in date order, one id
    per QuickBooks payment (a group's payments share it; overpayments are QuickBooks Payments too)."""
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
    ordered = sorted(payments.values(), key=lambda ph: (ph[0].date, ph[0].key))
    groups: dict[str, str] = {}
    for p, _ in ordered:
        if p.group is not None and p.group not in groups:
            groups[p.group] = f"group-{len(groups) + 1:05d}"
    units: dict[str, tuple[tuple[object, ...], list[PaymentDraft | OverpaymentDraft]]] = {}
    for p, held in ordered:
        p.xero_id = reference.stable_uuid("xero", seed, payment_entity, p.key) if "xero" in held else None
        if p.group is not None:
            p.group = groups[p.group]
        if "quickbooks" in held:
            unit = units.setdefault(p.group or p.key, ((p.date, p.key), []))
            unit[1].append(p)
    for o in overs:
        if o.presence in ("both", "quickbooks"):
            units[o.key] = ((o.date, o.key), [o])
    for n, (_, members) in enumerate(sorted(units.values(), key=lambda u: u[0]), start=1):  # type: ignore[arg-type]
        for member in members:
            member.qb_id = str(n)


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
                            key=p.key, xero_id=p.xero_id, qb_id=p.qb_id, group=p.group, deleted=p.deleted_on == side)
                for p in state.payments]
    last = max([doc.date] + [p.date for p in payments] + state.credit_dates)
    record = SeedInvoice(
        key=doc.key, xero_id=doc.xero_id, qb_id=doc.qb_id, kind=doc.kind,
        number=doc.xero_number if side == "xero" else doc.qb_number, contact_key=doc.contact.key, date=doc.date,
        due_date=doc.due_date, lines=seed_lines(doc.drafts, taxes, doc.line_tracking(side)),
        currency=doc.currency, currency_rate=doc.rate, reference=state.reference, payments=payments,
        updated_at=stamp(rng, last), amount_credited=state.credited)
    record.status = _status(state.status, record.amount_paid, record.total)
    return record


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

"""Sales invoices and bills of the seeded business, as each ledger's hand-kept copy holds them.

Numbering: sales invoices are numbered in date order from one sequence, the way Xero numbers them ("INV-0412").
Whoever keyed an invoice into QuickBooks usually typed the number without Xero's prefix ("0412", tag
``number_prefix``), sometimes as Xero shows it ("INV-0412"), and sometimes left DocNumber empty (tag
``missing_number:quickbooks``). An invoice held by one ledger only still took its number from the shared
sequence, so a number never names two different invoices. Bills carry the supplier's own invoice number (each
supplier has its own scheme), the same on both sides unless one side left it out (``missing_number:<side>``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Literal

from sandbox.seed.contacts import SIDES, Contact
from sandbox.seed.lines import (VAT_CHARGING_KINDS, LineDraft, bill_cent_lines, bill_lines, part_of, rounding_gap,
                                sales_cent_lines, sales_lines, tax_per_invoice, tax_per_line)
from sandbox.seed.plan import FULL_COVERAGE_SIZE, LAST_DAY, Scenario, Weighted, allocate, day_between, window_day

Kind = Literal["sales", "bill"]

SALES_SCENARIOS = [
    # the subject is on the named side; the other side holds it and a look-alike (same contact, date and amount,
    # no number to tell them apart): two keys per group
    Scenario("ambiguous:xero", 0.005, 1, 1, keys=2),
    Scenario("ambiguous:quickbooks", 0.005, 0, 1, keys=2),
    Scenario("tax_cent", 0.02, 1, 1),
    Scenario("paid_one_side:xero", 0.03, 1, 1),
    Scenario("paid_one_side:quickbooks", 0.02, 0, 1),
    Scenario("part_paid_one_side:xero", 0.015, 1, 1),
    Scenario("part_paid_one_side:quickbooks", 0.01, 0, 1),
    Scenario("voided", 0.015, 1, 1),
    Scenario("voided_one_side:xero", 0.01, 1, 1),
    Scenario("voided_one_side:quickbooks", 0.01, 0, 1),
    Scenario("only_xero", 0.04, 1, 1),
    Scenario("only_quickbooks", 0.03, 1, 1),
    Scenario("draft", 0.01, 0, 1),  # on Xero only: QuickBooks has no drafts
    Scenario("deleted:xero", 0.005, 0, 1),  # a deleted Xero draft
    Scenario("deleted:quickbooks", 0.005, 0, 1),  # hard-deleted in QuickBooks (seen only through cdc)
]
BILL_SCENARIOS = [
    Scenario("only_xero", 0.04, 1, 1),
    Scenario("only_quickbooks", 0.05, 1, 1),
    Scenario("paid_one_side:quickbooks", 0.04, 1, 1),
    Scenario("paid_one_side:xero", 0.02, 0, 1),
    Scenario("part_paid_one_side:quickbooks", 0.015, 0, 1),
    Scenario("tax_cent", 0.015, 0, 1),
    Scenario("voided", 0.01, 0, 0),
    Scenario("voided_one_side:quickbooks", 0.01, 0, 0),
]
_BILL_SCHEMES = ["SI-{n:05d}", "{n}", "INV{n:06d}", "26/{n:04d}", "{n}-A"]
_OUTCOMES = Weighted(["open", "paid", "part"], [40, 45, 15])
# how QuickBooks holds Xero's "INV-0412": "0412", "INV-0412", or no DocNumber
_SALES_NUMBER_FORMS = Weighted(["prefix", "same", "missing"], [70, 22, 8])
_BILL_NUMBER_GAPS: Weighted[str | None] = Weighted([None, "xero", "quickbooks"], [85, 8, 7])


@dataclass
class PaymentDraft:
    date: dt.date
    amount: Decimal
    account_code: str
    reference: str
    index: int  # 1, 2 ... within its invoice
    key: str = ""
    xero_id: str | None = None
    qb_id: str | None = None


@dataclass
class SideState:
    status: str = "authorised"  # before payments are counted: authorised | voided | deleted | draft
    payments: list[PaymentDraft] = field(default_factory=list)
    number_missing: bool = False
    reference: str | None = None


@dataclass
class Document:
    kind: Kind
    contact: Contact
    presence: Literal["both", "xero", "quickbooks"]
    drafts: list[LineDraft]
    date: dt.date
    order: int  # draw order, breaks date ties deterministically
    role: Literal["plain", "ambiguous", "ambiguous_candidate"] = "plain"
    tags: list[str] = field(default_factory=list)
    xero: SideState | None = None
    quickbooks: SideState | None = None
    key: str = ""
    xero_number: str | None = None
    qb_number: str | None = None
    xero_id: str | None = None
    qb_id: str | None = None
    _taxes: dict[str, list[Decimal]] = field(default_factory=dict, repr=False)

    def side(self, name: str) -> SideState | None:
        return self.xero if name == "xero" else self.quickbooks

    @property
    def due_date(self) -> dt.date:
        return self.date + dt.timedelta(days=self.contact.terms)

    def taxes(self, side: str) -> list[Decimal]:
        """Line taxes as ``side`` rounds them."""
        if side not in self._taxes:
            self._taxes[side] = tax_per_line(self.drafts) if side == "xero" else tax_per_invoice(self.drafts)
        return self._taxes[side]

    def total(self, side: str) -> Decimal:
        return sum((d.amount for d in self.drafts), Decimal("0")) + sum(self.taxes(side), Decimal("0"))


class _Pool:
    """Weighted choice of contacts (a few customers bring most of the work)."""

    def __init__(self, contacts: list[Contact]) -> None:
        self.contacts = contacts
        self.cum = list(itertools.accumulate(c.weight for c in contacts))

    def pick(self, rng: random.Random) -> Contact:
        return self.contacts[bisect.bisect(self.cum, rng.random() * self.cum[-1])]

    def __bool__(self) -> bool:
        return bool(self.contacts)


@dataclass
class DocumentFactory:
    rng: random.Random
    kind: Kind
    contacts: list[Contact]
    docs: list[Document] = field(default_factory=list)
    ambiguous: list[tuple[str, Document, Document]] = field(default_factory=list)  # (subject side, subject, other)
    _seen: dict[tuple[str, dt.date], list[Decimal]] = field(default_factory=dict)
    _order: itertools.count = field(default_factory=itertools.count)
    _instalments_due: bool = False

    def __post_init__(self) -> None:
        mine = [c for c in self.contacts if c.role == "plain"]
        # archived contacts did no business in the window (both ledgers refuse new documents for them)
        self.shared = _Pool([c for c in mine if c.active_on_both])
        self.only = {s: _Pool([c for c in mine if c.presence == s and c.active_on(s)]) for s in SIDES}
        self.vat_charging = _Pool([c for c in self.shared.contacts if c.supplier_kind in VAT_CHARGING_KINDS])

    # --- drawing ---------------------------------------------------------------------------------------------------

    def build(self, total: int, size: int) -> list[Document]:
        self._instalments_due = size >= FULL_COVERAGE_SIZE  # at least one document paid in instalments
        table = SALES_SCENARIOS if self.kind == "sales" else BILL_SCENARIOS
        groups, plain = allocate(table, total, size)
        slots = [sc.name for sc, n in groups for _ in range(n)] + ["plain"] * plain
        self.rng.shuffle(slots)
        for slot in slots:
            self._slot(slot)
        return self.docs

    def _slot(self, slot: str) -> None:
        name, _, side = slot.partition(":")
        if name == "plain":
            outcome = self._outcome()
            doc = self._new(self.shared.pick(self.rng), "both", paid=outcome != "open")
            self._settle_both(doc, outcome)
        elif name == "ambiguous":
            self._ambiguous(side)
        elif name == "tax_cent":
            pool = self.shared if self.kind == "sales" else self.vat_charging
            contact = pool.pick(self.rng)
            cent = sales_cent_lines if self.kind == "sales" else (lambda r: bill_cent_lines(r, contact.supplier_kind))
            doc = self._new(contact, "both", lines=cent, paid=False, cent=True)
            doc.tags.append("tax_cent")
        elif name in ("paid_one_side", "part_paid_one_side"):
            doc = self._new(self.shared.pick(self.rng), "both", paid=True)
            other = doc.side(_other(side))
            mine = doc.side(side)
            assert mine is not None and other is not None
            total = doc.total(side)
            if name == "paid_one_side":
                mine.payments = self._full(doc, total)
                doc.tags.append(slot)
                if len(mine.payments) > 1:
                    doc.tags.append("multi_payment")
                if len(mine.payments) == 2 and self.rng.random() < 0.5:
                    other.payments = mine.payments[:1]  # the first instalment reached both books
                    doc.tags.append("part_paid")
            else:
                mine.payments = [self._payment(doc, part_of(self.rng, total), 1)]
                doc.tags += [slot, "part_paid"]
        elif name == "voided":
            doc = self._new(self.shared.pick(self.rng), "both", paid=False)
            doc.xero.status = doc.quickbooks.status = "voided"  # type: ignore[union-attr]
            doc.tags.append("voided")
        elif name == "voided_one_side":
            doc = self._new(self.shared.pick(self.rng), "both", paid=False)
            doc.side(side).status = "voided"  # type: ignore[union-attr]
            doc.tags.append(slot)
        elif name.startswith("only_"):
            where = name[len("only_"):]
            outcome = self._outcome()
            doc = self._new(self._one_side_contact(where), where, paid=outcome != "open")
            doc.tags.append(name)
            self._settle_both(doc, outcome)
        elif name == "draft":
            doc = self._new(self._one_side_contact("xero"), "xero", paid=False, recent=True)
            doc.xero.status = "draft"  # type: ignore[union-attr]
            doc.tags += ["only_xero", "draft"]
        elif name == "deleted":
            doc = self._new(self._one_side_contact(side), side, paid=False)
            doc.side(side).status = "deleted"  # type: ignore[union-attr]
            doc.tags += [f"only_{side}", "deleted"]
        else:  # pragma: no cover - the tables above are the only source of slots
            raise ValueError(slot)

    def _one_side_contact(self, side: str) -> Contact:
        only = self.only[side]
        return only.pick(self.rng) if only and self.rng.random() < 0.5 else self.shared.pick(self.rng)

    def _new(self, contact: Contact, presence: str, lines: Callable[[random.Random], list[LineDraft]] | None = None,
             paid: bool = False, recent: bool = False, cent: bool = False) -> Document:
        """A document for ``contact`` whose (contact, date, amount) no other document shares."""
        r = self.rng
        if lines is None:
            lines = sales_lines if self.kind == "sales" else (lambda rr: bill_lines(rr, contact.supplier_kind))
        latest = LAST_DAY - dt.timedelta(days=7) if paid else LAST_DAY
        for _ in range(200):
            drafts = lines(r)
            if not cent and rounding_gap(drafts) != 0:
                continue  # only the tax_cent cases may round differently
            doc = Document(kind=self.kind, contact=contact, presence=presence, drafts=drafts,  # type: ignore[arg-type]
                           date=LAST_DAY, order=next(self._order))
            total = doc.total("xero")
            for _ in range(5):
                day = day_between(r, LAST_DAY - dt.timedelta(days=10), LAST_DAY) if recent else window_day(r, latest)
                if not self._clashes(contact, day, total):
                    doc.date = day
                    self._seen.setdefault((contact.key, day), []).append(total)
                    if presence in ("both", "xero"):
                        doc.xero = SideState()
                    if presence in ("both", "quickbooks"):
                        doc.quickbooks = SideState()
                    self.docs.append(doc)
                    return doc
        raise RuntimeError(f"could not place a {self.kind} document for {contact.key}")

    def _clashes(self, contact: Contact, day: dt.date, total: Decimal) -> bool:
        return any(abs(t - total) <= Decimal("0.05") for t in self._seen.get((contact.key, day), ()))

    def _ambiguous(self, side: str) -> None:
        """``side`` holds the subject; the other side holds its copy and a look-alike (same contact, date, lines,
        no reference) with no number to decide between them: missing on the subject or on both candidates."""
        other = _other(side)
        subject = self._new(self.shared.pick(self.rng), "both", paid=False)
        twin = Document(kind=self.kind, contact=subject.contact, presence=other,  # type: ignore[arg-type]
                        drafts=list(subject.drafts), date=subject.date, order=next(self._order),
                        role="ambiguous_candidate",
                        tags=[f"only_{other}", "ambiguous_candidate"])
        setattr(twin, other, SideState())
        if self.rng.random() < 0.5:
            # which of the two was keyed first (and so has the lower key and QuickBooks id) tells nothing
            subject.order, twin.order = twin.order, subject.order
        self.docs.append(twin)
        subject.role = "ambiguous"
        subject.tags += ["ambiguous", "missing_number:quickbooks"]
        subject.quickbooks.number_missing = True  # type: ignore[union-attr]
        if other == "quickbooks":
            twin.quickbooks.number_missing = True  # type: ignore[union-attr]
        self.ambiguous.append((side, subject, twin))

    # --- payments --------------------------------------------------------------------------------------------------

    def _outcome(self) -> str:
        """The usual mix: open, paid (sometimes in two goes) or part-paid."""
        return _OUTCOMES.pick(self.rng)

    def _settle_both(self, doc: Document, outcome: str) -> None:
        """Payments for ``outcome``, the same in every book holding the document."""
        side = "xero" if doc.xero is not None else "quickbooks"
        total = doc.total(side)
        if outcome == "open":
            payments: list[PaymentDraft] = []
        elif outcome == "paid":
            payments = self._full(doc, total)
        else:
            payments = [self._payment(doc, part_of(self.rng, total), 1)]
            doc.tags.append("part_paid")
        if len(payments) > 1:
            doc.tags.append("multi_payment")
        for state in (doc.xero, doc.quickbooks):
            if state is not None:
                state.payments = list(payments)

    def _full(self, doc: Document, total: Decimal) -> list[PaymentDraft]:
        if total >= Decimal("10") and (self._instalments_due or self.rng.random() < 0.3):
            self._instalments_due = False
            first = part_of(self.rng, total)
            p1 = self._payment(doc, first, 1)
            p2 = self._payment(doc, total - first, 2, after=p1.date)
            return [p1, p2]
        return [self._payment(doc, total, 1)]

    def _payment(self, doc: Document, amount: Decimal, index: int, after: dt.date | None = None) -> PaymentDraft:
        r = self.rng
        first = min((after or doc.date) + dt.timedelta(days=1), LAST_DAY)
        day = day_between(r, first, min(LAST_DAY, doc.date + dt.timedelta(days=doc.contact.terms + 20)))
        if self.kind == "sales":
            ref = f"{r.choice(['BACS', 'FPS', 'Card', 'Cheque'])} {r.randrange(100000, 999999)}"
        else:
            ref = f"FP {r.randrange(1000000, 9999999)}"
        return PaymentDraft(date=day, amount=amount, account_code="090" if r.random() < 0.92 else "091",
                            reference=ref, index=index)

    # --- numbering -------------------------------------------------------------------------------------------------

    def number(self, seed_rng: random.Random, full: bool) -> None:
        """Keys, numbers and references, in date order (call once every document is drawn)."""
        self.docs.sort(key=lambda d: (d.date, d.order))
        prefix = "sale" if self.kind == "sales" else "bill"
        for i, doc in enumerate(self.docs, start=1):
            doc.key = f"{prefix}-{i:05d}"
        if self.kind == "sales":
            self._number_sales(seed_rng, full)
        else:
            self._number_bills(seed_rng, full)

    def _number_sales(self, r: random.Random, full: bool) -> None:
        start = 100 + r.randrange(400)
        forced = ["prefix"] + (["missing", "reference"] if full else [])
        for i, doc in enumerate(self.docs):
            n = start + i
            doc.xero_number = f"INV-{n:04d}"
            form = _SALES_NUMBER_FORMS.pick(r)
            shared_plain = doc.presence == "both" and doc.role == "plain"
            reference_gap = False
            if shared_plain and forced:
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

    def _number_bills(self, r: random.Random, full: bool) -> None:
        schemes: dict[str, tuple[str, int]] = {}
        forced = ["missing"] if full else []
        for doc in self.docs:
            scheme, last = schemes.get(doc.contact.key) or (r.choice(_BILL_SCHEMES), r.randrange(100, 5000))
            last += r.randint(1, 40)
            schemes[doc.contact.key] = (scheme, last)
            number = scheme.format(n=last)
            missing = _BILL_NUMBER_GAPS.pick(r)
            if doc.presence == "both" and doc.role == "plain" and forced:
                forced.pop(0)
                missing = r.choice(SIDES)
            doc.xero_number = number if doc.xero is not None else None
            doc.qb_number = number if doc.quickbooks is not None else None
            if doc.presence == "both" and missing:
                setattr(doc, f"{'xero' if missing == 'xero' else 'qb'}_number", None)
                doc.side(missing).number_missing = True  # type: ignore[union-attr]
                doc.tags.append(f"missing_number:{missing}")


def _other(side: str) -> str:
    return "quickbooks" if side == "xero" else "xero"

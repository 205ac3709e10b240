"""Sales invoices and bills of the seeded business, as each ledger's hand-kept copy holds them.

Numbering: sales invoices are numbered in date order from one sequence, the way Xero numbers them ("INV-0412").
Whoever keyed an invoice into QuickBooks usually typed the number without Xero's prefix ("0412", tag
``number_prefix``), sometimes as Xero shows it ("INV-0412"), and sometimes left DocNumber empty (tag
``missing_number:quickbooks``). An invoice held by one ledger only still took its number from the shared
sequence, so a number never names two different invoices. Bills carry the supplier's own invoice number (each
supplier has its own scheme), the same on both sides unless one side left it out (``missing_number:<side>``).
A document voided in QuickBooks keeps its number on both sides: QuickBooks zeroes a voided document's amounts, so
the number is all that is left to link it by. Numbering lives in ``sandbox.seed.numbering``.

Payments: a document is settled the same way in every book holding it unless its situation says otherwise. One
QuickBooks payment may pay two invoices of one customer (``multi_invoice_payment``: Xero holds a payment per
invoice). A payment can have been deleted after it was recorded (``payment_deleted:<side>``): deleted in Xero it
stays listed there with Status DELETED while QuickBooks still holds it; deleted in QuickBooks it was held there only
and is gone (cdc shows it). Foreign documents are paid into the bank account of their currency.

Tracking ("Region" options, Xero TrackingCategories <-> QuickBooks Classes) is put on some documents' lines after
the documents are drawn (:meth:`DocumentFactory.track`), on both sides or, for a few, on one side only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Literal

from sandbox.seed import reference
from sandbox.seed.contacts import SIDES, Contact
from sandbox.seed.lines import (VAT_CHARGING_KINDS, LineDraft, bill_cent_lines, bill_lines, foreign_sales_lines,
                                part_of, reverse_charge_lines, rounding_gap, sales_cent_lines, sales_lines,
                                tax_per_invoice, tax_per_line)
from sandbox.seed.model import HOME_CURRENCY
from sandbox.seed.numbering import number_documents
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
    # billed in USD (on both sides, and on Xero only: to be copied with currency and rate) and in EUR (Xero only;
    # QuickBooks has no EUR, so it waits in the exception queue)
    Scenario("foreign_usd", 0.005, 0, 1),
    Scenario("foreign_usd:xero", 0.003, 0, 1),
    Scenario("foreign_eur:xero", 0.003, 0, 1),
    Scenario("group_payment", 0.004, 0, 1, keys=2),  # one QuickBooks payment over two invoices
    Scenario("payment_deleted:xero", 0.004, 0, 1),
    Scenario("payment_deleted:quickbooks", 0.004, 0, 1),
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
    # keyed in QuickBooks with a tax code the mapping file lacks: waits in the exception queue naming the code
    Scenario("unmapped_tax:quickbooks", 0.003, 0, 1),
    Scenario("payment_deleted:quickbooks", 0.004, 0, 1),
]
_OUTCOMES = Weighted(["open", "paid", "part"], [40, 45, 15])


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
    group: str | None = None  # the payments of one QuickBooks payment over several invoices share it
    deleted_on: str | None = None  # the side that deleted it after recording it


@dataclass
class SideState:
    status: str = "authorised"  # before payments are counted: authorised | voided | deleted | draft
    payments: list[PaymentDraft] = field(default_factory=list)
    number_missing: bool = False
    reference: str | None = None
    credited: Decimal = Decimal("0")  # allocated by credit notes this side holds
    credit_dates: list[dt.date] = field(default_factory=list)


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
    currency: str = HOME_CURRENCY
    # a "Region" option per line (None: untracked) and the sides whose copies carry it
    tracking: list[str | None] = field(default_factory=list)
    tracking_sides: tuple[str, ...] = ()
    _taxes: dict[str, list[Decimal]] = field(default_factory=dict, repr=False)

    def side(self, name: str) -> SideState | None:
        return self.xero if name == "xero" else self.quickbooks

    @property
    def rate(self) -> Decimal:
        return reference.RATES[self.currency] if self.currency != HOME_CURRENCY else Decimal("1")

    def line_tracking(self, side: str) -> list[list[tuple[str, str]]]:
        category = reference.TRACKING[0].name
        if side not in self.tracking_sides:
            return [[] for _ in self.drafts]
        return [[(category, option)] if option else [] for option in self.tracking]

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
        home = [c for c in mine if c.trades_at_home]
        # archived contacts did no business in the window (both ledgers refuse new documents for them)
        self.shared = _Pool([c for c in home if c.active_on_both])
        self.only = {s: _Pool([c for c in home if c.presence == s and c.active_on(s)]) for s in SIDES}
        self.vat_charging = _Pool([c for c in self.shared.contacts if c.supplier_kind in VAT_CHARGING_KINDS])
        self.abroad = {cur: _Pool([c for c in mine if c.currency == cur and c.active_on_both])
                       for cur in reference.RATES}

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
        elif name in ("foreign_usd", "foreign_eur"):
            self._foreign(name[-3:].upper(), side or "both")
        elif name == "group_payment":
            self._group_payment()
        elif name == "payment_deleted":
            self._payment_deleted(side)
        elif name == "unmapped_tax":
            doc = self._new(self.shared.pick(self.rng), side, lines=reverse_charge_lines, paid=False)
            doc.tags += [f"only_{side}", f"unmapped_tax_code:{side}"]
        else:  # pragma: no cover - the tables above are the only source of slots
            raise ValueError(slot)

    def _foreign(self, currency: str, presence: str) -> None:
        """A customer abroad billed in its currency; EUR is open (it cannot be paid where it cannot be copied)."""
        outcome = self._outcome() if currency == "USD" else "open"
        doc = self._new(self.abroad[currency].pick(self.rng), presence,
                        lines=lambda r: foreign_sales_lines(r, currency), paid=outcome != "open")
        doc.currency = currency
        doc.tags.append("foreign_currency")
        if presence != "both":
            doc.tags.append(f"only_{presence}")
        if currency not in reference.QUICKBOOKS_CURRENCIES:
            doc.tags.append("currency_not_enabled:quickbooks")
        self._settle_both(doc, outcome)

    def _group_payment(self) -> None:
        """Two invoices of one customer paid by one QuickBooks payment (the first in full, the second in full or
        in part); Xero records a payment per invoice, on the same day, from the same bank account."""
        r = self.rng
        contact = self.shared.pick(r)
        docs = [self._new(contact, "both", paid=True), self._new(contact, "both", paid=True)]
        last = max(d.date for d in docs)
        day = day_between(r, min(last + dt.timedelta(days=1), LAST_DAY),
                          min(LAST_DAY, last + dt.timedelta(days=contact.terms + 10)))
        reference_text = f"BACS {r.randrange(100000, 999999)}"
        token = f"group-{docs[0].order}"
        for n, doc in enumerate(docs):
            total = doc.total("xero")
            amount = total if n == 0 or r.random() < 0.5 else part_of(r, total)
            p = PaymentDraft(date=day, amount=amount, account_code="090", reference=reference_text, index=1,
                             group=token)
            doc.xero.payments = [p]  # type: ignore[union-attr]
            doc.quickbooks.payments = [p]  # type: ignore[union-attr]
            doc.tags.append("multi_invoice_payment")
            if amount < total:
                doc.tags.append("part_paid")

    def _payment_deleted(self, side: str) -> None:
        """Paid in full, then the payment was deleted on ``side``: in Xero it stays listed with Status DELETED (and
        QuickBooks still holds it); in QuickBooks it was never anywhere else and is gone."""
        doc = self._new(self.shared.pick(self.rng), "both", paid=True)
        p = self._payment(doc, doc.total("xero"), 1)
        p.deleted_on = side
        doc.side(side).payments = [p]  # type: ignore[union-attr]
        if side == "xero":
            doc.quickbooks.payments = [p]  # type: ignore[union-attr]
        doc.tags.append(f"payment_deleted:{side}")

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
        account = "090" if r.random() < 0.92 else "091"
        if doc.currency != HOME_CURRENCY:
            account = _BANK_IN.get(doc.currency, "090")
        return PaymentDraft(date=day, amount=amount, account_code=account, reference=ref, index=index)

    # --- numbering and tracking -------------------------------------------------------------------------------------

    def number(self, seed_rng: random.Random, full: bool) -> None:
        """Keys, numbers and references, in date order (call once every document is drawn)."""
        number_documents(self.docs, self.kind, seed_rng, full)

    def track(self, r: random.Random, full: bool) -> None:
        """Region tracking on some documents' lines: on both copies, on the only copy, or (a few shared ones) on
        one side only. Every size holds a shared document tracked on both sides and one tracked on one side."""
        shared = [d for d in self.docs if d.presence == "both" and d.role == "plain"]
        one_sides = list(SIDES) if full else [r.choice(SIDES)]
        if len(shared) < 1 + len(one_sides):
            return
        forced = r.sample(shared, 1 + len(one_sides))
        forced_one = {id(d): side for d, side in zip(forced[1:], one_sides)}
        for doc in self.docs:
            if doc.role != "plain":
                continue
            if id(doc) in forced_one:
                sides: tuple[str, ...] = (forced_one[id(doc)],)
            elif doc.presence == "both" and r.random() < 0.03:
                sides = (r.choice(SIDES),)
            elif doc is forced[0] or r.random() < 0.15:
                sides = tuple(s for s in SIDES if doc.side(s) is not None)
            else:
                continue
            options = [o.name for o in reference.TRACKING[0].options]
            one = r.choice(options)
            doc.tracking = [one if r.random() < 0.7 else r.choice(options + [None]) for _ in doc.drafts]
            if not any(doc.tracking):
                doc.tracking[0] = one
            doc.tracking_sides = sides
            doc.tags.append("tracking")
            if doc.presence == "both" and len(sides) == 1:
                doc.tags.append(f"tracking_one_side:{sides[0]}")


# the bank account a foreign payment is paid into (or out of)
_BANK_IN = {a.currency: a.code for a in reversed(reference.ACCOUNTS) if a.kind == "bank"}


def _other(side: str) -> str:
    return "quickbooks" if side == "xero" else "xero"

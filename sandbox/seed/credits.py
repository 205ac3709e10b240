"""Credit notes of the seeded business: sales (Xero ACCRECCREDIT <-> QuickBooks CreditMemo) and purchase (Xero
ACCPAYCREDIT <-> QuickBooks VendorCredit). They flow Xero -> QuickBooks.

Situations (tags): most are on both sides, unallocated; ``allocated`` ones are allocated on both sides to an open
invoice (bill) of the same contact, in part (``part_allocated``: credit remains) or whole (``fully_allocated``:
status paid); ``allocated_one_side:xero`` ones are allocated in Xero while QuickBooks holds the credit unapplied;
``only_xero`` ones were never keyed into QuickBooks (some allocated there to an invoice both sides hold);
``voided_one_side:xero`` was voided in Xero and is still open in QuickBooks; ``number_prefix``: QuickBooks holds
"CN-0012" as "0012". An allocation is dated the credit note's date, never exceeds the credit nor what the invoice
still owes, and never settles the invoice (its status stays authorised): the invoice is tagged
``credit_allocated`` or ``credit_allocated_one_side:xero``.

Numbers: sales credit notes "CN-0012" from one sequence in date order; purchase credit notes carry the supplier's
number ("CR-40213"), unique across suppliers. Ids: Xero ``stable_uuid("xero", seed, "creditnote", key)``;
QuickBooks one sequence per entity (CreditMemo, VendorCredit) in date order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from sandbox.seed import reference
from sandbox.seed.contacts import SIDES, Contact
from sandbox.seed.documents import Document, _Pool
from sandbox.seed.lines import HUNDRED, PENNY, LineDraft, money, pennies, seed_lines, tax_per_line
from sandbox.seed.model import HOME_CURRENCY, SeedCreditNote
from sandbox.seed.plan import LAST_DAY, Scenario, allocate, day_between, stamp, window_day

CreditKind = Literal["sales", "purchase"]

# rates are shares of the credit notes of that kind
SALES_CREDIT_SCENARIOS = [
    Scenario("allocated", 0.2, 1, 1),
    Scenario("allocated_full", 0.06, 0, 1),
    Scenario("allocated_one_side:xero", 0.06, 0, 1),
    Scenario("only_xero", 0.1, 1, 1),
    Scenario("only_xero_allocated", 0.04, 0, 1),
    Scenario("voided_one_side:xero", 0.04, 1, 1),
]
PURCHASE_CREDIT_SCENARIOS = [
    Scenario("allocated", 0.25, 0, 1),
    Scenario("only_xero", 0.15, 1, 1),
]
_SALES_REASONS = ["agreed discount", "overcharged hours", "cancelled session", "reprint at our cost",
                  "duplicate charge", "goodwill"]
_PURCHASE_REASONS = ["returned goods", "misprint", "service outage", "overcharge", "cancelled order"]
_RATE = {t.xero_tax_type: t.rate / HUNDRED for t in reference.TAX_RATES}


@dataclass
class Credit:
    kind: CreditKind
    contact: Contact
    presence: Literal["both", "xero"]
    drafts: list[LineDraft]
    date: dt.date
    order: int
    tags: list[str] = field(default_factory=list)
    voided_on: str | None = None
    target: Document | None = None
    allocated: Decimal = Decimal("0")
    allocated_on: tuple[str, ...] = ()
    key: str = ""
    xero_number: str | None = None
    qb_number: str | None = None
    reference: str | None = None
    xero_id: str | None = None
    qb_id: str | None = None

    def on(self, side: str) -> bool:
        return self.presence == "both" or side == self.presence

    @property
    def total(self) -> Decimal:
        return sum((d.amount for d in self.drafts), Decimal("0")) + sum(tax_per_line(self.drafts), Decimal("0"))

    def record(self, side: str, rng: random.Random) -> SeedCreditNote | None:
        if not self.on(side):
            return None
        allocations = []
        if side in self.allocated_on and self.target is not None:
            allocations.append((self.target.key, self.allocated, self.date))
        note = SeedCreditNote(
            key=self.key, xero_id=self.xero_id, qb_id=self.qb_id,
            kind=self.kind, number=self.xero_number if side == "xero" else self.qb_number,
            contact_key=self.contact.key, date=self.date, lines=seed_lines(self.drafts, tax_per_line(self.drafts)),
            reference=self.reference, allocations=allocations, updated_at=stamp(rng, self.date))
        if self.voided_on == side:
            note.status = "voided"
        elif note.remaining_credit == 0:
            note.status = "paid"
        return note


def due_on(doc: Document, side: str) -> Decimal | None:
    """What ``doc`` still owes on ``side`` (None: not open there: absent, voided, deleted, draft or paid)."""
    state = doc.side(side)
    if state is None or state.status != "authorised":
        return None
    paid = sum((p.amount for p in state.payments if p.deleted_on != side), Decimal("0"))
    due = doc.total(side) - paid - state.credited
    return due if due > 0 else None


@dataclass
class CreditFactory:
    rng: random.Random
    kind: CreditKind
    contacts: list[Contact]
    documents: list[Document]
    credits: list[Credit] = field(default_factory=list)
    _seen: set[tuple[str, dt.date, Decimal]] = field(default_factory=set)
    _order: itertools.count = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        mine = [c for c in self.contacts if c.role == "plain" and c.trades_at_home]
        self.shared = _Pool([c for c in mine if c.active_on_both])
        self.xero_held = _Pool([c for c in mine if c.active_on("xero")])
        # open documents both sides hold, in the home currency: what an allocation may go against
        self.targets = [d for d in self.documents if d.presence == "both" and d.role == "plain" and
                        d.currency == HOME_CURRENCY and
                        all((due_on(d, s) or 0) >= Decimal("20") for s in SIDES)]
        self.rng.shuffle(self.targets)

    def build(self, total: int, size: int) -> list[Credit]:
        table = SALES_CREDIT_SCENARIOS if self.kind == "sales" else PURCHASE_CREDIT_SCENARIOS
        groups, plain = allocate(table, total, size)
        slots = [sc.name for sc, n in groups for _ in range(n)] + ["plain"] * plain
        self.rng.shuffle(slots)
        for slot in slots:
            self._slot(slot)
        return self.credits

    def _slot(self, slot: str) -> None:
        if slot in ("allocated", "allocated_full", "allocated_one_side:xero", "only_xero_allocated"):
            target = self.targets.pop() if self.targets else None
            if target is not None:
                presence = "xero" if slot == "only_xero_allocated" else "both"
                sides = ("xero",) if slot in ("allocated_one_side:xero", "only_xero_allocated") else SIDES
                self._allocated(target, presence, sides, whole=slot == "allocated_full")  # type: ignore[arg-type]
                return
            slot = "only_xero" if slot == "only_xero_allocated" else "plain"  # nothing open to allocate to
        if slot == "only_xero":
            credit = self._new(self.xero_held.pick(self.rng), "xero", self._lines(None, None), window_day(self.rng))
            credit.tags.append("only_xero")
        elif slot == "voided_one_side:xero":
            credit = self._new(self.shared.pick(self.rng), "both", self._lines(None, None), window_day(self.rng))
            credit.voided_on = "xero"
            credit.tags.append(slot)
        else:
            self._new(self.shared.pick(self.rng), "both", self._lines(None, None), window_day(self.rng))

    def _allocated(self, target: Document, presence: Literal["both", "xero"], sides: tuple[str, ...],
                   whole: bool) -> None:
        r = self.rng
        room = min(due_on(target, s) or Decimal("0") for s in SIDES) - PENNY
        day = day_between(r, target.date, LAST_DAY)
        credit = self._new(target.contact, presence, self._lines(target, room * Decimal("0.8")), day)
        total = credit.total
        amount = total if whole else min(money(total * Decimal(r.randint(30, 80)) / HUNDRED), room)
        credit.target, credit.allocated, credit.allocated_on = target, amount, sides
        credit.reference = target.xero_number
        credit.tags.append("allocated")
        if presence == "xero":
            credit.tags.append("only_xero")
        elif sides != SIDES:
            credit.tags.append("allocated_one_side:xero")
        credit.tags.append("fully_allocated" if amount == total else "part_allocated")
        for s in sides:
            state = target.side(s)
            assert state is not None
            state.credited += amount
            state.credit_dates.append(day)
        target.tags.append("credit_allocated" if sides == SIDES else "credit_allocated_one_side:xero")

    def _new(self, contact: Contact, presence: Literal["both", "xero"], drafts: list[LineDraft],
             day: dt.date) -> Credit:
        for _ in range(50):
            credit = Credit(kind=self.kind, contact=contact, presence=presence, drafts=drafts, date=day,
                            order=next(self._order))
            seen = (contact.key, day, credit.total)
            if seen not in self._seen:
                self._seen.add(seen)
                self.credits.append(credit)
                return credit
            # the same amount on the same day would leave the matching rules two candidates: move a penny
            drafts = [LineDraft(d.description, d.quantity, d.unit_amount - PENNY, d.account_code, d.tax_type)
                      for d in drafts]
        raise RuntimeError(f"could not place a credit note for {contact.key}")  # pragma: no cover

    def _lines(self, target: Document | None, cap: Decimal | None) -> list[LineDraft]:
        """One credited line: against a line of ``target`` (its account and VAT) with a total within ``cap``."""
        r = self.rng
        if target is not None:
            base = max(target.drafts, key=lambda d: d.amount)
            account, tax_type, what = base.account_code, base.tax_type, base.description
        elif self.kind == "sales":
            account, tax_type, what = r.choice([("200", "OUTPUT2", "Design services"),
                                                ("200", "OUTPUT2", "Consulting"),
                                                ("260", "OUTPUT2", "Materials recharge")])
        else:
            account, tax_type, what = r.choice([("461", "INPUT2", "Stationery"), ("310", "INPUT2", "Print run"),
                                                ("489", "INPUT2", "Broadband and lines"),
                                                ("400", "INPUT2", "Advertising")])
        reasons = _SALES_REASONS if self.kind == "sales" else _PURCHASE_REASONS
        net = pennies(r, 15, 600)
        if cap is not None:
            limit = money(cap / (1 + _RATE[tax_type])) - PENNY
            net = min(net, max(Decimal("5.00"), money(limit * Decimal(r.randint(40, 100)) / HUNDRED)))
        return [LineDraft(f"Credit: {what} - {r.choice(reasons)}", Decimal("1"), net, account, tax_type)]

    # --- numbers -----------------------------------------------------------------------------------------------------

    def number(self, r: random.Random, full: bool) -> None:
        """Keys and numbers in date order (call once every credit note is drawn)."""
        self.credits.sort(key=lambda c: (c.date, c.order))
        prefix = "credit" if self.kind == "sales" else "supcredit"
        start = 10 + r.randrange(90)
        forced_prefix = full
        taken: set[str] = set()
        for i, credit in enumerate(self.credits, start=1):
            credit.key = f"{prefix}-{i:05d}"
            if self.kind == "sales":
                number = f"CN-{start + i:04d}"
                qb_number = number
                if credit.presence == "both" and (forced_prefix or r.random() < 0.25):
                    forced_prefix = False
                    qb_number = f"{start + i:04d}"
                    credit.tags.append("number_prefix")
            else:
                number = f"CR-{r.randrange(10000, 99999)}"
                while number in taken:
                    number = f"CR-{r.randrange(10000, 99999)}"
                qb_number = number
            taken.add(number)
            credit.xero_number = number
            credit.qb_number = qb_number if credit.presence == "both" else None


def credit_ids(seed: int, credits: list[Credit]) -> None:
    entity = "creditnote"
    qb_seq = 0
    for credit in sorted(credits, key=lambda c: (c.date, c.key)):
        credit.xero_id = reference.stable_uuid("xero", seed, entity, credit.key)
        if credit.presence == "both":
            qb_seq += 1
            credit.qb_id = str(qb_seq)


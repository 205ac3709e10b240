"""Manual journals of the seeded business: QuickBooks JournalEntry <-> Xero ManualJournal, flowing QuickBooks ->
Xero. The bookkeeper posts them in QuickBooks, so most are there only (``only_quickbooks``); a couple were also
posted in Xero by hand (``pair``: the same date, narration and lines), and one was hard-deleted in QuickBooks
(``deleted``: only cdc shows it; it was never in Xero).

The journals use the shared chart of accounts only and never Accounts Receivable, Accounts Payable or VAT (so
they leave the control totals alone): payroll summaries (gross pay and employer's NI against the bank), corrections
and reclassifications between expense accounts, the advertising cost split by Region (tracking on the lines),
transfers to the savings account and capital introduced. Each journal's lines sum to zero (debits positive).
QuickBooks numbers them "JNL-0001" in date order (DocNumber, unique); Xero's ManualJournal has no number.

Ids: Xero ``stable_uuid("xero", seed, "manualjournal", key)``; QuickBooks JournalEntry Ids in date order.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Literal

from sandbox.seed import reference
from sandbox.seed.lines import HUNDRED, money, pennies
from sandbox.seed.model import SeedJournal, SeedJournalLine
from sandbox.seed.plan import FIRST_DAY, LAST_DAY, Scenario, allocate, stamp, window_day

JOURNAL_SCENARIOS = [  # rates are shares of the journals
    Scenario("pair", 0.2, 2, 2),
    Scenario("deleted:quickbooks", 0.04, 1, 1),
]
Line = tuple[str, str, Decimal, str | None]  # description, account, amount (debit +), Region option


@dataclass
class JournalDraft:
    presence: Literal["both", "quickbooks"]
    narration: str
    date: dt.date
    lines: list[Line]
    order: int
    status: str = "posted"
    tags: list[str] = field(default_factory=list)
    key: str = ""
    number: str | None = None
    xero_id: str | None = None
    qb_id: str | None = None

    def record(self, side: str, rng: random.Random) -> SeedJournal | None:
        if self.presence != "both" and side != self.presence:
            return None
        category = reference.TRACKING[0].name
        lines = [SeedJournalLine(description=d, account_code=a, amount=amt,
                                 tracking=[(category, opt)] if opt else []) for d, a, amt, opt in self.lines]
        return SeedJournal(key=self.key, xero_id=self.xero_id, qb_id=self.qb_id, narration=self.narration,
                           date=self.date, lines=lines, number=self.number if side == "quickbooks" else None,
                           status=self.status, updated_at=stamp(rng, self.date))


def _month_ends() -> list[dt.date]:
    ends, day = [], FIRST_DAY
    while day <= LAST_DAY:
        nxt = day + dt.timedelta(days=1)
        if nxt.month != day.month:
            ends.append(day)
        day = nxt
    return ends


_MONTH_ENDS = _month_ends()


def _payroll(r: random.Random) -> tuple[str, dt.date, list[Line]]:
    day = r.choice(_MONTH_ENDS)
    month = day.strftime("%B")
    gross = Decimal(r.randrange(900000, 2600000, 5)) / HUNDRED
    employer_ni = money(gross * Decimal("0.138") * Decimal(r.randint(80, 95)) / HUNDRED)
    deductions = money(gross * Decimal(r.randint(18, 27)) / HUNDRED)
    return (f"Payroll summary - {month}", day, [
        (f"Gross salaries - {month}", "429", gross, None),
        (f"Employer's NI - {month}", "429", employer_ni, None),
        (f"Net pay - {month}", "090", -(gross - deductions), None),
        (f"PAYE and NI to HMRC - {month}", "090", -(deductions + employer_ni), None),
    ])


def _move(narration: str, debit: str, credit: str, low: int, high: int) -> Callable[[random.Random],
                                                                                    tuple[str, dt.date, list[Line]]]:
    def make(r: random.Random) -> tuple[str, dt.date, list[Line]]:
        amount = pennies(r, low, high)
        return narration, window_day(r), [(narration, debit, amount, None), (narration, credit, -amount, None)]
    return make


def _regions(r: random.Random) -> tuple[str, dt.date, list[Line]]:
    """The month's advertising, first booked untracked, split across the Regions."""
    options = [o.name for o in reference.TRACKING[0].options]
    parts = [(opt, pennies(r, 80, 900)) for opt in r.sample(options, r.choice([2, 3]))]
    total = sum((a for _, a in parts), Decimal("0"))
    lines: list[Line] = [(f"Advertising - {opt}", "400", amount, opt) for opt, amount in parts]
    lines.append(("Advertising to allocate", "400", -total, None))
    return "Allocate advertising to regions", window_day(r), lines


_TEMPLATES: list[tuple[Callable[[random.Random], tuple[str, dt.date, list[Line]]], float]] = [
    (_payroll, 3),
    (_move("Reclassify print costs to cost of sales", "310", "461", 40, 900), 2),
    (_move("Correct miscoded travel", "493", "429", 10, 400), 2),
    (_move("Reclassify software to telephone & internet", "489", "429", 10, 300), 1),
    (_regions, 2),
    (_move("Transfer to savings", "091", "090", 500, 8000), 1),
    (_move("Capital introduced by director", "090", "970", 1000, 10000), 1),
]


def journals(rng: random.Random, total: int, size: int, seed: int) -> list[JournalDraft]:
    groups, plain = allocate(JOURNAL_SCENARIOS, total, size)
    slots = [sc.name for sc, n in groups for _ in range(n)] + ["plain"] * plain
    rng.shuffle(slots)
    makers = [m for m, _ in _TEMPLATES]
    weights = [w for _, w in _TEMPLATES]
    out: list[JournalDraft] = []
    seen: set[tuple[dt.date, Decimal]] = set()
    for n, slot in enumerate(slots):
        while True:
            narration, day, lines = rng.choices(makers, weights)[0](rng)
            debits = sum((a for _, _, a, _ in lines if a > 0), Decimal("0"))
            if (day, debits) not in seen:  # no two journals alike, so a pair is findable
                seen.add((day, debits))
                break
        draft = JournalDraft(presence="both" if slot == "pair" else "quickbooks", narration=narration, date=day,
                             lines=lines, order=n)
        if slot != "pair":
            draft.tags.append("only_quickbooks")
        if slot == "deleted:quickbooks":
            draft.status = "deleted"
            draft.tags.append("deleted")
        if any(opt for *_, opt in lines):
            draft.tags.append("tracking")
        out.append(draft)
    out.sort(key=lambda d: (d.date, d.order))
    for i, d in enumerate(out, start=1):
        d.key, d.number, d.qb_id = f"journal-{i:05d}", f"JNL-{i:04d}", str(i)
        d.xero_id = reference.stable_uuid("xero", seed, "manualjournal", d.key) if d.presence == "both" else None
    return out

"""Bank transactions, expenses and overpayments of the seeded business.

Bank transactions were first keyed in Xero (``origin`` xero, keys ``bank-00001``): RECEIVE (bank interest, card sales
of the style guide book at events, refunds from suppliers) and SPEND (bank fees, card spend). They flow Xero ->
QuickBooks (RECEIVE -> Deposit, SPEND -> Purchase with PaymentType Cash, a debit card being cash to QuickBooks), so
most are in Xero only; a few are on both sides (``pair``), one of those was voided in Xero after QuickBooks had it
(``voided_one_side:xero``), and a spend copied by hand left QuickBooks without its payee
(``missing_contact:quickbooks``). Xero needs a contact on SPEND and RECEIVE: interest and fees name the bank.

Expenses were first keyed in QuickBooks (``origin`` quickbooks, keys ``expense-00001``): Purchases paid by Cash or
Check, to a supplier or to nobody. They flow QuickBooks -> Xero as SPEND, so most are in QuickBooks only and a few
on both sides (those name a supplier on both: Xero needs a contact). An expense to nobody can only be copied to
Xero with a contact the pipeline chooses.

Lines: 1 or 2, net amounts with VAT per line (the two ledgers' roundings agree on every seeded transaction); some
carry "Region" tracking on both copies, a few on one side only (``tracking``, ``tracking_one_side:<side>``).
(kind, date, total) is unique across both ledgers' transactions, so a pair is findable and nothing else is.

Overpayments (keys ``overpay-00001``): money a customer paid beyond what it owed, unallocated: on both sides (Xero
Overpayment <-> QuickBooks Payment with the whole amount unapplied) or in QuickBooks only.

Ids: Xero ``stable_uuid("xero", seed, "banktransaction" | "overpayment", key)``; QuickBooks one sequence per
entity in date order (Deposit for RECEIVE, Purchase for SPEND; an overpayment's Payment Id continues the sequence
of the Payments on invoices, see ``sandbox.seed.generate``).
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
from sandbox.seed.documents import _Pool
from sandbox.seed.lines import PENNY, LineDraft, pennies, rounding_gap, tax_on
from sandbox.seed.model import SeedBankLine, SeedBankTransaction, SeedOverpayment
from sandbox.seed.plan import Scenario, Weighted, allocate, stamp, window_day

Kind = Literal["receive", "spend"]
Presence = Literal["both", "xero", "quickbooks"]

# rates are shares of the bank transactions keyed in Xero / of the expenses keyed in QuickBooks
XERO_SCENARIOS = [
    Scenario("pair:receive", 0.1, 1, 1),
    Scenario("pair:spend", 0.1, 1, 1),
    Scenario("voided_one_side:xero", 0.03, 1, 1),
    Scenario("missing_contact:quickbooks", 0.04, 0, 1),
]
EXPENSE_SCENARIOS = [
    Scenario("pair", 0.15, 1, 1),
]
_XERO_ONLY_KINDS: Weighted[Kind] = Weighted(["receive", "spend"], [35, 65])
# card spend by the kind of supplier paid: (description, account, tax type)
_CARD_SPEND: dict[str, list[tuple[str, str, str]]] = {
    "printer": [("Proof prints", "461", "INPUT2")],
    "landlord": [("Meeting room hire", "469", "INPUT2")],
    "telecom": [("Software subscription", "489", "INPUT2"), ("Mobile top-up", "489", "INPUT2")],
    "travel": [("Train tickets", "493", "ZERORATEDINPUT"), ("Taxi", "493", "INPUT2"), ("Parking", "493", "INPUT2")],
    "advertising": [("Boosted post", "400", "INPUT2")],
    "energy": [("Meter top-up", "429", "RRINPUT")],
    "freelancer": [("Photography props", "310", "NONE")],
    "stationery": [("Stationery", "461", "INPUT2"), ("Printer paper", "461", "INPUT2")],
    "professional": [("Companies House filing fee", "429", "NONE"),
                     ("Professional subscription", "429", "EXEMPTINPUT")],
}
_NO_PAYEE = [("Postage", "429", "EXEMPTINPUT"), ("Fuel", "493", "INPUT2"), ("Office sundries", "461", "INPUT2"),
             ("Window cleaning", "429", "NONE"), ("Coffee for client meeting", "429", "INPUT2")]
_REFUNDS = [("Refund - returned goods", "461"), ("Refund - cancelled booking", "493"), ("Refund - overcharge", "429")]


@dataclass
class BankDraft:
    kind: Kind
    origin: Literal["xero", "quickbooks"]
    presence: Presence
    date: dt.date
    lines: list[LineDraft]
    order: int
    contact: Contact | None  # the payee or payer (None: QuickBooks only, no payee)
    bank_account_code: str = "090"
    payment_type: str = "Cash"
    reference: str | None = None
    tags: list[str] = field(default_factory=list)
    voided_on: str | None = None
    no_contact_on: str | None = None
    tracking: str | None = None
    tracking_sides: tuple[str, ...] = ()
    key: str = ""
    xero_id: str | None = None
    qb_id: str | None = None

    def on(self, side: str) -> bool:
        return self.presence == "both" or self.presence == side

    @property
    def total(self) -> Decimal:
        return sum((d.amount + tax_on(d.amount, d.tax_type) for d in self.lines), Decimal("0"))

    def record(self, side: str, rng: random.Random) -> SeedBankTransaction | None:
        if not self.on(side):
            return None
        category = reference.TRACKING[0].name
        tracked = self.tracking is not None and side in self.tracking_sides
        lines = [SeedBankLine(description=d.description, amount=d.amount, account_code=d.account_code,
                              tax_type=d.tax_type, tax_amount=tax_on(d.amount, d.tax_type),
                              tracking=[(category, self.tracking)] if tracked and self.tracking else [])
                 for d in self.lines]
        contact = None if self.contact is None or self.no_contact_on == side else self.contact.key
        return SeedBankTransaction(
            key=self.key, xero_id=self.xero_id, qb_id=self.qb_id, kind=self.kind, contact_key=contact,
            bank_account_code=self.bank_account_code, date=self.date, lines=lines, reference=self.reference,
            payment_type=self.payment_type, status="voided" if self.voided_on == side else "authorised",
            updated_at=stamp(rng, self.date))


@dataclass
class BankFactory:
    rng: random.Random
    contacts: list[Contact]
    drafts: list[BankDraft] = field(default_factory=list)
    _cheque_due: bool = False
    _seen: set[tuple[str, dt.date, Decimal]] = field(default_factory=set)
    _order: itertools.count = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        mine = [c for c in self.contacts if c.role == "plain"]
        self.bank = next(c for c in mine if c.supplier_kind == "bank")
        home = [c for c in mine if c.trades_at_home]
        self.customers = {s: _Pool([c for c in home if c.entity == "customer" and c.active_on(s)]) for s in SIDES}
        self.suppliers = {s: _Pool([c for c in home if c.entity == "supplier" and c.active_on(s)]) for s in SIDES}
        self.customers["both"] = _Pool([c for c in home if c.entity == "customer" and c.active_on_both])
        self.suppliers["both"] = _Pool([c for c in home if c.entity == "supplier" and c.active_on_both])

    def build(self, xero_total: int, expense_total: int, size: int, full: bool) -> list[BankDraft]:
        groups, plain = allocate(XERO_SCENARIOS, xero_total, size)
        slots = [sc.name for sc, n in groups for _ in range(n)] + ["plain"] * plain
        self.rng.shuffle(slots)
        for slot in slots:
            self._xero_slot(slot)
        groups, plain = allocate(EXPENSE_SCENARIOS, expense_total, size)
        slots = [sc.name for sc, n in groups for _ in range(n)] + ["plain"] * plain
        self.rng.shuffle(slots)
        self._cheque_due = full  # at least one expense paid by cheque
        for slot in slots:
            self._expense(slot == "pair")
        self._track(full)
        return self.drafts

    # --- drawing ---------------------------------------------------------------------------------------------------

    def _xero_slot(self, slot: str) -> None:
        r = self.rng
        name, _, arg = slot.partition(":")
        if name == "pair":
            draft = self._xero_origin(arg, "both")  # type: ignore[arg-type]
            draft.tags.append("pair")
        elif name == "voided_one_side":
            draft = self._xero_origin(r.choice(["receive", "spend"]), "both")
            draft.voided_on = "xero"
            draft.tags.append(slot)
        elif name == "missing_contact":
            draft = self._xero_origin("spend", "both", card=True)
            draft.no_contact_on = "quickbooks"
            draft.tags.append(slot)
        else:
            draft = self._xero_origin(_XERO_ONLY_KINDS.pick(r), "xero")
            draft.tags.append("only_xero")

    def _xero_origin(self, kind: Kind, presence: Presence, card: bool = False) -> BankDraft:
        r = self.rng
        where = "both" if presence == "both" else "xero"
        if kind == "receive":
            what = r.choice(["interest", "interest", "card_sale", "refund"])
            if what == "interest":
                lines = [LineDraft(r.choice(["Interest received", "Gross interest"]), Decimal("1"),
                                   pennies(r, 1, 40), "260", "EXEMPTOUTPUT")]
                return self._add("receive", "xero", presence, lines, self.bank,
                                 account=r.choice(["090", "091"]))
            if what == "card_sale":
                count = r.randint(1, 12)
                lines = [LineDraft("Style guide books sold at event", Decimal(count),
                                   reference.item("BOOKS").unit_price, "260", "ZERORATEDOUTPUT", None)]
                return self._add("receive", "xero", presence, lines, self.customers[where].pick(r))
            description, account = r.choice(_REFUNDS)
            lines = [LineDraft(description, Decimal("1"), pennies(r, 12, 300), account, "NONE")]
            return self._add("receive", "xero", presence, lines, self.suppliers[where].pick(r))
        if not card and r.random() < 0.4:
            lines = [LineDraft(r.choice(["Bank charges", "Monthly account fee", "CHAPS fee", "Card processing fees"]),
                               Decimal("1"), pennies(r, 3, 45), "429", "NONE")]
            return self._add("spend", "xero", presence, lines, self.bank)
        supplier = self.suppliers[where].pick(r)
        draft = self._add("spend", "xero", presence, self._spend_lines(supplier), supplier)
        draft.reference = "card"  # numbered with the others (see number)
        return draft

    def _expense(self, pair: bool) -> None:
        """A QuickBooks expense: to a supplier (always, when Xero holds a copy too) or to nobody."""
        r = self.rng
        supplier = self.suppliers["both" if pair else "quickbooks"].pick(r) if pair or r.random() < 0.6 else None
        lines = self._spend_lines(supplier)
        payment_type = "Check" if self._cheque_due or r.random() < 0.3 else "Cash"
        self._cheque_due = False
        draft = self._add("spend", "quickbooks", "both" if pair else "quickbooks", lines, supplier)
        draft.payment_type = payment_type
        draft.tags.append("pair" if pair else "only_quickbooks")

    def _spend_lines(self, supplier: Contact | None) -> list[LineDraft]:
        r = self.rng
        options = _CARD_SPEND.get(supplier.supplier_kind or "", _NO_PAYEE) if supplier else _NO_PAYEE
        lines = []
        for _ in range(r.choice([1, 1, 1, 2])):
            description, account, tax_type = r.choice(options)
            lines.append(LineDraft(description, Decimal("1"), pennies(r, 4, 380), account, tax_type))
        return lines

    def _add(self, kind: Kind, origin: Literal["xero", "quickbooks"], presence: Presence, lines: list[LineDraft],
             contact: Contact | None, account: str = "090", reference: str | None = None) -> BankDraft:
        r = self.rng
        while rounding_gap(lines) != 0:  # both ledgers must hold the same VAT
            lines = lines[:1]
        for _ in range(100):
            draft = BankDraft(kind=kind, origin=origin, presence=presence, date=window_day(r), lines=lines,
                              order=next(self._order), contact=contact, bank_account_code=account,
                              reference=reference)
            total = draft.total
            if not any((kind, draft.date, total + d) in self._seen for d in (-PENNY, Decimal("0"), PENNY)):
                self._seen.add((kind, draft.date, total))
                self.drafts.append(draft)
                return draft
        raise RuntimeError("could not place a bank transaction")  # pragma: no cover

    def _track(self, full: bool) -> None:
        r = self.rng
        pairs = [d for d in self.drafts if d.presence == "both"]
        one_sides = list(SIDES) if full else [r.choice(SIDES)]
        forced = r.sample(pairs, min(len(pairs), 1 + len(one_sides)))
        forced_one = {id(d): side for d, side in zip(forced[1:], one_sides)}
        options = [o.name for o in reference.TRACKING[0].options]
        for draft in self.drafts:
            if id(draft) in forced_one:
                sides: tuple[str, ...] = (forced_one[id(draft)],)
            elif (forced and draft is forced[0]) or r.random() < 0.25:
                sides = tuple(s for s in SIDES if draft.on(s))
            else:
                continue
            draft.tracking, draft.tracking_sides = r.choice(options), sides
            draft.tags.append("tracking")
            if draft.presence == "both" and len(sides) == 1:
                draft.tags.append(f"tracking_one_side:{sides[0]}")

    # --- keys and ids ----------------------------------------------------------------------------------------------

    def number(self, seed: int) -> None:
        """Keys, ids and references in date order: cheques from one cheque book (QuickBooks DocNumber), card
        spends with the merchant's receipt number (unique)."""
        self.drafts.sort(key=lambda d: (d.date, d.order))
        counters = {"xero": 0, "quickbooks": 0}
        qb_seq = {"receive": 0, "spend": 0}
        cheque = 100100 + self.rng.randrange(800)
        receipt = self.rng.randrange(10000, 20000)
        for d in self.drafts:
            if d.payment_type == "Check":
                cheque += 1
                d.reference = str(cheque)
            elif d.reference == "card":
                receipt += self.rng.randint(1, 97)
                d.reference = f"Card receipt {receipt}"
            counters[d.origin] += 1
            d.key = f"{'bank' if d.origin == 'xero' else 'expense'}-{counters[d.origin]:05d}"
            d.xero_id = reference.stable_uuid("xero", seed, "banktransaction", d.key) if d.on("xero") else None
            if d.on("quickbooks"):
                qb_seq[d.kind] += 1
                d.qb_id = str(qb_seq[d.kind])


# --- overpayments --------------------------------------------------------------------------------------------------

@dataclass
class OverpaymentDraft:
    presence: Literal["both", "quickbooks"]
    contact: Contact
    date: dt.date
    amount: Decimal
    order: int
    account_code: str = "090"
    key: str = ""
    xero_id: str | None = None
    qb_id: str | None = None

    @property
    def tags(self) -> list[str]:
        return ["only_quickbooks"] if self.presence == "quickbooks" else []

    def record(self, side: str, rng: random.Random) -> SeedOverpayment | None:
        if self.presence != "both" and side != self.presence:
            return None
        return SeedOverpayment(key=self.key, xero_id=self.xero_id, qb_id=self.qb_id, contact_key=self.contact.key,
                               date=self.date, amount=self.amount, account_code=self.account_code,
                               updated_at=stamp(rng, self.date))


def overpayments(rng: random.Random, contacts: list[Contact], pairs: int, qb_only: int,
                 seed: int) -> list[OverpaymentDraft]:
    """Unallocated overpayments by customers both sides hold (the QuickBooks Payment ids are given later)."""
    pool = _Pool([c for c in contacts if c.role == "plain" and c.trades_at_home and c.entity == "customer" and
                  c.active_on_both])
    out: list[OverpaymentDraft] = []
    seen: set[tuple[str, dt.date, Decimal]] = set()
    for n in range(pairs + qb_only):
        while True:
            draft = OverpaymentDraft(presence="both" if n < pairs else "quickbooks", contact=pool.pick(rng),
                                     date=window_day(rng), amount=pennies(rng, 40, 900), order=n)
            if (draft.contact.key, draft.date, draft.amount) not in seen:
                seen.add((draft.contact.key, draft.date, draft.amount))
                out.append(draft)
                break
    out.sort(key=lambda d: (d.date, d.order))
    for i, d in enumerate(out, start=1):
        d.key = f"overpay-{i:05d}"
        d.xero_id = reference.stable_uuid("xero", seed, "overpayment", d.key) if d.presence == "both" else None
    return out

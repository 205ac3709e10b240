"""Invoice and bill lines of the seeded business, and the two ways the ledgers round VAT.

Xero's copy rounds the tax of each line (half up, to the penny) and adds them up. The QuickBooks copy rounds the
tax of each tax rate once on the invoice total, then shows it on the lines with the rounding left on the last line
of that rate, so its lines still add up to its total tax. The two agree unless several lines of one rate carry
fractions of a penny that add up differently: the generator draws such lines on purpose for the ``tax_cent`` cases
and redraws them everywhere else.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sandbox.seed.model import SeedLine
from sandbox.seed.plan import Weighted
from sandbox.seed.reference import QB_EXTRA_TAX_RATES, TAX_RATES, item

PENNY = Decimal("0.01")
HUNDRED = Decimal("100")
_RATE = {t.xero_tax_type: t.rate / HUNDRED for t in TAX_RATES + QB_EXTRA_TAX_RATES}


def money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def pennies(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount between ``low`` and ``high`` pounds with pennies, as receipts and recharges have."""
    return Decimal(rng.randrange(low * 100, high * 100)) / HUNDRED


@dataclass(frozen=True)
class LineDraft:
    description: str
    quantity: Decimal
    unit_amount: Decimal
    account_code: str
    tax_type: str
    item_code: str | None = None

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_amount  # exact: drafts only use quantities that keep it to the penny


def tax_per_line(drafts: list[LineDraft]) -> list[Decimal]:
    """Xero's rule: each line's tax rounded on its own."""
    return [money(d.amount * _RATE[d.tax_type]) for d in drafts]


def tax_per_invoice(drafts: list[LineDraft]) -> list[Decimal]:
    """QuickBooks' rule: one rounding per tax rate on the total, the remainder shown on that rate's last line."""
    taxes = tax_per_line(drafts)
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(drafts):
        groups.setdefault(d.tax_type, []).append(i)
    for tax_type, idx in groups.items():
        total = money(sum((drafts[i].amount for i in idx), Decimal("0")) * _RATE[tax_type])
        taxes[idx[-1]] += total - sum((taxes[i] for i in idx), Decimal("0"))
    return taxes


def rounding_gap(drafts: list[LineDraft]) -> Decimal:
    """Total tax by Xero's rule minus total tax by QuickBooks' rule."""
    return sum(tax_per_line(drafts), Decimal("0")) - sum(tax_per_invoice(drafts), Decimal("0"))


def tax_on(amount: Decimal, tax_type: str) -> Decimal:
    """The VAT on one net amount, rounded half up to the penny."""
    return money(amount * _RATE[tax_type])


def seed_lines(drafts: list[LineDraft], taxes: list[Decimal],
               tracking: list[list[tuple[str, str]]] | None = None) -> list[SeedLine]:
    tracking = tracking or [[] for _ in drafts]
    return [SeedLine(description=d.description, quantity=d.quantity, unit_amount=d.unit_amount.quantize(PENNY),
                     account_code=d.account_code, tax_type=d.tax_type, tax_amount=t, item_code=d.item_code,
                     tracking=list(tr))
            for d, t, tr in zip(drafts, taxes, tracking)]


# --- sales ---------------------------------------------------------------------------------------------------------

_PROJECTS = ["", "", "", " - website refresh", " - spring campaign", " - brand review", " - signage",
             " - packaging", " - annual report", " - menu redesign", " - launch event", " - phase 2"]
_SALES_KINDS = Weighted(["CONSULT-HR", "DESIGN-DAY", "WORKSHOP", "BRAND-PKG", "SUPPORT-M", "PRINT-RUN", "BOOKS",
                         "TRAVEL", "EXEMPT", "REDUCED"], [30, 22, 6, 3, 14, 9, 5, 8, 2, 1])
_SALES_LINE_COUNT = Weighted([1, 2, 3, 4, 5], [45, 25, 15, 10, 5])
_BILL_LINE_COUNT = Weighted([1, 2, 3, 4], [55, 25, 13, 7])
_RECHARGES = ["Courier recharge", "Stock image licence", "Materials recharge", "Font licence recharge",
              "Proof printing recharge", "Mounting board recharge"]


def _item_line(code: str, quantity: Decimal, unit: Decimal | None = None, suffix: str = "") -> LineDraft:
    it = item(code)
    return LineDraft(it.description + suffix, quantity, it.unit_price if unit is None else unit,
                     it.sales_account_code, it.tax_type, it.code)


def sales_line(rng: random.Random) -> LineDraft:
    kind = _SALES_KINDS.pick(rng)
    project = rng.choice(_PROJECTS)
    if kind == "CONSULT-HR":
        qty = Decimal(rng.choice(["1", "2", "3", "4", "5", "6", "7.5", "8", "10", "12", "15", "16", "20", "24"]))
        return _item_line(kind, qty, Decimal(rng.choice(["95.00", "95.00", "95.00", "85.00", "110.00"])), project)
    if kind == "DESIGN-DAY":
        qty = Decimal(rng.choice(["0.5", "1", "1", "2", "3", "4", "5", "8", "10"]))
        return _item_line(kind, qty, Decimal(rng.choice(["640.00", "640.00", "600.00", "700.00"])), project)
    if kind == "WORKSHOP":
        return _item_line(kind, Decimal(rng.choice(["1", "1", "1", "2"])), suffix=project)
    if kind == "BRAND-PKG":
        return _item_line(kind, Decimal("1"), Decimal(rng.choice(["4500.00", "3800.00", "5200.00"])), project)
    if kind == "SUPPORT-M":
        return _item_line(kind, Decimal(rng.choice(["1", "1", "1", "2", "3"])))
    if kind == "PRINT-RUN":
        return _item_line(kind, Decimal(rng.randint(1, 20)), suffix=project)
    if kind == "BOOKS":
        return _item_line(kind, Decimal(rng.randint(1, 40)))
    if kind == "TRAVEL":
        return _item_line(kind, Decimal("1"), pennies(rng, 8, 190), rng.choice([" - rail", " - mileage", ""]))
    if kind == "EXEMPT":
        return LineDraft("Training course delegate fee", Decimal(rng.randint(1, 4)), Decimal("350.00"), "260",
                         "EXEMPTOUTPUT")
    return LineDraft("Energy-saving materials (reduced rate)", Decimal("1"), pennies(rng, 40, 400), "260",
                     "RROUTPUT")


def sales_lines(rng: random.Random) -> list[LineDraft]:
    count = _SALES_LINE_COUNT.pick(rng)
    return [sales_line(rng) for _ in range(count)]


# what the studio charges customers abroad (services supplied abroad: outside the scope of UK VAT)
_FOREIGN_PRICES = {"USD": {"CONSULT-HR": ["120.00", "150.00"], "DESIGN-DAY": ["800.00", "850.00"],
                           "WORKSHOP": ["1500.00"]},
                   "EUR": {"CONSULT-HR": ["110.00", "130.00"], "DESIGN-DAY": ["720.00", "750.00"],
                           "WORKSHOP": ["1400.00"]}}


def foreign_sales_lines(rng: random.Random, currency: str) -> list[LineDraft]:
    prices = _FOREIGN_PRICES[currency]
    out = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        code = rng.choice(sorted(prices))
        qty = Decimal(rng.choice(["1", "2", "3", "5", "8"])) if code != "WORKSHOP" else Decimal("1")
        it = item(code)
        out.append(LineDraft(it.description + rng.choice(_PROJECTS), qty, Decimal(rng.choice(prices[code])),
                             it.sales_account_code, "NONE", it.code))
    return out


def cent_lines(rng: random.Random, account: str, tax_type: str, descriptions: list[str],
               lead: LineDraft | None) -> list[LineDraft]:
    """Lines whose tax differs by exactly one penny between the two rounding rules."""
    for _ in range(500):
        count = rng.choice([2, 2, 3])
        drafts = [LineDraft(rng.choice(descriptions), Decimal("1"), pennies(rng, 4, 160), account, tax_type)
                  for _ in range(count)]
        if lead is not None:
            drafts.insert(0, lead)
        if abs(rounding_gap(drafts)) == PENNY:
            return drafts
    raise RuntimeError("no penny-rounding lines found")  # pragma: no cover - about one draw in three succeeds


def sales_cent_lines(rng: random.Random) -> list[LineDraft]:
    lead = _item_line("DESIGN-DAY", Decimal(rng.choice(["1", "2"]))) if rng.random() < 0.5 else None
    return cent_lines(rng, "260", "OUTPUT2", _RECHARGES, lead)


# --- bills ---------------------------------------------------------------------------------------------------------

SUPPLIER_KINDS = Weighted(["printer", "landlord", "telecom", "travel", "advertising", "energy", "freelancer",
                           "stationery", "professional"], [4, 1, 1, 2, 2, 1, 3, 2, 2])
# kinds whose bills carry standard-rate VAT on every line (a penny gap needs several lines of one rate)
VAT_CHARGING_KINDS = ("printer", "telecom", "advertising", "stationery")
_PENNY_LINES: dict[str, tuple[str, str]] = {
    "printer": ("Proof prints", "461"),
    "telecom": ("Call charges", "489"),
    "advertising": ("Boosted post", "400"),
    "stationery": ("Stationery sundries", "461"),
}


def bill_line(rng: random.Random, kind: str) -> LineDraft:
    one = Decimal("1")
    if kind == "printer":
        if rng.random() < 0.6:
            return LineDraft("Print run (per 100)", Decimal(rng.randint(1, 30)), Decimal("21.75"), "310", "INPUT2",
                             "PRINT-RUN")
        return LineDraft("Business cards", one, Decimal(rng.choice(["45.00", "72.50", "120.00"])), "461", "INPUT2")
    if kind == "landlord":
        if rng.random() < 0.8:
            return LineDraft("Studio rent", one, Decimal(rng.choice(["1850.00", "2150.00"])), "469",
                             rng.choice(["INPUT2", "EXEMPTINPUT"]))
        return LineDraft("Service charge", one, Decimal("240.00"), "469", "INPUT2")
    if kind == "telecom":
        if rng.random() < 0.7:
            return LineDraft("Broadband and lines", one, Decimal(rng.choice(["64.99", "89.50"])), "489", "INPUT2")
        return LineDraft("Mobile contracts", Decimal(rng.randint(2, 6)), Decimal("18.00"), "489", "INPUT2")
    if kind == "travel":
        if rng.random() < 0.6:
            return LineDraft("Rail fares", one, pennies(rng, 20, 420), "493", "ZERORATEDINPUT")
        return LineDraft("Taxi fares", one, Decimal(rng.randrange(120, 900, 5)) / 10, "493", "INPUT2")
    if kind == "advertising":
        return LineDraft(rng.choice(["Social ads campaign", "Trade press advert"]), one,
                         Decimal(rng.randrange(250, 2500, 50)), "400", "INPUT2")
    if kind == "energy":
        return LineDraft("Electricity", one, Decimal(rng.randrange(1200, 4800, 20)) / 10, "429", "RRINPUT")
    if kind == "freelancer":
        if rng.random() < 0.6:
            return LineDraft("Photography day", Decimal(rng.randint(1, 3)), Decimal("450.00"), "310", "NONE")
        return LineDraft("Illustration commission", one, Decimal(rng.choice(["600.00", "800.00", "1200.00"])),
                         "310", "NONE")
    if kind == "stationery":
        if rng.random() < 0.5:
            return LineDraft("Toner cartridges", Decimal(rng.randint(1, 4)), Decimal("64.99"), "461", "INPUT2")
        return LineDraft("Paper and sundries", one, Decimal(rng.randrange(120, 1800, 5)) / 10, "461", "INPUT2")
    if rng.random() < 0.7:
        return LineDraft(rng.choice(["Bookkeeping", "Payroll bureau", "Legal advice"]), one,
                         Decimal(rng.choice(["350.00", "180.00", "650.00"])), "429", "INPUT2")
    return LineDraft("Professional indemnity insurance", one, pennies(rng, 60, 240), "429", "EXEMPTINPUT")


def bill_lines(rng: random.Random, kind: str) -> list[LineDraft]:
    count = _BILL_LINE_COUNT.pick(rng)
    return [bill_line(rng, kind) for _ in range(count)]


def bill_cent_lines(rng: random.Random, kind: str) -> list[LineDraft]:
    description, account = _PENNY_LINES[kind]
    return cent_lines(rng, account, "INPUT2", [description], None)


def reverse_charge_lines(rng: random.Random) -> list[LineDraft]:
    """A service bought from abroad, coded in QuickBooks to its reverse-charge VAT code (which the shipped
    mapping file does not map)."""
    code = QB_EXTRA_TAX_RATES[0].xero_tax_type
    return [LineDraft(rng.choice(["Design software licence (reverse charge)", "Font foundry licence (reverse charge)",
                                  "Stock image subscription (reverse charge)"]),
                      Decimal("1"), Decimal(rng.randrange(4000, 60000, 5)) / HUNDRED, "429", code)]


# --- payments ------------------------------------------------------------------------------------------------------

def part_of(rng: random.Random, total: Decimal) -> Decimal:
    """A believable part-payment of ``total``: a deposit, a round sum, or what the customer could pay; never all."""
    if total < Decimal("2"):
        return PENNY
    choice = rng.random()
    if choice < 0.4:
        part = money(total / 2)
    elif choice < 0.7 and total > Decimal("200"):
        part = Decimal(rng.randrange(1, int(total // 100)) * 100) if total >= 200 else money(total / 3)
    else:
        part = money(total * Decimal(rng.randint(15, 85)) / HUNDRED)
    return part if Decimal("0") < part < total else money(total / 2)

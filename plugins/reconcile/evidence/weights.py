"""The priors every comparison is weighed by, in the Fellegi-Sunter form: for each field and level of agreement,
``m`` = how often two records of the same firm or document show that level, ``u`` = how often two different ones
that met in blocking do. The level's weight is log2(m / u) bits: positive is evidence for, negative against; a
pair's weight is the sum over its fields (a field missing on either side says nothing).

The numbers are set by hand from published rates and bookkeeping practice, never fitted: Xero's developer terms
forbid training models on data read through its API, and a customer's records are not ours to fit. Where a number
comes from is said beside it; change one only with a reason written next to it and the benchmark re-run.

A few disagreements are *vetoes*: whatever the sum, the pair is not linked automatically (at most queued for a
person): two names that disagree (identifiers alone never link two names), two different tax numbers, and for
documents two amounts, dates or currencies that disagree (a number alone never links them), or two kinds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    m: float
    u: float
    veto: bool = False

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass
class Evidence:
    """One field's contribution: the values on each side, the level they agree at, its weight and a sentence."""

    field: str
    xero: str | None
    quickbooks: str | None
    level: str
    weight: float
    says: str
    veto: bool = False

    def as_dict(self) -> dict:
        out = {"field": self.field, "xero": self.xero, "quickbooks": self.quickbooks, "level": self.level,
               "weight": round(self.weight, 2), "says": self.says}
        if self.veto:
            out["veto"] = True
        return out


# --- contacts ---------------------------------------------------------------------------------------------------
# name: u for "exact" is the chance two different firms in one set of books carry the same normalised name
# (Companies House refuses a second identical company name; trading names repeat more): about 1 in 10,000. A
# person's full name repeats far more often (ONS: the 100 commonest surnames cover ~1 in 6 people), so less weight.
NAME = {
    "exact": Level(0.85, 0.0001),          # +13.1: same words, same legal form, spelling aside
    "same_core": Level(0.10, 0.0002),      # +9.0: "The", a missing or other legal form, word order
    "same_person": Level(0.80, 0.0015),    # +9.1: same given name and surname; titles, order, punctuation aside
    "typo": Level(0.04, 0.0008),           # +5.6: one or two letters apart (keyboard slips, transpositions)
    "initials": Level(0.04, 0.008),        # +2.3: "J. Smith" ~ "John Smith": compatible, not proof
    "partial": Level(0.01, 0.02, True),    # -1.0: one name has words the other lacks ("... Centre")
    "distinguishing": Level(0.003, 0.05, True),  # -4.1: "(NZ)", "Distribution", "North": another entity
    "different": Level(0.02, 0.95, True),  # -5.6: trading names do differ from legal names, rarely
}
# email: a personal address is held by one firm (u ~ 1e-4 among candidates); a role mailbox (accounts@, info@)
# somewhat more often serves several firms of a group. Shared by several records on one side (a bookkeeper's or a
# group's mailbox): weak evidence whatever its form.
EMAIL = {
    "exact": Level(0.70, 0.0001),          # +12.8
    "exact_role": Level(0.60, 0.0008),     # +9.6
    "shared": Level(0.05, 0.01),           # +2.3: the address is used by several records on one side
    "same_domain": Level(0.10, 0.002),     # +5.6: one firm, two addresses at its own domain
    "different": Level(0.15, 0.95),        # -2.7: people change addresses; firms keep two
}
TAX = {
    "exact": Level(0.90, 0.00005),         # +14.1: a VAT number identifies one registration
    "shared": Level(0.03, 0.005),          # +2.6: a VAT group's number, held by several records on one side
    "different": Level(0.02, 0.99, True),  # -5.6: two registrations are two entities
}
PHONE = {
    "exact": Level(0.60, 0.0002),          # +11.6
    "shared": Level(0.05, 0.01),           # +2.3: a switchboard or an accountant's number
    "different": Level(0.25, 0.95),        # -1.9: a mobile on one side, the office on the other
}
# address: the postcode and first line together (they are not independent, so one field)
ADDRESS = {
    "same": Level(0.70, 0.001),            # +9.5: same first line and postcode
    "same_postcode": Level(0.15, 0.01),    # +3.9: a UK postcode covers ~15 addresses
    "same_area": Level(0.08, 0.06),        # +0.4: same postcode district or town
    "different": Level(0.07, 0.93),        # -3.7: firms move, but seldom between two entries of one firm
}
CURRENCY = {
    "same": Level(0.97, 0.9),              # +0.1
    "different": Level(0.03, 0.10),        # -1.7: billed in another currency
}

# --- documents ----------------------------------------------------------------------------------------------------
NUMBER = {
    "exact": Level(0.85, 0.002),           # +8.7: the same number, as typed
    "same_digits": Level(0.10, 0.006),     # +4.1: prefix, separators or leading zeros aside (INV-0042 ~ 42)
    "prefix_differs": Level(0.005, 0.02),  # -2.0: same digits, different prefixes (DEP-7353 / INV-7353)
    "similar": Level(0.01, 0.02),          # -1.0: a shared last digit group (2025/0042 ~ 2026/0042)
    "different": Level(0.04, 0.97),        # -4.6: each ledger numbered it itself
}
AMOUNT = {
    "exact": Level(0.93, 0.01),            # +6.5: a customer's documents repeat amounts (subscriptions)
    "penny": Level(0.05, 0.002),           # +4.6: rounding of tax per line vs per document
    "different": Level(0.02, 0.988, True),  # -5.6
}
DATE = {
    "same": Level(0.85, 0.02),             # +5.4
    "days": Level(0.12, 0.05),             # +1.3: within 3 days (date entered vs date issued)
    "weeks": Level(0.02, 0.15, True),      # -2.9: within 45 days
    "far": Level(0.009, 0.48, True),       # -5.7: further apart
    "other_year": Level(0.001, 0.30, True),  # -8.2: more than 300 days apart: a number reused next year
}
CONTACT = {"same": Level(0.98, 0.05)}      # +4.3: both to the same (linked) customer or supplier
DOC_CURRENCY = {"same": Level(0.99, 0.95), "different": Level(0.001, 0.05, True)}
LINES = {
    "same": Level(0.70, 0.05),             # +3.8: the same line amounts
    "different": Level(0.30, 0.95),        # -1.7: lines split differently (the total may still agree)
}
KIND = {"different": Level(0.0001, 0.05, True)}


def evidence(table: dict[str, Level], name: str, level: str, xero: object, quickbooks: object, says: str) -> Evidence:
    lv = table[level]
    return Evidence(name, None if xero is None else str(xero), None if quickbooks is None else str(quickbooks),
                    level, lv.weight, says, lv.veto)

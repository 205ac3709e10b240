"""Documents (invoices, bills, credit notes): blocking keys, and the evidence two documents of one (linked)
customer or supplier give: number, amount, date, currency, lines, kind.

A number alone never links two documents whose amount, date or currency disagree: those are vetoes
(``weights.py``), so such a pair is at most queued for a person.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from reconcile.evidence.weights import (AMOUNT, CONTACT, DATE, DOC_CURRENCY, KIND, LINES, NUMBER, Evidence,
                                        evidence)

GONE = ("voided", "deleted")
_GROUPS = re.compile(r"\d+")
_PREFIX = re.compile(r"^[A-Z]+")


def number_parts(number: str | None) -> tuple[str, list[str]]:
    """A document number's letter prefix and its digit groups without leading zeros: 'INV/2026/0042' ->
    ('INV', ['2026', '42'])."""
    text = (number or "").strip().upper()
    prefix = _PREFIX.match(text)
    return (prefix.group(0) if prefix else ""), [g.lstrip("0") or "0" for g in _GROUPS.findall(text)]


def blocking_keys(row: dict[str, Any]) -> list[str]:
    """Keys (to be joined within one customer or supplier): the number's digits, its last digit group, the total,
    the date."""
    keys = set()
    _, groups = number_parts(row.get("number"))
    if groups:
        keys.add("n:" + "/".join(groups))
        keys.add("g:" + groups[-1])
    elif row.get("number"):
        keys.add("n:" + re.sub(r"[^0-9a-z]", "", str(row["number"]).lower()))
    if row.get("total") is not None:
        keys.add(f"t:{Decimal(str(row['total'])).quantize(Decimal('0.01'))}")
    if row.get("date") is not None:
        keys.add(f"d:{row['date']}")
    return sorted(keys)


def _number(x: str | None, q: str | None) -> Evidence | None:
    if not x or not q:
        return None
    if re.sub(r"\s", "", x.upper()) == re.sub(r"\s", "", q.upper()):
        return evidence(NUMBER, "number", "exact", x, q, "Same number.")
    (xp, xg), (qp, qg) = number_parts(x), number_parts(q)
    if xg and xg == qg:
        if xp and qp and xp != qp:
            return evidence(NUMBER, "number", "prefix_differs", x, q,
                            f"Same digits under different prefixes ({xp} / {qp}): often two documents of one job "
                            "(a deposit and the final invoice).")
        return evidence(NUMBER, "number", "same_digits", x, q, "Same number apart from prefix, separators or zeros.")
    # numbers run in sequence, so one digit apart is as different as any other: only a shared last group counts
    if xg and qg and xg[-1] == qg[-1]:
        return evidence(NUMBER, "number", "similar", x, q, "The same last digit group, not the same number.")
    return evidence(NUMBER, "number", "different", x, q, "Different numbers: each ledger may have numbered it.")


def _amount(x: Any, q: Any) -> Evidence | None:
    if x is None or q is None:
        return None
    diff = abs(Decimal(str(x)) - Decimal(str(q)))
    if diff <= Decimal("0.005"):
        return evidence(AMOUNT, "amount", "exact", x, q, "Same total.")
    if diff <= Decimal("0.02"):
        return evidence(AMOUNT, "amount", "penny", x, q, "Totals a penny or two apart (rounding).")
    return evidence(AMOUNT, "amount", "different", x, q, f"Totals differ by {diff}.")


def _date(x: dt.date | None, q: dt.date | None) -> Evidence | None:
    if x is None or q is None:
        return None
    days = abs((x - q).days)
    if days == 0:
        return evidence(DATE, "date", "same", x, q, "Same date.")
    if days <= 3:
        return evidence(DATE, "date", "days", x, q, f"Dates {days} day{'s' if days > 1 else ''} apart.")
    if days <= 45:
        return evidence(DATE, "date", "weeks", x, q, f"Dates {days} days apart.")
    if days <= 300:
        return evidence(DATE, "date", "far", x, q, f"Dates {days} days apart.")
    return evidence(DATE, "date", "other_year", x, q, f"Dates {days} days apart: a number reused in another year?")


def _line_amounts(lines: Any) -> list[str]:
    return sorted(str(Decimal(str(ln.get("line_amount") or "0")).quantize(Decimal("0.01"))) for ln in lines or [])


def compare(x: dict[str, Any], q: dict[str, Any]) -> list[Evidence]:
    """Evidence for and against two staged documents of one linked contact being the same document."""
    out = [evidence(CONTACT, "contact", "same", x.get("contact_id"), q.get("contact_id"),
                    "Both are for the same (linked) customer or supplier.")]
    if x.get("kind") and q.get("kind") and x["kind"] != q["kind"]:
        out.append(evidence(KIND, "kind", "different", x["kind"], q["kind"], "Different kinds of document."))
    # QuickBooks sets a voided document's amounts to zero: then only number and date can speak
    gone = [d for d in (x, q) if d.get("status") in GONE and not d.get("total")]
    amount = None if gone else _amount(x.get("total"), q.get("total"))
    for item in (_number(x.get("number"), q.get("number")), amount, _date(x.get("date"), q.get("date"))):
        if item is not None:
            out.append(item)
    if x.get("currency") and q.get("currency") and x["currency"] != q["currency"]:
        out.append(evidence(DOC_CURRENCY, "currency", "different", x["currency"], q["currency"],
                            "Different currencies."))
    xl, ql = _line_amounts(x.get("lines")), _line_amounts(q.get("lines"))
    if xl and ql and not gone:
        if xl == ql:
            out.append(evidence(LINES, "lines", "same", len(xl), len(ql), "The same line amounts."))
        else:
            out.append(evidence(LINES, "lines", "different", len(xl), len(ql), "The lines differ."))
    return out

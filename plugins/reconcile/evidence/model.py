"""The outcome of a scored pair under a company pair's two thresholds, and what a queued candidate says.

weight >= link, no veto, and clearly ahead of every other candidate of either record  -> linked automatically
weight >= review (or a would-be link held back by a veto or a close rival)              -> queued for a person
below review                                                                            -> not the same: created

The JSON a queued record carries (``ledgerbridge.exceptions.candidates``) is stable and self-explanatory::

    {"model": "evidence-1", "subject": {"ledger": "xero", "id": "...", "label": "..."},
     "thresholds": {"link": 12.0, "review": 4.0},
     "candidates": [{"n": 1, "ledger": "quickbooks", "id": "58", "quickbooks_id": "58", "label": "...",
                     "score": 9.3, "outcome": "review", "why": "...",
                     "evidence": [{"field": "name", "xero": "...", "quickbooks": "...", "level": "same_core",
                                   "weight": 9.0, "says": "..."}, ...]}, ...]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from reconcile.evidence.weights import Evidence

MODEL = "evidence-1"
# a record links only to a partner this many bits ahead of its own and its partner's next-best candidate (64:1)
MARGIN = 6.0
DEFAULT_LINK = 12.0
DEFAULT_REVIEW = 4.0


@dataclass(frozen=True)
class Thresholds:
    link: float = DEFAULT_LINK
    review: float = DEFAULT_REVIEW

    def as_dict(self) -> dict[str, float]:
        return {"link": self.link, "review": self.review}


def total(items: Iterable[Evidence]) -> float:
    return round(sum(e.weight for e in items), 2)


def vetoes(items: Iterable[Evidence]) -> list[Evidence]:
    return [e for e in items if e.veto]


def outcome(weight: float, vetoed: bool, t: Thresholds) -> str:
    """The pair's outcome on its own evidence (rivals aside): link, review or create."""
    if weight >= t.link and not vetoed:
        return "link"
    if weight >= t.review or (vetoed and weight >= t.link):
        return "review"
    return "create"


def odds(weight: float) -> str:
    """A weight in words: 2**weight to 1 for (or against)."""
    ratio = 2 ** abs(weight)
    if ratio < 1.5:
        return "no evidence either way"
    text = f"about {ratio:,.0f} to 1" if ratio < 1e6 else "over a million to 1"
    return f"{text} {'for' if weight > 0 else 'against'}"


def why(weight: float, vetoed: list[Evidence], t: Thresholds, rival: bool = False) -> str:
    """Why a candidate waits for a person rather than being linked or created."""
    if vetoed:
        held = "; ".join(f"{e.field}: {e.says}" for e in vetoed)
        return f"Evidence {weight:+.1f} bits, but never linked automatically while {held}"
    if rival:
        return (f"Evidence {weight:+.1f} bits, but another candidate of one of the two records comes within "
                f"{MARGIN:.0f} bits of it.")
    return f"Evidence {weight:+.1f} bits: between review ({t.review:g}) and link ({t.link:g})."


def candidate(n: int, ledger: str, record_id: str, label: str | None, weight: float, items: list[dict],
              result: str, reason: str) -> dict[str, Any]:
    return {"n": n, "ledger": ledger, "id": record_id, f"{ledger}_id": record_id, "label": label,
            "score": round(weight, 2), "odds": odds(weight), "outcome": result, "why": reason, "evidence": items}


def queued(subject_ledger: str, subject_id: str, label: str | None, candidates: list[dict[str, Any]],
           t: Thresholds) -> dict[str, Any]:
    return {"model": MODEL, "subject": {"ledger": subject_ledger, "id": subject_id, "label": label},
            "thresholds": t.as_dict(), "candidates": candidates}


def sentence(c: dict[str, Any]) -> str:
    """One candidate in a line: its id and label, its score and the fields for and against."""
    pro = ", ".join(f"{e['field']} {e['weight']:+.1f}" for e in c["evidence"] if e["weight"] > 0)
    con = ", ".join(f"{e['field']} {e['weight']:+.1f}" for e in c["evidence"] if e["weight"] <= 0)
    return (f"#{c['n']} {c['ledger']} {c['id']} ({c['label']}): {c['score']:+.1f} bits [for: {pro or '-'}; "
            f"against: {con or '-'}]")

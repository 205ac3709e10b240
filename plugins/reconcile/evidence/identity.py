"""Identity fields of a linked contact (its name and tax number) are not settled by "newest wins".

- Two names that differ only in form (case, spacing, punctuation, "&"/"and", Ltd/Limited) are aligned to the
  tidier spelling, whichever side changed last ("Costa & Sons Ltd" is never overwritten by "costa & sons ltd");
  equally tidy spellings follow the pair's conflict rule.
- Two names that differ beyond form ("The ...", a missing "Ltd", word order, a typo, another name), or two
  different tax numbers, wait in the queue as ``identity_conflict`` for a person to say which is right.
- A tax number is never erased: when one side has none, the other side's is kept on both.
"""

from __future__ import annotations

from typing import Any

from reconcile.evidence.names import form, tidiness

FIELDS = ("name", "norm_tax_number")


def protect(x: dict[str, Any], q: dict[str, Any], diffs: dict[str, tuple[Any, Any]]) -> dict[str, str] | str:
    """For a linked pair's differences: the ledger whose value each identity field must keep ({} when the
    ordinary rules may decide), or the message of an identity conflict that a person must settle."""
    prefer: dict[str, str] = {}
    problems = []
    if "name" in diffs:
        xn, qn = diffs["name"]
        if form(xn) != form(qn):
            problems.append(f"the names differ beyond spelling ({xn!r} / {qn!r})")
        elif tidiness(xn or "") != tidiness(qn or ""):
            prefer["name"] = "xero" if tidiness(xn or "") < tidiness(qn or "") else "quickbooks"
    if "norm_tax_number" in diffs:
        xt, qt = diffs["norm_tax_number"]
        if xt and qt:
            problems.append(f"the tax numbers differ ({x.get('tax_number')} / {q.get('tax_number')})")
        else:
            prefer["norm_tax_number"] = "xero" if xt else "quickbooks"
    if problems:
        return (f"{' and '.join(problems)}; a name or tax number is not settled by 'newest wins'. Correct the wrong "
                "one in its ledger (or, if these are two different firms, remove the link from ledgerbridge.xref).")
    return prefer

"""The mapping check before any write: a mapped code one ledger lacks, or has archived, is named with its line."""

from __future__ import annotations

from reconcile.config import load_pairs
from reconcile.reference import LedgerReference, problems


def full_reference(pair) -> tuple[LedgerReference, LedgerReference]:
    m = pair.mappings
    xero = LedgerReference(accounts={c: True for c in m.accounts}, tax={t.xero: True for t in m.taxes},
                           items={c: True for c in m.items}, tracking={o: True for o in [*m.tracking, *m.departments]})
    qb = LedgerReference(accounts={q: True for q in m.accounts.values()},
                         tax={t.quickbooks: True for t in m.taxes},
                         tax_rates={r: True for t in m.taxes for r in (t.sales_rate, t.purchase_rate) if r},
                         items={q: True for q in [*m.items.values(), *m.account_items.values()]},
                         tracking={c: True for c in m.tracking.values()},
                         departments={d: True for d in m.departments.values()})
    return xero, qb


def test_the_shipped_mapping_passes_against_ledgers_that_have_every_code():
    pair = load_pairs()["harbour"]
    assert problems(pair, *full_reference(pair)) == []


def test_missing_and_archived_codes_are_named_with_their_line():
    pair = load_pairs()["harbour"]
    xero, qb = full_reference(pair)
    del xero.accounts["469"]  # Rent is not in this Xero organisation
    qb.tax["6"] = False  # QuickBooks' zero-rated code was made inactive
    del qb.tracking["5000000000000010002"]
    found = problems(pair, xero, qb)
    line = pair.mappings.lines[("account", "469")]
    assert f"mappings.yaml:{line}: xero has no account '469'" in "\n".join(found)
    assert any("quickbooks tax '6' is archived or inactive" in p for p in found)
    assert any("quickbooks has no tracking '5000000000000010002'" in p and "Region:South" in p for p in found)
    assert len(found) == 4  # ZERORATEDOUTPUT and ZERORATEDINPUT both map to code 6


def test_tracking_mapped_to_departments_is_checked_against_both_ledgers():
    pair = load_pairs()["harbour"]
    xero, qb = full_reference(pair)
    assert pair.mappings.departments == {"Location:Bristol studio": "1", "Location:Cardiff studio": "2"}
    del qb.departments["2"]  # the Cardiff location was never set up in QuickBooks
    xero.tracking["Location:Bristol studio"] = False  # and Bristol's option was archived in Xero
    found = problems(pair, xero, qb)
    cardiff, bristol = (pair.mappings.lines[("tracking", o)] for o in ("Location:Cardiff studio",
                                                                        "Location:Bristol studio"))
    assert found == [
        f"{pair.mappings.path}:{bristol}: xero tracking 'Location:Bristol studio' is archived or inactive (mapped "
        "for 'Location:Bristol studio')",
        f"{pair.mappings.path}:{cardiff}: quickbooks has no department '2' (mapped for 'Location:Cardiff studio')"]


def test_every_tax_entry_is_named_with_its_own_line():
    pair = load_pairs()["harbour"]
    xero, qb = full_reference(pair)
    del xero.tax["RROUTPUT"]
    line = next(t.line for t in pair.mappings.taxes if t.xero == "RROUTPUT")
    assert problems(pair, xero, qb) == [f"{pair.mappings.path}:{line}: xero has no tax 'RROUTPUT' (mapped for "
                                        "'RROUTPUT')"]

"""What each ledger would accept and what the arithmetic must say, on both sides of the seeded books."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from sandbox.seed import reference
from sandbox.seed.model import SeedBooks, SeedInvoice, SideBooks

from .oracle import books

CASES = [(0, 10), (1, 10), (2, 40), (7, 40), (42, 40), (3, 400)]
AS_OF = dt.date(2026, 11, 1)
FIRST = AS_OF - dt.timedelta(days=120)
PENNY = Decimal("0.01")
SALES_TAX = {"OUTPUT2", "RROUTPUT", "ZERORATEDOUTPUT", "EXEMPTOUTPUT", "NONE"}
BILL_TAX = {"INPUT2", "RRINPUT", "ZERORATEDINPUT", "EXEMPTINPUT", "NONE"}
QB_ONLY_TAX = {t.xero_tax_type for t in reference.QB_EXTRA_TAX_RATES}
RATES = {t.xero_tax_type: t.rate for t in reference.TAX_RATES + reference.QB_EXTRA_TAX_RATES}


def sides(b: SeedBooks) -> tuple[SideBooks, SideBooks]:
    return b.xero, b.quickbooks


def round_tax(amount: Decimal, tax_type: str) -> Decimal:
    return (amount * RATES[tax_type] / 100).quantize(PENNY, rounding=ROUND_HALF_UP)


@pytest.fixture(params=CASES, ids=[f"seed{s}-size{n}" for s, n in CASES])
def seeded(request: pytest.FixtureRequest) -> SeedBooks:
    return books(*request.param)


# --- what the ledgers enforce ------------------------------------------------------------------------------------

def test_xero_names_unique_among_active_contacts(seeded: SeedBooks) -> None:
    active = [c.name.lower() for c in seeded.xero.contacts if not c.archived]
    assert [n for n, k in Counter(active).items() if k > 1] == []


def test_quickbooks_display_names_unique_across_customers_and_vendors(seeded: SeedBooks) -> None:
    everyone = [c.name.lower() for c in seeded.quickbooks.contacts]  # inactive ones hold their name too
    assert [n for n, k in Counter(everyone).items() if k > 1] == []
    customers = {c.name.lower() for c in seeded.quickbooks.contacts if c.is_customer}
    vendors = {c.name.lower() for c in seeded.quickbooks.contacts if c.is_supplier}
    assert customers.isdisjoint(vendors)


def test_contact_shape(seeded: SeedBooks) -> None:
    abroad = {r["key"] for r in seeded.truth["contacts"] if "foreign_currency" in r["differences"]}
    for side in sides(seeded):
        for c in side.contacts:
            assert c.is_customer != c.is_supplier, c  # a customer or a supplier, never both
            assert c.name == c.name.strip() and ":" not in c.name and 0 < len(c.name) <= 100
            assert c.currency in side.currencies
            if c.key in abroad:
                # billed abroad in its own currency (QuickBooks has no EUR: its copy stays in GBP)
                assert c.is_customer and c.country in ("US", "IE") and c.tax_number is None and c.phone is None
                assert c.currency == ("GBP" if side.ledger == "quickbooks" and c.country == "IE" else
                                      {"US": "USD", "IE": "EUR"}[c.country])
            else:
                assert c.currency == "GBP" and c.country == "GB"
            assert c.payment_terms_days in (14, 30)
            if c.tax_number:
                digits = re.sub(r"\D", "", c.tax_number)
                assert re.fullmatch(r"GB ?\d{3} ?\d{4} ?\d{2}", c.tax_number) and len(digits) == 9
                weighted = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
                assert (weighted + int(digits[7:])) % 97 == 0  # HMRC's check digits
            if c.email:
                assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z.]+", c.email, re.I)


def test_ids(seeded: SeedBooks) -> None:
    for c in seeded.xero.contacts:
        assert uuid.UUID(c.xero_id).version == 5
    for inv in seeded.xero.invoices:
        assert uuid.UUID(inv.xero_id).version == 5
    # one QuickBooks sequence per entity type, from 1 with no gaps, in creation order; one id per QuickBooks
    # payment (the payments of a group share theirs; overpayments are Payments too)
    qb = seeded.quickbooks
    for ids in ([c.qb_id for c in qb.contacts if c.is_customer], [c.qb_id for c in qb.contacts if c.is_supplier],
                [i.qb_id for i in qb.invoices if i.kind == "sales"], [i.qb_id for i in qb.invoices if i.kind == "bill"],
                list({p.qb_id for i in qb.invoices if i.kind == "sales" for p in i.payments} |
                     {o.qb_id for o in qb.overpayments}),
                [p.qb_id for i in qb.invoices if i.kind == "bill" for p in i.payments]):
        assert sorted(int(i) for i in ids) == list(range(1, len(ids) + 1))
    for kind in ("sales", "bill"):
        docs = sorted((i for i in qb.invoices if i.kind == kind), key=lambda i: int(i.qb_id))
        assert [d.date for d in docs] == sorted(d.date for d in docs)
    every = [c.xero_id for c in seeded.xero.contacts] + [i.xero_id for i in seeded.xero.invoices] + \
        [p.xero_id for i in seeded.xero.invoices for p in i.payments]
    assert len(every) == len(set(every))


def test_references_only_reference_data(seeded: SeedBooks) -> None:
    accounts = {a.code: a for a in reference.ACCOUNTS}
    items = {i.code for i in reference.ITEMS}
    unmapped = {r["key"] for r in seeded.truth["invoices"] if "unmapped_tax_code:quickbooks" in r["differences"]}
    for side in sides(seeded):
        assert side.accounts == reference.ACCOUNTS and items < {i.code for i in side.items}
        assert side.organisation_name == "Harbour & Finch Ltd"
        assert side.tracking == reference.TRACKING
        for inv in side.invoices:
            assert 1 <= len(inv.lines) <= 5
            assert inv.currency in side.currencies
            assert inv.currency_rate == (1 if inv.currency == "GBP" else reference.RATES[inv.currency])
            for ln in inv.lines:
                assert ln.item_code is None or ln.item_code in items  # lines use the shared items only
                kind = accounts[ln.account_code].kind
                if inv.kind == "sales":
                    assert ln.account_code in ("200", "260") and ln.tax_type in SALES_TAX
                elif inv.key in unmapped:
                    assert side.ledger == "quickbooks" and ln.tax_type in QB_ONLY_TAX
                    assert ln.tax_type in {t.xero_tax_type for t in side.extra_tax_rates}
                else:
                    assert kind in ("expense", "direct_costs") and ln.tax_type in BILL_TAX
                assert ln.quantity > 0 and ln.unit_amount > 0
                assert ln.unit_amount == ln.unit_amount.quantize(PENNY)
                assert ln.quantity * ln.unit_amount == ln.line_amount  # no half pennies to round either way
            for p in inv.payments:
                assert accounts[p.account_code].kind == "bank"
        assert any(len(i.lines) > 1 for i in side.invoices)


def test_dates_in_the_window(seeded: SeedBooks) -> None:
    contacts = {c.key: c for side in sides(seeded) for c in side.contacts}
    as_of = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    for side in sides(seeded):
        for c in side.contacts:
            assert as_of - dt.timedelta(days=121) <= c.updated_at < as_of
        for inv in side.invoices:
            assert FIRST <= inv.date < AS_OF
            assert inv.due_date == inv.date + dt.timedelta(days=contacts[inv.contact_key].payment_terms_days)
            assert inv.updated_at.tzinfo is not None and inv.updated_at < as_of
            assert inv.updated_at.date() >= max([inv.date] + [p.date for p in inv.payments])
            for p in inv.payments:
                assert inv.date <= p.date < AS_OF


def test_documents_name_contacts_of_their_side(seeded: SeedBooks) -> None:
    for side in sides(seeded):
        contacts = {c.key: c for c in side.contacts}
        for inv in side.invoices:
            c = contacts[inv.contact_key]
            assert c.is_customer if inv.kind == "sales" else c.is_supplier
            assert not c.archived  # archived contacts did no business in the window
            assert inv.currency == c.currency  # QuickBooks: a transaction is in its customer's currency


def test_numbers(seeded: SeedBooks) -> None:
    xero_sales = [i.number for i in seeded.xero.invoices if i.kind == "sales"]
    assert all(re.fullmatch(r"INV-\d{4,}", n) for n in xero_sales)  # Xero numbers every sales invoice
    assert len(xero_sales) == len(set(xero_sales))
    qb_sales = [i.number for i in seeded.quickbooks.invoices if i.kind == "sales" and i.number]
    assert len(qb_sales) == len(set(qb_sales)) and all(len(n) <= 21 for n in qb_sales)
    for side in sides(seeded):
        per_supplier = [(i.contact_key, i.number) for i in side.invoices if i.kind == "bill" and i.number]
        assert len(per_supplier) == len(set(per_supplier))
        assert all(i.reference is None for i in side.invoices if i.kind == "bill")  # Reference is ACCREC only


# --- arithmetic --------------------------------------------------------------------------------------------------

def test_xero_rounds_tax_per_line(seeded: SeedBooks) -> None:
    for inv in seeded.xero.invoices:
        for ln in inv.lines:
            assert ln.tax_amount == round_tax(ln.line_amount, ln.tax_type)
        assert inv.total == inv.subtotal + sum(ln.tax_amount for ln in inv.lines)


def test_quickbooks_rounds_tax_per_invoice(seeded: SeedBooks) -> None:
    for inv in seeded.quickbooks.invoices:
        by_rate: dict[str, list] = {}
        for ln in inv.lines:
            by_rate.setdefault(ln.tax_type, []).append(ln)
        for tax_type, lines in by_rate.items():
            net = sum(ln.line_amount for ln in lines)
            assert sum(ln.tax_amount for ln in lines) == round_tax(net, tax_type)
            for ln in lines:  # shown on the lines, the rounding on the last one
                assert abs(ln.tax_amount - round_tax(ln.line_amount, ln.tax_type)) <= PENNY
        assert inv.total == inv.subtotal + inv.total_tax


def pairs(b: SeedBooks) -> list[tuple[SeedInvoice, SeedInvoice, list[str]]]:
    qb = {i.key: i for i in b.quickbooks.invoices}
    tags = {r["key"]: r["differences"] for r in b.truth["invoices"]}
    return [(x, qb[x.key], tags[x.key]) for x in b.xero.invoices if x.key in qb]


def test_tax_cent_cases_differ_by_one_penny(seeded: SeedBooks) -> None:
    found = 0
    for x, q, tags in pairs(seeded):
        if "tax_cent" in tags:
            found += 1
            assert abs(x.total - q.total) == PENNY
            assert x.subtotal == q.subtotal
            # a real rounding difference: the lines are the same, only the tax on them is rounded differently
            assert [(a.description, a.line_amount, a.tax_type) for a in x.lines] == \
                [(a.description, a.line_amount, a.tax_type) for a in q.lines]
        else:
            assert x.total == q.total and [ln.tax_amount for ln in x.lines] == [ln.tax_amount for ln in q.lines]
    assert found >= 1


def test_payments_and_status(seeded: SeedBooks) -> None:
    for side in sides(seeded):
        for inv in side.invoices:
            assert all(p.amount > 0 for p in inv.payments)
            # what stands (payments not deleted, credit allocated) never exceeds the total
            assert inv.amount_paid == sum(p.amount for p in inv.payments if not p.deleted)
            assert inv.amount_paid + inv.amount_credited <= inv.total
            if inv.status in ("voided", "deleted", "draft"):
                assert inv.payments == []  # Xero voids only unpaid documents; drafts take no payments
                assert inv.amount_credited == 0
            elif inv.status == "paid":
                assert inv.amount_paid == inv.total and inv.amount_due == 0
            else:
                assert inv.status == "authorised" and inv.amount_paid < inv.total and inv.amount_due > 0
            dates = [p.date for p in inv.payments]
            assert dates == sorted(dates)
            assert len({p.key for p in inv.payments}) == len(inv.payments)
        assert all(i.status != "draft" for i in seeded.quickbooks.invoices)  # QuickBooks has no drafts
    statuses = {i.status for side in sides(seeded) for i in side.invoices}
    assert {"authorised", "paid", "voided"} <= statuses


def test_a_payment_held_by_both_sides_is_the_same_payment(seeded: SeedBooks) -> None:
    for x, q, _ in pairs(seeded):
        xp, qp = {p.key: p for p in x.payments}, {p.key: p for p in q.payments}
        for key in xp.keys() & qp.keys():
            a, b = xp[key], qp[key]
            assert (a.date, a.amount, a.account_code, a.reference) == (b.date, b.amount, b.account_code, b.reference)
            assert a.xero_id and a.qb_id and (a.xero_id, a.qb_id) == (b.xero_id, b.qb_id)
        for key in xp.keys() - qp.keys():
            assert xp[key].qb_id is None
        for key in qp.keys() - xp.keys():
            assert qp[key].xero_id is None

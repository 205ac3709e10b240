"""The entities of issue 4 in the seeded books: arithmetic, what the ledgers enforce, ids, and the truth about them
(computed from the side books here, not taken from the generator's own bookkeeping)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import struct
import uuid
import zlib
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from sandbox.seed import reference
from sandbox.seed.model import SeedBooks, SideBooks

from .oracle import books

CASES = [(0, 10), (1, 10), (2, 40), (7, 40), (42, 40), (3, 400)]
AS_OF = dt.date(2026, 11, 1)
FIRST = AS_OF - dt.timedelta(days=120)
PENNY = Decimal("0.01")
RATES = {t.xero_tax_type: t.rate for t in reference.TAX_RATES + reference.QB_EXTRA_TAX_RATES}
ACCOUNTS = {a.code: a for a in reference.ACCOUNTS}
SIDES = ("xero", "quickbooks")


@pytest.fixture(params=CASES, ids=[f"seed{s}-size{n}" for s, n in CASES])
def seeded(request: pytest.FixtureRequest) -> SeedBooks:
    return books(*request.param)


def side(b: SeedBooks, name: str) -> SideBooks:
    return b.xero if name == "xero" else b.quickbooks


def tax(amount: Decimal, tax_type: str) -> Decimal:
    return (amount * RATES[tax_type] / 100).quantize(PENNY, rounding=ROUND_HALF_UP)


# --- reference lists ---------------------------------------------------------------------------------------------

def test_side_reference_lists(seeded: SeedBooks) -> None:
    assert seeded.xero.currencies == reference.XERO_CURRENCIES
    assert seeded.quickbooks.currencies == reference.QUICKBOOKS_CURRENCIES
    assert "EUR" in seeded.xero.currencies and "EUR" not in seeded.quickbooks.currencies
    assert seeded.xero.extra_tax_rates == reference.XERO_EXTRA_TAX_RATES and seeded.quickbooks.extra_tax_rates == reference.QB_EXTRA_TAX_RATES
    for s in SIDES:
        assert side(seeded, s).tracking == reference.TRACKING


def test_items(seeded: SeedBooks) -> None:
    x = {i.code: i for i in seeded.xero.items}
    q = {i.code: i for i in seeded.quickbooks.items}
    ref = {i.code: i for i in reference.ITEMS}
    assert set(ref) < set(x) and set(ref) < set(q)
    assert len(set(x) - set(ref)) == 1 and len(set(q) - set(ref)) == 1 and not (set(x) - set(ref)) & set(q)
    changed = [c for c in ref if x[c] != q[c]]
    assert len(changed) == 1  # one shared item differs, in its price or its description only
    a, b = x[changed[0]], q[changed[0]]
    assert (a.unit_price != b.unit_price) != (a.description != b.description)
    assert (a.code, a.name, a.xero_id, a.qb_id) == (b.code, b.name, b.xero_id, b.qb_id)
    for item in x.values():
        assert uuid.UUID(item.xero_id) == uuid.UUID(reference.stable_uuid("item", item.code))
        assert (item.qb_id is None) == (item.code not in q)
    qb_only = [i for i in q.values() if i.code not in x]
    assert all(i.xero_id is None and int(i.qb_id) >= 20 for i in qb_only)
    assert len({i.qb_id for i in q.values()}) == len(q) and len({i.name.lower() for i in q.values()}) == len(q)
    truth = {r["key"]: r for r in seeded.truth["items"]}
    assert set(truth) == set(x) | set(q)
    for code, r in truth.items():
        assert r["match"] == ("pair" if code in x and code in q else "single")
        assert r["xero_price"] == (f"{x[code].unit_price:.2f}" if code in x else None)
        assert r["qb_price"] == (f"{q[code].unit_price:.2f}" if code in q else None)
    [tag] = truth[changed[0]]["differences"]
    what, where = tag.split(":")
    moved = a if where == "xero" else b
    assert getattr(moved, what) != getattr(ref[changed[0]], what)


# --- invoices: currency, tracking, payments -----------------------------------------------------------------------

def test_foreign_documents(seeded: SeedBooks) -> None:
    rows = {r["key"]: r for r in seeded.truth["invoices"]}
    for s in SIDES:
        contacts = {c.key: c for c in side(seeded, s).contacts}
        for inv in side(seeded, s).invoices:
            tags = rows[inv.key]["differences"]
            assert (inv.currency != "GBP") == ("foreign_currency" in tags)
            assert rows[inv.key]["currency"] == inv.currency
            if inv.currency == "GBP":
                continue
            assert inv.kind == "sales" and inv.currency in side(seeded, s).currencies
            assert inv.currency_rate == reference.RATES[inv.currency] and contacts[inv.contact_key].currency == \
                inv.currency
            assert all(ln.tax_type == "NONE" for ln in inv.lines)  # services abroad: outside the scope of UK VAT
            for p in inv.payments:  # paid into the bank account of the currency
                assert ACCOUNTS[p.account_code].currency == inv.currency
    for r in rows.values():
        if r["currency"] == "EUR":
            assert r["qb_id"] is None and "currency_not_enabled:quickbooks" in r["differences"]


def test_tracking_names_reference_options(seeded: SeedBooks) -> None:
    options = {(c.name, o.name) for c in reference.TRACKING for o in c.options}
    for s in SIDES:
        b = side(seeded, s)
        lines = [ln for i in b.invoices for ln in i.lines] + [ln for t in b.bank_transactions for ln in t.lines] + \
            [ln for j in b.journals for ln in j.lines]
        for ln in lines:
            assert len(ln.tracking) <= 2 and set(ln.tracking) <= options
        assert any(ln.tracking for ln in lines)


def test_payments_of_one_quickbooks_payment(seeded: SeedBooks) -> None:
    groups: dict[str, list] = {}
    for s in SIDES:
        for inv in side(seeded, s).invoices:
            for p in inv.payments:
                if p.group:
                    groups.setdefault(p.group, []).append((s, inv, p))
    if seeded.size >= 40:
        assert groups
    for members in groups.values():
        qb = [(inv, p) for s, inv, p in members if s == "quickbooks"]
        xero = [(inv, p) for s, inv, p in members if s == "xero"]
        assert len(qb) == len(xero) >= 2 and len({inv.key for inv, _ in qb}) == len(qb)
        assert len({p.qb_id for _, p in qb}) == 1  # one QuickBooks Payment ...
        assert len({p.xero_id for _, p in xero}) == len(xero)  # ... a Xero payment per invoice
        assert len({(p.date, p.account_code, p.reference) for _, p in qb + xero}) == 1
        assert len({inv.contact_key for inv, _ in qb}) == 1 and all(inv.kind == "sales" for inv, _ in qb)
    rows = [p for p in seeded.truth["payments"] if p["group"]]
    assert {p["group"] for p in rows} == set(groups)


def test_deleted_payments(seeded: SeedBooks) -> None:
    for s in SIDES:
        for inv in side(seeded, s).invoices:
            for p in inv.payments:
                if p.deleted:
                    assert inv.status in ("authorised", "paid") and inv.date <= p.date
    truth = {p["key"]: p for p in seeded.truth["payments"]}
    for p in truth.values():
        if p["deleted_on"] == "quickbooks":  # recorded in QuickBooks only, then deleted there (gone)
            assert p["presence"] == "quickbooks" and p["qb_id"] and p["xero_id"] is None
        elif p["deleted_on"] == "xero":  # Status DELETED in Xero, still held by QuickBooks
            assert p["presence"] == "both" and p["kind"] == "sales"
            q = next(pp for i in seeded.quickbooks.invoices for pp in i.payments if pp.key == p["key"])
            assert not q.deleted


# --- credit notes ------------------------------------------------------------------------------------------------

def test_credit_notes_arithmetic_and_allocations(seeded: SeedBooks) -> None:
    for s in SIDES:
        b = side(seeded, s)
        docs = {i.key: i for i in b.invoices}
        contacts = {c.key: c for c in b.contacts}
        credited: Counter[str] = Counter()
        for note in b.credit_notes:
            assert FIRST <= note.date < AS_OF and note.currency == "GBP" and note.currency_rate == 1
            assert contacts[note.contact_key].is_customer == (note.kind == "sales") and \
                not contacts[note.contact_key].archived
            for ln in note.lines:
                assert ln.quantity > 0 and ln.unit_amount > 0 and ln.tax_amount == tax(ln.line_amount, ln.tax_type)
            assert note.total == note.subtotal + note.total_tax > 0
            assert note.amount_allocated <= note.total and note.remaining_credit == note.total - note.amount_allocated
            assert note.status == ("voided" if note.status == "voided" else
                                   "paid" if note.remaining_credit == 0 else "authorised")
            if note.status == "voided":
                assert note.allocations == []
            for key, amount, day in note.allocations:
                inv = docs[key]  # allocated to a document this ledger holds, of the same contact and side
                assert inv.kind == ("sales" if note.kind == "sales" else "bill") and inv.contact_key == note.contact_key
                assert 0 < amount and day >= max(inv.date, note.date) and day < AS_OF
                assert inv.status == "authorised" and inv.currency == note.currency
                credited[key] += amount
        for inv in b.invoices:
            assert inv.amount_credited == credited.get(inv.key, 0)
            assert inv.amount_paid + inv.amount_credited < inv.total or inv.amount_credited == 0
        # what each ledger enforces on numbers
        xero_numbers = [n.number for n in seeded.xero.credit_notes]
        assert all(xero_numbers) and len(xero_numbers) == len(set(xero_numbers))
        memos = [n.number for n in seeded.quickbooks.credit_notes if n.kind == "sales" and n.number]
        assert len(memos) == len(set(memos)) and all(len(n) <= 21 for n in memos)
        vendor = [(n.contact_key, n.number) for n in seeded.quickbooks.credit_notes if n.kind == "purchase"]
        assert len(vendor) == len(set(vendor))


def test_credit_note_truth(seeded: SeedBooks) -> None:
    x = {n.key: n for n in seeded.xero.credit_notes}
    q = {n.key: n for n in seeded.quickbooks.credit_notes}
    rows = seeded.truth["credit_notes"]
    assert {r["key"] for r in rows} == set(x) | set(q)
    assert set(q) <= set(x)  # they flow Xero -> QuickBooks: none is in QuickBooks only
    for r in rows:
        a, b = x.get(r["key"]), q.get(r["key"])
        assert (r["xero_id"], r["qb_id"]) == (a.xero_id if a else None, b.qb_id if b else None)
        assert r["match"] == ("pair" if a and b else "single")
        tags = set(r["differences"])
        assert ("only_xero" in tags) == (b is None)
        for rec, prefix in ((a, "xero"), (b, "qb")):
            if rec is not None:
                assert (rec.kind, rec.contact_key, rec.number, rec.status) == (
                    r["kind"], r["contact_key"], r[f"{prefix}_number"], r[f"{prefix}_status"])
                assert r[f"{prefix}_total"] == f"{rec.total:.2f}" and r[f"{prefix}_remaining"] == \
                    f"{rec.remaining_credit:.2f}"
        if a and b:
            assert (a.date, a.contact_key, a.total, a.reference) == (b.date, b.contact_key, b.total, b.reference)
            assert [(ln.description, ln.line_amount, ln.tax_type, ln.account_code) for ln in a.lines] == \
                [(ln.description, ln.line_amount, ln.tax_type, ln.account_code) for ln in b.lines]
            assert (a.number != b.number) == ("number_prefix" in tags)
            if "number_prefix" in tags:
                assert a.number == "CN-" + b.number
            assert ((a.status, b.status) == ("voided", "authorised")) == ("voided_one_side:xero" in tags)
            assert (a.allocations != b.allocations) == ("allocated_one_side:xero" in tags)
            if "allocated_one_side:xero" in tags:
                assert b.allocations == []
        allocated = a.allocations if a else []
        assert bool(allocated) == ("allocated" in tags)
        if allocated:
            assert ("fully_allocated" in tags) == (a.remaining_credit == 0) != ("part_allocated" in tags)


def test_credit_note_pairs_are_findable(seeded: SeedBooks) -> None:
    """Contact, date and amount tell every credit note from the others of its kind, on either side."""
    for s in SIDES:
        seen = Counter((n.kind, n.contact_key, n.date, n.total) for n in side(seeded, s).credit_notes)
        assert max(seen.values(), default=1) == 1


# --- overpayments ------------------------------------------------------------------------------------------------

def test_overpayments(seeded: SeedBooks) -> None:
    rows = {r["key"]: r for r in seeded.truth["overpayments"]}
    x = {o.key: o for o in seeded.xero.overpayments}
    q = {o.key: o for o in seeded.quickbooks.overpayments}
    assert set(rows) == set(q) and set(x) <= set(q)  # on both sides, or in QuickBooks only
    assert any(r["match"] == "pair" for r in rows.values()) and any(r["match"] == "single" for r in rows.values())
    qb_payments = {p.qb_id for i in seeded.quickbooks.invoices if i.kind == "sales" for p in i.payments}
    for key, o in q.items():
        contact = next(c for c in seeded.quickbooks.contacts if c.key == o.contact_key)
        assert contact.is_customer and not contact.archived and o.amount > 0 and FIRST <= o.date < AS_OF
        assert ACCOUNTS[o.account_code].kind == "bank" and o.qb_id not in qb_payments
        if key in x:
            a = x[key]
            assert (a.contact_key, a.date, a.amount, a.account_code, a.xero_id, a.qb_id) == (
                o.contact_key, o.date, o.amount, o.account_code, o.xero_id, o.qb_id)
            assert uuid.UUID(a.xero_id).version == 5
        else:
            assert o.xero_id is None and rows[key]["differences"] == ["only_quickbooks"]
        assert (rows[key]["xero_id"], rows[key]["qb_id"], rows[key]["amount"]) == (
            o.xero_id, o.qb_id, f"{o.amount:.2f}")


# --- bank transactions and expenses ------------------------------------------------------------------------------

def test_bank_transactions_arithmetic(seeded: SeedBooks) -> None:
    for s in SIDES:
        b = side(seeded, s)
        contacts = {c.key: c for c in b.contacts}
        for t in b.bank_transactions:
            assert FIRST <= t.date < AS_OF and ACCOUNTS[t.bank_account_code].kind == "bank"
            assert 1 <= len(t.lines) <= 2 and t.currency == "GBP"
            for ln in t.lines:
                assert ln.amount > 0 and ln.tax_amount == tax(ln.amount, ln.tax_type)
                kind = ACCOUNTS[ln.account_code].kind
                assert kind in (("revenue", "expense", "direct_costs") if t.kind == "receive" else
                                ("expense", "direct_costs"))
                if t.kind == "spend":
                    assert ln.tax_type in {"INPUT2", "RRINPUT", "ZERORATEDINPUT", "EXEMPTINPUT", "NONE"}
            assert t.total == t.subtotal + t.total_tax > 0
            if s == "xero":
                assert t.contact_key is not None  # Xero needs a contact on SPEND and RECEIVE
            if t.contact_key is not None:
                c = contacts[t.contact_key]
                assert not c.archived and c.currency == "GBP"
            assert t.payment_type in ("Cash", "Check")  # no credit-card account in the shared chart
            assert t.status in ("authorised", "voided") and (t.status == "voided") <= (s == "xero")


def test_bank_truth_and_pairs(seeded: SeedBooks) -> None:
    x = {t.key: t for t in seeded.xero.bank_transactions}
    q = {t.key: t for t in seeded.quickbooks.bank_transactions}
    rows = {r["key"]: r for r in seeded.truth["bank_transactions"]}
    assert set(rows) == set(x) | set(q)
    for key, r in rows.items():
        a, b = x.get(key), q.get(key)
        assert (r["xero_id"], r["qb_id"]) == (a.xero_id if a else None, b.qb_id if b else None)
        assert r["match"] == ("pair" if a and b else "single")
        assert r["origin"] == ("xero" if key.startswith("bank-") else "quickbooks")
        assert r["qb_entity"] == ("Deposit" if r["kind"] == "receive" else "Purchase")
        if r["origin"] == "quickbooks":
            assert r["kind"] == "spend" and b is not None  # expenses are keyed in QuickBooks
        else:
            assert a is not None
        tags = set(r["differences"])
        assert (f"only_{r['origin']}" in tags) == (r["match"] == "single")
        if a and b:
            assert (a.kind, a.date, a.bank_account_code, a.total, a.reference) == (
                b.kind, b.date, b.bank_account_code, b.total, b.reference)
            assert [(ln.description, ln.amount, ln.account_code, ln.tax_type) for ln in a.lines] == \
                [(ln.description, ln.amount, ln.account_code, ln.tax_type) for ln in b.lines]
            assert ((a.status, b.status) == ("voided", "authorised")) == ("voided_one_side:xero" in tags)
            if a.contact_key != b.contact_key:
                assert b.contact_key is None and "missing_contact:quickbooks" in tags
            xt, qt = [ln.tracking for ln in a.lines], [ln.tracking for ln in b.lines]
            if xt != qt:
                s = "xero" if any(xt) else "quickbooks"
                assert f"tracking_one_side:{s}" in tags
        tracked = any(ln.tracking for t in (a, b) if t for ln in t.lines)
        assert tracked == ("tracking" in tags)
    # kind, date and amount tell every transaction from the others, across both ledgers
    keyed = Counter((t.kind, t.date, t.total) for t in list(x.values()) + [t for k, t in q.items() if k not in x])
    assert max(keyed.values()) == 1
    # QuickBooks: a Purchase's DocNumber (a cheque number, a receipt number) is unique
    numbers = [t.reference for t in q.values() if t.kind == "spend" and t.reference]
    assert len(numbers) == len(set(numbers))
    assert all(t.reference for t in q.values() if t.payment_type == "Check")


# --- journals ----------------------------------------------------------------------------------------------------

def test_journals_balance(seeded: SeedBooks) -> None:
    for s in SIDES:
        for j in side(seeded, s).journals:
            assert len(j.lines) >= 2 and sum(ln.amount for ln in j.lines) == 0
            assert all(ln.amount != 0 and ln.amount == ln.amount.quantize(PENNY) for ln in j.lines)
            assert j.total == sum(ln.amount for ln in j.lines if ln.amount > 0) > 0
            # never Accounts Receivable, Accounts Payable or VAT: the control totals stay the invoices' business
            assert all(ACCOUNTS[ln.account_code].kind not in ("receivable", "payable", "current_liability")
                       for ln in j.lines)
            assert FIRST <= j.date < AS_OF and j.status in ("posted", "deleted")
            assert j.narration and (j.number is None) == (s == "xero")
    x = {j.key: j for j in seeded.xero.journals}
    q = {j.key: j for j in seeded.quickbooks.journals}
    assert set(x) <= set(q) and len([j for j in q.values() if j.status == "deleted"]) >= 1
    numbers = [j.number for j in q.values()]
    assert len(numbers) == len(set(numbers))
    for key, a in x.items():
        b = q[key]
        assert (a.narration, a.date, a.status) == (b.narration, b.date, b.status) == (a.narration, a.date, "posted")
        assert [(ln.description, ln.account_code, ln.amount, ln.tracking) for ln in a.lines] == \
            [(ln.description, ln.account_code, ln.amount, ln.tracking) for ln in b.lines]
    for r in seeded.truth["journals"]:
        a, b = x.get(r["key"]), q[r["key"]]
        assert (r["xero_id"], r["qb_id"], r["qb_number"], r["qb_status"]) == (
            a.xero_id if a else None, b.qb_id, b.number, b.status)
        assert r["match"] == ("pair" if a else "single") and r["total"] == f"{b.total:.2f}"
        assert ("deleted" in r["differences"]) == (b.status == "deleted") <= (a is None)
    assert len(seeded.truth["journals"]) == len(q)


# --- attachments -------------------------------------------------------------------------------------------------

def _valid_pdf(content: bytes) -> bool:
    assert content.startswith(b"%PDF-1.") and content.rstrip().endswith(b"%%EOF")
    start = int(content.rsplit(b"startxref", 1)[1].split()[0])
    assert content[start:start + 4] == b"xref"
    entries = re.findall(rb"(\d{10}) 00000 n ", content[start:])
    for n, offset in enumerate(entries, start=1):  # each object where the table says it is
        assert content[int(offset):].startswith(f"{n} 0 obj".encode())
    return bool(entries)


def _valid_png(content: bytes) -> bool:
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    pos, chunks, data = 8, [], b""
    while pos < len(content):
        (length,) = struct.unpack(">I", content[pos:pos + 4])
        kind, body = content[pos + 4:pos + 8], content[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", content[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append(kind)
        data += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", content[16:26])
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and (depth, colour) == (8, 0)
    return len(zlib.decompress(data)) == height * (width + 1)


def test_attachments(seeded: SeedBooks) -> None:
    q_bills = {i.key: i for i in seeded.quickbooks.invoices if i.kind == "bill"}
    x_bills = {i.key: i for i in seeded.xero.invoices if i.kind == "bill"}
    q = {a.key: a for a in seeded.quickbooks.attachments}
    x = {a.key: a for a in seeded.xero.attachments}
    live = [b for b in q_bills.values() if b.status != "deleted"]
    assert len(q) >= min(3, len(live)) and set(x) <= set(q) and x
    for a in q.values():
        assert a.owner_kind == "bill" and q_bills[a.owner_key].status != "deleted"
        assert 0 < len(a.content) < 5000 and a.qb_id
        assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*\.(pdf|png)", a.file_name)
        if a.mime_type == "application/pdf":
            assert a.file_name.endswith(".pdf") and _valid_pdf(a.content)
        else:
            assert a.mime_type == "image/png" and a.file_name.endswith(".png") and _valid_png(a.content)
        if a.key in x:
            assert x[a.key] == a and a.owner_key in x_bills and uuid.UUID(a.xero_id).version == 5
        else:
            assert a.xero_id is None
    assert sorted(int(a.qb_id) for a in q.values()) == list(range(1, len(q) + 1))
    for r in seeded.truth["attachments"]:
        a = q[r["key"]]
        assert (r["owner_key"], r["file_name"], r["size"], r["sha256"], r["qb_id"], r["xero_id"]) == (
            a.owner_key, a.file_name, len(a.content), hashlib.sha256(a.content).hexdigest(), a.qb_id, a.xero_id)
        assert r["match"] == ("pair" if a.key in x else "single")


# --- ids across entities -----------------------------------------------------------------------------------------

def test_ids_of_the_new_entities(seeded: SeedBooks) -> None:
    qb = seeded.quickbooks
    for ids in ([n.qb_id for n in qb.credit_notes if n.kind == "sales"],
                [n.qb_id for n in qb.credit_notes if n.kind == "purchase"],
                [t.qb_id for t in qb.bank_transactions if t.kind == "receive"],
                [t.qb_id for t in qb.bank_transactions if t.kind == "spend"],
                [j.qb_id for j in qb.journals]):
        assert sorted(int(i) for i in ids) == list(range(1, len(ids) + 1))
    for group in (qb.credit_notes, qb.bank_transactions, qb.journals):
        for kind in {getattr(r, "kind", None) for r in group}:
            mine = sorted((r for r in group if getattr(r, "kind", None) == kind), key=lambda r: int(r.qb_id))
            assert [r.date for r in mine] == sorted(r.date for r in mine)  # created in date order
    x = seeded.xero
    every = [c.xero_id for c in x.contacts] + [i.xero_id for i in x.invoices] + \
        [p.xero_id for i in x.invoices for p in i.payments] + [n.xero_id for n in x.credit_notes] + \
        [o.xero_id for o in x.overpayments] + [t.xero_id for t in x.bank_transactions] + \
        [j.xero_id for j in x.journals] + [a.xero_id for a in x.attachments] + [i.xero_id for i in x.items]
    assert all(every) and len(every) == len(set(every))
    for rec in x.credit_notes + x.bank_transactions + x.journals:
        assert uuid.UUID(rec.xero_id).version == 5


def test_updated_at_follows_the_record(seeded: SeedBooks) -> None:
    as_of = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    for s in SIDES:
        b = side(seeded, s)
        for rec in b.credit_notes + b.overpayments + b.bank_transactions + b.journals:
            assert rec.updated_at.tzinfo is not None and rec.date <= rec.updated_at.date() and rec.updated_at < as_of
        for inv in b.invoices:
            latest = max([inv.date] + [p.date for p in inv.payments] +
                         [d for n in b.credit_notes for k, _, d in n.allocations if k == inv.key])
            assert inv.updated_at.date() >= latest


# --- control totals ----------------------------------------------------------------------------------------------

def _balances(b: SideBooks) -> dict[str, dict[str, Decimal]]:
    """Receivables and payables per contact in the home currency, from the records' own fields."""
    out: dict[str, dict[str, Decimal]] = {"receivables": {}, "payables": {}}

    def add(kind: str, contact: str, amount: Decimal, rate: Decimal) -> None:
        gbp = (amount / rate).quantize(PENNY, rounding=ROUND_HALF_UP)
        out[kind][contact] = out[kind].get(contact, Decimal("0")) + gbp

    for inv in b.invoices:
        if inv.status == "authorised":
            paid = sum((p.amount for p in inv.payments if not p.deleted), Decimal("0"))
            add("receivables" if inv.kind == "sales" else "payables", inv.contact_key,
                inv.total - paid - inv.amount_credited, inv.currency_rate)
    for note in b.credit_notes:
        if note.status == "authorised":
            left = note.total - sum((a for _, a, _ in note.allocations), Decimal("0"))
            add("receivables" if note.kind == "sales" else "payables", note.contact_key, -left, note.currency_rate)
    for over in b.overpayments:
        add("receivables", over.contact_key, -over.amount, Decimal("1"))
    return out


def test_control_totals(seeded: SeedBooks) -> None:
    totals = seeded.truth["control_totals"]
    assert totals["as_of"] == "2026-11-01" and totals["home_currency"] == "GBP"
    mine = {s: _balances(side(seeded, s)) for s in SIDES}
    for s in SIDES:
        for kind in ("receivables", "payables"):
            got = totals[s][kind]
            want = {k: v for k, v in mine[s][kind].items()}
            assert {k: Decimal(v["home"]) for k, v in got["contacts"].items()} == want
            assert Decimal(got["total"]) == sum(want.values(), Decimal("0"))
            for key, row in got["contacts"].items():
                contact = next(c for c in side(seeded, s).contacts if c.key == key)
                assert row["currency"] == contact.currency
                if row["currency"] == "GBP":
                    assert row["amount"] == row["home"]
            assert sum(Decimal(v) for v in got["by_currency"].values()) == sum(
                Decimal(v["amount"]) for v in got["contacts"].values())
    # customers owe the studio money on both sides (payables may go negative in tiny books: credits outstanding)
    assert all(Decimal(totals[s]["receivables"]["total"]) > 0 for s in SIDES)
    listed = {(d["kind"], d["contact_key"]) for d in totals["differences"]}
    for kind in ("receivables", "payables"):
        for contact in set(mine["xero"][kind]) | set(mine["quickbooks"][kind]):
            differ = mine["xero"][kind].get(contact, 0) != mine["quickbooks"][kind].get(contact, 0)
            if differ:
                assert (kind, contact) in listed
    for d in totals["differences"]:
        assert d["documents"] or d["xero"] != d["quickbooks"]
        assert (Decimal(d["xero"]), Decimal(d["quickbooks"])) == (
            mine["xero"][d["kind"]].get(d["contact_key"], 0), mine["quickbooks"][d["kind"]].get(d["contact_key"], 0))


def test_a_shared_open_document_without_tags_agrees_in_the_control_totals(seeded: SeedBooks) -> None:
    """The control totals differ only where the truth says the books differ."""
    quiet = {"number_prefix", "missing_number:quickbooks", "missing_number:xero", "missing_reference:xero",
             "missing_reference:quickbooks", "tracking", "tracking_one_side:xero", "tracking_one_side:quickbooks",
             "multi_payment", "part_paid", "multi_invoice_payment", "credit_allocated", "foreign_currency", "voided"}
    dues = {r["key"]: r for r in seeded.truth["invoices"]}
    for r in dues.values():
        if r["match"] == "pair" and set(r["differences"]) <= quiet:
            assert (r["xero_due"], r["xero_status"]) == (r["qb_due"], r["qb_status"]), r
    explained = {d for diff in seeded.truth["control_totals"]["differences"] for d in diff["documents"]}
    for key in explained:
        if key in dues:
            assert not set(dues[key]["differences"]) <= quiet or dues[key]["match"] != "pair", dues[key]


def test_payment_truth_names_real_payments(seeded: SeedBooks) -> None:
    held = {s: {p.key: (inv, p) for inv in side(seeded, s).invoices for p in inv.payments} for s in SIDES}
    rows = seeded.truth["payments"]
    assert {r["key"] for r in rows} == set(held["xero"]) | set(held["quickbooks"])
    for r in rows:
        x, q = held["xero"].get(r["key"]), held["quickbooks"].get(r["key"])
        assert r["presence"] == ("both" if x and q else "xero" if x else "quickbooks")
        assert r["match"] == ("pair" if x and q else "single")
        for found in (x, q):
            if found is not None:
                inv, p = found
                assert (inv.key, inv.kind, p.xero_id, p.qb_id, p.group) == (
                    r["invoice_key"], r["kind"], r["xero_id"], r["qb_id"], r["group"])
                assert (p.date.isoformat(), f"{p.amount:.2f}", p.account_code, inv.currency) == (
                    r["date"], r["amount"], r["account_code"], r["currency"])
        assert (r["xero_id"] is not None) == (x is not None) and (r["qb_id"] is not None) == (q is not None)
        gone = [s for s, found in (("xero", x), ("quickbooks", q)) if found and found[1].deleted]
        assert r["deleted_on"] == (gone[0] if gone else None) and len(gone) <= 1


def test_journals_and_overpayments_are_findable(seeded: SeedBooks) -> None:
    """Nothing but its own partner looks like a journal or an overpayment on the other side."""
    journals = {j.key: j for j in seeded.quickbooks.journals + seeded.xero.journals}
    assert max(Counter((j.date, j.total) for j in journals.values()).values()) == 1
    overs = {o.key: o for o in seeded.quickbooks.overpayments + seeded.xero.overpayments}
    assert max(Counter((o.contact_key, o.date, o.amount) for o in overs.values()).values()) == 1

"""The truth file against the books: ids exist, pairs are findable, ambiguity is real and tags explain every
difference between the two copies of a record."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sandbox.seed.model import SeedBooks, SeedContact, SeedInvoice

from .oracle import (InvoiceIndex, as_quickbooks_shows, books, contact_candidates, invoice_candidates, norm_email,
                     norm_name, norm_number, norm_phone, norm_vat)

CASES = [(0, 10), (1, 10), (5, 10), (2, 40), (5, 40), (7, 40), (42, 40), (3, 400)]
NAME_TAGS = {"name_case", "name_punctuation", "name_spacing", "name_ampersand", "ltd_limited", "co_company"}


@pytest.fixture(params=CASES, ids=[f"seed{s}-size{n}" for s, n in CASES])
def seeded(request: pytest.FixtureRequest) -> SeedBooks:
    return books(*request.param)


def index(b: SeedBooks) -> dict[str, dict]:
    return {
        # QuickBooks numbers customers and vendors separately: an Id names a record only with its entity
        "xc": {c.xero_id: c for c in b.xero.contacts},
        "qc": {("customer" if c.is_customer else "supplier", c.qb_id): c for c in b.quickbooks.contacts},
        "xi": {i.xero_id: i for i in b.xero.invoices},
    }


def test_truth_header(seeded: SeedBooks) -> None:
    t = seeded.truth
    assert (t["format"], t["seed"], t["size"], t["as_of"]) == (2, seeded.seed, seeded.size, "2026-11-01")
    assert set(t) >= {"contacts", "invoices", "payments", "ambiguous", "counts", "items", "credit_notes",
                      "overpayments", "bank_transactions", "journals", "attachments", "control_totals"}
    assert t["currencies"] == {"xero": seeded.xero.currencies, "quickbooks": seeded.quickbooks.currencies}


def test_every_id_exists_and_matches_its_record(seeded: SeedBooks) -> None:
    ix = index(seeded)
    for r in seeded.truth["contacts"]:
        x, q = ix["xc"].get(r["xero_id"]), ix["qc"].get((r["entity"], r["qb_id"]))
        assert (r["xero_id"] is None) == (x is None) and (r["qb_id"] is None) == (q is None)
        if r["entity"] == "supplier" and q is not None:
            assert q.is_supplier
        for rec, name in ((x, r["xero_name"]), (q, r["qb_name"])):
            assert rec is None or (rec.key == r["key"] and rec.name == name)
        assert {"pair": 2, "single": 1}.get(r["match"], (x is not None) + (q is not None)) == \
            (x is not None) + (q is not None)
        assert ("only_xero" in r["differences"]) == (q is None)
        assert ("only_quickbooks" in r["differences"]) == (x is None)
    qb_docs = {(i.kind, i.qb_id): i for i in seeded.quickbooks.invoices}
    for r in seeded.truth["invoices"]:
        x = ix["xi"].get(r["xero_id"])
        q = qb_docs.get((r["kind"], r["qb_id"]))
        assert (r["xero_id"] is None) == (x is None) and (r["qb_id"] is None) == (q is None)
        for rec, side in ((x, "xero"), (q, "qb")):
            if rec is not None:
                assert (rec.key, rec.kind, rec.contact_key, rec.number, rec.status) == (
                    r["key"], r["kind"], r["contact_key"], r[f"{side}_number"], r[f"{side}_status"])
                assert f"{rec.total:.2f}" == r[f"{side}_total"]
        assert ("only_xero" in r["differences"]) == (q is None)
        assert ("only_quickbooks" in r["differences"]) == (x is None)
    # and nothing in the books is missing from the truth
    assert len(seeded.truth["contacts"]) == len({c.key for s in (seeded.xero, seeded.quickbooks) for c in s.contacts})
    assert len(seeded.truth["invoices"]) == len({i.key for s in (seeded.xero, seeded.quickbooks)
                                                 for i in s.invoices})
    payments = {p.key for s in (seeded.xero, seeded.quickbooks) for i in s.invoices for p in i.payments}
    assert {p["key"] for p in seeded.truth["payments"]} == payments


def test_pairs_have_both_ids_and_singles_one(seeded: SeedBooks) -> None:
    for r in seeded.truth["contacts"] + seeded.truth["invoices"]:
        both = r["xero_id"] is not None and r["qb_id"] is not None
        if r["match"] == "pair":
            assert both
        elif r["match"] == "single":
            assert not both and (r["xero_id"] or r["qb_id"])


def test_each_pair_is_the_only_plausible_partner(seeded: SeedBooks) -> None:
    """No accidental ambiguity: applying the matching rules finds each pair's partner, and only it."""
    x_contacts = {c.key: c for c in seeded.xero.contacts}
    q_contacts = {c.key: c for c in seeded.quickbooks.contacts}
    for r in seeded.truth["contacts"]:
        if r["match"] != "pair":
            continue
        x, q = x_contacts[r["key"]], q_contacts[r["key"]]
        assert [c.key for c in contact_candidates(x, seeded.quickbooks.contacts)] == [r["key"]], r
        assert [c.key for c in contact_candidates(q, seeded.xero.contacts)] == [r["key"]], r
    _only_partner_documents(seeded)


def _only_partner_documents(b: SeedBooks) -> None:
    # hard-deleted QuickBooks documents are gone from queries, voided ones show zero amounts
    visible_qb = InvoiceIndex(as_quickbooks_shows(i) for i in b.quickbooks.invoices if i.status != "deleted")
    xero = InvoiceIndex(b.xero.invoices)
    x_docs = {i.key: i for i in b.xero.invoices}
    q_docs = {i.key: as_quickbooks_shows(i) for i in b.quickbooks.invoices}
    for r in b.truth["invoices"]:
        if r["match"] != "pair":
            continue
        x, q = x_docs[r["key"]], q_docs[r["key"]]
        assert [i.key for i in visible_qb.candidates(x)] == [r["key"]], r
        assert [i.key for i in xero.candidates(q)] == [r["key"]], r


def _look_alikes(b: SeedBooks) -> set[str]:
    """Keys of documents sharing kind, contact, date and amount (within a cent) with another on the same side."""
    found: set[str] = set()
    for side in (b.xero, b.quickbooks):
        groups: dict[tuple, list[SeedInvoice]] = {}
        for i in side.invoices:
            groups.setdefault((i.kind, i.contact_key, i.date), []).append(i)
        for docs in groups.values():
            for n, a in enumerate(docs):
                for other in docs[n + 1:]:
                    if abs(a.total - other.total) <= Decimal("0.01"):
                        found |= {a.key, other.key}
    return found


@pytest.mark.parametrize("seed,size", [(9, 6000), (4, 40), (8, 10)])
def test_look_alike_documents_only_where_meant(seed: int, size: int) -> None:
    """Busy customers send many invoices of common amounts; only the ambiguous groups may look alike, so that a
    missing number never leaves two candidates by accident."""
    b = books(seed, size)
    meant = {k for g in b.truth["ambiguous"] if g["entity"] == "invoice" for k in g["candidate_keys"]}
    assert _look_alikes(b) == meant
    _only_partner_documents(b)


def test_singles_have_no_plausible_partner(seeded: SeedBooks) -> None:
    other = {"xero": seeded.quickbooks, "quickbooks": seeded.xero}
    for r in seeded.truth["contacts"]:
        if r["match"] == "single":
            side = "xero" if r["xero_id"] else "quickbooks"
            rec = next(c for c in getattr(seeded, side).contacts if c.key == r["key"])
            assert contact_candidates(rec, other[side].contacts) == []
    for r in seeded.truth["invoices"]:
        if r["match"] == "single" and "deleted" not in r["differences"]:
            side = "xero" if r["xero_id"] else "quickbooks"
            rec = next(i for i in getattr(seeded, side).invoices if i.key == r["key"])
            assert invoice_candidates(rec, other[side].invoices) == []


def test_ambiguous_groups_are_really_ambiguous(seeded: SeedBooks) -> None:
    groups = seeded.truth["ambiguous"]
    assert {g["entity"] for g in groups} == {"contact", "invoice"}
    flagged = {r["key"] for r in seeded.truth["contacts"] + seeded.truth["invoices"] if r["match"] == "ambiguous"}
    assert flagged == {k for g in groups for k in [g["key"], *g["candidate_keys"]]}
    for g in groups:
        side, other = (seeded.xero, seeded.quickbooks) if g["side"] == "xero" else (seeded.quickbooks, seeded.xero)
        id_attr = "xero_id" if g["side"] == "xero" else "qb_id"
        other_attr = "qb_id" if g["side"] == "xero" else "xero_id"
        assert len(g["candidates"]) == 2 and g["truth_partner"] in g["candidates"]
        assert g["truth_partner_key"] == g["key"] and len(set(g["candidate_keys"])) == 2
        if g["entity"] == "contact":
            assert g["kind"] == "customer"
            subject = next(c for c in side.contacts if c.is_customer and getattr(c, id_attr) == g["id"])
            cands = [c for c in other.contacts if c.is_customer and getattr(c, other_attr) in g["candidates"]]
            assert len(cands) == 2 and all(c.is_customer for c in cands + [subject])
            # the same name as far as matching can tell, and nothing else to decide by
            assert {norm_name(c.name) for c in cands} == {norm_name(subject.name)}
            assert len({c.name.lower() for c in cands}) == 2  # the ledger's own uniqueness still holds
            assert (subject.email, subject.tax_number, subject.phone, subject.address_line1) == (None,) * 4
            assert sorted(c.key for c in contact_candidates(subject, other.contacts)) == sorted(g["candidate_keys"])
            # no documents hang on an unresolved contact
            keys = {subject.key, *g["candidate_keys"]}
            assert not any(i.contact_key in keys for s in (seeded.xero, seeded.quickbooks) for i in s.invoices)
        else:
            subject = next(i for i in side.invoices if i.kind == "sales" and getattr(i, id_attr) == g["id"])
            cands = [i for i in other.invoices if i.kind == "sales" and getattr(i, other_attr) in g["candidates"]]
            assert len(cands) == 2
            assert {(c.contact_key, c.date, c.total) for c in cands} == {
                (subject.contact_key, subject.date, subject.total)}
            # no number to decide by: missing on the subject, or on both candidates
            assert subject.number is None or all(c.number is None for c in cands)
            assert all(i.reference is None for i in cands + [subject])
            assert sorted(i.key for i in invoice_candidates(subject, other.invoices)) == sorted(g["candidate_keys"])


def _contact_diffs(x: SeedContact, q: SeedContact) -> set[str]:
    """Differences between two copies, as tags (computed from the records, not from the generator)."""
    got: set[str] = set()
    if x.name != q.name:
        got.add("name")
    for attr, kind, same in (("email", "email_case", norm_email), ("tax_number", "tax_number_format", norm_vat),
                             ("phone", "phone_format", norm_phone)):
        a, b = getattr(x, attr), getattr(q, attr)
        if a != b:
            if a is None or b is None:
                got.add(f"missing_{'tax_number' if attr == 'tax_number' else attr}:"
                        f"{'xero' if a is None else 'quickbooks'}")
            else:
                assert same(a) == same(b), (attr, a, b)
                got.add(kind)
    if (x.address_line1, x.city, x.postal_code) != (q.address_line1, q.city, q.postal_code):
        assert x.address_line1 is None or q.address_line1 is None
        got.add(f"missing_address:{'xero' if x.address_line1 is None else 'quickbooks'}")
    if x.currency != q.currency:
        assert q.currency == "GBP" and x.currency not in ("GBP", "USD")  # QuickBooks has GBP and USD only
        got.add("currency_not_enabled:quickbooks")
    if x.currency != "GBP":
        got.add("foreign_currency")
    if x.archived and q.archived:
        got.add("archived")
    elif x.archived != q.archived:
        got.add(f"archived_one_side:{'xero' if x.archived else 'quickbooks'}")
    for attr in ("first_name", "last_name", "is_customer", "is_supplier", "country",
                 "payment_terms_days", "key", "xero_id", "qb_id"):
        assert getattr(x, attr) == getattr(q, attr), attr
    return got


def test_contact_tags_explain_every_difference(seeded: SeedBooks) -> None:
    q_contacts = {c.key: c for c in seeded.quickbooks.contacts}
    for r in seeded.truth["contacts"]:
        x = next((c for c in seeded.xero.contacts if c.key == r["key"]), None)
        q = q_contacts.get(r["key"])
        if x is None or q is None:
            continue
        tags = set(r["differences"]) - {"ambiguous"}
        got = _contact_diffs(x, q)
        name_tags = tags & NAME_TAGS
        assert ("name" in got) == bool(name_tags), r
        if name_tags:
            assert norm_name(x.name) == norm_name(q.name), r
            if name_tags == {"name_case"}:
                assert x.name.lower() == q.name.lower()
            if "ltd_limited" in name_tags:
                assert "limited" in (x.name + q.name).lower()
            if "name_spacing" in name_tags:
                assert "  " in x.name + q.name
        assert got - {"name"} == tags - NAME_TAGS, r


def test_invoice_tags_explain_every_difference(seeded: SeedBooks) -> None:
    q_docs = {i.key: i for i in seeded.quickbooks.invoices}
    for r in seeded.truth["invoices"]:
        x: SeedInvoice | None = next((i for i in seeded.xero.invoices if i.key == r["key"]), None)
        q = q_docs.get(r["key"])
        if x is None or q is None:
            continue
        tags = set(r["differences"])
        assert (x.contact_key, x.date, x.due_date, x.currency, x.kind) == (q.contact_key, q.date, q.due_date,
                                                                          q.currency, q.kind)
        assert [(a.description, a.quantity, a.unit_amount, a.account_code, a.tax_type, a.item_code)
                for a in x.lines] == [(a.description, a.quantity, a.unit_amount, a.account_code, a.tax_type,
                                       a.item_code) for a in q.lines]
        assert x.currency_rate == q.currency_rate and (x.currency != "GBP") == ("foreign_currency" in tags)
        # tracking: the same on both copies, or on one copy only as tagged
        xt, qt = [ln.tracking for ln in x.lines], [ln.tracking for ln in q.lines]
        one_side = {t for t in tags if t.startswith("tracking_one_side")}
        if xt == qt:
            assert not one_side and (any(xt) == ("tracking" in tags))
        else:
            side = "xero" if any(xt) else "quickbooks"
            assert one_side == {f"tracking_one_side:{side}"} and not any(qt if side == "xero" else xt)
            assert "tracking" in tags
        # credit allocated by each side's credit notes
        credited = {t for t in tags if t.startswith("credit_allocated")}
        if x.amount_credited == q.amount_credited:
            assert credited <= {"credit_allocated"} and (x.amount_credited > 0) == bool(credited)
        else:
            assert credited == {"credit_allocated_one_side:xero"} and q.amount_credited == 0
        # numbers
        if x.number == q.number:
            assert not tags & {"number_prefix", "missing_number:xero", "missing_number:quickbooks"}
        elif x.number is None or q.number is None:
            assert tags & {"missing_number:xero", "missing_number:quickbooks"} == {
                f"missing_number:{'xero' if x.number is None else 'quickbooks'}"}
        else:
            assert "number_prefix" in tags and x.number == "INV-" + q.number and norm_number(x.number) == \
                norm_number(q.number)
        # references
        if x.reference != q.reference:
            assert f"missing_reference:{'xero' if x.reference is None else 'quickbooks'}" in tags
        else:
            assert not any(t.startswith("missing_reference") for t in tags)
        # status and payments
        voids = {t for t in tags if t.startswith("voided")}
        if x.status == q.status == "voided":
            assert voids == {"voided"}
        elif "voided" in (x.status, q.status):
            side = "xero" if x.status == "voided" else "quickbooks"
            assert voids == {f"voided_one_side:{side}"}
            assert {x.status, q.status} == {"voided", "authorised"}
        else:
            assert not voids
        paid = {t for t in tags if t.startswith("paid_one_side") or t.startswith("part_paid_one_side")}
        deleted = {t for t in tags if t.startswith("payment_deleted")}
        gone = {("xero" if inv is x else "quickbooks") for inv in (x, q) for p in inv.payments if p.deleted}
        assert deleted == {f"payment_deleted:{s}" for s in gone}
        if deleted:
            # deleted in Xero: QuickBooks still has it (the document stays paid there); deleted in QuickBooks: it
            # was held there only, and the document is open on both sides
            assert not paid and x.live_payments == [] and x.status == "authorised"
            assert q.status == ("paid" if "payment_deleted:xero" in tags else "authorised")
        elif [p.key for p in x.payments] == [p.key for p in q.payments]:
            assert not paid and (x.status == q.status or bool(voids))
        else:
            more, less = (x, q) if len(x.payments) > len(q.payments) else (q, x)
            side = "xero" if more is x else "quickbooks"
            assert [p.key for p in less.payments] == [p.key for p in more.payments][:len(less.payments)]
            if more.status == "paid":
                assert paid == {f"paid_one_side:{side}"} and less.status == "authorised"
            else:
                assert paid == {f"part_paid_one_side:{side}"} and less.payments == []
        part = any(0 < i.amount_paid < i.total for i in (x, q))
        assert part == ("part_paid" in tags)
        groups = {p.group for p in x.payments + q.payments}
        assert (groups != {None} and bool(groups)) == ("multi_invoice_payment" in tags)
        assert (("tax_cent" in tags) == (x.total != q.total))


def test_partners_keep_records_of_each_kind_apart(seeded: SeedBooks) -> None:
    """Reading the truth: a QuickBooks customer and vendor (or invoice and bill) sharing an Id are told apart."""
    from sandbox.seed.truth import partners

    truth = seeded.truth
    found = partners(truth)
    for c in truth["contacts"]:
        entity = "contacts" if c["entity"] == "customer" else "suppliers"
        if c["qb_id"]:
            assert found[(entity, "quickbooks", str(c["qb_id"]))] == (c["xero_id"] and str(c["xero_id"]))
    customers = {c["qb_id"] for c in truth["contacts"] if c["entity"] == "customer" and c["qb_id"]}
    vendors = {c["qb_id"] for c in truth["contacts"] if c["entity"] == "supplier" and c["qb_id"]}
    assert customers & vendors  # the case this guards: the same Id on a customer and a vendor
    for a in truth["ambiguous"]:
        assert str(a["truth_partner"]) in {str(x) for x in a["candidates"]}

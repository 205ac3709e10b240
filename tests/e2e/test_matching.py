"""Matching a finance team can trust, end to end through Airflow on sandbox books (issue 16).

On top of seeded books, the matching benchmark's generator (bench/matchgen.py, not the sandbox seed) types one of
each of its variations and look-alike groups into both ledgers through their APIs — customers, and invoices of a
customer both ledgers already share — then the chain's contacts, suppliers, invoices and bills DAGs run. No
generated record is linked to another entity's, no true pair is copied across as a duplicate, the near misses
wait in the queue with their evidence in words, and a link set by hand ('manual') is honoured by the next night.

One module fixture (seeded sandboxes of 40 invoices, four DAG runs, a second contacts run). Two records of one
name cannot both be kept in either ledger (both refuse a duplicate contact name), so copying one of the same-name
people across fails and waits as write_failed: that is the ledgers' rule, not a matching outcome.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

import pytest

from bench.matchgen import Contacts, Rec
from tests.e2e.chain import applied, links, rows, run_chain
from xero.hooks import WriteItem

pytestmark = pytest.mark.timeout(900)
DAGS = ["sync_contacts", "sync_suppliers", "sync_invoices", "sync_bills"]


def xero_contact(r: Rec) -> dict:
    out = {"Name": r.name, "EmailAddress": r.email or "", "TaxNumber": r.tax or "", "FirstName": r.first or "",
           "LastName": r.last or "",
           "Addresses": [{"AddressType": "STREET", "AddressLine1": r.street or "", "City": r.city or "",
                          "PostalCode": r.postcode or ""}]}
    if r.phone:
        out["Phones"] = [{"PhoneType": "DEFAULT", "PhoneNumber": r.phone}]
    return out


def qb_customer(r: Rec) -> dict:
    out = {"DisplayName": r.name, "GivenName": r.first or "", "FamilyName": r.last or "",
           "BillAddr": {"Line1": r.street or "", "City": r.city or "", "PostalCode": r.postcode or ""}}
    if r.email:
        out["PrimaryEmailAddr"] = {"Address": r.email}
    if r.phone:
        out["PrimaryPhone"] = {"FreeFormNumber": r.phone}
    if r.tax:
        out["PrimaryTaxIdentifier"] = r.tax
    return out


@pytest.fixture(scope="module")
def typed(world) -> Iterator[dict]:
    """The generator's sample typed into both ledgers; the ids of each entity's records on each side."""
    books = Contacts(seed=16).sample()
    xero, qb = world.xero_hook(), world.qb_hook()
    made = xero.write("Contacts", [WriteItem(r.entity, xero_contact(r)) for r in books.xero], method="PUT")
    assert all(m.ok for m in made), [m.errors for m in made if not m.ok]
    entity: dict[tuple[str, str], str] = {}
    category: dict[str, str] = {}
    for r, m in zip(books.xero, made):
        entity[("xero", m.ledger_id)] = r.entity
        category[r.entity] = r.category
    for r in books.quickbooks:
        created = qb.write_one("Customer", qb_customer(r), key=f"gen-{r.entity}")
        entity[("quickbooks", created["Id"])] = r.entity
        category.setdefault(r.entity, r.category)
    # invoices of one customer both ledgers share (a seeded pair): variants and look-alikes of documents
    truth_pair = next(c for c in world.truth["contacts"] if c["match"] == "pair" and c["entity"] == "customer"
                      and c.get("currency", "GBP") == "GBP" and "archived" not in " ".join(c.get("tags", [])))
    docs = [  # (key, xero number, qb number, xero date, qb date, xero total, qb total)
        ("same", "INV-9001", "9001", "2026-01-12", "2026-01-12", "410.00", "410.00"),
        ("separators", "INV/2026/9567", "2026/9567", "2026-01-20", "2026-01-20", "77.10", "77.10"),
        ("separately_numbered", "INV-9102", "5531", "2026-01-22", "2026-01-22", "250.00", "250.00"),
        ("deposit_final", "DEP-7353", "INV-7353", "2025-10-11", "2025-11-26", "137.60", "321.08"),
        ("number_reused", "17", "17", "2025-02-03", "2026-02-05", "95.00", "180.00"),
    ]
    line_item = world.mappings.qb_line_item(None, "200")
    doc_ids: dict[str, tuple[str, str]] = {}
    for key, xn, qn, xd, qd, xt, qt in docs:
        inv = xero.write("Invoices", [WriteItem(key, {
            "Type": "ACCREC", "Contact": {"ContactID": truth_pair["xero_id"]}, "InvoiceNumber": xn, "Date": xd,
            "DueDate": xd, "Status": "AUTHORISED", "LineAmountTypes": "Exclusive", "LineItems": [{
                "Description": f"Work {key}", "Quantity": "1", "UnitAmount": xt, "AccountCode": "200",
                "TaxType": "ZERORATEDOUTPUT"}]})])
        assert inv[0].ok, inv[0].errors
        q = qb.write_one("Invoice", {"CustomerRef": {"value": truth_pair["qb_id"]}, "DocNumber": qn, "TxnDate": qd,
                                     "DueDate": qd, "GlobalTaxCalculation": "TaxExcluded", "Line": [{
                                         "Amount": qt, "Description": f"Work {key}", "DetailType": "SalesItemLineDetail",
                                         "SalesItemLineDetail": {"ItemRef": {"value": line_item}, "Qty": 1,
                                                                 "UnitPrice": qt, "TaxCodeRef": {"value": "6"}}}]},
                         key=f"gen-doc-{key}")
        doc_ids[key] = (inv[0].ledger_id, q["Id"])
    run_ids = run_chain(dags=DAGS)
    yield {"entity": entity, "category": category, "docs": doc_ids, "run_ids": run_ids}


def test_no_wrong_link_and_no_duplicate(world, typed):
    entity, category = typed["entity"], typed["category"]
    contact_links = links(world.db_url, "harbour", "contacts")
    matched = rows(world.db_url, "SELECT xero_id, quickbooks_id FROM ledgerbridge.xref WHERE entity = 'contacts' "
                                 "AND method = 'matched'")
    for x, q in ((m["xero_id"], m["quickbooks_id"]) for m in matched):
        if ("xero", x) in entity or ("quickbooks", q) in entity:
            assert entity.get(("xero", x)) == entity.get(("quickbooks", q)), \
                f"wrong link: {category.get(entity.get(('xero', x)))} {x} <-> {q}"
    held = {r["record_id"] for r in rows(world.db_url, "SELECT record_id FROM ledgerbridge.exceptions WHERE "
                                                       "status = 'open' AND reason IN ('possible_match', "
                                                       "'ambiguous_match')")}
    for r in rows(world.db_url, "SELECT candidates FROM ledgerbridge.exceptions WHERE status = 'open' AND "
                                "reason IN ('possible_match', 'ambiguous_match')"):
        held.update(c["id"] for c in r["candidates"]["candidates"])
    created_from = {w["source_id"] for w in applied(world.db_url, typed["run_ids"]) if w["operation"] == "create"}
    sides = Counter(e for (_, _), e in entity.items())
    for (ledger, record_id), e in entity.items():
        if sides[e] == 2:  # a true pair: linked, or waiting for a person, never copied across
            assert record_id not in created_from, f"{category[e]}: {ledger} {record_id} was created again"
            partner = next(i for (lg, i), other in entity.items() if other == e and lg != ledger)
            linked = contact_links.get(record_id) == partner if ledger == "xero" else \
                contact_links.get(partner) == record_id
            assert linked or record_id in held, f"{category[e]}: {ledger} {record_id} neither linked nor queued"
    # variations with nothing against them are linked automatically
    for how in ("exact", "case", "punctuation", "suffix_spelling", "the", "surname_first", "title"):
        e = next(e for e, c in category.items() if c == how)
        ids = {lg: i for (lg, i), other in entity.items() if other == e}
        assert contact_links.get(ids["xero"]) == ids["quickbooks"], how


def test_near_misses_wait_with_their_evidence(world, typed):
    queued = rows(world.db_url, "SELECT record_id, ledger, reason, message, candidates FROM ledgerbridge.exceptions "
                                "WHERE status = 'open' AND reason = 'possible_match' AND entity = 'contacts'")
    generated = [q for q in queued if (q["ledger"], q["record_id"]) in typed["entity"]]
    assert generated, "no generated near miss was queued"
    for q in generated:
        payload = q["candidates"]
        assert payload["thresholds"] == {"link": 12.0, "review": 4.0}
        assert payload["subject"]["id"] == q["record_id"]
        for cand in payload["candidates"]:
            assert cand["id"] and cand["label"] and cand["evidence"] and cand["why"]
            assert all({"field", "xero", "quickbooks", "weight", "says"} <= set(e) for e in cand["evidence"])
            assert cand["score"] == pytest.approx(sum(e["weight"] for e in cand["evidence"]), abs=0.05)
        assert "bits" in q["message"] and "ledgerbridge.xref" in q["message"]


def test_documents_link_on_agreement_and_never_on_a_number_alone(world, typed):
    invoices = links(world.db_url, "harbour", "invoices")
    docs = typed["docs"]
    for key in ("same", "separators", "separately_numbered"):
        assert invoices.get(docs[key][0]) == docs[key][1], key
    for key in ("deposit_final", "number_reused"):
        assert invoices.get(docs[key][0]) != docs[key][1], key
        copied = [w for w in applied(world.db_url, typed["run_ids"]) if w["source_id"] == docs[key][0]]
        assert [w["operation"] for w in copied] == ["create"], key  # Xero's is copied to QuickBooks as its own


def test_a_link_made_by_hand_is_honoured_and_closes_the_exception(world, typed):
    waiting = rows(world.db_url, "SELECT id, ledger, record_id, candidates FROM ledgerbridge.exceptions WHERE "
                                 "status = 'open' AND reason = 'possible_match' AND entity = 'contacts' "
                                 "AND ledger = 'xero'")
    mine = next(w for w in waiting if ("xero", w["record_id"]) in typed["entity"])
    partner = mine["candidates"]["candidates"][0]["id"]
    import psycopg

    with psycopg.connect(world.db_url) as conn:
        conn.execute("INSERT INTO ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method) "
                     "VALUES ('harbour', 'contacts', %s, %s, 'manual')", (mine["record_id"], partner))
    for box in (world.xero, world.quickbooks):
        box.control("POST", "clock", json={"advance": 5})
    run_chain(dags=["sync_contacts"])
    status = rows(world.db_url, "SELECT status FROM ledgerbridge.exceptions WHERE id = %s", mine["id"])[0]["status"]
    assert status == "resolved"
    assert links(world.db_url, "harbour", "contacts")[mine["record_id"]] == partner

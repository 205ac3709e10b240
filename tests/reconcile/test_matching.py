"""The matcher and planner on hand-written cases shaped like the ones that broke trust (issue 16), in real
PostgreSQL: variants link, look-alikes never do, near misses wait in the queue with their evidence, and what waits
is neither linked nor created."""

from __future__ import annotations

import pytest

from reconcile import deltas, matching
from reconcile.config import load_pairs
from reconcile.entities import ENTITIES
from reconcile.run import RunInfo
from tests.reconcile.staged import contact, document, insert, link, query

PAIR = "harbour"


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    from ledgerbridge.migrate import migrate
    from tests.fixtures.db import create_database, drop_database

    name, url = create_database("lb_match")
    migrate(url)
    yield url
    drop_database(name)


def cfg():
    return load_pairs()[PAIR]


X = {  # Xero contacts: key -> row
    "otterburn": contact("xero", "The Otterburn Outdoor Centre", email="bookings@otterburn.org.uk",
                         phone="01830 520 123", postal_code="NE19 1AB"),
    "fraser": contact("xero", "Fraser, Isla", email="isla.fraser@gmail.com"),
    "llewellyn": contact("xero", "Dr Gareth Llewellyn", phone="07700 900123"),
    "hartley": contact("xero", "J.R. Hartley", email="jr@hartleybooks.co.uk"),
    "nz": contact("xero", "Harbour Holdings (NZ) Ltd", email="accounts@harbourgroup.com", postal_code="1010"),
    "kestrel": contact("xero", "Kestrel Coffee Ltd", tax_number="GB 123 4567 89", postal_code="BS1 4DJ"),
    "carehome": contact("xero", "Meadowbank Care Home", email="office@hendrybooks.co.uk", postal_code="DL1 5AA"),
    "jones": contact("xero", "Sarah Jones", email="sj1977@gmail.com", postal_code="BS6 5AA"),
    "typo": contact("xero", "Pembrokeshire Kayak Hire", email="paddle@pembkayak.co.uk"),
    "branch": contact("xero", "Tidewater Marine Services Ltd", tax_number="987654321", postal_code="PL1 2AA"),
}
Q = {
    "otterburn": contact("quickbooks", "Otterburn Outdoor Centre", email="bookings@otterburn.org.uk",
                         phone="+44 1830 520123", postal_code="NE19 1AB"),
    "fraser": contact("quickbooks", "Isla Fraser", email="Isla.Fraser@gmail.com"),
    "llewellyn": contact("quickbooks", "Gareth Llewellyn", phone="+44 7700 900123"),
    "hartley": contact("quickbooks", "JR Hartley", email="jr@hartleybooks.co.uk"),
    "parent": contact("quickbooks", "Harbour Holdings Ltd", email="accounts@harbourgroup.com", postal_code="EC1A 1BB"),
    "distribution": contact("quickbooks", "Kestrel Coffee Distribution Ltd", tax_number="123456789",
                            postal_code="BS2 0QQ"),
    "kestrel": contact("quickbooks", "Kestrel Coffee Limited", tax_number="123456789", postal_code="BS1 4DJ"),
    "catering": contact("quickbooks", "Fenwick Catering Ltd", email="office@hendrybooks.co.uk", postal_code="DL3 7QQ"),
    "bookkeeper": contact("quickbooks", "Hendry Bookkeeping", email="office@hendrybooks.co.uk"),
    "jones": contact("quickbooks", "Sarah Jones", email="sarah.jones@outlook.com", postal_code="LS6 2AB"),
    "typo": contact("quickbooks", "Pembrokshire Kayak Hire"),
    "branch": contact("quickbooks", "Tidewater Marine Services (South West) Ltd", tax_number="GB987654321",
                      postal_code="PL1 2AA"),
}


@pytest.fixture(scope="module")
def matched(books):
    insert(books, "stg_xero_contacts", PAIR, list(X.values()))
    insert(books, "stg_quickbooks_contacts", PAIR, list(Q.values()))
    result = matching.match(ENTITIES["contacts"], cfg(), RunInfo("m1", "test"), books)
    links = {r["xero_id"]: r["quickbooks_id"] for r in query(books, "SELECT * FROM ledgerbridge.xref")}
    queue = query(books, "SELECT * FROM ledgerbridge.exceptions WHERE status = 'open'")
    return result, links, queue


def test_variants_of_one_firm_or_person_link(matched):
    _, links, _ = matched
    for key in ("otterburn", "fraser", "llewellyn", "hartley", "kestrel"):
        assert links.get(X[key]["ledger_id"]) == Q[key]["ledger_id"], key


def test_look_alikes_never_link(matched):
    _, links, _ = matched
    linked_q = set(links.values())
    for key in ("parent", "distribution", "catering", "bookkeeper", "jones"):
        assert Q[key]["ledger_id"] not in linked_q, key
    for key in ("nz", "carehome", "jones"):
        assert X[key]["ledger_id"] not in links, key


def test_near_misses_wait_with_their_evidence_in_words(matched):
    _, _, queue = matched
    by_record = {(e["ledger"], e["record_id"]): e for e in queue}
    branch = by_record[("xero", X["branch"]["ledger_id"])]
    assert branch["reason"] == "possible_match"
    payload = branch["candidates"]
    assert payload["subject"] == {"ledger": "xero", "id": X["branch"]["ledger_id"],
                                  "label": "Tidewater Marine Services Ltd"}
    assert payload["thresholds"] == {"link": 12.0, "review": 4.0}
    cand = payload["candidates"][0]
    assert cand["quickbooks_id"] == cand["id"] == Q["branch"]["ledger_id"]
    assert cand["label"] == "Tidewater Marine Services (South West) Ltd" and cand["outcome"] == "review"
    fields = {e["field"]: e for e in cand["evidence"]}
    assert fields["name"]["level"] == "distinguishing" and fields["name"]["veto"] and "'south west'" in fields["name"]["says"]
    assert fields["tax_number"]["level"] == "exact" and fields["address"]["weight"] > 0
    assert sum(e["weight"] for e in cand["evidence"]) == pytest.approx(cand["score"], abs=0.05)
    assert "never linked automatically" in cand["why"] and "Tidewater" in branch["message"]
    # a subsidiary sharing its parent's mailbox, in another country, is another firm: not queued, created
    assert ("xero", X["nz"]["ledger_id"]) not in by_record
    # a one-letter typo with nothing else to go on waits for a person rather than being created twice
    typo = by_record[("xero", X["typo"]["ledger_id"])]
    assert typo["candidates"]["candidates"][0]["id"] == Q["typo"]["ledger_id"]
    assert {e["level"] for e in typo["candidates"]["candidates"][0]["evidence"]} == {"typo"}


def test_a_shared_mailbox_is_weak_evidence(matched):
    _, _, queue = matched
    assert not [e for e in queue if e["record_id"] == X["carehome"]["ledger_id"]]


def test_the_planner_holds_queued_records_and_creates_the_rest(matched, books):
    from ledgerbridge import db

    with db.connect(books) as conn:
        planner = deltas.Planner(ENTITIES["contacts"], cfg(), RunInfo("p1", "test"), conn, dry_run=True)
        planner.plan_creates()
        conn.rollback()
    created = {w["source_id"] for w in planner.planned if w["operation"] == "create"}
    for held in (X["branch"]["ledger_id"], Q["branch"]["ledger_id"], X["typo"]["ledger_id"], Q["typo"]["ledger_id"]):
        assert held not in created
    for made in (X["jones"]["ledger_id"], Q["jones"]["ledger_id"], X["carehome"]["ledger_id"], X["nz"]["ledger_id"],
                 Q["catering"]["ledger_id"], Q["distribution"]["ledger_id"]):
        assert made in created


def test_a_decision_by_hand_closes_the_exception(matched, books):
    link(books, PAIR, "contacts", X["typo"]["ledger_id"], Q["typo"]["ledger_id"], method="manual")
    with __import__("psycopg").connect(books) as conn:
        conn.execute("INSERT INTO ledgerbridge.distinct_records (pair, entity, xero_id, quickbooks_id) "
                     "VALUES (%s, 'contacts', %s, %s)", (PAIR, X["branch"]["ledger_id"], Q["branch"]["ledger_id"]))
    matching.match(ENTITIES["contacts"], cfg(), RunInfo("m2", "test"), books)
    still = {e["record_id"] for e in query(books, "SELECT record_id FROM ledgerbridge.exceptions "
                                                  "WHERE status = 'open' AND reason = 'possible_match'")}
    assert X["typo"]["ledger_id"] not in still and X["branch"]["ledger_id"] not in still


def test_documents_link_on_agreement_and_never_on_a_number_alone(books):
    cx, cq = contact("xero", "Quayside Joinery Ltd"), contact("quickbooks", "Quayside Joinery Ltd")
    insert(books, "stg_xero_contacts", PAIR, [cx])
    insert(books, "stg_quickbooks_contacts", PAIR, [cq])
    link(books, PAIR, "contacts", cx["ledger_id"], cq["ledger_id"])
    c_x, c_q = cx["ledger_id"], cq["ledger_id"]
    xs = {
        "same": document("xero", "INV-0042", c_x, "120.00", "2026-02-03", lines=["100.00", "20.00"]),
        "slash": document("xero", "INV/2026/9567", c_x, "77.10", "2026-02-10"),
        "separate": document("xero", "INV-0101", c_x, "250.00", "2026-02-14", lines=["250.00"]),
        "deposit": document("xero", "DEP-7353", c_x, "137.60", "2025-10-11"),
        "reused": document("xero", "17", c_x, "410.00", "2025-03-02"),
        "penny": document("xero", "INV-0050", c_x, "99.99", "2026-02-20"),
    }
    qs = {
        "same": document("quickbooks", "42", c_q, "120.00", "2026-02-03", lines=["20.00", "100.00"]),
        "slash": document("quickbooks", "2026/9567", c_q, "77.10", "2026-02-10"),
        "separate": document("quickbooks", "5531", c_q, "250.00", "2026-02-14", lines=["250.00"]),
        "final": document("quickbooks", "INV-7353", c_q, "321.08", "2025-11-26"),
        "reused": document("quickbooks", "17", c_q, "95.00", "2026-03-04"),
        "penny": document("quickbooks", "INV-0050", c_q, "100.00", "2026-02-20"),
    }
    insert(books, "stg_xero_invoices", PAIR, list(xs.values()))
    insert(books, "stg_quickbooks_invoices", PAIR, list(qs.values()))
    matching.match(ENTITIES["invoices"], cfg(), RunInfo("d1", "test"), books)
    links = {r["xero_id"]: r for r in query(books, "SELECT * FROM ledgerbridge.xref WHERE entity = 'invoices'")}
    for key in ("same", "slash", "separate", "penny"):
        assert links[xs[key]["ledger_id"]]["quickbooks_id"] == qs[key]["ledger_id"], key
    assert links[xs["same"]["ledger_id"]]["evidence"][0]["field"] == "contact"
    for key in ("deposit", "reused"):
        assert xs[key]["ledger_id"] not in links, key
    queued = {e["record_id"] for e in query(books, "SELECT record_id FROM ledgerbridge.exceptions WHERE "
                                                   "entity = 'invoices' AND status = 'open'")}
    assert xs["deposit"]["ledger_id"] not in queued and xs["reused"]["ledger_id"] not in queued


def test_copies_inside_a_crowd_of_one_name_are_linked_or_queued_never_both_created():
    """More people of one name than the name's cap on each side (pairing everyone would be quadratic): copies of one
    person are still found when a field one copy lacks (a postcode) would have sorted them apart, and a typo or an
    initial in such a name is found by the address."""
    from ledgerbridge.migrate import migrate
    from reconcile.scoring import NAME_KEY_CAP
    from tests.fixtures.db import create_database, drop_database

    name, url = create_database("lb_match_crowd")
    try:
        migrate(url)
        xs, qs = [], []
        for i in range(NAME_KEY_CAP + 3):  # different people of the same names, everything else their own
            for rows, ledger, n in ((xs, "xero", i), (qs, "quickbooks", i + 100)):
                for who in ("Tariq Thomas", "Doris Whitworth", "Arjun Whitworth"):
                    rows.append(contact(ledger, who, first_name=who.split()[0], last_name=who.split()[1],
                                        email=f"{who.split()[0].lower()}{n}@gmail.com",
                                        address_line1=f"{n + 1} Mill Road", city=f"Town{n}",
                                        postal_code=f"AB{n % 90 + 1} 1AA"))
        pairs = [  # (xero, quickbooks): one person each, the Xero copy without a postcode
            (contact("xero", "Tariq Thomas", address_line1="204 Ulverston Street", city="Wetherby"),
             contact("quickbooks", "Tariq Thomas", address_line1="204 Ulverston Street", city="Wetherby",
                     postal_code="DC14 3NR")),
            (contact("xero", "Doris Whtworth", address_line1="85 Thurso Lane", city="Keith"),
             contact("quickbooks", "Doris Whitworth", address_line1="85 Thurso Lane", city="Keith",
                     postal_code="LG1 4BE")),
            (contact("xero", "A. Whitworth", address_line1="201 Lydney Lane", city="Upwey"),
             contact("quickbooks", "Arjun Whitworth", first_name="Arjun", last_name="Whitworth",
                     address_line1="201 Lydney Lane", city="Upwey", postal_code="ED5 7TU")),
            # nothing but the name on either side: on that alone it waits for a person, never created twice
            (contact("xero", "Tariq Thomas", first_name="Tariq", last_name="Thomas"),
             contact("quickbooks", "Tariq Thomas", first_name="Tariq", last_name="Thomas")),
        ]
        insert(url, "stg_xero_contacts", PAIR, xs + [x for x, _ in pairs])
        insert(url, "stg_quickbooks_contacts", PAIR, qs + [q for _, q in pairs])
        matching.match(ENTITIES["contacts"], cfg(), RunInfo("crowd", "test"), url)
        links = {r["xero_id"]: r["quickbooks_id"] for r in query(url, "SELECT * FROM ledgerbridge.xref")}
        held = set()
        for e in query(url, "SELECT * FROM ledgerbridge.exceptions WHERE status = 'open'"):
            held.add(e["record_id"])
            held.update(c["id"] for c in e["candidates"]["candidates"])
        for x, q in pairs:
            assert links.get(x["ledger_id"]) == q["ledger_id"] or {x["ledger_id"], q["ledger_id"]} <= held, (
                x["name"], x["ledger_id"], q["ledger_id"])
        truth = {x["ledger_id"]: q["ledger_id"] for x, q in pairs}
        assert all(truth.get(x) == q for x, q in links.items())  # the crowd's different people are never linked
    finally:
        drop_database(name)

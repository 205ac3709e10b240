"""The whole job through Airflow (dag.test) on divergent seeded books: contacts and invoices end aligned apart from
the exception queue, the seed's truth is honoured, a second run writes nothing, later edits on either side are
synced (and only those), and a write whose answer was lost is not applied twice.

The tests of this module run in order on one world (see conftest.py).
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.e2e.books import Books, Queue, contact_differences, invoice_differences
from tests.fixtures.airflow import run_in_process
from xero.hooks import WriteItem

pytestmark = pytest.mark.timeout(600)


def run_both(conf: dict[str, Any] | None = None) -> list[Any]:
    results = []
    for dag_id in ("sync_contacts", "sync_invoices"):
        result = run_in_process(dag_id, conf or {})
        assert result.ok, result.summary()
        results.append(result)
    return results


def write_calls(world: Any, since: dict[str, int]) -> dict[str, list[dict]]:
    """API calls that change a ledger, made since the call-log positions in ``since``."""
    xero = [c for c in world.xero.calls()[since["xero"]:]
            if c["method"] in ("PUT", "POST") and c["path"].startswith("/api.xro/")]
    qb = [c for c in world.quickbooks.calls()[since["quickbooks"]:]
          if c["method"] == "POST" and "/v3/company/" in c["path"] and not c["path"].endswith("/query")]
    return {"xero": xero, "quickbooks": qb}


def positions(world: Any) -> dict[str, int]:
    return {"xero": len(world.xero.calls()), "quickbooks": len(world.quickbooks.calls())}


def summary(world: Any, run_ids: list[str]) -> list[dict]:
    with psycopg.connect(world.db_url, row_factory=dict_row) as conn:
        return conn.execute("SELECT * FROM ledgerbridge.run_summary WHERE run_id = ANY(%s) ORDER BY entity, ledger",
                            (run_ids,)).fetchall()


def applied_writes(world: Any, run_ids: list[str]) -> list[dict]:
    with psycopg.connect(world.db_url, row_factory=dict_row) as conn:
        return conn.execute("SELECT entity, ledger, operation, target_id, source_id, status FROM ledgerbridge.outbox "
                            "WHERE sent_run_id = ANY(%s) ORDER BY id", (run_ids,)).fetchall()


def test_first_run_aligns_the_books(world):
    results = run_both()
    rows = summary(world, [r.run_id for r in results])
    by = {(r["entity"], r["ledger"]): r for r in rows}
    assert by[("contacts", "xero")]["read"] > 0 and by[("contacts", "quickbooks")]["read"] > 0
    assert by[("contacts", "xero")]["matched"] > 10
    assert by[("invoices", "quickbooks")]["created"] + by[("invoices", "quickbooks")]["updated"] > 0
    assert all(r["failed"] == 0 for r in rows)


def test_truth_pairs_are_linked_and_ambiguous_ones_wait_in_the_queue(world):
    queue = Queue.read(world.db_url)
    contacts = queue.links.get("contacts", {})
    invoices = queue.links.get("invoices", {})
    pairs = [c for c in world.truth["contacts"] if c["match"] == "pair" and c["entity"] == "customer"]
    assert pairs, "the seed has customers on both sides"
    for c in pairs:
        assert contacts.get(c["xero_id"]) == c["qb_id"], f"{c['key']} ({c['xero_name']} / {c['qb_name']}) not linked"
    sales = [i for i in world.truth["invoices"] if i["match"] == "pair" and i["kind"] == "sales"]
    for i in sales:
        assert invoices.get(i["xero_id"]) == i["qb_id"], f"{i['key']} ({i['xero_number']}) not linked to {i['qb_id']}"
    # nothing was linked twice, and every link joins records the truth says are the same (or that we created)
    assert len(set(contacts.values())) == len(contacts)
    truth_contacts = {c["xero_id"]: c["qb_id"] for c in world.truth["contacts"] if c["match"] == "pair"}
    for xero_id, qb_id in contacts.items():
        if xero_id in truth_contacts:
            assert truth_contacts[xero_id] == qb_id
    ambiguous = [a for a in world.truth["ambiguous"] if a["kind"] in ("customer", "sales")]
    assert ambiguous, "the seed has ambiguous cases"
    for a in ambiguous:
        entity = "contacts" if a["entity"] == "contact" else "invoices"
        ids = [a["id"], *a["candidates"]]
        sides = [a["side"]] + ["quickbooks" if a["side"] == "xero" else "xero"] * len(a["candidates"])
        for record_id, side in zip(ids, sides):
            linked = record_id in queue.links.get(entity, {}) if side == "xero" else \
                record_id in set(queue.links.get(entity, {}).values())
            assert not linked, f"ambiguous {entity} {side} {record_id} was linked automatically"
        assert "ambiguous_match" in queue.open_reasons.get((entity, a["side"], a["id"]), set()), a


def test_the_books_hold_the_same_records_apart_from_the_queue(world):
    books = Books.read(world.xero_hook(), world.qb_hook())
    queue = Queue.read(world.db_url)
    contact_links = queue.links.get("contacts", {})
    problems = []
    for xero_id, qb_id in contact_links.items():
        diff = contact_differences(books.xero_contacts[xero_id], books.qb_customers[qb_id])
        if diff and not queue.queued("contacts", "xero", xero_id):
            problems.append(f"contact {xero_id}/{qb_id}: {diff}")
    linked_qb = set(contact_links.values())
    for xero_id, c in books.xero_contacts.items():
        customer_side = c.get("IsCustomer") or not c.get("IsSupplier")
        if customer_side and c["ContactStatus"] == "ACTIVE" and xero_id not in contact_links:
            assert queue.queued("contacts", "xero", xero_id), f"xero contact {c['Name']} neither linked nor queued"
    for qb_id, c in books.qb_customers.items():
        if c.get("Active") and qb_id not in linked_qb:
            assert queue.queued("contacts", "quickbooks", qb_id), f"customer {c['DisplayName']} neither linked nor queued"
    invoice_links = queue.links.get("invoices", {})
    for xero_id, qb_id in invoice_links.items():
        diff = invoice_differences(books.xero_invoices[xero_id], books.qb_invoices[qb_id], contact_links,
                                   world.mappings)
        if diff and not queue.queued("invoices", "xero", xero_id):
            problems.append(f"invoice {books.xero_invoices[xero_id]['InvoiceNumber']}: {diff}")
    for xero_id, inv in books.xero_invoices.items():
        if inv["Status"] in ("AUTHORISED", "PAID") and xero_id not in invoice_links:
            assert queue.queued("invoices", "xero", xero_id), f"invoice {inv['InvoiceNumber']} neither copied nor queued"
    linked_qb_invoices = set(invoice_links.values())
    for qb_id, inv in books.qb_invoices.items():
        voided = (inv.get("PrivateNote") or "").startswith("Voided")
        if not voided and qb_id not in linked_qb_invoices:
            assert queue.queued("invoices", "quickbooks", qb_id), f"QuickBooks invoice {qb_id} neither linked nor queued"
    assert not problems, "\n".join(problems)
    # the copy is noted on each Xero invoice that was created in QuickBooks
    with psycopg.connect(world.db_url) as conn:
        created = conn.execute("SELECT xero_id, quickbooks_id FROM ledgerbridge.xref WHERE entity = 'invoices' "
                               "AND method = 'created'").fetchall()
    assert created
    hook = world.xero_hook()
    for xero_id, qb_id in created:
        notes = [h["Details"] for h in hook.history("Invoices", xero_id)]
        assert any(f"Invoice {qb_id}" in n for n in notes), notes


def test_a_second_run_writes_nothing(world):
    before = positions(world)
    results = run_both()
    assert write_calls(world, before) == {"xero": [], "quickbooks": []}
    rows = summary(world, [r.run_id for r in results])
    assert all(r["created"] == r["updated"] == r["voided"] == 0 for r in rows), rows


def test_edits_on_either_side_are_synced_and_only_those(world):
    queue = Queue.read(world.db_url)
    xero, qb = world.xero_hook(), world.qb_hook()
    for box in (world.xero, world.quickbooks):
        box.control("POST", "clock", json={"advance": 5})
    links = queue.links["contacts"]
    free = [x for x in links if not any(k[0] == "contacts" and k[2] in (x, links[x]) for k in queue.open)]
    contact_a, contact_b = free[0], free[1]
    edited = xero.write("Contacts", [WriteItem("e1", {"ContactID": contact_a,
                                                      "EmailAddress": "accounts.new@example.co.uk"})])
    assert edited[0].ok, edited[0].errors
    customer = qb.get("Customer", links[contact_b])
    qb.write_one("Customer", {"Id": customer["Id"], "SyncToken": customer["SyncToken"], "sparse": True,
                              "PrimaryPhone": {"FreeFormNumber": "0117 496 0999"}})
    invoice_links = queue.links["invoices"]
    invoice_id = next(x for x, q in invoice_links.items()
                      if not queue.queued("invoices", "xero", x)
                      and (inv := xero.get("Invoices", x))["Status"] == "AUTHORISED" and not inv.get("AmountPaid"))
    invoice = xero.get("Invoices", invoice_id)
    lines = [{k: v for k, v in ln.items() if k in ("LineItemID", "Description", "Quantity", "UnitAmount",
                                                    "AccountCode", "TaxType", "ItemCode")}
             for ln in invoice["LineItems"]]
    lines[0]["Description"] = "Edited after the first alignment"
    edited = xero.write("Invoices", [WriteItem("e3", {"InvoiceID": invoice_id, "LineItems": lines})])
    assert edited[0].ok, edited[0].errors

    before = positions(world)
    results = run_both()
    writes = applied_writes(world, [r.run_id for r in results])
    assert sorted((w["entity"], w["ledger"], w["operation"], w["target_id"]) for w in writes) == sorted([
        ("contacts", "quickbooks", "update", links[contact_a]),
        ("contacts", "xero", "update", contact_b),
        ("invoices", "quickbooks", "update", invoice_links[invoice_id]),
    ])
    calls = write_calls(world, before)
    assert len(calls["xero"]) == 1 and len(calls["quickbooks"]) == 2  # one batch per entity and ledger
    assert (qb.get("Customer", links[contact_a])["PrimaryEmailAddr"]["Address"] == "accounts.new@example.co.uk")
    phone = next(p for p in xero.get("Contacts", contact_b)["Phones"] if p["PhoneType"] == "DEFAULT")
    assert "".join(filter(str.isdigit, phone["PhoneNumber"])) == "01174960999"
    qb_invoice = qb.get("Invoice", invoice_links[invoice_id])
    assert qb_invoice["Line"][0]["Description"] == "Edited after the first alignment"


def test_a_write_whose_answer_is_lost_is_retried_and_applied_once(world):
    xero, qb = world.xero_hook(), world.qb_hook()
    name = f"Lost Answer Studio {time.monotonic_ns()}"
    created = xero.write("Contacts", [WriteItem("n1", {"Name": name, "EmailAddress": "studio@example.co.uk"})],
                         method="PUT")
    assert created[0].ok
    # every try of the first task attempt loses QuickBooks' answer after it applied the batch: the task fails,
    # Airflow retries it, and the retry must not create the customer again
    world.quickbooks.control("POST", "faults", json=[{"action": "drop", "method": "POST", "path": "/batch$",
                                                      "times": 6}])
    result = run_in_process("sync_contacts", {})
    world.quickbooks.control("DELETE", "faults")
    assert result.ok, result.summary()
    write_task = next(t for key, t in result.tasks.items() if key.startswith("pair.write_quickbooks"))
    assert write_task.try_number >= 2, result.summary()
    matches = qb.query(f"SELECT * FROM Customer WHERE DisplayName = '{name}'").get("Customer") or []
    assert len(matches) == 1
    with psycopg.connect(world.db_url, row_factory=dict_row) as conn:
        trail = conn.execute("SELECT a.outcome, a.try_number FROM ledgerbridge.audit_log a "
                             "JOIN ledgerbridge.outbox o ON o.id = a.outbox_id "
                             "WHERE o.ledger = 'quickbooks' AND o.label = %s ORDER BY a.id", (name,)).fetchall()
    outcomes = [t["outcome"] for t in trail]
    assert outcomes[0] == "sent" and outcomes[-1] in ("applied", "recovered") and outcomes.count("applied") + \
        outcomes.count("recovered") == 1, trail
    assert {t["try_number"] for t in trail} >= {1, 2}


def test_a_run_config_picks_the_pair_and_the_entities(world):
    before = positions(world)
    skipped = run_in_process("sync_invoices", {"entities": ["contacts"]})
    assert skipped.ok and skipped.returns["prepare"] == []
    assert not any(key.startswith("pair.") and task.state == "success" for key, task in skipped.tasks.items())
    unknown = run_in_process("sync_invoices", {"pair": "no-such-pair"})
    assert not unknown.ok and unknown.tasks["prepare"].state == "failed"
    assert unknown.tasks["prepare"].try_number == 1  # a pairs file is not fixed by waiting: no retries
    chosen = run_in_process("sync_invoices", {"pair": "harbour", "entities": ["invoices"], "full_resync": True})
    assert chosen.ok and chosen.returns["prepare"] == [{"pair": "harbour", "full": True}]
    assert write_calls(world, before) == {"xero": [], "quickbooks": []}

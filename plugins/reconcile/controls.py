"""Control totals: after a nightly run, do the two ledgers agree on what the company is owed and owes?

Both ledgers' documents are read again (so what this run wrote is counted), then for receivables (sales invoices
less credit notes) and payables (bills less supplier credits): the amount due per linked contact and in total, and
by age past the due date, is compared. Every difference is stored (``ledgerbridge.control_totals``) with the
documents behind it (``ledgerbridge.control_differences``): a document whose amount due differs from its partner's,
or that is owed on one side only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

from ledgerbridge import db
from reconcile import staging
from reconcile.config import PairConfig
from reconcile.entities import get
from reconcile.run import RunInfo

log = logging.getLogger(__name__)

KINDS = {
    "receivable": {"doc_entity": "invoices", "credit_entity": "credit_notes", "contact_entity": "contacts"},
    "payable": {"doc_entity": "bills", "credit_entity": "vendor_credits", "contact_entity": "suppliers"},
}
BUCKETS = (("current", 0, 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, 10**6))
ZERO = Decimal("0")


def bucket_of(days: int) -> str:
    return next(name for name, low, high in BUCKETS if low <= days <= high)


def compare(pair: PairConfig, run: RunInfo, hooks: dict[str, Any], *, restage: bool = True,
            as_of: dt.date | None = None, db_url: str | None = None) -> dict[str, Any]:
    as_of = as_of or dt.date.today()
    if restage:
        for kind in KINDS.values():
            for entity in (kind["doc_entity"], kind["credit_entity"]):
                for ledger in ("xero", "quickbooks"):
                    if pair.entity(entity).enabled:
                        staging.stage(get(entity), ledger, pair, hooks[ledger], run, db_url=db_url)
    summary: dict[str, Any] = {"pair": pair.name, "as_of": as_of.isoformat()}
    with db.connect(db_url) as conn:
        for params in ({"run_id": run.run_id, "pair": pair.name},):
            conn.execute(db.sql("control/clear_totals"), params)
            conn.execute(db.sql("control/clear_differences"), params)
        for kind, entities in KINDS.items():
            for entity in (entities["doc_entity"], entities["credit_entity"]):
                conn.execute(db.composed("control/resolve_settled", xero_table=f"stg_xero_{entity}",
                                         qb_table=f"stg_quickbooks_{entity}"),
                             {"pair": pair.name, "entity": entity, "run_id": run.run_id})
            summary[kind] = _compare_kind(conn, pair, run, kind, entities, as_of)
        unexplained = conn.execute(db.sql("control/unexplained"), {"pair": pair.name, "run_id": run.run_id}).fetchall()
        summary["unexplained_documents"] = len(unexplained)
        for doc in unexplained:
            log.warning("control totals of pair %s: %s %s differs (xero %s, quickbooks %s) and nothing in the "
                        "exception queue explains it", pair.name, doc["entity"], doc["document"], doc["xero_due"],
                        doc["quickbooks_due"])
        conn.commit()
    log.info("control totals for pair %s: %s", pair.name, summary)
    return summary


def _compare_kind(conn: Any, pair: PairConfig, run: RunInfo, kind: str, entities: dict[str, str],
                  as_of: dt.date) -> dict[str, Any]:
    statement = db.composed(
        "control/open_items",
        xero_docs_table=f"stg_xero_{entities['doc_entity']}",
        qb_docs_table=f"stg_quickbooks_{entities['doc_entity']}",
        xero_credits_table=f"stg_xero_{entities['credit_entity']}",
        qb_credits_table=f"stg_quickbooks_{entities['credit_entity']}")
    rows = conn.execute(statement, {"pair": pair.name, "as_of": as_of, **entities}).fetchall()
    # a document a person decided to ignore (and its partner) is out of the totals and differences, listed apart
    ignored_ids = {(r["entity"], r["ledger_id"]) for r in rows if r["ignored"]}
    ignored = [r for r in rows if (r["entity"], r["ledger_id"]) in ignored_ids
               or (r["partner"] and (r["entity"], r["partner"]) in ignored_ids)]
    rows = [r for r in rows if r not in ignored]
    totals: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: {"xero": ZERO, "quickbooks": ZERO})
    by_doc: dict[str, dict[str, Any]] = {}
    for r in rows:
        contact = f"{r['xero_contact'] or '?'}|{r['quickbooks_contact'] or '?'}"
        due = Decimal(r["due"])
        for key in ((contact, "all"), (contact, bucket_of(r["days_overdue"])), ("total", "all"),
                    ("total", bucket_of(r["days_overdue"]))):
            totals[key][r["ledger"]] += due
        xero_id = r["ledger_id"] if r["ledger"] == "xero" else r["partner"]
        qb_id = r["ledger_id"] if r["ledger"] == "quickbooks" else r["partner"]
        doc = by_doc.setdefault(f"{r['entity']}|{xero_id}|{qb_id}", {
            "entity": r["entity"], "xero_id": xero_id, "quickbooks_id": qb_id, "document": r["number"],
            "xero_due": None, "quickbooks_due": None, "contact": contact})
        doc[f"{r['ledger']}_due"] = due
        doc["document"] = doc["document"] or r["number"]
    labels = _labels(conn, pair.name, entities["contact_entity"],
                     {c.split("|")[0] for c, _ in totals if c != "total"})
    differing_contacts = set()
    for (contact, bucket), amounts in sorted(totals.items()):
        difference = amounts["xero"] - amounts["quickbooks"]
        label = "total" if contact == "total" else labels.get(contact.split("|")[0], contact)
        conn.execute(db.sql("control/save_total"), {
            "run_id": run.run_id, "pair": pair.name, "kind": kind, "contact": contact, "label": label,
            "bucket": bucket, "xero": amounts["xero"], "quickbooks": amounts["quickbooks"],
            "difference": difference})
        if difference and contact != "total":
            differing_contacts.add(contact)
    differences = 0
    for doc in by_doc.values():
        if (doc["xero_due"] or ZERO) == (doc["quickbooks_due"] or ZERO):
            continue
        differences += 1
        conn.execute(db.sql("control/save_difference"), {
            "run_id": run.run_id, "pair": pair.name, "kind": kind,
            "label": labels.get(doc["contact"].split("|")[0], doc["contact"]), "entity": doc["entity"],
            "xero_id": doc["xero_id"], "quickbooks_id": doc["quickbooks_id"], "document": doc["document"],
            "xero_due": doc["xero_due"], "quickbooks_due": doc["quickbooks_due"]})
    total = totals[("total", "all")]
    result = {"xero": str(total["xero"]), "quickbooks": str(total["quickbooks"]),
              "difference": str(total["xero"] - total["quickbooks"]), "contacts_differing": len(differing_contacts),
              "documents_differing": differences,
              "ignored": [{"entity": r["entity"], "ledger": r["ledger"], "id": r["ledger_id"], "document": r["number"],
                           "due": str(r["due"])} for r in ignored]}
    if ignored:
        log.info("%s %s: %s ignored documents left out of the totals: %s", pair.name, kind, len(ignored),
                 ", ".join(f"{r['ledger']} {r['number'] or r['ledger_id']} {r['due']}" for r in ignored[:20]))
    if differences:
        log.warning("%s %s: %s documents differ between the ledgers (ledgerbridge.control_differences, run %s)",
                    pair.name, kind, differences, run.run_id)
    return result


def _labels(conn: Any, pair: str, contact_entity: str, ids: set[str]) -> dict[str, str]:
    statement = db.composed("control/contact_labels", table=f"stg_xero_{contact_entity}")
    return {r["ledger_id"]: r["name"] for r in conn.execute(statement, {"pair": pair, "ids": sorted(ids)})}

"""Matching in SQL: link unlinked records to pre-existing partners on the other side.

``include/sql/match/<entity>_candidates.sql`` scores candidate pairs by the entity's rules; ``match/decide.sql``
links a pair only when each is the other's clear best, and everything else that is plausible goes to the
exception queue with its candidates, so an ambiguous record is never linked (nor created again) automatically.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ledgerbridge import db
from reconcile.config import PairConfig
from reconcile.entities.base import EntitySpec
from reconcile.run import RunInfo, open_exception, set_counts

log = logging.getLogger(__name__)

LABEL_COLUMNS = {"contacts": "name", "documents": "number", "payments": "reference"}


@dataclass
class MatchResult:
    linked: int = 0
    ambiguous_xero: int = 0
    ambiguous_quickbooks: int = 0

    def counts(self) -> dict[str, int]:
        return {"linked": self.linked, "ambiguous_xero": self.ambiguous_xero,
                "ambiguous_quickbooks": self.ambiguous_quickbooks}


def _labels(conn: Any, spec: EntitySpec, ledger: str, pair: str, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    column = LABEL_COLUMNS.get(spec.matcher or spec.name, "ledger_id")
    rows = conn.execute(db.composed("match/labels", label=column, table=spec.stage_table(ledger)),
                        {"pair": pair, "ids": ids})
    return {r["ledger_id"]: r["label"] for r in rows}


def match(spec: EntitySpec, pair: PairConfig, run: RunInfo, db_url: str | None = None) -> MatchResult:
    result = MatchResult()
    with db.connect(db_url) as conn:
        conn.execute(db.sql("match/candidates_table"))
        for ledger, temp in (("xero", "match_x"), ("quickbooks", "match_q")):
            conn.execute(db.composed("match/unlinked_side", temp=temp, table=spec.stage_table(ledger),
                                     xref_column=f"{ledger}_id"),
                         {"pair": pair.name, "entity": spec.name, "ledger": ledger, "with_deleted": spec.match_deleted,
                          "entities": [spec.name, *spec.siblings_on(ledger)]})
        rules = db.composed(f"match/{spec.matcher or spec.name}_candidates", xero_table=spec.stage_table("xero"),
                            qb_table=spec.stage_table("quickbooks"))
        conn.execute(rules, {"pair": pair.name, "entity": spec.name,
                             "contact_entity": spec.reference_entity("contact_id"),
                             "document_entity": spec.reference_entities.get("document_id"),
                             "credit_entity": spec.reference_entities.get("credit_id")})
        decisions = conn.execute(db.sql("match/decide")).fetchall()
        by_xero: dict[str, list[dict]] = defaultdict(list)
        by_qb: dict[str, list[dict]] = defaultdict(list)
        linked_x = {d["xero_id"] for d in decisions if d["link"]}
        linked_q = {d["quickbooks_id"] for d in decisions if d["link"]}
        for d in decisions:
            if not d["link"] and (d["xero_id"] in linked_x or d["quickbooks_id"] in linked_q):
                continue  # a weaker candidate of a record that found its clear partner
            if d["link"]:
                conn.execute(db.sql("match/link"), {
                    "pair": pair.name, "entity": spec.name, "xero_id": d["xero_id"],
                    "quickbooks_id": d["quickbooks_id"], "method": "matched", "rule": d["rule"],
                    "score": d["score"], "run_id": run.run_id})
                result.linked += 1
            else:
                by_xero[d["xero_id"]].append(d)
                by_qb[d["quickbooks_id"]].append(d)
        xero_labels = _labels(conn, spec, "xero", pair.name, sorted(by_xero))
        qb_labels = _labels(conn, spec, "quickbooks", pair.name,
                            sorted(set(by_qb) | {d["quickbooks_id"] for ds in by_xero.values() for d in ds}))
        xero_labels.update(_labels(conn, spec, "xero", pair.name,
                                   sorted({d["xero_id"] for ds in by_qb.values() for d in ds} - set(xero_labels))))
        for xero_id, ds in by_xero.items():
            candidates = [{"quickbooks_id": d["quickbooks_id"], "label": qb_labels.get(d["quickbooks_id"]),
                           "score": float(d["score"]), "rule": d["rule"]} for d in ds]
            names = ", ".join(f"{c['quickbooks_id']} ({c['label']}, {c['rule']} {c['score']:.2f})"
                              for c in candidates)
            open_exception(conn, run, pair.name, spec.name, "xero", xero_id, "ambiguous_match",
                           f"xero {spec.name} {xero_id} ({xero_labels.get(xero_id)}) has more than one plausible "
                           f"QuickBooks partner, so it is not linked automatically: {names}. Link one by hand "
                           "(ledgerbridge.xref, method 'manual') to resolve.",
                           label=xero_labels.get(xero_id), candidates=candidates)
            result.ambiguous_xero += 1
        for qb_id, ds in by_qb.items():
            candidates = [{"xero_id": d["xero_id"], "label": xero_labels.get(d["xero_id"]),
                           "score": float(d["score"]), "rule": d["rule"]} for d in ds]
            names = ", ".join(f"{c['xero_id']} ({c['label']}, {c['rule']} {c['score']:.2f})" for c in candidates)
            open_exception(conn, run, pair.name, spec.name, "quickbooks", qb_id, "ambiguous_match",
                           f"quickbooks {spec.name} {qb_id} ({qb_labels.get(qb_id)}) has more than one plausible "
                           f"Xero partner, so it is not linked automatically: {names}. Link one by hand "
                           "(ledgerbridge.xref, method 'manual') to resolve.",
                           label=qb_labels.get(qb_id), candidates=candidates)
            result.ambiguous_quickbooks += 1
        conn.execute(db.sql("match/resolve_ambiguous"), {
            "pair": pair.name, "entity": spec.name, "run_id": run.run_id,
            "xero_ids": list(by_xero), "quickbooks_ids": list(by_qb)})
        for ledger in ("xero", "quickbooks"):
            set_counts(conn, run, pair.name, spec.name, ledger, matched=result.linked)
        conn.commit()
    log.info("matched %s for pair %s: %s", spec.name, pair.name, result.counts())
    return result

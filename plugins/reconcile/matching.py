"""Matching: link unlinked records to pre-existing partners on the other side, queue the near misses, re-check
links whose records changed.

Contacts and documents are matched by evidence (``reconcile.scoring``, ``reconcile.evidence``): every comparable
field weighs for or against, and each pair has one of three outcomes under the company pair's two thresholds —
linked, queued for a person (``possible_match``, or ``ambiguous_match`` when two candidates would each have
linked), or left to be created. Items, payments, bank transactions and journals keep their SQL rules
(``include/sql/match/<entity>_candidates.sql`` + ``match/decide.sql``): a record links only to its clear best.

A queued record, and every candidate it names, is neither linked nor created until a person decides (the planner
holds them). A person links by inserting into ``ledgerbridge.xref`` (method 'manual'), or says two records are
different by inserting into ``ledgerbridge.distinct_records``; the next run closes the exception.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ledgerbridge import db
from reconcile import scoring
from reconcile.config import PairConfig
from reconcile.entities.base import EntitySpec, other
from reconcile.evidence import model
from reconcile.run import RunInfo, open_exception, open_exceptions, set_counts

log = logging.getLogger(__name__)

RULES_THRESHOLDS = model.Thresholds(link=0.7, review=0.7)  # the SQL rules' scores are 0..1, plausible from 0.7


@dataclass
class MatchResult:
    linked: int = 0
    queued: int = 0
    ambiguous_xero: int = 0
    ambiguous_quickbooks: int = 0
    candidates: int = 0
    weak_links: int = 0

    def counts(self) -> dict[str, int]:
        return {"linked": self.linked, "queued": self.queued, "ambiguous_xero": self.ambiguous_xero,
                "ambiguous_quickbooks": self.ambiguous_quickbooks, "candidates": self.candidates,
                "weak_links": self.weak_links}


def thresholds_of(pair: PairConfig) -> model.Thresholds:
    return model.Thresholds(link=pair.match_link, review=pair.match_review)


def match(spec: EntitySpec, pair: PairConfig, run: RunInfo, db_url: str | None = None) -> MatchResult:
    result = MatchResult()
    kind = scoring.matcher(spec)
    thresholds = thresholds_of(pair) if kind else RULES_THRESHOLDS
    with db.connect(db_url) as conn:
        if kind:
            conn.execute(db.sql("match/evidence/session"))
            scoring.refresh_keys(conn, spec, pair.name)
        for ledger, temp in (("xero", "match_x"), ("quickbooks", "match_q")):
            conn.execute(db.composed("match/unlinked_side", temp=temp, table=spec.stage_table(ledger),
                                     xref_column=f"{ledger}_id"),
                         {"pair": pair.name, "entity": spec.name, "ledger": ledger, "with_deleted": spec.match_deleted,
                          "entities": [spec.name, *spec.siblings_on(ledger)]})
        if kind:
            counts = scoring.score(conn, spec, pair, thresholds)
            result.candidates = counts["candidates"]
            conn.execute(db.sql("match/evidence/decide"), {"link": thresholds.link, "margin": model.MARGIN})
            result.linked = conn.execute(db.sql("match/evidence/link"), {
                "pair": pair.name, "entity": spec.name, "run_id": run.run_id}).rowcount
            _queue(conn, spec, pair, run, _review_groups(conn), thresholds, True, result)
        else:
            result.linked, waiting = _match_by_rules(conn, spec, pair, run)
            _queue(conn, spec, pair, run, groups(_with_labels(conn, spec, pair.name, waiting)), thresholds, False,
                   result)
        if kind == "contacts":
            _recheck_links(conn, spec, pair, run, thresholds, result)
        for ledger in ("xero", "quickbooks"):
            set_counts(conn, run, pair.name, spec.name, ledger, matched=result.linked)
        conn.commit()
    log.info("matched %s for pair %s: %s", spec.name, pair.name, result.counts())
    return result


def _match_by_rules(conn: Any, spec: EntitySpec, pair: PairConfig, run: RunInfo) -> tuple[int, list[dict]]:
    """The SQL rules of items, payments, bank transactions and journals: links, and the plausible pairs left."""
    conn.execute(db.sql("match/candidates_table"))
    rules = db.composed(f"match/{spec.matcher or spec.name}_candidates", xero_table=spec.stage_table("xero"),
                        qb_table=spec.stage_table("quickbooks"))
    conn.execute(rules, {"pair": pair.name, "entity": spec.name,
                         "contact_entity": spec.reference_entity("contact_id"),
                         "document_entity": spec.reference_entities.get("document_id"),
                         "credit_entity": spec.reference_entities.get("credit_id")})
    decisions = conn.execute(db.sql("match/decide")).fetchall()
    linked_x = {d["xero_id"] for d in decisions if d["link"]}
    linked_q = {d["quickbooks_id"] for d in decisions if d["link"]}
    waiting = []
    for d in decisions:
        if d["link"]:
            conn.execute(db.sql("match/link"), {
                "pair": pair.name, "entity": spec.name, "xero_id": d["xero_id"], "quickbooks_id": d["quickbooks_id"],
                "method": "matched", "rule": d["rule"], "score": d["score"], "run_id": run.run_id})
        elif d["xero_id"] not in linked_x and d["quickbooks_id"] not in linked_q:
            # a weaker candidate of a record that found its clear partner is not queued
            waiting.append({"xero_id": d["xero_id"], "quickbooks_id": d["quickbooks_id"], "weight": float(d["score"]),
                            "vetoed": False, "rival": True, "x_label": None, "q_label": None,
                            "evidence": [{"field": "rule", "xero": None, "quickbooks": None, "level": d["rule"],
                                          "weight": float(d["score"]),
                                          "says": f"Plausible by the rule {d['rule']} (score {float(d['score']):.2f})."}]})
    return len(linked_x), waiting


def _labels(conn: Any, spec: EntitySpec, ledger: str, pair: str, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    column = {"contacts": "name", "documents": "number", "payments": "reference"}.get(spec.matcher or spec.name,
                                                                                      "ledger_id")
    rows = conn.execute(db.composed("match/labels", label=column, table=spec.stage_table(ledger)),
                        {"pair": pair, "ids": ids})
    return {r["ledger_id"]: r["label"] for r in rows}


def groups(waiting: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """Every record of a pair that waits gets its own exception: (ledger, record id, its candidate pairs). So each
    record that is neither linked nor created says why in the queue, and one decision (a link, or "different")
    closes both sides' rows on the next run."""
    by_x: dict[str, list[dict]] = defaultdict(list)
    by_q: dict[str, list[dict]] = defaultdict(list)
    for w in waiting:
        by_x[w["xero_id"]].append(w)
        by_q[w["quickbooks_id"]].append(w)
    return [("xero", x, ws) for x, ws in by_x.items()] + [("quickbooks", q, ws) for q, ws in by_q.items()]


def _with_labels(conn: Any, spec: EntitySpec, pair: str, waiting: list[dict]) -> list[dict]:
    """The rule-matched pairs that wait, their records' labels filled in with one query a side."""
    ids = {"xero": sorted({w["xero_id"] for w in waiting}), "quickbooks": sorted({w["quickbooks_id"] for w in waiting})}
    labels = {ledger: _labels(conn, spec, ledger, pair, found) for ledger, found in ids.items()}
    for w in waiting:
        w["x_label"] = w.get("x_label") or labels["xero"].get(w["xero_id"])
        w["q_label"] = w.get("q_label") or labels["quickbooks"].get(w["quickbooks_id"])
    return waiting


def _review_groups(conn: Any, chunk: int = 2000) -> Iterator[tuple[str, str, list[dict]]]:
    """As ``groups``, streamed from the scored pairs that wait: first each Xero record's pairs, then each QuickBooks
    record's, from server-side cursors ordered by the record, so memory does not grow with the number queued."""
    for ledger in ("xero", "quickbooks"):
        with conn.cursor(name=f"match_review_{ledger}") as cur:
            cur.itersize = chunk
            cur.execute(db.sql(f"match/evidence/review_by_{ledger}"))
            for record_id, rows in itertools.groupby(cur, key=lambda r: r[f"{ledger}_id"]):
                yield ledger, record_id, [dict(r) for r in rows]


def _queue(conn: Any, spec: EntitySpec, pair: PairConfig, run: RunInfo,
           waiting: Iterable[tuple[str, str, list[dict]]], t: model.Thresholds, by_evidence: bool,
           result: MatchResult) -> None:
    """One exception per record that waits (``waiting``: its ledger, id and candidate pairs, as ``groups``)."""
    keep: list[str] = []
    batch: list[dict] = []  # exceptions written 500 at a time in one pipelined batch: no round trip each
    for ledger, record_id, pairs in waiting:  # labels come with the pairs (the scored rows, or _with_labels)
        theirs = other(ledger)
        mine_key, their_key = ("xero_id", "quickbooks_id") if ledger == "xero" else ("quickbooks_id", "xero_id")
        mine_label, their_label = ("x_label", "q_label") if ledger == "xero" else ("q_label", "x_label")
        label = pairs[0].get(mine_label)
        candidates = []
        strong = 0
        for n, w in enumerate(sorted(pairs, key=lambda p: (-float(p["weight"]), p[their_key])), start=1):
            weight = float(w["weight"])
            items = w["evidence"] if isinstance(w["evidence"], list) else json.loads(w["evidence"])
            vetoed = [e for e in items if e.get("veto")]
            alone = model.outcome(weight, bool(vetoed), t) if by_evidence else "link"
            strong += alone == "link"
            reason_text = model.why(weight, [_ev(e) for e in vetoed], t, rival=alone == "link")
            candidates.append(model.candidate(n, theirs, w[their_key], w.get(their_label), weight, items, alone,
                                              reason_text))
        reason = "ambiguous_match" if strong >= 2 or not by_evidence else "possible_match"
        payload = model.queued(ledger, record_id, label, candidates, t)
        listed = "; ".join(model.sentence(c) for c in candidates)
        what = ("more than one plausible partner" if reason == "ambiguous_match"
                else f"{'a possible partner' if len(candidates) == 1 else 'possible partners'}")
        message = (f"{ledger} {spec.name} {record_id} ({label}) has {what} in {theirs}: {listed}. Neither it nor its "
                   f"candidates are linked or copied until a person decides: link one (ledgerbridge.xref, method "
                   f"'manual'), or record them as different (ledgerbridge.distinct_records).")
        batch.append({"pair": pair.name, "entity": spec.name, "ledger": ledger, "record_id": record_id,
                      "reason": reason, "message": message, "label": label, "candidates": payload})
        if len(batch) >= 500:
            open_exceptions(conn, run, batch)
            batch.clear()
        keep.append(f"{ledger}:{record_id}:{reason}")
        result.queued += 1
        if ledger == "xero":
            result.ambiguous_xero += reason == "ambiguous_match"
        else:
            result.ambiguous_quickbooks += reason == "ambiguous_match"
    open_exceptions(conn, run, batch)
    conn.execute(db.sql("match/resolve_ambiguous"), {"pair": pair.name, "entity": spec.name, "run_id": run.run_id,
                                                      "keep": keep})


def _ev(d: dict) -> Any:
    from reconcile.evidence.weights import Evidence  # noqa: PLC0415

    return Evidence(d["field"], d.get("xero"), d.get("quickbooks"), d["level"], d["weight"], d["says"], True)


def _recheck_links(conn: Any, spec: EntitySpec, pair: PairConfig, run: RunInfo, t: model.Thresholds,
                   result: MatchResult) -> None:
    """Links whose records changed since they were aligned are weighed again; one whose evidence no longer links is
    queued as ``weak_link`` (and the planner holds the pair). It is never unlinked by the matcher."""
    statement = db.composed("match/evidence/recheck", xero_table=spec.stage_table("xero"),
                            qb_table=spec.stage_table("quickbooks"))
    strong: list[str] = []
    for row in conn.execute(statement, {"pair": pair.name, "entity": spec.name}).fetchall():
        items = scoring.contacts.compare(row["x_profile"], row["q_profile"],
                                         set(row["x_shared"] or ()) | set(row["q_shared"] or ()),
                                         (row["x_label"], row["q_label"]))
        weight = model.total(items)
        vetoed = model.vetoes(items)
        if model.outcome(weight, bool(vetoed), t) == "link":
            strong.append(row["xero_id"])
            continue
        reason_text = model.why(weight, vetoed, t)
        evidence = [e.as_dict() for e in items]
        cand = model.candidate(1, "quickbooks", row["quickbooks_id"], row["q_label"], weight, evidence,
                               model.outcome(weight, bool(vetoed), t), reason_text)
        message = (f"xero {spec.name} {row['xero_id']} ({row['x_label']}) is linked to quickbooks {row['quickbooks_id']}"
                   f" ({row['q_label']}, {row['method']} {row['linked_at']:%Y-%m-%d}), but since they were last "
                   f"aligned the evidence has become weak: {model.sentence(cand)}. The link is kept and nothing is "
                   "written for the pair until a person confirms it (set its method to 'manual') or removes it "
                   "(delete the ledgerbridge.xref row).")
        open_exception(conn, run, pair.name, spec.name, "xero", row["xero_id"], "weak_link", message,
                       label=row["x_label"], candidates=model.queued("xero", row["xero_id"], row["x_label"], [cand], t))
        result.weak_links += 1
    conn.execute(db.sql("match/evidence/resolve_weak"), {"pair": pair.name, "entity": spec.name,
                                                         "run_id": run.run_id, "strong": strong})

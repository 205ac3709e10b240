"""Matching by evidence (contacts and documents): candidates by equality joins on keys computed at staging, each
pair weighed field by field in Python (``reconcile.evidence``), the pairs worth a decision written back, and the
decision taken in SQL.

Memory stays flat in the number of records: candidate pairs are streamed from a server-side cursor in chunks, each
chunk scored and the pairs at or above the review threshold COPYed back before the next chunk is fetched.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Iterator

from psycopg.types.json import Jsonb

from ledgerbridge import db
from reconcile.config import PairConfig
from reconcile.entities.base import EntitySpec
from reconcile.evidence import contacts, documents, model
from reconcile.evidence.weights import Evidence

log = logging.getLogger(__name__)

CHUNK = 2000
# a key held by more records than its cap on a side finds no candidates: an identifier (a mass mailbox), a whole
# name (a common person's name), or its sound, one of its words, a surname and initial, a one-typo variant
KEY_CAP = 12
NAME_KEY_CAP = 10
FUZZY_KEY_CAP = 4
NEIGHBOURS = 3  # within a name too common to pair everyone, each record meets this many places either side


def matcher(spec: EntitySpec) -> str | None:
    """'contacts' or 'documents' when the entity is matched by evidence; None for the rule-based matchers."""
    name = spec.matcher or spec.name
    return name if name in ("contacts", "documents") else None


# --- keys of records staged before this model ---------------------------------------------------------------------
def refresh_keys(conn: Any, spec: EntitySpec, pair: str) -> int:
    """Compute the profile and keys of staged records that lack them (staged before the model, or by an older
    version of it), in chunks. Returns how many were refreshed."""
    kind = matcher(spec)
    version = contacts.VERSION if kind == "contacts" else None
    refreshed = 0
    conn.execute(db.sql("match/evidence/refresh_temp"))
    for ledger in ("xero", "quickbooks"):
        table = spec.stage_table(ledger)
        with conn.cursor(name=f"stale_{ledger}") as cur:
            cur.itersize = CHUNK
            cur.execute(db.composed(f"match/evidence/stale_{kind}", table=table), {"pair": pair, "version": version})
            batch: list[tuple] = []
            while rows := cur.fetchmany(CHUNK):
                for row in rows:
                    if kind == "contacts":
                        contacts.stamp(row)
                        batch.append((row["ledger_id"], Jsonb(row["match_profile"]), Jsonb(row["match_ids"]),
                                      Jsonb(row["match_keys"]), Jsonb(row["match_typo_keys"])))
                    else:
                        batch.append((row["ledger_id"], None, None, Jsonb(documents.blocking_keys(row)), None))
                refreshed += len(batch)
                with conn.cursor() as w, w.copy(db.sql("match/evidence/refresh_copy")) as copy:
                    for item in batch:
                        copy.write_row(item)
                batch.clear()
        conn.execute(db.composed(f"match/evidence/refresh_apply_{kind}", table=table), {"pair": pair})
        conn.execute(db.sql("match/evidence/refresh_clear"))
    if refreshed:
        log.info("%s: computed match keys of %s records staged before them", spec.name, refreshed)
    return refreshed


# --- scoring ---------------------------------------------------------------------------------------------------
class Profiles:
    """Decoded contact profiles by ledger id, at most ``size`` of them (the oldest go first): a record meets
    several candidates, and decoding its profile (and parsing its name) once is most of the saving."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: dict[str, dict] = {}

    def get(self, key: str, value: Any) -> dict:
        found = self.items.get(key)
        if found is None:
            found = json.loads(value) if isinstance(value, str) else value
            found["name"] = contacts.ParsedName.from_dict(found["name"])
            if len(self.items) >= self.size:
                self.items.pop(next(iter(self.items)))
            self.items[key] = found
        return found


_profiles = {"xero": Profiles(64), "quickbooks": Profiles(5000)}


def _contact_pair(row: dict) -> list[Evidence]:
    shared = set(row["x_shared"] or ()) | set(row["q_shared"] or ())
    x = _profiles["xero"].get(row["xero_id"], row["x_profile"])
    q = _profiles["quickbooks"].get(row["quickbooks_id"], row["q_profile"])
    return contacts.compare(x, q, shared, (row["x_label"], row["q_label"]))


def _document_pair(row: dict) -> list[Evidence]:
    fields = ("kind", "number", "contact_id", "date", "total", "currency", "lines", "status")
    return documents.compare({f: row[f"x_{f}"] for f in fields}, {f: row[f"q_{f}"] for f in fields})


SCORERS: dict[str, Callable[[dict], list[Evidence]]] = {"contacts": _contact_pair, "documents": _document_pair}


def rule_of(items: list[Evidence]) -> str:
    """A short summary for xref.rule: the fields that spoke for the pair."""
    return "evidence:" + "+".join(e.field for e in items if e.weight > 0)


_encode = json.JSONEncoder(default=str).encode  # one encoder for every pair (json.dumps with options builds one each)


def score_stream(rows: Iterator[list[dict]], kind: str, thresholds: model.Thresholds) -> Iterator[list[tuple]]:
    """Score chunks of candidate rows; yield, per chunk, the pairs at or above the review threshold (or held back
    by a veto at link strength) as rows for match_scored."""
    scorer = SCORERS[kind]
    for chunk in rows:
        kept = []
        for row in chunk:
            items = scorer(row)
            weight = model.total(items)
            if weight < thresholds.review:
                continue
            kept.append((row["xero_id"], row["quickbooks_id"], weight, bool(model.vetoes(items)), rule_of(items),
                         row["x_label"], row["q_label"], _encode([e.as_dict() for e in items])))
        yield kept


def score(conn: Any, spec: EntitySpec, pair: PairConfig, thresholds: model.Thresholds) -> dict[str, int]:
    """Find and score candidate pairs of match_x / match_q into match_scored. Returns counts."""
    kind = matcher(spec)
    assert kind is not None
    tables = {"xero_table": spec.stage_table("xero"), "qb_table": spec.stage_table("quickbooks")}
    params = {"pair": pair.name, "entity": spec.name, "cap": KEY_CAP, "fuzzy_cap": FUZZY_KEY_CAP,
              "name_cap": NAME_KEY_CAP, "window": NEIGHBOURS,
              "contact_entity": spec.reference_entity("contact_id")}
    if kind == "contacts":
        conn.execute(db.composed("match/evidence/shared", **tables), params)
        conn.execute(db.sql("match/evidence/shared_mark"))
    if kind == "contacts":
        conn.execute(db.sql("match/evidence/contacts_keys"))
        conn.execute(db.sql("match/evidence/contacts_typo_keys"), params)
    if kind == "contacts":
        conn.execute(db.sql("match/evidence/contacts_key_counts"))
    conn.execute(db.sql(f"match/evidence/{kind}_pairs"), params)
    if kind == "contacts":
        conn.execute(db.sql("match/evidence/contacts_neighbours"), params)
    conn.execute(db.sql("match/evidence/pairs_distinct"), params)
    if kind == "contacts":
        conn.execute(db.sql("match/evidence/contacts_sorted"))
    conn.execute(db.sql("match/evidence/scored_table"))
    counts = {"candidates": 0, "kept": 0}
    _profiles.update(xero=Profiles(64), quickbooks=Profiles(5000))

    def chunks() -> Iterator[list[dict]]:
        with conn.cursor(name="match_stream") as cur:
            cur.itersize = CHUNK
            cur.execute(db.sql(f"match/evidence/{kind}_stream"))
            while rows := cur.fetchmany(CHUNK):
                counts["candidates"] += len(rows)
                yield rows

    for kept in score_stream(chunks(), kind, thresholds):
        if not kept:
            continue
        counts["kept"] += len(kept)
        with conn.cursor() as w, w.copy(db.sql("match/evidence/scored_copy")) as copy:
            for item in kept:
                copy.write_row(item)
    return counts

"""Are the books aligned? Re-read both ledgers in full and plan again without changing anything: aligned means
nothing would be written, and everything the planner would report already waits in the exception queue."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ledgerbridge import db
from reconcile import staging
from reconcile.deltas import Planner
from reconcile.entities import get
from reconcile.run import RunInfo
from reconcile.tasks import hook_for, pair_config

log = logging.getLogger(__name__)


@dataclass
class Alignment:
    pair: str
    entity: str
    would_write: list[dict[str, Any]] = field(default_factory=list)
    unexplained: list[dict[str, Any]] = field(default_factory=list)
    open_exceptions: int = 0

    @property
    def aligned(self) -> bool:
        return not self.would_write and not self.unexplained


def check(entity: str, pair: str, run: RunInfo, *, restage: bool = True) -> Alignment:
    spec = get(entity)
    cfg = pair_config(pair)
    if restage:
        for ledger in ("xero", "quickbooks"):
            staging.stage(spec, ledger, cfg, hook_for(cfg, ledger), run, full=True)
    with db.connect() as conn:
        planner = Planner(spec, cfg, run, conn, dry_run=True)
        planner.plan()
        queued = {(r["ledger"], r["record_id"], r["reason"])
                  for r in conn.execute(db.sql("verify/open_exceptions"), {"pair": pair, "entity": entity})}
        conn.rollback()
    result = Alignment(pair, entity, open_exceptions=len(queued))
    result.would_write = [{k: w[k] for k in ("ledger", "operation", "source_ledger", "source_id", "target_id",
                                              "label")} for w in planner.planned]
    result.unexplained = [r for r in planner.reported if (r["ledger"], r["record_id"], r["reason"]) not in queued]
    for w in result.would_write:
        log.warning("not aligned: would %s %s on %s (%s %s)", w["operation"], w["label"], w["ledger"],
                    w["source_ledger"], w["source_id"])
    return result

"""The pipeline's steps as plain functions of (entity, pair, run): the DAG factory wraps them in Airflow tasks,
and tests can call them directly. Each returns small counts (they travel through XCom) and logs them.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from ledgerbridge import db
from ledgerbridge.migrate import migrate
from reconcile import decisions_apply, deltas, matching, quality, staging, writeback
from reconcile.config import ConfigError, PairConfig, load_pairs
from reconcile.entities import ENTITIES, get
from reconcile.run import RunInfo

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _pairs_cached(path: str | None) -> dict[str, PairConfig]:
    from pathlib import Path  # noqa: PLC0415

    return load_pairs(Path(path) if path else None, known_entities=tuple(ENTITIES),
                      directions={name: get(name).directions() for name in ENTITIES})


def pairs() -> dict[str, PairConfig]:
    from reconcile.config import pairs_file  # noqa: PLC0415

    return _pairs_cached(str(pairs_file()))


def pair_config(name: str) -> PairConfig:
    try:
        return pairs()[name]
    except KeyError:
        raise KeyError(f"no company pair {name!r} in the pairs file; known: {', '.join(pairs())}") from None


def hook_for(pair: PairConfig, ledger: str) -> Any:
    if ledger == "xero":
        from xero.hooks import XeroHook  # noqa: PLC0415

        return XeroHook(pair.xero_conn_id)
    from quickbooks.hooks import QuickBooksHook  # noqa: PLC0415

    return QuickBooksHook(pair.quickbooks_conn_id)


def prepare_pairs(requested_pair: str | None = None) -> list[str]:
    """Apply migrations, validate the configuration, and name the pairs a run covers."""
    applied = migrate()
    if applied:
        log.info("applied migrations %s", applied)
    _pairs_cached.cache_clear()
    try:
        configured = pairs()
        if requested_pair:
            return [pair_config(requested_pair).name]
    except (KeyError, ConfigError) as exc:
        _fail_now(str(exc.args[0]) if isinstance(exc, KeyError) else str(exc))
    return list(configured)


def _fail_now(message: str) -> None:
    """A configuration error: the task fails at once, without retries (waiting does not fix a pairs file; clear the
    task in the UI once it is corrected)."""
    try:
        from airflow.sdk.exceptions import AirflowFailException  # noqa: PLC0415
    except ImportError:  # outside Airflow
        raise ValueError(message) from None
    raise AirflowFailException(message)


def prepare(entity: str, requested_pair: str | None = None) -> list[str]:
    """prepare_pairs, keeping the pairs that align ``entity``."""
    chosen = [p for p in prepare_pairs(requested_pair) if pair_config(p).entity(entity).enabled]
    log.info("%s: aligning pairs %s", entity, chosen)
    return chosen


def keep_tokens_alive() -> dict[str, Any]:
    """Refresh every pair's ledger tokens that would die before the next night; alert on those dying within 14
    days (ledgerbridge.token_health). Runs even when an entity DAG is paused."""
    from ledgerbridge.token_health import keep_alive  # noqa: PLC0415

    migrate()
    _pairs_cached.cache_clear()
    wanted = [(ledger, getattr(cfg, f"{ledger}_conn_id")) for cfg in pairs().values()
              for ledger in ("xero", "quickbooks")]

    def make_hook(ledger: str, conn_id: str) -> Any:
        from quickbooks.hooks import QuickBooksHook  # noqa: PLC0415
        from xero.hooks import XeroHook  # noqa: PLC0415

        return (XeroHook if ledger == "xero" else QuickBooksHook)(conn_id)

    return keep_alive(wanted, make_hook)


def check_mappings(pair: str, run: RunInfo) -> dict[str, Any]:
    """Every mapped code exists in both ledgers; records each organisation's currencies. Fails hard otherwise."""
    from reconcile.reference import MappingCheckError, check_pair  # noqa: PLC0415

    cfg = pair_config(pair)
    try:
        return check_pair(cfg, hook_for(cfg, "xero"), hook_for(cfg, "quickbooks"), run)
    except MappingCheckError as exc:
        try:
            from airflow.sdk.exceptions import AirflowFailException  # noqa: PLC0415
        except ImportError:  # outside Airflow
            raise
        raise AirflowFailException(str(exc)) from exc


def extract(entity: str, pair: str, ledger: str, run: RunInfo, full: bool = False) -> dict[str, Any]:
    cfg = pair_config(pair)
    if not full and decisions_apply.wants_full_read(entity, pair, ledger):
        log.info("%s %s: a retry waits for a record staging refused, so %s is read in full", pair, entity, ledger)
        full = True
    result = staging.stage(get(entity), ledger, cfg, hook_for(cfg, ledger), run, full=full)
    return result.counts()


def check_quality(entity: str, pair: str, run: RunInfo, full: bool = False) -> list[dict[str, Any]]:
    cfg = pair_config(pair)
    return [quality.check(get(entity), ledger, cfg, run, all_rows=full) for ledger in ("xero", "quickbooks")]


def apply_decisions(entity: str, pair: str, run: RunInfo, only: list[int] | None = None) -> dict[str, Any]:
    """People's pending decisions on this entity, each applied exactly once (reconcile.decisions_apply)."""
    return decisions_apply.apply_pending(entity, pair, run, only=only).counts()


def match(entity: str, pair: str, run: RunInfo) -> dict[str, Any]:
    """Apply the pending decisions, then match: what a person decided is what the matcher and planner see."""
    applied = apply_decisions(entity, pair, run)
    counts: dict[str, Any] = matching.match(get(entity), pair_config(pair), run).counts()
    counts["decisions_applied"], counts["decisions_recheck"] = applied["applied"], applied["recheck"]
    return counts


def plan(entity: str, pair: str, run: RunInfo) -> dict[str, Any]:
    cfg = pair_config(pair)
    if get(entity).references_currency:
        from reconcile.reference import ensure_facts  # noqa: PLC0415

        ensure_facts(cfg, {ledger: hook_for(cfg, ledger) for ledger in ("xero", "quickbooks")}, run)
    return deltas.plan(get(entity), cfg, run).counts()


def pending_decisions(entity: str, pair: str) -> int:
    return decisions_apply.pending_by_entity(pair).get(entity, 0)


def write(entity: str, pair: str, ledger: str, run: RunInfo) -> dict[str, Any]:
    cfg = pair_config(pair)
    from reconcile import people  # noqa: PLC0415

    allowed, why = people.may_write(entity, pair, run)
    if not allowed:
        log.info("%s %s: nothing written to %s: %s", pair, entity, ledger, why)
        return {"written": 0, "held": why}
    result: dict[str, Any] = writeback.write(get(entity), ledger, cfg, hook_for(cfg, ledger), run).counts()
    if entity == "bills" and ledger == "xero" and cfg.entity("bills").writes_to("xero"):
        from reconcile.attachments import copy_bill_attachments  # noqa: PLC0415

        result["attachments"] = copy_bill_attachments(cfg, run, hook_for(cfg, "xero"),
                                                      hook_for(cfg, "quickbooks")).counts()
    return result


def summarise(entity: str, pair: str, run: RunInfo) -> list[dict[str, Any]]:
    """The run's counts per ledger (with the exceptions it left open), logged as a small table."""
    with db.connect() as conn:
        conn.execute(db.sql("summary/exceptions"), {"run_id": run.run_id, "pair": pair, "entity": entity})
        rows = conn.execute(db.sql("summary/run"), {"run_id": run.run_id, "pair": pair, "entity": entity}).fetchall()
        conn.commit()
    try:  # one digest of the exceptions this run opened (reconcile.alerts; off without its connections)
        from reconcile import alerts  # noqa: PLC0415

        alerts.new_exceptions_digest(run.run_id, pair, entity)
    except Exception as exc:  # noqa: BLE001  (an alert never fails the run)
        log.warning("exception digest not sent: %s", exc)
    for r in rows:
        log.info("%-10s %-8s %-10s read=%s staged=%s matched=%s created=%s updated=%s voided=%s conflicts=%s "
                 "exceptions=%s failed=%s", r["pair"], r["entity"], r["ledger"], r["read"], r["staged"], r["matched"],
                 r["created"], r["updated"], r["voided"], r["conflicts"], r["exceptions"], r["failed"])
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows]


def control_totals(pair: str, run: RunInfo) -> dict[str, Any]:
    """Receivables and payables per contact and in total, and by age, compared between the ledgers."""
    from reconcile import controls  # noqa: PLC0415

    cfg = pair_config(pair)
    result = controls.compare(cfg, run, {ledger: hook_for(cfg, ledger) for ledger in ("xero", "quickbooks")})
    try:  # totals beyond the tolerance, customers overdue past terms (reconcile.alerts; off without connections)
        import datetime as dt  # noqa: PLC0415

        from reconcile import alerts  # noqa: PLC0415

        result["alerts"] = alerts.after_control_totals(pair, run.run_id, dt.date.today().isoformat())
    except Exception as exc:  # noqa: BLE001  (an alert never fails the run)
        log.warning("control-total alerts not sent: %s", exc)
    return result


def report(run: RunInfo) -> str:
    """The run's HTML report in the report folder; the task log names it."""
    from reconcile import report as html_report  # noqa: PLC0415

    path = html_report.build(run.run_id)
    log.info("report: %s (open %s in a browser)", path, path.as_uri())
    return str(path)

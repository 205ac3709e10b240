"""The DAGs, generated from the entity specs: one per entity, the same tasks for each, fanned out over company pairs,
chained by Airflow assets in the order references need (items, contacts, documents, payments, bank and journals).

    nightly_alignment (02:00 UTC, or triggered with {"pair", "entities", "full_resync"})
        prepare -> [per pair: check_mappings] -> start            emits ledgerbridge_nightly_started
    sync_<entity> (scheduled on the assets of the stage before it)
        prepare -> [per pair: extract_xero, extract_quickbooks -> quality -> match -> plan
                    -> write_quickbooks -> write_xero -> summarise] -> done      emits ledgerbridge_<entity>_aligned
    control_totals (after the last stage): receivables and payables per contact, and aged balances, compared;
        then report: the night's self-contained HTML report (reconcile.report)

The run config travels down the chain in the assets' event extras, so a manual nightly_alignment run with
``{"pair": "harbour", "entities": ["invoices"], "full_resync": true}`` narrows every DAG after it. Tasks calling a
ledger run in that ledger's Airflow pool (config/pools.json), so many pairs share one app's limits.

Nothing here reads a connection, a variable or the database at parse time: that happens inside the tasks.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from airflow.sdk import Asset, Param, dag, get_current_context, task, task_group

from reconcile import alerts, tasks
from reconcile.entities.base import EntitySpec
from reconcile.run import RunInfo

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "ledgerbridge",
    "retries": 3,
    # LEDGERBRIDGE_RETRY_DELAY_SECONDS shortens the first retry's wait (tests); it grows exponentially after
    "retry_delay": dt.timedelta(seconds=float(os.environ.get("LEDGERBRIDGE_RETRY_DELAY_SECONDS", "30"))),
    "retry_exponential_backoff": True,
    "max_retry_delay": dt.timedelta(minutes=10),
    # a task that failed after its last retry is mailed / posted (reconcile.alerts; off without its connections)
    "on_failure_callback": alerts.task_failed,
}
START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
POOLS = {"xero": "ledgerbridge_xero", "quickbooks": "ledgerbridge_quickbooks"}
NIGHTLY = "0 2 * * *"


def nightly_schedule() -> Any:
    """02:00 UTC; a night missed while the DAG was paused or Airflow was down is not run when it comes back.

    Airflow's own cron timetable (catchup off) schedules the latest past 02:00 the moment the DAG is unpaused, so
    triggering nightly_alignment from the UI with "unpause on trigger" also started that run, with no conf, and the
    operator's run waited behind it (max_active_runs=1). See ledgerbridge.timetables.
    """
    from ledgerbridge.timetables import NightlyTimetable  # noqa: PLC0415

    return NightlyTimetable(NIGHTLY, timezone="UTC")


def aligned_asset(entity: str) -> Asset:
    """Updated when an entity's alignment run has finished for every pair."""
    return Asset(name=f"ledgerbridge_{entity}_aligned", uri=f"ledgerbridge://aligned/{entity}")


STARTED = Asset(name="ledgerbridge_nightly_started", uri="ledgerbridge://nightly/started")


def run_params() -> dict[str, Param]:
    return {
        "pair": Param(None, type=["null", "string"], description="align only this company pair"),
        "entities": Param(None, type=["null", "array"], description="align only these entities"),
        "full_resync": Param(False, type="boolean",
                             description="read everything again instead of changes since the last run"),
        "apply_decisions": Param(False, type="boolean",
                                 description="apply people's pending decisions now: only the entities that have some"),
    }


def resolved_conf() -> dict[str, Any]:
    """This run's config: its own params when triggered by hand, else what the run upstream passed on."""
    context = get_current_context()
    extras = [event.extra or {} for events in (context.get("triggering_asset_events") or {}).values()
              for event in events]
    conf = merged_conf(extras)
    conf.update({k: v for k, v in context["params"].items() if v not in (None, False, [], "")})
    return conf


def merged_conf(extras: list[dict[str, Any]]) -> dict[str, Any]:
    """One run's choice from the asset events that triggered it. Several events may be queued together (a night's
    run and an operator's run of one pair, or a run applying decisions), so the run never narrows below what any
    of them asked: one pair only when every event names it, the union of the entities when every event limits
    them, a full read when any asks, and decisions-only when every event is a decisions run."""
    if not extras:
        return {}
    conf: dict[str, Any] = {}
    pairs = {e.get("pair") for e in extras}
    if len(pairs) == 1 and None not in pairs:
        conf["pair"] = pairs.pop()
    if all(e.get("entities") for e in extras):
        conf["entities"] = sorted({x for e in extras for x in e["entities"]})
    if any(e.get("full_resync") for e in extras):
        conf["full_resync"] = True
    if all(e.get("apply_decisions") for e in extras):
        conf["apply_decisions"] = True
    return conf


def _run() -> RunInfo:
    return RunInfo.from_context(get_current_context())


def build_entity_dag(spec: EntitySpec, schedule: Any, *, doc_md: str | None = None, tags: tuple[str, ...] = ()) -> Any:
    entity = spec.name

    @dag(
        dag_id=f"sync_{entity}",
        schedule=schedule,
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["ledgerbridge", entity, *tags],
        doc_md=doc_md or spec.doc,
        params=run_params(),
    )
    def entity_dag() -> None:
        @task(task_id="prepare")
        def prepare() -> list[dict[str, Any]]:
            conf = resolved_conf()
            get_current_context()["ti"].xcom_push(key="conf", value=conf)
            wanted = conf.get("entities")
            if wanted and entity not in wanted:
                return []
            full = bool(conf.get("full_resync"))
            chosen = tasks.prepare(entity, conf.get("pair"))
            if conf.get("apply_decisions"):  # a manual run to apply decisions: only where some wait
                chosen = [p for p in chosen if tasks.pending_decisions(entity, p)]
            return [{"pair": p, "full": full} for p in chosen]

        @task_group(group_id="pair")
        def per_pair(job: dict[str, Any]) -> None:
            @task(task_id="extract_xero", pool=POOLS["xero"])
            def extract_xero(job: dict[str, Any]) -> dict[str, Any]:
                return tasks.extract(entity, job["pair"], "xero", _run(), job["full"])

            @task(task_id="extract_quickbooks", pool=POOLS["quickbooks"])
            def extract_quickbooks(job: dict[str, Any]) -> dict[str, Any]:
                return tasks.extract(entity, job["pair"], "quickbooks", _run(), job["full"])

            # bad data does not fix itself on retry: quality fails the entity's run at once
            @task(task_id="quality", retries=0)
            def quality(job: dict[str, Any]) -> list[dict[str, Any]]:
                from airflow.sdk.exceptions import AirflowFailException  # noqa: PLC0415

                from reconcile.quality import DataQualityError  # noqa: PLC0415

                try:
                    return tasks.check_quality(entity, job["pair"], _run(), job["full"])
                except DataQualityError as exc:
                    raise AirflowFailException(str(exc)) from exc

            @task(task_id="match")
            def match(job: dict[str, Any]) -> dict[str, int]:
                return tasks.match(entity, job["pair"], _run())

            @task(task_id="plan")
            def plan(job: dict[str, Any]) -> dict[str, Any]:
                return tasks.plan(entity, job["pair"], _run())

            @task(task_id="write_quickbooks", pool=POOLS["quickbooks"])
            def write_quickbooks(job: dict[str, Any]) -> dict[str, int]:
                return tasks.write(entity, job["pair"], "quickbooks", _run())

            # after QuickBooks: notes about what was created there go on the Xero records
            @task(task_id="write_xero", pool=POOLS["xero"])
            def write_xero(job: dict[str, Any]) -> dict[str, int]:
                return tasks.write(entity, job["pair"], "xero", _run())

            @task(task_id="summarise")
            def summarise(job: dict[str, Any]) -> list[dict[str, Any]]:
                return tasks.summarise(entity, job["pair"], _run())

            # people in the loop (reconcile.hitl): decisions on new exceptions, applied before planning; an approval
            # gate before writing. Each asks only when it must, and never skips what follows.
            from reconcile.hitl import ExceptionReviewOperator, WriteApprovalOperator  # noqa: PLC0415

            review = ExceptionReviewOperator(task_id="review", entity=entity)
            approve = WriteApprovalOperator(task_id="approve", entity=entity)
            staged = [extract_xero(job), extract_quickbooks(job)]
            checked = quality(job)
            staged >> checked
            checked >> match(job) >> review >> plan(job) >> approve
            approve >> write_quickbooks(job) >> write_xero(job) >> summarise(job)

        @task(task_id="done", outlets=[aligned_asset(entity)])
        def done() -> str:
            context = get_current_context()
            conf = context["ti"].xcom_pull(task_ids="prepare", key="conf") or {}
            context["outlet_events"][aligned_asset(entity)].extra = conf
            return f"{entity} aligned"

        per_pair.expand(job=prepare()) >> done()

    return entity_dag()


def build_nightly_dag(doc_md: str) -> Any:
    @dag(
        dag_id="nightly_alignment",
        schedule=nightly_schedule(),
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["ledgerbridge", "nightly"],
        doc_md=doc_md,
        params=run_params(),
    )
    def nightly() -> None:
        @task(task_id="prepare")
        def prepare() -> list[str]:
            conf = resolved_conf()
            get_current_context()["ti"].xcom_push(key="conf", value=conf)
            return tasks.prepare_pairs(conf.get("pair"))

        # a mapping that names a code the ledgers do not have stops the night before anything is written
        @task(task_id="check_mappings")
        def check_mappings(pair: str) -> dict[str, Any]:
            return tasks.check_mappings(pair, _run())

        @task(task_id="start", outlets=[STARTED])
        def start() -> dict[str, Any]:
            context = get_current_context()
            conf = context["ti"].xcom_pull(task_ids="prepare", key="conf") or {}
            context["outlet_events"][STARTED].extra = conf
            return conf

        # tokens that would lapse before the next night are refreshed, whatever else runs (never fails the night)
        @task(task_id="keep_tokens_alive")
        def keep_tokens_alive() -> dict[str, Any]:
            return tasks.keep_tokens_alive()

        check_mappings.expand(pair=prepare()) >> start()
        keep_tokens_alive()

    return nightly()


def build_control_totals_dag(schedule: Any, doc_md: str) -> Any:
    @dag(
        dag_id="control_totals",
        schedule=schedule,
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["ledgerbridge", "control"],
        doc_md=doc_md,
        params=run_params(),
    )
    def control() -> None:
        @task(task_id="prepare")
        def prepare() -> list[str]:
            return tasks.prepare_pairs(resolved_conf().get("pair"))

        @task(task_id="compare")
        def compare(pair: str) -> dict[str, Any]:
            return tasks.control_totals(pair, _run())

        @task(task_id="report")
        def report() -> str:
            return tasks.report(_run())

        compare.expand(pair=prepare()) >> report()

    return control()


def stage_schedule(entity: str) -> list[Asset]:
    """An entity's DAG runs when every entity of the stage before it has been aligned (the first stage: when the
    nightly alignment started)."""
    from reconcile.entities import STAGES, stage_of  # noqa: PLC0415

    stage = stage_of(entity)
    return [STARTED] if stage == 0 else [aligned_asset(e) for e in STAGES[stage - 1]]


def build_stage_dag(entity: str, doc_md: str) -> Any:
    from reconcile.entities import get  # noqa: PLC0415

    return build_entity_dag(get(entity), schedule=stage_schedule(entity), doc_md=doc_md)


def last_stage_assets() -> list[Asset]:
    from reconcile.entities import STAGES  # noqa: PLC0415

    return [aligned_asset(e) for e in STAGES[-1]]

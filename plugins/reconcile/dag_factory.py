"""One DAG per entity, generated from its spec: the same tasks for every entity, fanned out over company pairs.

    prepare -> [per pair: extract_xero, extract_quickbooks -> quality -> match -> plan
                -> write_quickbooks -> write_xero -> summarise] -> done (emits the entity's asset)

Nothing here reads a connection, a variable or the database at parse time: that happens inside the tasks.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from airflow.sdk import Asset, Param, dag, get_current_context, task, task_group

from reconcile import tasks
from reconcile.entities.base import EntitySpec
from reconcile.run import RunInfo

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "ledgerbridge",
    "retries": 3,
    # LEDGERBRIDGE_RETRY_DELAY_SECONDS shortens the first retry's wait (tests); it grows exponentially after
    "retry_delay": dt.timedelta(seconds=float(os.environ.get("LEDGERBRIDGE_RETRY_DELAY_SECONDS", "30"))),
    "retry_exponential_backoff": True,
    "max_retry_delay": dt.timedelta(minutes=10),
}
START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def aligned_asset(entity: str) -> Asset:
    """Updated when an entity's alignment run has finished for every pair."""
    return Asset(name=f"ledgerbridge_{entity}_aligned", uri=f"ledgerbridge://aligned/{entity}")


def _run() -> RunInfo:
    return RunInfo.from_context(get_current_context())


def _full() -> bool:
    return bool(get_current_context()["params"].get("full_resync"))


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
        params={
            "pair": Param(None, type=["null", "string"], description="align only this company pair"),
            "full_resync": Param(False, type="boolean",
                                 description="read everything again instead of changes since the last run"),
        },
    )
    def entity_dag() -> None:
        @task(task_id="prepare")
        def prepare() -> list[str]:
            return tasks.prepare(entity, get_current_context()["params"].get("pair"))

        @task_group(group_id="pair")
        def per_pair(pair: str) -> None:
            @task(task_id="extract_xero")
            def extract_xero(pair: str) -> dict[str, Any]:
                return tasks.extract(entity, pair, "xero", _run(), _full())

            @task(task_id="extract_quickbooks")
            def extract_quickbooks(pair: str) -> dict[str, Any]:
                return tasks.extract(entity, pair, "quickbooks", _run(), _full())

            # bad data does not fix itself on retry: quality fails the entity's run at once
            @task(task_id="quality", retries=0)
            def quality(pair: str) -> list[dict[str, Any]]:
                from airflow.sdk.exceptions import AirflowFailException  # noqa: PLC0415

                from reconcile.quality import DataQualityError  # noqa: PLC0415

                try:
                    return tasks.check_quality(entity, pair, _run(), _full())
                except DataQualityError as exc:
                    raise AirflowFailException(str(exc)) from exc

            @task(task_id="match")
            def match(pair: str) -> dict[str, int]:
                return tasks.match(entity, pair, _run())

            @task(task_id="plan")
            def plan(pair: str) -> dict[str, Any]:
                return tasks.plan(entity, pair, _run())

            @task(task_id="write_quickbooks")
            def write_quickbooks(pair: str) -> dict[str, int]:
                return tasks.write(entity, pair, "quickbooks", _run())

            # after QuickBooks: notes about what was created there go on the Xero records
            @task(task_id="write_xero")
            def write_xero(pair: str) -> dict[str, int]:
                return tasks.write(entity, pair, "xero", _run())

            @task(task_id="summarise")
            def summarise(pair: str) -> list[dict[str, Any]]:
                return tasks.summarise(entity, pair, _run())

            staged = [extract_xero(pair), extract_quickbooks(pair)]
            checked = quality(pair)
            staged >> checked
            checked >> match(pair) >> plan(pair) >> write_quickbooks(pair) >> write_xero(pair) >> summarise(pair)

        @task(task_id="done", outlets=[aligned_asset(entity)])
        def done() -> str:
            return f"{entity} aligned"

        per_pair.expand(pair=prepare()) >> done()

    return entity_dag()

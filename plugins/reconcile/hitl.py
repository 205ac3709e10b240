"""The entity DAGs' human-in-the-loop tasks (issue 8), on the pinned ``airflow.providers.standard`` HITL operator.

Both run inside the per-pair mapped task group; each finds its pair in the ``prepare`` task's list at its own map
index. Each decides at run time whether to ask at all: when it need not, it returns at once; when it asks, the task
waits in Airflow's *Required actions* (or answers through the REST API ``/api/v2/hitlDetails``), and resumes with
the answer in ``execute_complete``. Neither ever skips the tasks after it, so the run always reaches ``summarise``
and ``done`` (the next stage's DAGs still run).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import Param

from reconcile import people
from reconcile.run import RunInfo

log = logging.getLogger(__name__)


def _job(context: Any) -> dict[str, Any]:
    ti = context["ti"]
    jobs = ti.xcom_pull(task_ids="prepare") or []
    index = ti.map_index if ti.map_index is not None and ti.map_index >= 0 else 0
    return jobs[index]


def _who(event: dict[str, Any]) -> str | None:
    user = event.get("responded_by_user") or {}
    if isinstance(user, dict):
        return user.get("name") or user.get("id")
    return getattr(user, "name", None) or getattr(user, "id", None)


class WriteApprovalOperator(HITLOperator):
    """Stops before the writers when the plan crosses the pair's approval gate; shows what would be written.
    Approve: the writers send exactly that plan. Reject or no answer by the timeout: nothing is written."""

    def __init__(self, *, entity: str, **kwargs: Any) -> None:
        kwargs.pop("params", None)  # the DAG's run params are not questions for the approver
        super().__init__(subject=f"Approve the {entity} write plan", options=[people.APPROVE, people.REJECT],
                         defaults=[people.REJECT], multiple=False,
                         params={"note": Param("", type=["null", "string"],
                                               description="why (kept with the approval)", source="task")},
                         **kwargs)
        self.entity = entity

    def execute(self, context: Any) -> Any:
        from reconcile import tasks  # noqa: PLC0415

        job = _job(context)
        run = RunInfo.from_context(context)
        state = people.gate(self.entity, tasks.pair_config(job["pair"]), run)
        if not state["wait"]:
            log.info("%s %s: no approval needed now (%s)", job["pair"], self.entity,
                     state.get("status") or f"mode {state['mode']}, {state.get('writes', 0)} writes")
            return {"pair": job["pair"], "approval": state.get("status") or "not needed"}
        self.subject = f"{job['pair']} / {self.entity}: approve {state['plan']['writes']} writes?"
        self.body = state["body"]
        self.response_timeout = dt.timedelta(minutes=state["timeout_minutes"])
        from reconcile import alerts  # noqa: PLC0415

        alerts.approval_waiting(job["pair"], self.entity, run.run_id, state["plan"]["counts"], state["plan"]["largest"])
        return super().execute(context)

    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        job = _job(context)
        run = RunInfo.from_context(context)
        from reconcile import tasks  # noqa: PLC0415

        state = people.gate(self.entity, tasks.pair_config(job["pair"]), run)
        if "error" in event:
            chosen, who, note = people.REJECT, "nobody", f"no answer ({event.get('error_type')})"
        else:
            chosen = (event.get("chosen_options") or [people.REJECT])[0]
            who = _who(event) or "nobody"
            note = (event.get("params_input") or {}).get("note") or (
                None if _who(event) else "no answer by the timeout")
        row = people.decide(state["approval_id"], chosen == people.APPROVE, who, note)
        log.info("%s %s: %s by %s", job["pair"], self.entity, "approved" if chosen == people.APPROVE else "rejected",
                 who)
        return {"pair": job["pair"], "approval": row["status"] if row else state["status"], "by": who}


class ExceptionReviewOperator(HITLOperator):
    """When the run found new exceptions, asks for decisions on them (candidates shown) and applies the answers in
    the same run. Unanswered by the timeout: the run goes on and the exceptions wait."""

    def __init__(self, *, entity: str, **kwargs: Any) -> None:
        kwargs.pop("params", None)  # the fields are the run's new exceptions, set when it asks
        super().__init__(subject=f"Decide on new {entity} exceptions", options=[people.APPLY, people.LATER],
                         defaults=[people.LATER], multiple=False, **kwargs)
        self.entity = entity

    def execute(self, context: Any) -> Any:
        from airflow.sdk.definitions.param import ParamsDict  # noqa: PLC0415

        from reconcile import tasks  # noqa: PLC0415

        job = _job(context)
        run = RunInfo.from_context(context)
        minutes = tasks.pair_config(job["pair"]).review_minutes
        if minutes <= 0 or people.reviews_off():
            return {"pair": job["pair"], "asked": 0}
        items = people.review_items(self.entity, job["pair"], run)
        if not items:
            return {"pair": job["pair"], "asked": 0}
        self.params = ParamsDict({people.field_name(e): Param("", type=["null", "string"],
                                                              enum=people.choices_of(e) + [None],
                                                              title=people.field_title(e),
                                                              description=people.describe(e), source="task")
                                  for e in items})
        self.subject = f"{job['pair']} / {self.entity}: {len(items)} new exception(s) to decide"
        self.body = "\n".join(f"- **#{e['id']}** {people.describe(e)}" for e in items) + (
            "\n\nChoose a decision per exception (blank: decide later, in the queue or with "
            "`python -m reconcile.decide`), then *Apply the decisions*.")
        self.response_timeout = dt.timedelta(minutes=minutes)
        return super().execute(context)

    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        job = _job(context)
        if "error" in event:
            return {"pair": job["pair"], "answered": False}
        chosen = (event.get("chosen_options") or [people.LATER])[0]
        who = _who(event)
        if chosen != people.APPLY or not who:
            log.info("%s %s: the review was left for later; the exceptions wait", job["pair"], self.entity)
            return {"pair": job["pair"], "answered": False}
        result = people.record_and_apply(self.entity, job["pair"], RunInfo.from_context(context),
                                         event.get("params_input") or {}, who)
        return {"pair": job["pair"], "answered": True, "by": who, **result}

"""ledgerbridge's page in the Airflow UI: the latest run of each pair and entity, and the open exception queue.

Routes of the ledgerbridge Airflow 3 plugin (plugins/ledgerbridge_plugin.py), which the api-server mounts at
``/ledgerbridge``, and a nav entry ("ledgerbridge", under Browse) that shows the page inside the UI. Plain HTML, no
JavaScript; every statement in include/sql/ui/. It reads ledgerbridge's database (the ``ledger_db`` connection,
else LEDGERBRIDGE_DB_URL) and never writes.

Access: the api-server's own authentication. The UI keeps the user's JWT in the ``_token`` cookie, which the page
sends; the app asks Airflow's auth manager whether that user may read DAG runs, so it is as open or closed as the
Grid view (with the SimpleAuthManager's "all admins" of the local stack, everyone may).
"""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import quote

from fastapi import Request  # module level: the route signatures below are resolved against these globals

log = logging.getLogger(__name__)

PREFIX = "/ledgerbridge"
QUEUE_LIMIT = 500

# the task of an entity DAG that queues each reason (the log a person reads to see why)
_TASK_OF_REASON = {
    "invalid_field": "extract_{ledger}",
    "possible_match": "match", "ambiguous_match": "match", "weak_link": "match", "identity_conflict": "plan",
    "write_failed": "write_{ledger}", "locked": "write_{ledger}",
}


def task_for(reason: str, ledger: str) -> str:
    return "pair." + _TASK_OF_REASON.get(reason, "plan").format(ledger=ledger)


def task_link(entity: str, run_id: str | None, reason: str, ledger: str, map_index: int | None) -> str | None:
    """The Airflow UI's page of the task (its log) that queued the record."""
    if not run_id:
        return None
    dag_id = f"sync_{entity}"
    base = f"/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}/tasks/{quote(task_for(reason, ledger), safe='')}"
    return f"{base}/mapped/{map_index}" if map_index is not None else f"{base}/mapped"


def read_state(db_url: str | None = None) -> dict[str, Any]:
    """What the page shows: ``{"ready", "runs", "queue", "open"}`` (``ready`` False before the first migration)."""
    from ledgerbridge import db  # noqa: PLC0415

    with db.connect(db_url) as conn:
        if not conn.execute(db.sql("ui/schema_exists")).fetchone()["ready"]:
            return {"ready": False, "runs": [], "queue": [], "open": 0}
        runs = conn.execute(db.sql("ui/last_runs")).fetchall()
        queue = conn.execute(db.sql("ui/open_exceptions"), {"limit": QUEUE_LIMIT}).fetchall()
        total = conn.execute(db.sql("ui/open_count")).fetchone()["n"]
    return {"ready": True, "runs": runs, "queue": queue, "open": total}


def pair_map_indexes(dag_id: str, run_id: str) -> dict[str, int]:
    """pair -> map index of the ``pair`` task group in one run (from the ``prepare`` task's XCom)."""
    try:
        from airflow.models.xcom import XComModel  # noqa: PLC0415
        from airflow.utils.session import create_session  # noqa: PLC0415

        with create_session() as session:
            rows = session.scalars(XComModel.get_many(run_id=run_id, dag_ids=dag_id, task_ids="prepare",
                                                      key="return_value")).all()
            jobs = XComModel.deserialize_value(rows[0]) if rows else []
    except Exception:  # noqa: BLE001 - a link without the map index still leads to the task's mapped list
        log.debug("no map indexes for %s %s", dag_id, run_id, exc_info=True)
        return {}
    return {job["pair"]: i for i, job in enumerate(jobs or []) if isinstance(job, dict) and "pair" in job}


_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.2rem;color:#1f2937;font-size:14px}
h1{font-size:1.3rem;margin:0 0 .3rem} h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;margin:.3rem 0 1rem} th,td{border:1px solid #d1d5db;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f4f6;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#6b7280} .bad{color:#b91c1c;font-weight:600} a{color:#1d4ed8}
td.msg{max-width:44rem}
"""


def _cell(value: Any, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{html.escape('' if value is None else str(value))}</td>"


def render(state: dict[str, Any], links: dict[tuple[str, str], dict[str, int]] | None = None) -> str:
    links = links or {}
    out = ["<!doctype html><html><head><meta charset='utf-8'><title>ledgerbridge</title>",
           f"<style>{_STYLE}</style></head><body>",
           "<h1>ledgerbridge</h1>",
           "<p class='muted'>The latest run of each company pair and entity, and the records waiting for a person. "
           "Read from ledgerbridge's database; refresh the page to update.</p>"]
    if not state["ready"]:
        out.append("<p>No alignment has run yet: trigger <b>nightly_alignment</b> (or run <code>make demo</code>).</p>")
        out.append("</body></html>")
        return "".join(out)
    out.append("<h2>Latest runs</h2><table id='runs'><tr><th>pair</th><th>entity</th><th>ledger</th><th>read</th>"
               "<th>staged</th><th>matched</th><th>written</th><th>failed</th><th>queued in the run</th>"
               "<th>open now</th><th>run</th></tr>")
    for r in state["runs"]:
        written = (r["created"] or 0) + (r["updated"] or 0) + (r["voided"] or 0)
        run_url = f"/dags/{quote(r['dag_id'] or 'sync_' + r['entity'], safe='')}/runs/{quote(r['run_id'], safe='')}"
        out.append("<tr>" + _cell(r["pair"]) + _cell(r["entity"]) + _cell(r["ledger"]) + _cell(r["read"], "n")
                   + _cell(r["staged"], "n") + _cell(r["matched"], "n")
                   + f"<td class='n' title='created {r['created']}, updated {r['updated']}, voided {r['voided']}'>"
                     f"{written}</td>"
                   + _cell(r["failed"], "n bad" if r["failed"] else "n") + _cell(r["raised_in_run"], "n")
                   + _cell(r["open_now"], "n")
                   + f"<td><a href='{html.escape(run_url)}' target='_top'>{html.escape(r['run_id'])}</a></td></tr>")
    out.append("</table>")
    shown = len(state["queue"])
    more = f" (the first {shown})" if shown < state["open"] else ""
    out.append(f"<h2>Open exception queue: <span id='open-count'>{state['open']}</span> records{more}</h2>")
    out.append("<table id='queue'><tr><th>#</th><th>pair</th><th>entity</th><th>ledger</th><th>record</th>"
               "<th>reason</th><th>field</th><th>message</th><th>raised by</th></tr>")
    for e in state["queue"]:
        run_id = e["first_run_id"] or e["last_run_id"]
        index = links.get((e["entity"], run_id or ""), {}).get(e["pair"])
        url = task_link(e["entity"], run_id, e["reason"], e["ledger"], index)
        label = e["record_label"] or e["record_id"]
        raised = (f"<a href='{html.escape(url)}' target='_top'>{html.escape(task_for(e['reason'], e['ledger']))}</a>"
                  if url else "")
        out.append(f"<tr data-id='{e['id']}'>" + _cell(e["id"], "n") + _cell(e["pair"]) + _cell(e["entity"])
                   + _cell(e["ledger"]) + _cell(f"{label} ({e['record_id']})" if label != e["record_id"] else label)
                   + _cell(e["reason"]) + _cell(e["field"]) + _cell(e["message"], "msg") + f"<td>{raised}</td></tr>")
    out.append("</table></body></html>")
    return "".join(out)


def create_router() -> Any:
    """The page's routes, mounted by the ledgerbridge plugin (plugins/ledgerbridge_plugin.py) under /ledgerbridge."""
    from fastapi import APIRouter, Depends, HTTPException  # noqa: PLC0415
    from fastapi.responses import HTMLResponse, JSONResponse  # noqa: PLC0415

    router = APIRouter()

    async def authorised(request: Request) -> None:
        """The api-server's own check: the UI's JWT (``_token`` cookie or a bearer header) and DAG-run read access."""
        token = request.cookies.get("_token")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        try:
            from airflow.api_fastapi.app import get_auth_manager  # noqa: PLC0415
        except ImportError:  # pragma: no cover - outside the api-server
            return
        manager = get_auth_manager()
        user = None
        if token:
            try:
                user = await manager.get_user_from_token(token)
            except Exception:  # noqa: BLE001 - an expired or foreign token is no user
                user = None
        if user is None and _all_admins():
            return  # the SimpleAuthManager with every user an admin (the local stack): no login exists
        if user is None:
            raise HTTPException(status_code=401, detail="log in to Airflow first")
        from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity  # noqa: PLC0415

        if not manager.is_authorized_dag(method="GET", access_entity=DagAccessEntity.RUN, user=user):
            raise HTTPException(status_code=403, detail="not allowed to read DAG runs")

    def state_or_error() -> dict[str, Any]:
        try:
            return read_state()
        except Exception as exc:  # noqa: BLE001 - the page says what is wrong instead of a bare 500
            log.exception("ledgerbridge page: cannot read the database")
            raise HTTPException(status_code=503, detail=f"cannot read ledgerbridge's database: {exc}") from exc

    @router.get("/", response_class=HTMLResponse, dependencies=[Depends(authorised)])
    def page() -> str:
        state = state_or_error()
        runs = {(e["entity"], e["first_run_id"] or e["last_run_id"] or "") for e in state["queue"]}
        links = {key: pair_map_indexes(f"sync_{key[0]}", key[1]) for key in runs if key[1]}
        return render(state, links)

    @router.get("/api/state", dependencies=[Depends(authorised)])
    def api_state() -> JSONResponse:
        state = state_or_error()
        return JSONResponse({"ready": state["ready"], "open": state["open"],
                             "queue": [{k: e[k] for k in ("id", "pair", "entity", "ledger", "record_id", "reason",
                                                          "message")} for e in state["queue"]],
                             "runs": [{k: (str(v) if k == "updated_at" else v) for k, v in r.items()}
                                      for r in state["runs"]]})

    return router


def _all_admins() -> bool:
    try:
        from airflow.configuration import conf  # noqa: PLC0415

        return conf.getboolean("core", "simple_auth_manager_all_admins", fallback=False) and \
            "SimpleAuthManager" in conf.get("core", "auth_manager", fallback="")
    except Exception:  # noqa: BLE001
        return False


# Shown in the UI's nav (Browse -> ledgerbridge), the page in an iframe; registered by plugins/ledgerbridge_plugin.py.
EXTERNAL_VIEW = {"name": "ledgerbridge", "href": f"{PREFIX}/", "destination": "nav", "category": "browse",
                 "url_route": "ledgerbridge"}

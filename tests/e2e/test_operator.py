"""The operator's loop, driven in headless Chromium against the stack `make up` starts (real api-server, scheduler,
dag-processor, PostgreSQL and sandboxes):

1. nightly_alignment, paused, triggered from the UI's form with a conf and "unpause on trigger": exactly that run
   happens (no scheduled run beside it), a task fails after its retries (a fault injected into the Xero sandbox),
   the fault is removed, the operator clears the task in the UI, it succeeds under the real scheduler, and the
   entity DAGs follow through asset events; the books end aligned with nothing written twice.
2. ledgerbridge's page in the UI (plugin) shows the same open queue as ``ledgerbridge.exceptions``.
3. The UI as a person sees it (`make ui-check`): the DAG list, the run and a task log, the connection forms' fields.
4. A Xero and a QuickBooks connection created through the UI's form are stored as typed (the token endpoint is not
   masked) and run a sync.

One stack for the module (it is the expensive part); `scripts/stack.py up` / `down` as `make up` / `make down` run
them, in a temporary folder and databases of their own. This module is the real-scheduler test of the chain: the
entity DAGs follow nightly_alignment through asset events, and the sandboxes keep their real rate limits, so the
hooks' pacing is checked under the scheduler's parallel tasks (no call was refused with 429).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
import yaml

from reconcile.entities import STAGES
from scripts.airflow_api import AirflowAPI
from tests.fixtures.db import drop_database
from tests.fixtures.mail import SMTP_LOGIN, SMTP_PASSWORD, body as mail_body
from tests.fixtures.airflow import ROOT, _unique

pytestmark = [pytest.mark.scheduler, pytest.mark.timeout(1500)]

SERVER = os.environ.get("LEDGERBRIDGE_DB_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ENTITIES = ["items", "contacts"]  # the night the operator asks for (a narrowed conf keeps the module short)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    def __init__(self, env: dict[str, str], state: dict[str, Any], tmp: Path) -> None:
        self.env, self.state, self.tmp = env, state, tmp
        self.ui = state["ui"].replace("localhost", "127.0.0.1")
        self.api = AirflowAPI(self.ui)
        self.db_url = state["db_url"]

    def sandbox(self, ledger: str) -> str:
        base = self.state["sandboxes"][ledger]
        return base.split("/api.xro")[0] if ledger == "xero" else base

    def sql(self, query: str, params: Any = None) -> list[tuple]:
        with psycopg.connect(self.db_url) as conn:
            return conn.execute(query, params).fetchall()


def stack_command(env: dict[str, str], command: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "stack.py"), command], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack")
    # the pairs file: harbour as shipped, plus "form", whose connections the test creates in the UI's form
    pairs = yaml.safe_load((ROOT / "config" / "pairs.yaml").read_text())
    harbour = pairs["pairs"][0]
    harbour["mappings"] = str(ROOT / "config" / "mappings.yaml")
    # no person in this loop but the operator: no approval gate, no review of new exceptions (tests/e2e/test_people)
    harbour["approval"], harbour["review"] = {"mode": "none"}, {"timeout_minutes": 0}
    form = {**harbour, "name": "form", "description": "connections made in the UI form",
            "xero_conn_id": "xero_form", "quickbooks_conn_id": "quickbooks_form",
            "entities": {"items": {"direction": "both"}}}
    (tmp / "pairs.yaml").write_text(yaml.safe_dump({"pairs": [harbour, form]}, sort_keys=False))
    demo_db, airflow_db = _unique("lb_op_demo"), _unique("lb_op_airflow")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update({
        "LEDGERBRIDGE_DB_URL": SERVER, "LEDGERBRIDGE_DEMO_DB": demo_db, "LEDGERBRIDGE_AIRFLOW_DB": airflow_db,
        "LEDGERBRIDGE_AIRFLOW_PORT": str(_free_port()), "LEDGERBRIDGE_XERO_PORT": str(_free_port()),
        "LEDGERBRIDGE_QUICKBOOKS_PORT": str(_free_port()), "LEDGERBRIDGE_STACK_DIR": str(tmp / "stack"),
        "LEDGERBRIDGE_SANDBOX_STATE": str(tmp / "sandbox"),  # the ledgers' real rate limits, as in production
        "AIRFLOW_HOME": str(tmp / "airflow"), "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(tmp / "airflow" / "logs"),
        "LEDGERBRIDGE_PAIRS_FILE": str(tmp / "pairs.yaml"),
        "LEDGERBRIDGE_RETRY_DELAY_SECONDS": "1",
    })
    up = stack_command(env, "up")
    state_file = tmp / "stack" / "state.json"
    try:
        assert up.returncode == 0 and state_file.exists(), up.stdout + up.stderr
        yield Stack(env, json.loads(state_file.read_text()), tmp)
    finally:
        down = stack_command(env, "down", timeout=180)
        assert "the stack is down" in down.stdout or "not running" in down.stdout, down.stdout + down.stderr
        drop_database(demo_db)
        drop_database(airflow_db)


def _dialog(page: Any) -> Any:
    return page.locator("[role=dialog][data-state=open][data-scope=dialog]")


def wait_until(check: Any, timeout: float, what: str, poll: float = 1.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def test_make_up_stores_the_connections_and_leaves_the_chain_runnable(stack: Stack) -> None:
    connections = {c["connection_id"]: c for c in stack.api.call("GET", "/connections")["connections"]}
    assert {"ledger_db", "xero_default", "quickbooks_default"} <= set(connections)
    assert connections["ledger_db"]["schema"] == stack.env["LEDGERBRIDGE_DEMO_DB"]
    assert json.loads(connections["xero_default"]["extra"])["oauth_url"].startswith(stack.sandbox("xero"))
    dags = {d["dag_id"]: d for d in stack.api.call("GET", "/dags", params={"limit": 100})["dags"]}
    assert not [d for d in dags if d.startswith("sync_") and dags[d]["is_paused"]]
    # nothing ran on its own when the stack came up: the nightly schedule waits for the next 02:00
    assert stack.api.runs("nightly_alignment") == []


def test_trigger_from_the_form_fail_clear_in_the_ui_and_the_chain_follows(stack: Stack, page: Any, screenshot: Any,
                                                                         smtp_server: Any) -> None:
    api = stack.api
    api.set_paused("nightly_alignment", True)  # as a fresh production install leaves it
    # failure mail on (README, "Approvals and alerts"): the operator stores the SMTP connection, as in Admin
    smtp_port, inbox = smtp_server
    api.call("DELETE", "/connections/ledgerbridge_smtp", ok_missing=True)
    api.call("POST", "/connections", json={
        "connection_id": "ledgerbridge_smtp", "conn_type": "smtp", "host": "127.0.0.1", "port": smtp_port,
        "login": SMTP_LOGIN, "password": SMTP_PASSWORD,
        "extra": json.dumps({"disable_tls": True, "disable_ssl": True, "to": "ops@example.com",
                             "from_email": "ledgerbridge@example.com"})})
    requests.post(f"{stack.sandbox('xero')}/_sandbox/faults", timeout=10,
                  json={"action": "error", "method": "GET", "path": "/Accounts", "status": 403, "times": 1000})
    known = {d: {r["dag_run_id"] for r in api.runs(d)} for d in ["sync_items", "sync_contacts"]}

    page.goto(f"{stack.ui}/dags/nightly_alignment")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = _dialog(page)
    assert dialog.get_by_text("Unpause nightly_alignment on trigger").is_visible()
    dialog.locator("#element_pair").fill("harbour")
    dialog.locator("#element_entities").fill("\n".join(ENTITIES))
    screenshot(page, "trigger-form")
    dialog.get_by_role("button", name="Trigger").click()

    runs = wait_until(lambda: api.runs("nightly_alignment"), 60, "the triggered run")
    assert len(runs) == 1 and runs[0]["run_type"] == "manual", runs
    run_id = runs[0]["dag_run_id"]
    conf = runs[0]["conf"]  # what was typed, the other params at their defaults
    assert conf["pair"] == "harbour" and conf["entities"] == ENTITIES, conf
    assert not [k for k, v in conf.items() if k not in ("pair", "entities") and v], conf
    failed = api.wait("nightly_alignment", run_id, timeout=400)
    assert failed.state == "failed" and failed.tasks["check_mappings[0]"].state == "failed", failed.summary()
    assert failed.tasks["check_mappings[0]"].try_number == 4  # the first try and three retries
    assert "403" in api.task_log("nightly_alignment", run_id, "check_mappings", map_index=0)
    # one failure mail, after the last retry (not one per try), naming the task, the run and the try, no secret
    title = f"nightly_alignment.check_mappings[0] failed (run {run_id})"
    wait_until(lambda: [m for _, m in inbox.messages if title in m["Subject"]], 60, "the failure mail")
    time.sleep(2)  # a second mail for the same failure would have come by now
    mails = [(to, m) for to, m in inbox.messages if title in m["Subject"]]
    assert len(mails) == 1, [m["Subject"] for _, m in inbox.messages]
    to, mail = mails[0]
    text = mail_body(mail)
    assert to == ["ops@example.com"] and "try 4" in text and "403" in text, text
    secrets = [SMTP_PASSWORD] + [v for r in stack.sql("SELECT access_token, refresh_token FROM ledgerbridge.oauth_tokens") for v in r if v]
    assert not [s for s in secrets if s and s in mail.as_string()]

    requests.delete(f"{stack.sandbox('xero')}/_sandbox/faults", timeout=10)  # the cause is removed
    page.goto(f"{stack.ui}/dags/nightly_alignment/runs/{run_id}/tasks/check_mappings/mapped/0")
    page.get_by_role("button", name="Press shift+c to clear").click()  # the task's "Clear" button
    screenshot(page, "clear-dialog")
    _dialog(page).get_by_role("button", name="Confirm").click()

    result = wait_until(lambda: (r := api.wait("nightly_alignment", run_id, timeout=5)).state != "timeout" and
                        r.tasks["check_mappings[0]"].try_number > 4 and r, 400, "the cleared run to finish")
    assert result.ok, result.summary()
    assert len(api.runs("nightly_alignment")) == 1, "the operator's run is the only one"
    for dag_id in ["sync_items", "sync_contacts"]:
        new = api.wait_for_new_run(dag_id, known[dag_id], timeout=300)
        done = api.wait(dag_id, new, timeout=600)
        assert done.ok, done.summary()
        run = next(r for r in api.runs(dag_id) if r["dag_run_id"] == new)
        assert run["run_type"] == "asset_triggered", run
    # nothing written twice: no outbox row was applied twice, and a full re-read plans no write
    twice = stack.sql("SELECT outbox_id FROM ledgerbridge.audit_log WHERE outcome = 'applied' "
                      "GROUP BY outbox_id HAVING count(*) > 1")
    assert twice == []
    # the hooks paced every call under each ledger's limits, with the scheduler running tasks side by side
    for ledger in ("xero", "quickbooks"):
        root = "{0.scheme}://{0.netloc}".format(urlsplit(stack.sandbox(ledger)))
        calls = requests.get(f"{root}/_sandbox/calls", timeout=30).json()
        assert calls and not [c for c in calls if c["status"] == 429], ledger
    from reconcile import verify
    from reconcile.run import RunInfo

    os.environ["LEDGERBRIDGE_DB_URL"] = stack.db_url
    os.environ["LEDGERBRIDGE_PAIRS_FILE"] = stack.env["LEDGERBRIDGE_PAIRS_FILE"]
    os.environ["AIRFLOW_CONN_LEDGER_DB"] = stack.db_url
    for ledger, conn_id in (("xero", "xero_default"), ("quickbooks", "quickbooks_default")):
        os.environ[f"AIRFLOW_CONN_{conn_id.upper()}"] = _connection_uri(stack, conn_id)
    try:
        for entity in ENTITIES:
            check = verify.check(entity, "harbour", RunInfo(f"verify-{entity}", "verify"))
            assert check.aligned, (entity, check.would_write, check.unexplained)
    finally:
        for name in ("LEDGERBRIDGE_PAIRS_FILE", "AIRFLOW_CONN_LEDGER_DB", "AIRFLOW_CONN_XERO_DEFAULT",
                     "AIRFLOW_CONN_QUICKBOOKS_DEFAULT"):
            os.environ.pop(name, None)
        os.environ["LEDGERBRIDGE_DB_URL"] = SERVER


def _connection_uri(stack: Stack, conn_id: str) -> str:
    """The stored connection, read the way a task reads it (through Airflow's CLI, unmasked)."""
    env = {**stack.env, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": stack.state["metadata_url"]}
    done = subprocess.run([sys.executable, "-m", "airflow", "connections", "get", conn_id, "-o", "json"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)[0]
    extra = value.get("extra_dejson") or {}
    return json.dumps({"conn_type": value["conn_type"], "login": value["login"], "password": value["password"],
                       "extra": json.loads(extra) if isinstance(extra, str) else extra})


def test_the_plugin_page_shows_the_open_queue(stack: Stack, page: Any, screenshot: Any) -> None:
    open_rows = stack.sql("SELECT id FROM ledgerbridge.exceptions WHERE status = 'open' ORDER BY id")
    page.goto(f"{stack.ui}/ledgerbridge/")
    assert page.locator("#open-count").inner_text() == str(len(open_rows))
    shown = [int(x) for x in page.locator("#queue tr[data-id]").evaluate_all("rows => rows.map(r => r.dataset.id)")]
    assert sorted(shown) == [r[0] for r in open_rows]  # grouped by pair, entity and ledger on the page
    runs = page.locator("#runs tr").count() - 1
    assert runs >= len(ENTITIES) * 2  # a row per entity and ledger of the latest runs
    screenshot(page, "ledgerbridge-page")
    # and inside the UI: Browse -> ledgerbridge in the nav opens it
    page.goto(stack.ui)
    page.get_by_role("button", name="Browse").click()
    page.get_by_role("menuitem", name="ledgerbridge").click()
    assert page.frame_locator("iframe").locator("#open-count").inner_text() == str(len(open_rows))
    screenshot(page, "ledgerbridge-in-ui")


# --- the UI as a person sees it (`make ui-check`): the DAG list, the operator's nightly run and a task log, and the
# two connection types' forms with their fields; screenshots kept in .local/screenshots
DAGS = ["nightly_alignment", *[f"sync_{e}" for stage in STAGES for e in stage], "control_totals"]
# (the standard fields, relabelled; the type's own fields, under "Extra Fields")
FORMS = {
    "Xero": (["Client ID", "Client secret"],
             ["Tenant ID", "Refresh token", "Grant", "API base URL", "OAuth token endpoint", "Connections URL"]),
    "QuickBooks Online": (["Client ID", "Client secret"],
                          ["Realm ID (company id)", "Refresh token", "API base URL", "OAuth token endpoint",
                           "minorversion"]),
}


def test_dag_list(stack: Stack, page: Any, screenshot: Any) -> None:
    page.goto(f"{stack.ui}/dags")
    page.get_by_text(f"{len(DAGS)} Dags").wait_for(timeout=60_000)
    for dag_id in DAGS:
        assert page.get_by_role("link", name=dag_id, exact=True).count() >= 1, dag_id
    screenshot(page, "dags")


def test_a_nightly_run_and_its_task_log(stack: Stack, page: Any, screenshot: Any) -> None:
    runs = [r for r in stack.api.runs("nightly_alignment") if r["state"] == "success"]
    assert runs, "the operator's run (test_trigger_from_the_form...) finished"
    run_id = runs[0]["dag_run_id"]
    page.goto(f"{stack.ui}/dags/nightly_alignment/runs/{run_id}")
    page.get_by_text(run_id).first.wait_for(timeout=60_000)
    for task in ("prepare", "check_mappings", "start"):
        page.get_by_role("link", name=task, exact=True).first.wait_for(timeout=30_000)
    assert page.get_by_text("Success").count() >= 1
    screenshot(page, "nightly-run")
    page.goto(f"{stack.ui}/dags/nightly_alignment/runs/{run_id}/tasks/prepare")
    page.get_by_text(re.compile(r"\bINFO - ")).first.wait_for(timeout=60_000)  # a line of the task's own log
    screenshot(page, "task-log")


@pytest.mark.parametrize("kind", list(FORMS))
def test_the_connection_forms_have_their_fields(stack: Stack, page: Any, screenshot: Any, kind: str) -> None:
    page.goto(f"{stack.ui}/connections")
    page.get_by_role("button", name="Add Connection").first.click()
    chooser = page.get_by_role("combobox").first
    chooser.click()
    chooser.fill(kind)
    page.get_by_role("option", name=kind, exact=True).click()
    standard, extra = FORMS[kind]
    for label in standard:
        page.get_by_text(label, exact=True).first.wait_for(timeout=30_000)
    page.get_by_text("Extra Fields", exact=True).first.click()  # one section open at a time
    for label in extra:
        page.get_by_text(label, exact=True).first.wait_for(timeout=30_000)
    screenshot(page, f"connection-{kind.split()[0].lower()}")


def _add_connection(page: Any, ui: str, conn_id: str, hook_name: str, fields: dict[str, str]) -> dict[str, str]:
    page.goto(f"{ui}/connections")
    page.get_by_role("button", name="Add Connection").first.click()
    dialog = _dialog(page)
    dialog.get_by_label("Connection ID").fill(conn_id)
    dialog.get_by_role("combobox", name="Connection Type").fill(hook_name)
    page.keyboard.press("Enter")
    dialog.get_by_label("Client ID").fill(fields.pop("login"))  # "Standard Fields", open first
    dialog.get_by_label("Client secret").fill(fields.pop("password"))
    dialog.get_by_role("button", name="Extra Fields", exact=True).click()  # one section open at a time
    shown = {name: dialog.locator(f"#element_{name}").input_value() for name in fields if name.endswith("url")}
    for name, value in fields.items():
        dialog.locator(f"#element_{name}").fill(value)
    dialog.get_by_role("button", name="Save").click()
    wait_until(lambda: not _dialog(page).count(), 30, "the form to close")
    return shown


def test_connections_made_in_the_form_store_the_token_endpoint_and_run_a_sync(stack: Stack, page: Any,
                                                                              screenshot: Any) -> None:
    from sandbox import process

    api = stack.api
    for conn_id in ("xero_form", "quickbooks_form"):  # make up registered them; a person makes them here
        api.call("DELETE", f"/connections/{conn_id}", ok_missing=True)
    xero = process.start("xero", "--port", "0", "--seed", "8", "--size", "10", "--rate-limits", "off")
    quickbooks = process.start("quickbooks", "--port", "0", "--seed", "8", "--size", "10", "--rate-limits", "off")
    try:
        x, q = xero.info, quickbooks.info
        shown = _add_connection(page, stack.ui, "xero_form", "Xero", {
            "login": x["client_id"], "password": x["client_secret"], "tenant_id": x["tenant_id"],
            "refresh_token": x["refresh_token"], "api_url": x["base_url"], "oauth_url": x["token_url"],
            "connections_url": x["connections_url"]})
        assert shown["oauth_url"] == "https://identity.xero.com/connect/token"  # the default, not "***"
        shown = _add_connection(page, stack.ui, "quickbooks_form", "QuickBooks Online", {
            "login": q["client_id"], "password": q["client_secret"], "realm_id": q["realm_id"],
            "refresh_token": q["refresh_token"], "api_url": q["base_url"], "oauth_url": q["token_url"]})
        assert shown["oauth_url"] == "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
        screenshot(page, "connections")
        for conn_id, info in (("xero_form", x), ("quickbooks_form", q)):
            stored = json.loads(_connection_uri(stack, conn_id))
            assert stored["extra"]["oauth_url"] == info["token_url"] and "***" not in json.dumps(stored), stored
        result = api.run("sync_items", {"pair": "form"}, timeout=600)
        assert result.ok, result.summary()
        refreshed = [c for box in (xero, quickbooks) for c in box.calls()
                     if c["method"] == "POST" and ("token" in c["path"]) and c["status"] == 200]
        assert len(refreshed) >= 2, "each connection refreshed its token at the endpoint typed in the form"
        assert stack.sql("SELECT count(*) FROM ledgerbridge.run_summary WHERE pair = 'form' AND entity = 'items' "
                         "AND run_id = %s", (result.run_id,))[0][0] == 2
    finally:
        xero.stop()
        quickbooks.stop()

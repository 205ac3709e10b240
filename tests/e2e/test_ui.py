"""The Airflow UI as a person sees it (``make ui-check``): a real api-server, scheduler and dag-processor, as
``make airflow`` starts them (SimpleAuthManager, every user an admin, so the login is automatic), driven by
headless Chromium. Screenshots of the DAG list, a nightly run and a task log are kept (``.local/screenshots``);
the DAGs and the Xero and QuickBooks Online connection forms, with their fields, must be there.
"""

from __future__ import annotations

import re

import pytest

from reconcile.entities import STAGES

pytestmark = [pytest.mark.scheduler, pytest.mark.timeout(900)]

DAGS = ["nightly_alignment", *[f"sync_{e}" for stage in STAGES for e in stage], "control_totals"]
# (the standard fields, relabelled; the type's own fields, under "Extra Fields")
FORMS = {
    "Xero": (["Client ID", "Client secret"],
             ["Tenant ID", "Refresh token", "Grant", "API base URL", "OAuth token endpoint", "Connections URL"]),
    "QuickBooks Online": (["Client ID", "Client secret"],
                          ["Realm ID (company id)", "Refresh token", "API base URL", "OAuth token endpoint",
                           "minorversion"]),
}


@pytest.fixture(scope="module")
def ui(world, airflow_cluster):
    cluster = airflow_cluster(env=world.env)
    for dag_id in DAGS:
        cluster.wait_for_dag(dag_id, timeout=300)
    nightly = cluster.run("nightly_alignment", {"pair": "harbour"}, timeout=600)
    assert nightly.ok, cluster.explain(nightly)
    return cluster, nightly


def test_dag_list(ui, page, screenshot):
    cluster, _ = ui
    page.goto(f"{cluster.url}/dags")
    page.get_by_text(f"{len(DAGS)} Dags").wait_for(timeout=60_000)
    for dag_id in DAGS:
        assert page.get_by_role("link", name=dag_id, exact=True).count() >= 1, dag_id
    screenshot(page, "dags")


def test_a_nightly_run_and_its_task_log(ui, page, screenshot):
    cluster, nightly = ui
    page.goto(f"{cluster.url}/dags/nightly_alignment/runs/{nightly.run_id}")
    page.get_by_text(nightly.run_id).first.wait_for(timeout=60_000)
    for task in ("prepare", "check_mappings", "start"):
        page.get_by_role("link", name=task, exact=True).first.wait_for(timeout=30_000)
    assert page.get_by_text("Success").count() >= 1
    screenshot(page, "nightly-run")
    page.goto(f"{cluster.url}/dags/nightly_alignment/runs/{nightly.run_id}/tasks/prepare")
    page.get_by_text(re.compile(r"\bINFO - ")).first.wait_for(timeout=60_000)  # a line of the task's own log
    screenshot(page, "task-log")


@pytest.mark.parametrize("kind", list(FORMS))
def test_the_connection_forms_have_their_fields(ui, page, screenshot, kind):
    cluster, _ = ui
    page.goto(f"{cluster.url}/connections")
    page.get_by_role("button", name="Add Connection").click()
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

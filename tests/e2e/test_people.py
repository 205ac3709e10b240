"""People in the loop end to end (issue 8), on seeded sandbox books and real Airflow.

- A decision on an ambiguous match (issue 16's test list), taken through the CLI with the truth file's partner, is
  applied by the next run of the entity exactly once: one manual link, one audit row naming the decision and its
  author, and a third run applies and writes nothing more for it.
- Under a real scheduler (api-server, scheduler, dag-processor), a run whose plan crosses the approval gate waits
  at the approval task; rejected through the REST API as the UI does, it writes nothing and says who and why;
  approved, it writes exactly the plan that was shown.
- In the same cluster, a run that found a new possible match asks for a decision in its review task, with the
  candidate shown; the person's answer (link it) is recorded in their name and applied in that same run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from reconcile import decide
from xero.hooks import WriteItem
from tests.e2e.chain import rows, run_chain

pytestmark = pytest.mark.timeout(1500)
ROOT = Path(__file__).resolve().parents[2]


def pairs_file(tmp: Path) -> Path:
    """The shipped pairs file with no gate but on invoices (always), and no review wait."""
    config = yaml.safe_load((ROOT / "config" / "pairs.yaml").read_text())
    pair = config["pairs"][0]
    pair["mappings"] = str(ROOT / "config" / pair["mappings"])
    pair["approval"] = {"mode": "none"}
    pair.pop("review", None)
    pair["entities"]["invoices"]["approval"] = {"mode": "always", "timeout_minutes": 30}
    path = tmp / "pairs.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def people_world(world, tmp_path_factory):
    path = pairs_file(tmp_path_factory.mktemp("people"))
    patch = pytest.MonkeyPatch()
    patch.setenv("LEDGERBRIDGE_PAIRS_FILE", str(path))
    try:
        first = run_chain(dags=["sync_contacts"])
        yield world, path, first
    finally:
        patch.undo()


def test_a_decision_on_an_ambiguous_match_is_applied_exactly_once(people_world, capsys):
    world, _, _ = people_world
    url = world.db_url
    case = next(a for a in world.truth["ambiguous"] if a["entity"] == "contact")
    exc = rows(url, "SELECT * FROM ledgerbridge.exceptions WHERE status = 'open' AND entity = 'contacts' "
                    "AND ledger = %s AND record_id = %s AND reason IN ('ambiguous_match', 'possible_match')",
               case["side"], case["id"])
    assert len(exc) == 1, exc
    exc = exc[0]
    n = next(c["n"] for c in exc["candidates"]["candidates"] if c["id"] == case["truth_partner"])
    assert decide.main(["--db-url", url, "link", str(exc["id"]), "--candidate", str(n), "--by", "ana",
                        "--note", "same customer, per the truth file"]) == 0
    assert "recorded" in capsys.readouterr().out
    decision = rows(url, "SELECT * FROM ledgerbridge.decisions WHERE exception_id = %s", exc["id"])[0]
    assert decision["status"] == "pending"

    second = run_chain(dags=["sync_contacts"])[0]
    xero_id, qb_id = ((case["id"], case["truth_partner"]) if case["side"] == "xero"
                      else (case["truth_partner"], case["id"]))
    link = rows(url, "SELECT method FROM ledgerbridge.xref WHERE pair = 'harbour' AND entity = 'contacts' "
                     "AND xero_id = %s", xero_id)
    assert link == [{"method": "manual"}]
    assert rows(url, "SELECT quickbooks_id FROM ledgerbridge.xref WHERE entity = 'contacts' AND xero_id = %s",
                xero_id)[0]["quickbooks_id"] == qb_id
    done = rows(url, "SELECT * FROM ledgerbridge.decisions WHERE id = %s", decision["id"])[0]
    assert (done["status"], done["applied_run_id"]) == ("applied", second)
    audit = rows(url, "SELECT operation, decided_by, outcome, run_id FROM ledgerbridge.audit_log "
                      "WHERE decision_id = %s", decision["id"])
    own = [a for a in audit if a["operation"] == "decision_link"]
    assert own == [{"operation": "decision_link", "decided_by": "ana", "outcome": "applied", "run_id": second}]
    assert all(a["decided_by"] == "ana" for a in audit)   # writes that followed the link name it too
    assert rows(url, "SELECT status FROM ledgerbridge.exceptions WHERE id = %s", exc["id"])[0]["status"] == "resolved"

    third = run_chain(dags=["sync_contacts"])[0]   # a re-run applies nothing again and writes nothing for it
    assert rows(url, "SELECT count(*) AS n FROM ledgerbridge.audit_log WHERE decision_id = %s",
                decision["id"])[0]["n"] == len(audit)
    assert not rows(url, "SELECT id FROM ledgerbridge.outbox WHERE planned_run_id = %s AND "
                         "(source_id IN (%s, %s) OR target_id IN (%s, %s))", third, xero_id, qb_id, xero_id, qb_id)
    assert rows(url, "SELECT applied_run_id FROM ledgerbridge.decisions WHERE id = %s",
                decision["id"])[0]["applied_run_id"] == second


def _answer_when_asked(cluster, dag_id: str, run_id: str, chosen: str, note: str, timeout: float = 600,
                       task_id: str = "pair.approve", params=None) -> dict:
    deadline = time.monotonic() + timeout
    parked = None
    while time.monotonic() < deadline:
        waiting = [h for h in cluster.hitl_waiting(dag_id, run_id)
                   if h["task_instance"].get("state") == "awaiting_input"]   # as the UI lists it: parked
        if waiting and parked is None:
            parked = time.monotonic()
        if waiting and time.monotonic() - parked >= 3:   # a person takes a moment; an instant answer races the park
            request = waiting[0]
            ti = request["task_instance"]
            assert ti["task_id"] == task_id, request
            answer = params(request) if params else {"note": note}
            cluster.hitl_answer(dag_id, run_id, ti["task_id"], ti["map_index"], [chosen], answer)
            return request
        state = cluster.run_state(dag_id, run_id)
        assert state in ("queued", "running"), f"{dag_id} {run_id} ended {state} without asking"
        cluster.on_poll()
        time.sleep(1)
    raise TimeoutError(f"{dag_id} {run_id} did not ask for approval within {timeout:.0f}s")


def test_a_gated_plan_waits_is_rejected_then_approved_and_writes_exactly_what_was_shown(people_world, airflow_cluster):
    world, path, _ = people_world
    url = world.db_url
    env = {**world.env, "LEDGERBRIDGE_PAIRS_FILE": str(path), "LEDGERBRIDGE_HITL": "off"}
    cluster = airflow_cluster(env=env)
    cluster.wait_for_dag("sync_invoices", timeout=180)

    started = time.monotonic()
    rejected_run = cluster.trigger("sync_invoices", {"pair": "harbour"})
    request = _answer_when_asked(cluster, "sync_invoices", rejected_run, "Reject", "check the amounts first")
    waited = time.monotonic() - started
    assert request["subject"].startswith("harbour / invoices: approve") and "quickbooks create" in request["body"]
    result = cluster.wait("sync_invoices", rejected_run, timeout=600)
    assert result.ok, cluster.explain(result)
    gate = rows(url, "SELECT * FROM ledgerbridge.approvals WHERE run_id = %s", rejected_run)[0]
    assert gate["status"] == "rejected" and gate["note"] == "check the amounts first" and gate["decided_by"]
    assert gate["plan"]["counts"].get("quickbooks create", 0) > 0
    assert not rows(url, "SELECT id FROM ledgerbridge.audit_log WHERE run_id = %s", rejected_run)
    cancelled = rows(url, "SELECT status FROM ledgerbridge.outbox WHERE id = ANY(%s)", gate["outbox_ids"])
    assert {c["status"] for c in cancelled} == {"superseded"}

    approved_run = cluster.trigger("sync_invoices", {"pair": "harbour"})
    _answer_when_asked(cluster, "sync_invoices", approved_run, "Approve", "looks right")
    result = cluster.wait("sync_invoices", approved_run, timeout=600)
    assert result.ok, cluster.explain(result)
    gate = rows(url, "SELECT * FROM ledgerbridge.approvals WHERE run_id = %s", approved_run)[0]
    assert gate["status"] == "approved"
    sent = rows(url, "SELECT DISTINCT outbox_id FROM ledgerbridge.audit_log WHERE run_id = %s "
                     "AND outcome IN ('applied', 'recovered', 'failed') AND operation <> 'note'", approved_run)
    shown = set(gate["outbox_ids"])
    assert {s["outbox_id"] for s in sent} <= shown and len(sent) > 0
    assert rows(url, "SELECT count(*) AS n FROM ledgerbridge.outbox WHERE id = ANY(%s) AND status = 'pending'",
                gate["outbox_ids"])[0]["n"] == 0
    print(f"HITL approval wait (ask to answer, under load): {waited:.1f}s")


def test_a_new_exception_is_decided_in_the_review_task_and_applied_in_the_same_run(people_world, airflow_cluster,
                                                                                   page, screenshot):
    world, path, _ = people_world
    url = world.db_url
    config = yaml.safe_load(path.read_text())
    config["pairs"][0]["review"] = {"timeout_minutes": 30}  # the pair asks (tasks read the file at run time)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    cluster = airflow_cluster(env={**world.env, "LEDGERBRIDGE_PAIRS_FILE": str(path), "LEDGERBRIDGE_HITL": "off"})
    # one customer typed into both ledgers: the same name, e-mail addresses at different domains (a possible match)
    made = world.xero_hook().write("Contacts", [WriteItem("quayside", {
        "Name": "Quayside Lanterns Ltd", "EmailAddress": "ops@quayside-lanterns.example"})], method="PUT")
    assert made[0].ok, made[0].errors
    xero_id = made[0].ledger_id
    qb_id = world.qb_hook().write_one("Customer", {
        "DisplayName": "Quayside Lanterns Ltd", "PrimaryEmailAddr": {"Address": "billing@lanterns-quay.example"}},
        key="review-quayside")["Id"]
    asked: dict = {}

    def link_the_candidate(request: dict) -> dict:
        asked.update(request)
        fields = {name: p for name, p in (request.get("params") or {}).items() if name.startswith("exception_")}
        # the matcher queued the pair from each side; the person is asked once, told of the other
        mine = [name for name, p in fields.items() if "Quayside" in json.dumps(p)]
        assert len(mine) == 1, fields
        assert "from the other side" in fields[mine[0]]["description"], fields[mine[0]]
        options = json.dumps(fields[mine[0]])
        assert '"link 1"' in options, options  # the candidate is offered by number, with its evidence shown
        # what the person sees in Required actions: the question per exception, the candidate and its evidence
        ti = request["task_instance"]
        page.goto(f"{cluster.url}/dags/sync_contacts/runs/{ti['dag_run_id']}/tasks/pair.review/mapped/"
                  f"{ti['map_index']}/required_actions")
        page.get_by_text("Apply the decisions").first.wait_for(timeout=60_000)
        assert page.get_by_text("Quayside Lanterns Ltd").count() >= 1
        screenshot(page, "review-form")
        return {mine[0]: "link 1"}

    run_id = cluster.trigger("sync_contacts", {"pair": "harbour"})
    _answer_when_asked(cluster, "sync_contacts", run_id, "Apply the decisions", "", task_id="pair.review",
                       params=link_the_candidate)
    assert "Quayside Lanterns Ltd" in asked["body"] and asked["subject"].startswith("harbour / contacts")
    result = cluster.wait("sync_contacts", run_id, timeout=600)
    assert result.ok, cluster.explain(result)
    decision = rows(url, "SELECT * FROM ledgerbridge.decisions WHERE record_id IN (%s, %s)", xero_id, qb_id)
    assert len(decision) == 1 and decision[0]["via"] == "airflow" and decision[0]["decided_by"], decision
    assert (decision[0]["status"], decision[0]["applied_run_id"]) == ("applied", run_id), decision
    assert rows(url, "SELECT xero_id, quickbooks_id, method FROM ledgerbridge.xref WHERE pair = 'harbour' AND "
                     "entity = 'contacts' AND xero_id = %s", xero_id) == [
        {"xero_id": xero_id, "quickbooks_id": qb_id, "method": "manual"}]
    # the other side's exception about the same pair: the link closed it too
    assert not rows(url, "SELECT id FROM ledgerbridge.exceptions WHERE status = 'open' AND record_id IN (%s, %s)",
                    xero_id, qb_id)

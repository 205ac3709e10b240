"""Decisions on exceptions (issue 8) in real PostgreSQL: the registry and its table agree, invalid decisions are
refused with a clear message and nothing recorded, valid ones are recorded once."""

from __future__ import annotations

import psycopg
import pytest

from ledgerbridge import db
from reconcile import decisions, matching
from reconcile.config import load_pairs
from reconcile.decisions import Decision, DecisionError
from reconcile.entities import ENTITIES
from reconcile.run import RunInfo
from tests.reconcile.staged import contact, insert, query

PAIR = "harbour"


@pytest.fixture(scope="module")
def books():
    from ledgerbridge.migrate import migrate
    from tests.fixtures.db import create_database, drop_database

    name, url = create_database("lb_decide")
    migrate(url)
    yield url
    drop_database(name)


X = {
    "branch": contact("xero", "Tidewater Marine Services Ltd", tax_number="987654321", postal_code="PL1 2AA"),
    "typo": contact("xero", "Pembrokeshire Kayak Hire", email="paddle@pembkayak.co.uk"),
}
Q = {
    "branch": contact("quickbooks", "Tidewater Marine Services (South West) Ltd", tax_number="GB987654321",
                      postal_code="PL1 2AA"),
    "typo": contact("quickbooks", "Pembrokshire Kayak Hire"),
    "other": contact("quickbooks", "Someone Else Entirely Ltd"),
}


@pytest.fixture(scope="module")
def queue(books):
    insert(books, "stg_xero_contacts", PAIR, list(X.values()))
    insert(books, "stg_quickbooks_contacts", PAIR, list(Q.values()))
    matching.match(ENTITIES["contacts"], load_pairs()[PAIR], RunInfo("d1", "test"), books)
    rows = query(books, "SELECT * FROM ledgerbridge.exceptions WHERE status = 'open'")
    return {(r["ledger"], r["record_id"]): r for r in rows}


def decisions_count(url: str) -> int:
    return query(url, "SELECT count(*) AS n FROM ledgerbridge.decisions")[0]["n"]


def test_the_registry_and_its_table_agree(books):
    with db.connect(books) as conn:
        table = [dict(r) for r in conn.execute(db.sql("decisions/offers"))]
    key = lambda r: (r["reason"], r["position"])  # noqa: E731
    assert sorted(table, key=key) == sorted(decisions.registry_rows(), key=key)


def test_each_reason_offers_what_the_issue_names():
    assert decisions.offered("possible_match") == ["link", "create", "ignore"]
    assert decisions.offered("ambiguous_match") == ["link", "create", "ignore"]
    assert decisions.offered("weak_link") == ["keep", "unlink"]
    assert decisions.offered("identity_conflict")[0] == "pick"
    assert set(decisions.offered("unmapped_code")) == {"retry", "ignore"}
    assert set(decisions.offered("locked")) == {"retry", "ignore", "pick"}
    assert set(decisions.offered("one_sided")) == {"link", "create", "ignore"}
    assert decisions.offered("something_new") == ["retry", "ignore"]


def test_invalid_decisions_are_refused_and_nothing_is_recorded(books, queue):
    branch = queue[("xero", X["branch"]["ledger_id"])]
    assert branch["reason"] == "possible_match"
    before = decisions_count(books)
    cases = [
        (Decision(branch["id"], "link", "ana", candidate=7), "there is no candidate 7"),
        (Decision(branch["id"], "keep", "ana"), "'keep' is not offered for possible_match"),
        (Decision(branch["id"], "link", "ana"), "link needs a candidate number or a quickbooks record id"),
        (Decision(branch["id"], "link", "ana", other_id="nope-404"), "record nope-404 is not on quickbooks"),
        (Decision(branch["id"], "link", " "), "names who took it"),
        (Decision(branch["id"], "create", "ana", side="xero"), "only pick names a side"),
        (Decision(999999, "ignore", "ana"), "there is no exception 999999"),
    ]
    with db.connect(books) as conn:
        for decision, words in cases:
            with pytest.raises(DecisionError, match=words) as err:
                decisions.record(conn, decision)
            if decision.exception_id == branch["id"]:
                assert f"exception {branch['id']} (possible_match, xero contacts" in str(err.value) \
                    or "names who took it" in str(err.value)
    assert decisions_count(books) == before


def test_a_candidate_that_no_longer_exists_is_refused(books, queue):
    typo = queue[("xero", X["typo"]["ledger_id"])]
    with psycopg.connect(books) as conn:
        conn.execute("UPDATE ledgerbridge.stg_quickbooks_contacts SET deleted = true WHERE ledger_id = %s",
                     (Q["typo"]["ledger_id"],))
    try:
        with db.connect(books) as conn, pytest.raises(DecisionError, match="no longer exists on quickbooks"):
            decisions.record(conn, Decision(typo["id"], "link", "ana", candidate=1))
    finally:
        with psycopg.connect(books) as conn:
            conn.execute("UPDATE ledgerbridge.stg_quickbooks_contacts SET deleted = false WHERE ledger_id = %s",
                         (Q["typo"]["ledger_id"],))


def test_a_valid_decision_is_recorded_once(books, queue):
    typo = queue[("xero", X["typo"]["ledger_id"])]
    with db.connect(books) as conn:
        new = decisions.record(conn, Decision(typo["id"], "link", "ana", note="same kayak firm", candidate=1,
                                              via="cli"))
        with pytest.raises(DecisionError, match="already has a pending decision"):
            decisions.record(conn, Decision(typo["id"], "ignore", "bob"))
    row = query(books, "SELECT * FROM ledgerbridge.decisions WHERE id = %s", new)[0]
    assert (row["decision"], row["other_id"], row["candidate"], row["decided_by"], row["status"]) == \
        ("link", Q["typo"]["ledger_id"], 1, "ana", "pending")
    assert row["record_version"] == X["typo"]["version"] and row["note"] == "same kayak firm"
    assert row["reason"] == "possible_match" and row["ledger"] == "xero" and row["via"] == "cli"


# --- applying: the next run applies each decision once --------------------------------------------------------
def _apply(url: str, run_id: str):
    from reconcile import decisions_apply

    return decisions_apply.apply_pending("contacts", PAIR, RunInfo(run_id, "test"), db_url=url)


def _plan(url: str, run_id: str):
    from reconcile import deltas

    return deltas.plan(ENTITIES["contacts"], load_pairs()[PAIR], RunInfo(run_id, "test"), url)


def test_a_link_is_applied_exactly_once_through_the_outbox_and_audit(books, queue):
    typo = queue[("xero", X["typo"]["ledger_id"])]
    # recorded by test_a_valid_decision_is_recorded_once
    decision = query(books, "SELECT * FROM ledgerbridge.decisions WHERE exception_id = %s", typo["id"])[0]
    first = _apply(books, "d2")
    assert first.applied >= 1 and [o for o in first.outcomes if o["id"] == decision["id"]][0]["status"] == "applied"
    again = _apply(books, "d2")   # the task retried: nothing left to apply
    assert again.applied == 0 and again.recheck == 0
    links = query(books, "SELECT * FROM ledgerbridge.xref WHERE xero_id = %s", X["typo"]["ledger_id"])
    assert [(r["quickbooks_id"], r["method"]) for r in links] == [(Q["typo"]["ledger_id"], "manual")]
    row = query(books, "SELECT * FROM ledgerbridge.decisions WHERE id = %s", decision["id"])[0]
    assert row["status"] == "applied" and row["applied_run_id"] == "d2" and "linked" in row["outcome"]
    audit = query(books, "SELECT * FROM ledgerbridge.audit_log WHERE decision_id = %s", decision["id"])
    assert [(a["operation"], a["decided_by"], a["outcome"]) for a in audit] == [("decision_link", "ana", "applied")]
    # both sides' exceptions are closed; the matcher does not queue them again
    matching.match(ENTITIES["contacts"], load_pairs()[PAIR], RunInfo("d2", "test"), books)
    open_ = query(books, "SELECT record_id FROM ledgerbridge.exceptions WHERE status = 'open' AND record_id = ANY(%s)",
                  [X["typo"]["ledger_id"], Q["typo"]["ledger_id"]])
    assert open_ == []
    # the names differ beyond spelling: the linked pair waits as identity_conflict, and a person picks a side
    _plan(books, "d2")
    conflict = query(books, "SELECT * FROM ledgerbridge.exceptions WHERE status = 'open' AND record_id = %s",
                     X["typo"]["ledger_id"])
    assert [c["reason"] for c in conflict] == ["identity_conflict"], conflict
    assert decisions.offered("identity_conflict")[0] == "pick"
    with db.connect(books) as conn:
        with pytest.raises(DecisionError, match="pick needs the side"):
            decisions.record(conn, Decision(conflict[0]["id"], "pick", "ana", side="both"))
        pick = decisions.record(conn, Decision(conflict[0]["id"], "pick", "ana", side="xero", fields=["name"]))
    assert _apply(books, "d8").applied == 1
    _plan(books, "d8")
    writes = query(books, "SELECT * FROM ledgerbridge.outbox WHERE planned_run_id = 'd8' AND decision_id = %s", pick)
    assert [(w["ledger"], w["operation"]) for w in writes] == [("quickbooks", "update")]
    assert "Pembrokeshire" in str(writes[0]["payload"])
    _plan(books, "d8")   # planned again (a retried plan task): still one write
    assert len(query(books, "SELECT id FROM ledgerbridge.outbox WHERE decision_id = %s AND status = 'pending'",
                     pick)) == 1
    assert _apply(books, "d8").applied == 0


def test_different_records_are_never_proposed_again_and_are_created(books, queue):
    branch = queue[("xero", X["branch"]["ledger_id"])]
    with db.connect(books) as conn:
        new = decisions.record(conn, Decision(branch["id"], "create", "bob", note="a separate company"))
    result = _apply(books, "d3")
    assert [o["status"] for o in result.outcomes if o["id"] == new] == ["applied"]
    assert query(books, "SELECT decided_by, note FROM ledgerbridge.distinct_records WHERE xero_id = %s",
                 X["branch"]["ledger_id"]) == [{"decided_by": "bob", "note": "a separate company"}]
    matching.match(ENTITIES["contacts"], load_pairs()[PAIR], RunInfo("d3", "test"), books)
    assert not query(books, "SELECT id FROM ledgerbridge.exceptions WHERE status = 'open' AND record_id = ANY(%s)",
                     [X["branch"]["ledger_id"], Q["branch"]["ledger_id"]])
    _plan(books, "d3")
    creates = query(books, "SELECT source_id, decision_id FROM ledgerbridge.outbox WHERE planned_run_id = 'd3' "
                           "AND operation = 'create' AND source_id = ANY(%s)",
                    [X["branch"]["ledger_id"], Q["branch"]["ledger_id"]])
    assert {c["source_id"] for c in creates} == {X["branch"]["ledger_id"], Q["branch"]["ledger_id"]}
    assert new in {c["decision_id"] for c in creates}


def test_a_decision_whose_record_changed_is_rechecked_not_applied(books):
    x = contact("xero", "Llanberis Climbing Wall", email="climb@llanberiswall.co.uk")
    q = contact("quickbooks", "Llanberris Climbing Wall")
    insert(books, "stg_xero_contacts", PAIR, [x])
    insert(books, "stg_quickbooks_contacts", PAIR, [q])
    matching.match(ENTITIES["contacts"], load_pairs()[PAIR], RunInfo("d4", "test"), books)
    exc = query(books, "SELECT * FROM ledgerbridge.exceptions WHERE status = 'open' AND record_id = %s",
                x["ledger_id"])
    assert [e["reason"] for e in exc] == ["possible_match"]
    with db.connect(books) as conn:
        new = decisions.record(conn, Decision(exc[0]["id"], "link", "cy", candidate=1))
    with psycopg.connect(books) as conn:
        conn.execute("UPDATE ledgerbridge.stg_xero_contacts SET version = 'edited' WHERE ledger_id = %s",
                     (x["ledger_id"],))
    result = _apply(books, "d5")
    mine = [o for o in result.outcomes if o["id"] == new][0]
    assert mine["status"] == "recheck" and "changed since the decision" in mine["outcome"]
    assert not query(books, "SELECT 1 FROM ledgerbridge.xref WHERE xero_id = %s", x["ledger_id"])
    assert query(books, "SELECT status FROM ledgerbridge.exceptions WHERE id = %s", exc[0]["id"])[0]["status"] == "open"


def test_an_ignored_record_leaves_the_queue_for_good_and_is_not_created(books):
    from reconcile.run import open_exception

    x = contact("xero", "Zebedee Test Account Ltd")
    insert(books, "stg_xero_contacts", PAIR, [x])
    run = RunInfo("d6", "test")
    with db.connect(books) as conn:
        open_exception(conn, run, PAIR, "contacts", "xero", x["ledger_id"], "unmapped_code", "no mapping for ZZ",
                       label="Zebedee")
        conn.commit()
        exc = conn.execute("SELECT id FROM ledgerbridge.exceptions WHERE record_id = %s AND status = 'open'",
                           (x["ledger_id"],)).fetchone()
        decisions.record(conn, Decision(exc["id"], "ignore", "dee", note="a test account"))
    _apply(books, "d6")
    assert query(books, "SELECT status FROM ledgerbridge.exceptions WHERE id = %s", exc["id"])[0]["status"] == "ignored"
    assert query(books, "SELECT ignored_by, reason FROM ledgerbridge.ignored_records WHERE record_id = %s",
                 x["ledger_id"]) == [{"ignored_by": "dee", "reason": "unmapped_code"}]
    with db.connect(books) as conn:   # a later run meeting the same problem does not queue it again
        open_exception(conn, RunInfo("d7", "test"), PAIR, "contacts", "xero", x["ledger_id"], "unmapped_code",
                       "no mapping for ZZ", label="Zebedee")
        conn.commit()
    assert not query(books, "SELECT id FROM ledgerbridge.exceptions WHERE record_id = %s AND status = 'open'",
                     x["ledger_id"])
    _plan(books, "d7")
    assert not query(books, "SELECT id FROM ledgerbridge.outbox WHERE source_id = %s", x["ledger_id"])


def test_the_cli_lists_decides_and_refuses(books, queue, capsys):
    from reconcile import decide

    assert decide.main(["--db-url", books, "list", "--pair", PAIR]) == 0
    out = capsys.readouterr().out
    assert "possible_match" in out and "python -m reconcile.decide link" in out and " open" in out
    rows = query(books, "SELECT id, reason FROM ledgerbridge.exceptions WHERE status = 'open' ORDER BY id")
    target = rows[0]["id"]
    assert decide.main(["--db-url", books, "show", str(target)]) == 0
    assert "offered:" in capsys.readouterr().out
    before = decisions_count(books)
    assert decide.main(["--db-url", books, "keep", str(target), "--by", "eve"]) == 2
    assert "refused:" in capsys.readouterr().err and decisions_count(books) == before
    assert decide.main(["--db-url", books, "ignore", str(target), "--by", "eve", "--note", "not ours"]) == 0
    assert "recorded" in capsys.readouterr().out and decisions_count(books) == before + 1
    new = query(books, "SELECT id, via, decided_by FROM ledgerbridge.decisions ORDER BY id DESC LIMIT 1")[0]
    assert (new["via"], new["decided_by"]) == ("cli", "eve")
    assert decide.main(["--db-url", books, "cancel", str(new["id"]), "--by", "eve"]) == 0
    assert query(books, "SELECT status FROM ledgerbridge.decisions WHERE id = %s", new["id"])[0]["status"] == "cancelled"


# --- approval gates ----------------------------------------------------------------------------------------------
def test_approval_settings_are_read_and_checked(tmp_path):
    from reconcile.config import Approval, ConfigError

    mappings = tmp_path / "mappings.yaml"
    mappings.write_text((load_pairs()[PAIR].mappings.path).read_text())
    pairs = tmp_path / "pairs.yaml"
    pairs.write_text(f"""\
pairs:
  - name: a
    xero_conn_id: x
    quickbooks_conn_id: q
    mappings: {mappings.name}
    approval: first_alignment
    review: {{timeout_minutes: 15}}
    entities:
      contacts: {{direction: both}}
      invoices: {{direction: xero_to_quickbooks, approval: {{mode: always, max_amount: 5000, max_creates: 10, deletes: true}}}}
""")
    cfg = load_pairs(pairs)["a"]
    assert cfg.approval_of("contacts") == Approval("first_alignment") and cfg.review_minutes == 15
    assert cfg.approval_of("invoices") == Approval("always", 5000.0, 10, True)
    pairs.write_text(pairs.read_text().replace("approval: first_alignment", "approval: sometimes"))
    with pytest.raises(ConfigError, match=r"pairs.yaml:6: pair 'a': approval 'sometimes' is not one of"):
        load_pairs(pairs)


def _outbox(url: str, entity: str, rows: list[tuple[str, str, dict]], start: int = 0) -> None:
    from psycopg.types.json import Jsonb

    with psycopg.connect(url) as conn:
        for n, (ledger, op, payload) in enumerate(rows, start=start):
            conn.execute("INSERT INTO ledgerbridge.outbox (pair, entity, ledger, operation, source_id, target_id, label,"
                         " payload, payload_hash, planned_run_id) VALUES ('gate', %s, %s, %s, %s, %s, %s, %s, %s, 'g1')",
                         (entity, ledger, op, f"s{n}", None if op == "create" else f"t{n}", f"DOC-{n}", Jsonb(payload),
                          f"h{entity}{n}"))


def test_a_gate_records_the_plan_shown_and_a_rejection_cancels_it(books, monkeypatch):
    import dataclasses

    from reconcile import people
    from reconcile.config import Approval

    monkeypatch.setenv("LEDGERBRIDGE_HITL", "off")
    cfg = dataclasses.replace(load_pairs()[PAIR], name="gate", approval=Approval("first_alignment", max_amount=1000,
                                                                                  deletes=True))
    _outbox(books, "invoices", [("quickbooks", "create", {"Line": [{"Amount": 120.5}, {"Amount": 10}]}),
                                ("quickbooks", "create", {"Line": [{"Amount": 4200}]}),
                                ("quickbooks", "void", {"Id": "9"})])
    state = people.gate("invoices", cfg, RunInfo("g1", "test"), db_url=books)
    assert state["wait"] and state["plan"]["counts"] == {"quickbooks create": 2, "quickbooks void": 1}
    assert state["plan"]["largest"][0]["amount"] == "4200" and state["plan"]["largest"][1]["amount"] == "130.5"
    assert any("first alignment" in w for w in state["gated_by"]) and any("over 1000" in w for w in state["gated_by"])
    assert "| quickbooks create | 2 |" in state["body"] and "DOC-1" in state["body"]
    again = people.gate("invoices", cfg, RunInfo("g1", "test"), db_url=books)   # a retried task: the same plan
    assert again["approval_id"] == state["approval_id"]
    assert people.may_write("invoices", "gate", RunInfo("g1", "test"), db_url=books)[0] is False
    people.decide(state["approval_id"], False, "fay", "amounts look wrong", db_url=books)
    allowed, why = people.may_write("invoices", "gate", RunInfo("g1", "test"), db_url=books)
    assert not allowed and "rejected by fay: amounts look wrong" in why
    left = query(books, "SELECT status, last_error FROM ledgerbridge.outbox WHERE pair = 'gate'")
    assert {r["status"] for r in left} == {"superseded"} and "rejected by fay" in left[0]["last_error"]
    assert people.decide(state["approval_id"], True, "gus", db_url=books) is None   # decided once


def test_a_first_alignment_gate_asks_once_then_only_on_thresholds(books, monkeypatch):
    import dataclasses

    from reconcile import people
    from reconcile.config import Approval

    cfg = dataclasses.replace(load_pairs()[PAIR], name="gate", approval=Approval("first_alignment", max_creates=1))
    _outbox(books, "bills", [("xero", "create", {"Total": 50})])
    monkeypatch.setenv("LEDGERBRIDGE_HITL", "auto:demo")
    first = people.gate("bills", cfg, RunInfo("g2", "test"), db_url=books)
    assert not first["wait"] and first["status"] == "approved"
    row = query(books, "SELECT decided_by, via FROM ledgerbridge.approvals WHERE id = %s", first["approval_id"])[0]
    assert row == {"decided_by": "demo", "via": "auto"}
    monkeypatch.setenv("LEDGERBRIDGE_HITL", "off")
    assert people.gate("bills", cfg, RunInfo("g3", "test"), db_url=books) == {"wait": False, "writes": 1,
                                                                             "mode": "first_alignment"}
    _outbox(books, "bills", [("xero", "create", {"Total": 60}), ("xero", "create", {"Total": 70})], start=1)
    assert people.gate("bills", cfg, RunInfo("g4", "test"), db_url=books)["wait"]   # 3 creates > 1


def test_a_retry_lifts_the_ledgers_refusal_and_re_checks_the_record(books):
    from reconcile.run import open_exception

    x = contact("xero", "Refused Name: With Colon Ltd")
    insert(books, "stg_xero_contacts", PAIR, [x])
    with db.connect(books) as conn:
        conn.execute("INSERT INTO ledgerbridge.refusals (pair, entity, ledger, source_ledger, source_id, source_version,"
                     " operation, message) VALUES (%s, 'contacts', 'quickbooks', 'xero', %s, %s, 'create', 'colon')",
                     (PAIR, x["ledger_id"], x["version"]))
        open_exception(conn, RunInfo("r1", "test"), PAIR, "contacts", "xero", x["ledger_id"], "write_failed",
                       "quickbooks refused: a colon in the name [DisplayName]", label=x["name"])
        conn.commit()
        exc = conn.execute("SELECT id FROM ledgerbridge.exceptions WHERE record_id = %s", (x["ledger_id"],)).fetchone()
        decisions.record(conn, Decision(exc["id"], "retry", "hal", note="renamed in QuickBooks"))
    result = _apply(books, "r2")
    mine = [o for o in result.outcomes if o["record_id"] == x["ledger_id"]][0]
    assert mine["status"] == "applied" and "lifted the refusal of quickbooks" in mine["outcome"]
    assert not query(books, "SELECT 1 FROM ledgerbridge.refusals WHERE source_id = %s", x["ledger_id"])
    assert query(books, "SELECT status FROM ledgerbridge.exceptions WHERE id = %s", exc["id"])[0]["status"] == "resolved"


def test_answers_in_the_review_task_are_recorded_and_applied_in_the_same_run(books):
    from reconcile import people

    x = contact("xero", "Moelfre Lifeboat Cafe", email="tea@moelfrecafe.co.uk")
    q = contact("quickbooks", "Moelfree Lifeboat Cafe")
    insert(books, "stg_xero_contacts", PAIR, [x])
    insert(books, "stg_quickbooks_contacts", PAIR, [q])
    run = RunInfo("v1", "test")
    matching.match(ENTITIES["contacts"], load_pairs()[PAIR], run, books)
    items = [e for e in people.review_items("contacts", PAIR, run, db_url=books)
             if e["record_id"] in (x["ledger_id"], q["ledger_id"])]
    # queued from both sides, each the other's only candidate: asked once, naming the other
    assert len(items) == 1 and "link 1" in people.choices_of(items[0]) and "create" in people.choices_of(items[0])
    assert "Candidate 1: " in people.describe(items[0]) and "from the other side" in people.describe(items[0])
    assert people.field_title(items[0]).startswith(f"#{items[0]['id']} ")
    answer = {people.field_name(items[0]): "link 1", "exception_999999": "ignore"}
    result = people.record_and_apply("contacts", PAIR, run, answer, "ivy", db_url=books)
    assert len(result["recorded"]) == 1 and "there is no exception 999999" in result["refused"][0]
    assert result["applied"]["applied"] == 1
    row = query(books, "SELECT via, decided_by, status, applied_run_id FROM ledgerbridge.decisions WHERE id = %s",
                result["recorded"][0])[0]
    assert row == {"via": "airflow", "decided_by": "ivy", "status": "applied", "applied_run_id": "v1"}
    assert query(books, "SELECT method FROM ledgerbridge.xref WHERE xero_id = %s", x["ledger_id"]) == [
        {"method": "manual"}]

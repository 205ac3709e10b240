"""make demo: a pair of divergent sandbox books, the nightly alignment through Airflow, and a summary.

1. Start the Xero and QuickBooks sandboxes with seeded books (kept in .local/sandbox/, so they can be inspected
   afterwards by starting a sandbox on that folder), with their real rate limits.
2. Reset ledgerbridge's own database (LEDGERBRIDGE_DEMO_DB, default ``ledgerbridge`` on the server) and migrate it.
3. Run the nightly chain as production does: one run of nightly_alignment under a real Airflow scheduler, every
   sync_<entity> DAG and control_totals following through asset events, on the metadata database that ``make up``
   serves afterwards (with the ledger connections stored there). Before it, a few hostile records
   (sandbox/hostile.py: a NUL in a name and in a line, a document dated 1900, an
   invoice number QuickBooks cannot hold, a 300-character name, a negative invoice) are typed into the books
   through the ledgers' APIs beside an ordinary canary.
4. Check the books ended aligned (a full re-read plans no write, and everything else waits in the exception queue),
   print what happened per entity and ledger, where each hostile record ended (queued naming its field, or
   written), the calls each ledger received, and where to look.

Exits 0 only when the books ended aligned apart from the exception queue.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.rows import dict_row  # noqa: E402

from sandbox import process  # noqa: E402

SEED = os.environ.get("LEDGERBRIDGE_DEMO_SEED", "42")
SIZE = os.environ.get("LEDGERBRIDGE_DEMO_SIZE", "40")
STATE = ROOT / ".local" / "sandbox"
DEMO_APPROVER = "demo (make demo)"
# the hostile records the demo types among its books (sandbox/hostile.py keys), and the canary beside them
HOSTILE = ("canary-invoice", "contact-nul-name", "customer-300-name", "invoice-nul-description", "invoice-date-1900",
           "invoice-30-number", "invoice-negative", "contact-emoji-name")


def say(text: str = "") -> None:
    print(text, flush=True)


def demo_database(server_url: str) -> str:
    name = os.environ.get("LEDGERBRIDGE_DEMO_DB", "ledgerbridge")
    with psycopg.connect(server_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS ledgerbridge CASCADE")
    return url


def connection(ledger: str, info: dict) -> str:
    import json  # noqa: PLC0415

    extra = {"refresh_token": info["refresh_token"], "api_url": info["base_url"], "oauth_url": info["token_url"]}
    if ledger == "xero":
        extra.update(tenant_id=info["tenant_id"], connections_url=info["connections_url"])
    else:
        extra.update(realm_id=info["realm_id"])
    return json.dumps({"conn_type": ledger, "login": info["client_id"], "password": info["client_secret"],
                       "extra": extra})


def call_counts(box: process.RunningSandbox) -> Counter:
    counts: Counter = Counter()
    for call in box.calls():
        if call["path"].startswith("/_sandbox"):
            continue
        counts[f"{call['method']} {process.endpoint_of(call['path'])}"] += 1
        if call["status"] == 429:
            counts["429 refusals"] += 1
    return counts


def main() -> int:
    started = time.monotonic()
    server = os.environ["LEDGERBRIDGE_DB_URL"]
    db_url = demo_database(server)
    os.environ["LEDGERBRIDGE_DB_URL"] = db_url
    os.environ["AIRFLOW_CONN_LEDGER_DB"] = db_url
    from ledgerbridge.migrate import migrate  # noqa: PLC0415

    migrate(db_url)
    shutil.rmtree(STATE, ignore_errors=True)
    say(f"Seeding the sandbox books (seed {SEED}, {SIZE} invoices) in {STATE} ...")
    boxes = {}
    try:
        for ledger in ("xero", "quickbooks"):
            state = STATE / ledger
            boxes[ledger] = process.start(ledger, "--port", "0", "--seed", SEED, "--size", SIZE, "--state", str(state))
            say(f"  {ledger:<10} {boxes[ledger].base_url}")
        # the demo decides on exceptions by CLI after the night, so its runs do not stop to ask in review tasks;
        # the approval gates are crossed and recorded as in production, and approved at once in the demo's name
        # (LEDGERBRIDGE_HITL=auto:<who>): a person would press Approve in Airflow's Required actions, which
        # tests/e2e/test_people.py does through the same REST API under a real scheduler
        env = {"LEDGERBRIDGE_DB_URL": db_url, "AIRFLOW_CONN_LEDGER_DB": db_url,
               "LEDGERBRIDGE_HITL": f"auto:{DEMO_APPROVER}"}
        # the ledgers' connections are stored in Airflow's metadata database (Admin -> Connections shows them)
        connections = {"xero_default": connection("xero", boxes["xero"].info),
                       "quickbooks_default": connection("quickbooks", boxes["quickbooks"].info)}
        os.environ.update(env)
        os.environ.update({f"AIRFLOW_CONN_{k.upper()}": v for k, v in connections.items()})  # this process's hooks
        planted = plant_hostile(db_url)
        from scripts.airflow_run import run_chain  # noqa: PLC0415

        from reconcile.entities import STAGES  # noqa: PLC0415

        chain = [*[f"sync_{e}" for stage in STAGES for e in stage], "control_totals"]
        from scripts import demo_people  # noqa: PLC0415

        say(f"\nThe nightly alignment under Airflow's scheduler: one run of nightly_alignment, then the "
            f"{len(chain)} DAGs it starts through asset events ...")
        say("  config/pairs.yaml gates the first alignment (approval: first_alignment): each entity's first write plan "
            "is recorded for approval, which the demo gives automatically in its own name (in production the run "
            "waits in Airflow's Required actions for a person)")
        results = run_chain("nightly_alignment", chain, env=env, connections=connections, timeout=2400,
                            answer=demo_people.answerer(say))
        if len(results) < len(chain) + 1 or not all(r.ok for r in results):
            say("\nThe alignment did not finish: see the task logs above.")
            return 1
        demo_people.show_approvals(say, db_url)
        aligned = report(db_url, [r.run_id for r in results], boxes)
        report_hostile(db_url, planted)
        inspect_results(db_url)
        aligned = people(db_url, env, connections, results[-1].run_id) and aligned
        say(f"\nDone in {time.monotonic() - started:.0f}s.")
        return 0 if aligned else 1
    finally:
        for box in boxes.values():
            box.stop()


def people(db_url: str, env: dict[str, str], connections: dict[str, Any], control_run: str) -> bool:
    """People in the loop (issue 8): the queue with the commands that decide it, the demo's scripted decisions,
    and a second run of the entities that have decisions, with the control totals before and after."""
    from scripts import demo_people  # noqa: PLC0415
    from scripts.airflow_run import run_dags  # noqa: PLC0415

    before = demo_people.control_totals(db_url, control_run)
    queue = demo_people.list_queue(say, db_url)
    taken = demo_people.scripted_decisions(say, db_url, STATE / "xero" / "truth.json", queue)
    entities = demo_people.pending_entities(db_url)
    if not taken:
        return True
    from reconcile.entities import STAGES  # noqa: PLC0415

    again = [f"sync_{e}" for stage in STAGES for e in stage if e in entities] + ["control_totals"]
    say(f"\nApplying them now with a manual run ({{\"apply_decisions\": true, \"pair\": \"harbour\"}}): "
        f"{', '.join(again)} ...")
    results = run_dags(again, conf={"apply_decisions": True, "pair": "harbour"}, env=env, connections=connections,
                       timeout=900, answer=demo_people.answerer(say))
    if len(results) < len(again) or not all(r.ok for r in results):
        say("\nThe run applying the decisions did not finish: see the task logs above.")
        return False
    demo_people.applied(say, db_url, taken)
    demo_people.show_totals(say, "\nControl totals before the decisions:", before)
    demo_people.show_totals(say, "Control totals after them (ignored records left out, listed in "
                                 "ledgerbridge.ignored_records):", demo_people.control_totals(db_url, results[-1].run_id))
    return True


def plant_hostile(db_url: str) -> list:
    """Type a few hostile records (and a canary) into the seeded books through the ledgers' APIs."""
    import json  # noqa: PLC0415

    from ledgerbridge.tokens import TokenStore  # noqa: PLC0415
    from quickbooks.hooks import QuickBooksHook  # noqa: PLC0415
    from sandbox.hostile import corpus, hook_creators, plant, refs_from_truth  # noqa: PLC0415
    from xero.hooks import XeroHook  # noqa: PLC0415

    truth = json.loads((STATE / "xero" / "truth.json").read_text())
    records = [r for r in corpus(refs_from_truth(truth, tag="demo")) if r.key in HOSTILE]
    store = TokenStore(db_url)
    planted = plant(records, *hook_creators(XeroHook("xero_default", token_store=store),
                                            QuickBooksHook("quickbooks_default", token_store=store)))
    say(f"\nTyped {len(planted)} hostile records (sandbox/hostile.py) among the books, one an ordinary canary:")
    for p in planted:
        say(f"  {p.record.ledger:<10} {p.record.key:<24} {p.record.what}"
            + ("" if p.ok else f"  (refused by the ledger: {'; '.join(p.errors)[:80]})"))
    return planted


def report_hostile(db_url: str, planted: list) -> None:
    say("\nThe hostile records: each queued naming its field, or written faithfully; the rest of the books went on:")
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        for p in planted:
            if not p.ok:
                continue
            queue = conn.execute("SELECT reason, field, record_label FROM ledgerbridge.exceptions WHERE status = 'open' "
                                 "AND entity = %s AND ledger = %s AND record_id = %s ORDER BY reason",
                                 (p.record.entity, p.record.ledger, p.ledger_id)).fetchall()
            linked = conn.execute(sql.SQL("SELECT 1 FROM ledgerbridge.xref WHERE entity = %s AND {} = %s").format(
                sql.Identifier(f"{p.record.ledger}_id")), (p.record.entity, p.ledger_id)).fetchone()
            label = (queue[0]["record_label"] if queue and queue[0]["record_label"] else p.record.key)[:40]
            where = ("queued " + ", ".join(f"{q['reason']} on {q['field']}" for q in queue) if queue
                     else "written" if linked else "neither written nor queued")
            say(f"  {p.record.entity:<9} {p.record.ledger:<10} {label:<40} {where}")


def report(db_url: str, run_ids: list[str], boxes: dict[str, process.RunningSandbox]) -> bool:
    from ledgerbridge.db import sql as db_sql  # noqa: PLC0415
    from reconcile import verify  # noqa: PLC0415
    from reconcile.run import RunInfo  # noqa: PLC0415

    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        rows = conn.execute("SELECT entity, ledger, read, staged, matched, created, updated, voided, conflicts, "
                            "exceptions, failed FROM ledgerbridge.run_summary WHERE run_id = ANY(%s) AND dag_id <> 'control_totals' "
                            "ORDER BY entity, ledger", (run_ids,)).fetchall()
        reasons = conn.execute("SELECT entity, reason, count(*) AS n FROM ledgerbridge.exceptions "
                               "WHERE status = 'open' GROUP BY entity, reason ORDER BY entity, reason").fetchall()
    say("\nSummary (per entity and ledger):")
    header = f"  {'entity':<17} {'ledger':<11} {'read':>5} {'matched':>8} {'created':>8} {'updated':>8} " \
             f"{'voided':>7} {'failed':>7} {'in queue':>9}"
    say(header)
    for r in rows:
        say(f"  {r['entity']:<17} {r['ledger']:<11} {r['read']:>5} {r['matched']:>8} {r['created']:>8} "
            f"{r['updated']:>8} {r['voided']:>7} {r['failed']:>7} {r['exceptions']:>9}")
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        control = conn.execute("SELECT kind, xero_amount, quickbooks_amount, difference FROM ledgerbridge.control_totals "
                               "WHERE run_id = ANY(%s) AND contact = 'total' AND bucket = 'all' ORDER BY kind",
                               (run_ids,)).fetchall()
        documents = conn.execute("SELECT count(*) AS n FROM ledgerbridge.control_differences WHERE run_id = ANY(%s)",
                                 (run_ids,)).fetchone()["n"]
        control_run = next(iter(run_ids[-1:]), "")
        unexplained = conn.execute(db_sql("control/unexplained"), {"pair": "harbour", "run_id": control_run}).fetchall()
    say("\nControl totals (amounts due, in document currency):")
    for r in control:
        say(f"  {r['kind']:<11} xero {r['xero_amount']:>10}  quickbooks {r['quickbooks_amount']:>10}  "
            f"difference {r['difference']:>9}")
    say(f"  {documents} documents differ (ledgerbridge.control_differences); "
        f"{documents - len(unexplained)} of them are explained by the exception queue")
    for doc in unexplained:
        say(f"    unexplained: {doc['entity']} {doc['document']} xero {doc['xero_due']} quickbooks {doc['quickbooks_due']}")
    say("\nException queue (open), by reason:")
    for r in reasons:
        say(f"  {r['entity']:<17} {r['reason']:<21} {r['n']}")
    say("\nAPI calls each ledger received:")
    for ledger, box in boxes.items():
        counts = call_counts(box)
        total = sum(v for k, v in counts.items() if k != "429 refusals")
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        say(f"  {ledger:<10} {total:>4} calls: {detail}")
    say("\nChecking the books are aligned (a full re-read plans no write) ...")
    import logging  # noqa: PLC0415

    logging.getLogger("reconcile").setLevel(logging.WARNING)
    aligned = True
    from reconcile.entities import ENTITIES  # noqa: PLC0415

    for entity in ENTITIES:
        result = verify.check(entity, "harbour", RunInfo(f"demo-verify-{entity}-{int(time.time())}", "demo"))
        state = "aligned" if result.aligned else "NOT aligned"
        say(f"  {entity:<17} {state} ({result.open_exceptions} records wait in the exception queue)")
        for item in result.would_write[:10] + result.unexplained[:10]:
            say(f"    {item}")
        aligned = aligned and result.aligned
    aligned = aligned and not unexplained
    say("\nWhere to look:")
    say(f"  ledgerbridge's tables: make psql   (psql {db_url}, while the server runs)")
    say("    ledgerbridge.run_summary, ledgerbridge.xref (links), ledgerbridge.differences, ledgerbridge.exceptions,")
    say("    ledgerbridge.outbox, ledgerbridge.audit_log, ledgerbridge.dq_results, ledgerbridge.stg_* (staged records)")
    port = os.environ.get("LEDGERBRIDGE_AIRFLOW_PORT", "8080")
    say(f"  the operator's stack: make up   (Airflow UI http://localhost:{port}, ledgerbridge's page "
        f"http://localhost:{port}/ledgerbridge/, both sandboxes on these books, `make psql`; `make down` stops it)")
    say(f"  the sandbox books: {STATE}   (the seed's truth: {STATE / 'xero' / 'truth.json'})")
    return aligned


# --- issue 9: the night's HTML report and the three questions answered from the report views ---------------------
def inspect_results(db_url: str) -> None:
    """Print the night's report path, then each question of README's "Inspecting results" with its SQL and the
    first rows of its answer (include/sql/report/questions/)."""
    from reconcile import report as html_report  # noqa: PLC0415

    latest = html_report.latest()
    say("\nThe night's report (self-contained HTML; `make report` prints the latest):")
    say(f"  {latest if latest else 'none written: see the control_totals report task log'}")
    say("\nThree questions, answered from the views in ledgerbridge_report (psql " + db_url + "):")
    for path in sorted((ROOT / "include" / "sql" / "report" / "questions").glob("*.sql")):
        text = path.read_text().strip()
        say("\n" + "\n".join(f"  {line}" for line in text.splitlines()))
        with psycopg.connect(db_url, row_factory=dict_row) as conn:
            rows = conn.execute(text).fetchall()
        for row in rows[:5]:
            say("    -> " + " | ".join("" if v is None else str(v)[:90] for v in row.values()))
        if len(rows) > 5:
            say(f"    ... {len(rows)} rows in all")
        if not rows:
            say("    -> (none)")


if __name__ == "__main__":
    sys.exit(main())

"""Matching benchmark: labelled contacts and invoices from bench/matchgen.py (its own generator, not the sandbox
seed), staged through the entities' own normalisers and COPYed into a fresh database, then matched by the real
matcher (``reconcile.matching.match``) in a separate process whose time and peak memory are measured.

Printed per entity and size: precision and wrong links (auto links to a different entity), automatic recall (true
pairs linked), duplicates (true pairs neither linked nor waiting in the queue: both would be created), share of
records held in the queue, candidate pairs scored, seconds and peak memory (VmHWM) of the matching process, and the
categories where anything went to the queue or wrong.

    python -m bench.match                                   # 1000, 10000, 100000 records a side
    LEDGERBRIDGE_BENCH_MATCH_SIZES=1000 python -m bench.match
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.rows import dict_row  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from bench import matchgen  # noqa: E402

PAIR = "harbour"
CONTACT_COLUMNS = ("ledger_id", "version", "updated_at", "name", "norm_name", "first_name", "last_name", "email",
                   "norm_email", "tax_number", "norm_tax_number", "phone", "norm_phone", "address_line1", "city",
                   "postal_code", "currency", "is_customer", "is_supplier", "active", "match_profile", "match_ids",
                   "match_keys", "match_typo_keys", "raw")
DOC_COLUMNS = ("ledger_id", "version", "updated_at", "kind", "number", "contact_id", "date", "currency", "total",
               "status", "lines", "match_keys", "raw")
T0 = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)


def _copy(conn: psycopg.Connection, table: str, columns: tuple[str, ...], rows: list[dict]) -> None:
    stmt = sql.SQL("COPY ledgerbridge.{} (pair, {}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with conn.cursor() as cur, cur.copy(stmt) as copy:
        for row in rows:
            copy.write_row([PAIR, *(Jsonb(row[c]) if isinstance(row[c], (dict, list)) else row[c]
                                    for c in columns)])


def stage_contacts(url: str, books: matchgen.Books) -> tuple[dict[str, str], float]:
    """Staged rows through the contacts entity's normaliser (profile and keys as staging makes them); the entity of
    every ledger id; seconds spent computing profiles and keys per 1000 records."""
    from reconcile.entities.contacts import _row  # noqa: PLC0415

    truth: dict[str, str] = {}
    spent = 0.0
    with psycopg.connect(url) as conn:
        for ledger, recs in (("xero", books.xero), ("quickbooks", books.quickbooks)):
            rows = []
            started = time.perf_counter()
            for i, rec in enumerate(recs):
                ledger_id = f"{ledger[0]}{i}"
                truth[ledger_id] = rec.entity
                row = _row(ledger_id, "1", T0, _ledger=ledger, name=rec.name, email=rec.email, phone=rec.phone,
                           tax_number=rec.tax, address_line1=rec.street, postal_code=rec.postcode, city=rec.city,
                           first_name=rec.first, last_name=rec.last, currency="GBP", is_customer=True,
                           is_supplier=False, active=True)
                row["raw"] = {}
                rows.append(row)
            spent += time.perf_counter() - started
            _copy(conn, f"stg_{ledger}_contacts", CONTACT_COLUMNS, rows)
        conn.execute("ANALYZE ledgerbridge.stg_xero_contacts")
        conn.execute("ANALYZE ledgerbridge.stg_quickbooks_contacts")
    return truth, 1000 * spent / (len(books.xero) + len(books.quickbooks))


def stage_documents(url: str, n: int, seed: int) -> dict[str, str]:
    from reconcile.entities.documents import blocking_keys  # noqa: PLC0415

    contacts = max(10, n // 8)
    x, q = matchgen.Documents(seed, contacts).books(n)
    truth: dict[str, str] = {}
    with psycopg.connect(url) as conn:
        with conn.cursor() as cur, cur.copy("COPY ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method) "
                                            "FROM STDIN") as copy:
            for i in range(contacts):
                copy.write_row([PAIR, "contacts", f"cx{i}", f"cq{i}", "manual"])
        for ledger, docs in (("xero", x), ("quickbooks", q)):
            rows = []
            for i, d in enumerate(docs):
                ledger_id = f"{ledger[0]}d{i}"
                truth[ledger_id] = d.entity
                row = {"ledger_id": ledger_id, "version": "1", "updated_at": T0, "kind": d.kind, "number": d.number,
                       "contact_id": f"c{ledger[0]}{d.contact}", "date": d.date, "currency": "GBP", "total": d.total,
                       "status": "authorised", "raw": {},
                       "lines": [{"line_amount": str(a), "description": "work"} for a in d.lines]}
                row["match_keys"] = blocking_keys(row)
                rows.append(row)
            _copy(conn, f"stg_{ledger}_invoices", DOC_COLUMNS, rows)
        conn.execute("ANALYZE ledgerbridge.stg_xero_invoices")
        conn.execute("ANALYZE ledgerbridge.stg_quickbooks_invoices")
    return truth


def run_matcher(url: str, entity: str) -> dict:
    """The matcher in a process of its own: its seconds and peak resident memory."""
    out = subprocess.run([sys.executable, "-m", "bench.match", "--run", url, entity], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"the matcher failed on {entity}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(url: str, entity: str) -> None:
    import logging  # noqa: PLC0415

    logging.disable(logging.INFO)
    from reconcile import matching  # noqa: PLC0415
    from reconcile.config import load_pairs  # noqa: PLC0415
    from reconcile.entities import ENTITIES  # noqa: PLC0415
    from reconcile.run import RunInfo  # noqa: PLC0415

    pair = load_pairs(ROOT / "config" / "pairs.yaml")[PAIR]
    backends = _watch_backends()
    before = _peak_kb()
    cpu = time.process_time()
    started = time.perf_counter()
    result = matching.match(ENTITIES[entity], pair, RunInfo(f"bench-{entity}", "bench"), url)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "pg_cpu": sum(backends.values()), "peak_mb": _peak_kb() / 1024,
                      "base_mb": before / 1024, "candidates": result.candidates}))


def _watch_backends() -> dict[int, float]:
    """CPU seconds of the PostgreSQL backend of every connection the matcher opens, read from /proc/<pid>/stat
    (utime + stime) just before the connection closes: the machine is shared, so wall seconds alone say little.
    The server must run on this machine (it does for the benchmark); otherwise the figure is 0."""
    from ledgerbridge import db  # noqa: PLC0415

    seen: dict[int, float] = {}
    real = db.connect

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        pid, close = conn.info.backend_pid, conn.close

        def closing() -> None:
            seen[pid] = _proc_cpu(pid)
            close()

        conn.close = closing
        return conn

    db.connect = connect
    return seen


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14 and 15)


def _peak_kb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _load() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def evaluate(url: str, entity: str, truth: dict[str, str]) -> dict:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        links = conn.execute("SELECT xero_id, quickbooks_id FROM ledgerbridge.xref WHERE entity = %s AND method = "
                             "'matched'", (entity,)).fetchall()
        queue = conn.execute("SELECT ledger, record_id, candidates FROM ledgerbridge.exceptions WHERE entity = %s "
                             "AND status = 'open' AND reason IN ('possible_match', 'ambiguous_match')",
                             (entity,)).fetchall()
    held = set()
    for e in queue:
        held.add(e["record_id"])
        held.update(c["id"] for c in e["candidates"]["candidates"])
    xs = {i: e for i, e in truth.items() if not i.startswith("q")}
    qs = {e: i for i, e in truth.items() if i.startswith("q")}
    pairs = {x: qs[e] for x, e in xs.items() if e in qs}  # true pairs: xero id -> quickbooks id
    correct = sum(1 for r in links if pairs.get(r["xero_id"]) == r["quickbooks_id"])
    wrong = [r for r in links if pairs.get(r["xero_id"]) != r["quickbooks_id"]]
    linked_x = {r["xero_id"]: r["quickbooks_id"] for r in links}
    dup = [x for x, q in pairs.items() if linked_x.get(x) != q and x not in held and q not in held]
    return {"links": len(links), "correct": correct, "wrong": wrong, "pairs": pairs, "dup": dup,
            "queued": len(queue), "held": len(held), "held_ids": held, "records": len(truth)}


def report(name: str, size: int, ev: dict, run: dict, categories: dict[str, str], extra: str = "") -> None:
    precision = ev["correct"] / ev["links"] if ev["links"] else 1.0
    recall = ev["correct"] / len(ev["pairs"]) if ev["pairs"] else 1.0
    print(f"{name:<10}{size:>8}{precision:>10.4f}{recall:>8.4f}{len(ev['wrong']):>7}{len(ev['dup']):>6}"
          f"{100 * ev['held'] / ev['records']:>8.1f}%{ev['queued']:>7}{run['candidates']:>11}{run['seconds']:>8.2f}"
          f"{run['cpu']:>8.2f}{run['pg_cpu']:>8.2f}{run['peak_mb']:>9.0f}{extra}")
    return precision, recall


def main() -> int:
    if len(sys.argv) >= 4 and sys.argv[1] == "--run":
        _child(sys.argv[2], sys.argv[3])
        return 0
    sizes = [int(s) for s in os.environ.get("LEDGERBRIDGE_BENCH_MATCH_SIZES", "1000,10000,100000").split(",")]
    server = os.environ.get("LEDGERBRIDGE_DB_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    print(f"matching benchmark: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{psycopg.connect(server).execute('SHOW server_version').fetchone()[0]} PostgreSQL")
    print(f"{'entity':<10}{'a side':>8}{'precision':>10}{'recall':>8}{'wrong':>7}{'dups':>6}{'queued':>9}"
          f"{'items':>7}{'candidates':>11}{'wall s':>8}{'cpu s':>8}{'pg s':>8}{'peak MB':>9}")
    print("wall s: the matcher's elapsed seconds; cpu s: its process's CPU seconds; pg s: its PostgreSQL backend's "
          "CPU seconds (the machine may be shared: the load average is printed before each size)")
    failed = False
    slow = {"cpu": [], "wall": []}  # sizes whose contacts missed the time goal, by CPU seconds and by wall seconds
    limits = {10000: 10.0, 100000: 60.0}
    for size in sizes:
        name = f"lb_bench_match_{os.getpid()}_{size}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = server.rsplit("/", 1)[0] + "/" + name
        try:
            from ledgerbridge.migrate import migrate  # noqa: PLC0415

            migrate(url)
            print(f"{size} a side, {_load()}")
            books = matchgen.Contacts(seed=size).books(size)
            truth, keys_ms = stage_contacts(url, books)
            category = {f"{ledger[0]}{i}": r.category for ledger, recs in (("xero", books.xero),
                                                                           ("quickbooks", books.quickbooks))
                        for i, r in enumerate(recs)}
            run = run_matcher(url, "contacts")
            ev = evaluate(url, "contacts", truth)
            precision, recall = report("contacts", size, ev, run, category, f"   keys {keys_ms:.2f} ms/record at staging")
            detail(ev, category)
            failed |= bool(ev["wrong"] or ev["dup"]) or recall < 0.95 or ev["held"] > 0.1 * ev["records"]
            if size in limits:
                slow["cpu"] += [size] if run["cpu"] + run["pg_cpu"] > limits[size] else []
                slow["wall"] += [size] if run["seconds"] > limits[size] else []
            dtruth = stage_documents(url, size, seed=size + 1)
            drun = run_matcher(url, "invoices")
            dev = evaluate(url, "invoices", dtruth)
            precision, recall = report("invoices", size, dev, drun, {})
            failed |= bool(dev["wrong"] or dev["dup"]) or recall < 0.95 or dev["held"] > 0.1 * dev["records"]
        finally:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    print("goals: 0 wrong links, 0 duplicates, recall >= 0.95, queued <= 10% of records: "
          f"{'NOT all met' if failed else 'met'}")
    print("time goals (contacts 10k <= 10 s, 100k <= 60 s): by CPU seconds (matcher + its backend): "
          f"{'NOT met at ' + str(slow['cpu']) if slow['cpu'] else 'met'}; by wall seconds: "
          f"{'NOT met at ' + str(slow['wall']) if slow['wall'] else 'met'} ({_load()})")
    return 0


def detail(ev: dict, category: dict[str, str]) -> None:
    """Where the contacts went to the queue, were duplicated or wrongly linked, by the generator's category."""
    held = collections.Counter(category[x] for x, q in ev["pairs"].items() if x in ev["held_ids"] or q in ev["held_ids"])
    print(f"          true pairs queued by category: {dict(held.most_common())}")
    print(f"          records queued by category: {dict(collections.Counter(category[i] for i in ev['held_ids']).most_common())}")
    wrong = collections.Counter(category[r["xero_id"]] for r in ev["wrong"])
    dups = collections.Counter(category[x] for x in ev["dup"])
    if wrong:
        print(f"          wrong links by category: {dict(wrong)}")
    if dups:
        print(f"          duplicates by category: {dict(dups)}")


if __name__ == "__main__":
    sys.exit(main())

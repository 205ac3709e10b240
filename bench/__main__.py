"""Staging throughput and memory: Xero and QuickBooks invoices read through the hooks from seeded sandboxes and
COPYed into staging, at two sizes. Memory should stay flat in the number of records (generators all the way from
the API page to COPY); the figures printed are rows/s, API calls per 1000 records and the peak Python heap.

    make bench                       # sizes 1000 and 8000, then the matching benchmark (bench/match.py)
    LEDGERBRIDGE_BENCH_SIZES=500,20000 make bench
    LEDGERBRIDGE_BENCH_MATCH_SIZES=1000,10000 make bench
"""

from __future__ import annotations

import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from sandbox import process  # noqa: E402
from tests.fixtures.sandboxes import quickbooks_connection, xero_connection  # noqa: E402


def main() -> int:
    sizes = [int(s) for s in os.environ.get("LEDGERBRIDGE_BENCH_SIZES", "1000,8000").split(",")]
    server = os.environ.get("LEDGERBRIDGE_DB_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'ledger':<11}{'invoices':>9}{'rows/s':>10}{'calls/1000':>12}{'peak heap MB':>14}{'seconds':>9}")
    for size in sizes:
        name = f"lb_bench_{os.getpid()}_{size}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = server.rsplit("/", 1)[0] + "/" + name
        boxes = {}
        try:
            from ledgerbridge.migrate import migrate  # noqa: PLC0415

            migrate(url)
            os.environ["LEDGERBRIDGE_DB_URL"] = url
            os.environ["AIRFLOW_CONN_LEDGER_DB"] = url  # the connection wins over LEDGERBRIDGE_DB_URL
            for ledger in ("xero", "quickbooks"):
                boxes[ledger] = process.start(ledger, "--port", "0", "--seed", "3", "--size", str(size),
                                              "--rate-limits", "off")
            os.environ["AIRFLOW_CONN_XERO_DEFAULT"] = xero_connection(boxes["xero"].info)
            os.environ["AIRFLOW_CONN_QUICKBOOKS_DEFAULT"] = quickbooks_connection(boxes["quickbooks"].info)
            from reconcile import staging  # noqa: PLC0415
            from reconcile.entities import invoices  # noqa: PLC0415
            from reconcile.run import RunInfo  # noqa: PLC0415
            from reconcile.tasks import hook_for, pair_config  # noqa: PLC0415

            pair = pair_config("harbour")
            for ledger in ("xero", "quickbooks"):
                hook = hook_for(pair, ledger)
                hook.access_token()  # the token refresh is not part of the measurement
                tracemalloc.start()
                started = time.perf_counter()
                result = staging.stage(invoices.SPEC, ledger, pair, hook, RunInfo(f"bench-{size}", "bench"),
                                       full=True, db_url=url)
                seconds = time.perf_counter() - started
                peak = tracemalloc.get_traced_memory()[1] / 1e6
                tracemalloc.stop()
                print(f"{ledger:<11}{result.read:>9}{result.read / seconds:>10.0f}"
                      f"{1000 * hook.stats.requests / max(result.read, 1):>12.1f}{peak:>14.1f}{seconds:>9.1f}")
        finally:
            for box in boxes.values():
                box.stop()
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    print()
    from bench import match  # noqa: PLC0415

    return match.main()


if __name__ == "__main__":
    sys.exit(main())

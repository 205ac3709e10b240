"""The audit export: every write of a company pair between two dates, for an auditor.

    python -m reconcile.audit export --pair harbour --from 2026-01-01 --to 2026-01-31 --format csv|parquet \
        [--out FILE]

One row per entry of ``ledgerbridge.audit_log`` (every send, each try), from the view
``ledgerbridge_report.audit_trail``: when, run, DAG and try, entity, ledger, operation and outcome, the record on
both sides, payload hash, idempotency key, the ledger's answer, and the decision or rule behind the write (``basis``).
Payloads are not exported (their hash is), and nothing from the token store or a connection is read. Dates are UTC
days, both included. The file defaults to ``audit-<pair>-<from>-<to>.<format>`` in the current folder.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from ledgerbridge import db

COLUMNS = ["id", "at", "run_id", "dag_id", "try_number", "pair", "entity", "ledger", "operation", "outcome",
           "source_ledger", "source_id", "source_label", "target_id", "target_label", "payload_hash",
           "idempotency_key", "answer_error", "answer", "basis", "planned_run_id", "outbox_id"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def rows(pair: str, date_from: dt.date, date_to: dt.date, url: str | None = None) -> list[dict[str, Any]]:
    with db.connect(url) as conn:
        found = conn.execute(db.sql("report/audit_export"),
                             {"pair": pair, "date_from": date_from, "date_to": date_to}).fetchall()
    for r in found:
        r["answer"] = json.dumps(r["answer"], sort_keys=True) if r["answer"] is not None else None
    return found


def export(pair: str, date_from: dt.date, date_to: dt.date, fmt: str, out: Path, url: str | None = None) -> int:
    """Write the export; returns the number of rows."""
    if date_to < date_from:
        raise ValueError(f"--to {date_to} is before --from {date_from}")
    found = rows(pair, date_from, date_to, url)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for r in found:
                writer.writerow({k: (r[k].isoformat() if isinstance(r[k], dt.datetime) else r[k]) for k in COLUMNS})
    elif fmt == "parquet":
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415

        schema = pa.schema([(c, pa.timestamp("us", tz="UTC") if c == "at" else
                             pa.int64() if c in ("id", "try_number", "outbox_id") else pa.string())
                            for c in COLUMNS])
        table = pa.Table.from_pylist([{c: r[c] for c in COLUMNS} for r in found], schema=schema)
        pq.write_table(table, out)
    else:
        raise ValueError(f"unknown format {fmt!r}: csv or parquet")
    return len(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reconcile.audit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="export a pair's writes between two dates")
    ex.add_argument("--pair", required=True)
    ex.add_argument("--from", dest="date_from", type=_date, required=True, help="first UTC day, YYYY-MM-DD")
    ex.add_argument("--to", dest="date_to", type=_date, required=True, help="last UTC day, YYYY-MM-DD (included)")
    ex.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ex.add_argument("--out", type=Path, help="the file (default audit-<pair>-<from>-<to>.<format>)")
    ex.add_argument("--db-url", help="the database (default: the ledger_db connection, else LEDGERBRIDGE_DB_URL)")
    args = parser.parse_args(argv)
    out = args.out or Path(f"audit-{args.pair}-{args.date_from}-{args.date_to}.{args.format}")
    try:
        n = export(args.pair, args.date_from, args.date_to, args.format, out, args.db_url)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"{n} writes of pair {args.pair} from {args.date_from} to {args.date_to}: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

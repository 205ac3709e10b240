"""The per-run HTML report: one self-contained file a finance lead opens in a browser, nothing fetched.

Written by the ``report`` task of ``control_totals`` (the end of every nightly chain and of every manual run) into
the report folder (``LEDGERBRIDGE_REPORT_DIR``, default ``.local/reports`` beside ``plugins/``) as
``report-<run id>.html``; the task log names the file. ``make report`` prints (and, with a desktop, opens) the latest.

It holds, for every pair: what the latest run of each entity read, matched and wrote per ledger; the open queue by
reason and its trend over the last 30 runs; the control totals and their difference; aging on both sides; the
largest documents not aligned; and a link to the great-expectations Data Docs the quality task builds in the same
folder (``gx-docs/``). Charts are drawn with matplotlib and embedded as inline SVG.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import os
import re
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledgerbridge import db

log = logging.getLogger(__name__)

LARGEST = 15
BUCKETS = [("current", "current"), ("1_30", "1-30"), ("31_60", "31-60"), ("61_90", "61-90"), ("over_90", "90+")]


def report_dir() -> Path:
    configured = os.environ.get("LEDGERBRIDGE_REPORT_DIR")
    folder = Path(configured) if configured else Path(__file__).resolve().parents[2] / ".local" / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def latest(folder: Path | None = None) -> Path | None:
    found = sorted((folder or report_dir()).glob("report-*.html"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt  # noqa: PLC0415

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _plt() -> Any:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "ledgerbridge", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _counts(axis: Any) -> None:
    """Whole numbers on an axis of counts, from zero."""
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    axis.set_major_locator(MaxNLocator(integer=True))


def _num(v: Any) -> float:
    return float(v) if isinstance(v, (int, float, Decimal)) else 0.0


def chart_written(summary: list[dict]) -> str:
    plt = _plt()
    entities = sorted({r["entity"] for r in summary})
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(entities) + 1.2))
    y = range(len(entities))
    for offset, ledger, colour in ((-0.2, "xero", "#13b5ea"), (0.2, "quickbooks", "#2ca01c")):
        vals = [sum(r["created"] + r["updated"] + r["voided"] for r in summary
                    if r["entity"] == e and r["ledger"] == ledger) for e in entities]
        ax.barh([i + offset for i in y], vals, height=0.4, label=f"written to {ledger}", color=colour)
    ax.set_yticks(list(y), entities)
    ax.invert_yaxis()
    ax.set_xlabel("records created, updated or voided")
    ax.set_xlim(left=0)
    _counts(ax.xaxis)
    ax.legend(loc="lower right")
    return _svg(fig)


def chart_queue(by_reason: list[dict]) -> str:
    plt = _plt()
    reasons = [r["reason"] for r in by_reason] or ["(empty)"]
    counts = [r["n"] for r in by_reason] or [0]
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(reasons) + 1.2))
    ax.barh(reasons, counts, color="#c0504d")
    ax.invert_yaxis()
    ax.set_xlabel("open exceptions")
    ax.set_xlim(left=0)
    _counts(ax.xaxis)
    return _svg(fig)


def chart_trend(trend: list[dict]) -> str:
    plt = _plt()
    runs: list[tuple[Any, str]] = []
    for r in trend:
        key = (r["at"], r["run_id"])
        if key not in runs:
            runs.append(key)
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(runs))
    for r in trend:
        if r["reason"]:
            series[r["reason"]][runs.index((r["at"], r["run_id"]))] = r["open"]
    fig, ax = plt.subplots(figsize=(8, 3))
    x = list(range(1, len(runs) + 1))
    for reason, values in sorted(series.items()):
        ax.plot(x, values, marker="o", markersize=3, label=reason)
    ax.set_xlabel(f"run (the last {len(runs)}, oldest first)")
    ax.set_ylabel("open exceptions")
    ax.set_ylim(bottom=0)
    ax.set_xlim(0.5, max(len(runs), 1) + 0.5)
    if len(runs) <= 15:
        ax.set_xticks(x)
    else:
        _counts(ax.xaxis)
    _counts(ax.yaxis)
    if series:
        ax.legend(fontsize=7, ncol=2, loc="upper left")
    return _svg(fig)


def chart_aging(rows: list[dict], kind: str) -> str:
    plt = _plt()
    total = next((r for r in rows if r["is_total"] and r["kind"] == kind), None)
    fig, ax = plt.subplots(figsize=(6, 2.6))
    labels = [label for _, label in BUCKETS]
    xs = range(len(BUCKETS))
    for offset, ledger, colour in ((-0.2, "xero", "#13b5ea"), (0.2, "quickbooks", "#2ca01c")):
        vals = [_num(total.get(f"{ledger}_{key}")) if total else 0.0 for key, _ in BUCKETS]
        ax.bar([i + offset for i in xs], vals, width=0.4, label=ledger, color=colour)
    ax.set_xticks(list(xs), labels)
    ax.set_xlabel("days past due")
    ax.set_title(f"{kind}s", fontsize=9)
    ax.set_ylim(bottom=0)
    ax.legend()
    return _svg(fig)


def _table(rows: list[dict], columns: list[str], cls: str = "") -> str:
    if not rows:
        return "<p class='none'>None.</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            text = "" if v is None else (f"{v:,.2f}" if isinstance(v, Decimal) else str(v))
            num = " class='n'" if isinstance(v, (int, float, Decimal)) else ""
            cells.append(f"<td{num}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #ddd;padding:3px 6px;
text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
.chart svg{max-width:100%;height:auto}.none{color:#777}.meta{color:#555;font-size:.9em}.row{display:flex;gap:1em;
flex-wrap:wrap}.diff{font-weight:bold;color:#c0504d}.ok{color:#2ca01c}
"""


def render(run_id: str, url: str | None = None, folder: Path | None = None) -> str:
    with db.connect(url) as conn:
        summary = conn.execute(db.sql("report/latest_summary")).fetchall()
        by_reason = conn.execute(db.sql("report/queue_by_reason")).fetchall()
        trend = conn.execute(db.sql("report/queue_trend")).fetchall()
        control = conn.execute(db.sql("report/control_totals")).fetchall()
        aging = conn.execute(db.sql("report/aging")).fetchall()
        largest = conn.execute(db.sql("report/largest_unaligned"), {"limit": LARGEST}).fetchall()
    pairs = sorted({r["pair"] for r in summary} | {r["pair"] for r in control})
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    gx_index = (folder or report_dir()) / "gx-docs" / "index.html"
    out = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
           f"<title>ledgerbridge report: {html.escape(run_id)}</title><style>{STYLE}</style></head><body>",
           "<h1>ledgerbridge: Xero and QuickBooks alignment report</h1>",
           f"<p class='meta'>Run <code>{html.escape(run_id)}</code>, written {now}. Pairs: "
           f"{html.escape(', '.join(pairs) or 'none')}.</p>"]
    if gx_index.exists():
        out.append("<p>Data quality: <a id='gx-data-docs' href='gx-docs/index.html'>great-expectations Data Docs</a> "
                   "for every suite and result.</p>")
    for pair in pairs or [""]:
        p_summary = [r for r in summary if r["pair"] == pair]
        p_reasons = [r for r in by_reason if r["pair"] == pair]
        p_trend = [r for r in trend if r["pair"] == pair]
        p_control = [r for r in control if r["pair"] == pair]
        p_aging = [r for r in aging if r["pair"] == pair]
        p_largest = [r for r in largest if r["pair"] == pair]
        out.append(f"<section class='pair' data-pair='{html.escape(pair)}'><h2>Pair {html.escape(pair)}</h2>")
        out.append("<h3>What was read, matched and written</h3>")
        out.append(f"<div class='chart' id='chart-written'>{chart_written(p_summary)}</div>")
        out.append(_table(p_summary, ["entity", "ledger", "read", "staged", "matched", "created", "updated",
                                      "voided", "conflicts", "exceptions", "failed"], "summary"))
        total_open = sum(r["n"] for r in p_reasons)
        out.append(f"<h3>The exception queue: {total_open} open</h3>")
        out.append(f"<div class='row'><div class='chart' id='chart-queue'>{chart_queue(p_reasons)}</div></div>")
        out.append("<h3>The queue over the last 30 runs</h3>")
        out.append(f"<div class='chart' id='chart-trend'>{chart_trend(p_trend)}</div>")
        out.append("<h3>Control totals (amounts due, document currency)</h3>")
        for r in p_control:
            cls = "ok" if _num(r["difference"]) == 0 else "diff"
            out.append(f"<p>{html.escape(r['kind'])}: Xero {r['xero_amount']:,.2f}, QuickBooks "
                       f"{r['quickbooks_amount']:,.2f}, <span class='{cls}'>difference {r['difference']:,.2f}</span>"
                       "</p>")
        if not p_control:
            out.append("<p class='none'>No control totals yet.</p>")
        out.append("<h3>Aging on both sides</h3><div class='row'>")
        for kind in ("receivable", "payable"):
            out.append(f"<div class='chart' id='chart-aging-{kind}'>{chart_aging(p_aging, kind)}</div>")
        out.append("</div>")
        differing = [r for r in p_aging if r["is_total"] or _num(r["difference"]) != 0][:30]
        out.append(_table(differing, ["kind", "contact", "xero_current", "xero_1_30", "xero_31_60", "xero_61_90",
                                      "xero_over_90", "quickbooks_current", "quickbooks_1_30", "quickbooks_31_60",
                                      "quickbooks_61_90", "quickbooks_over_90", "difference"], "aging"))
        out.append(f"<h3>The {LARGEST} largest documents not aligned</h3>")
        out.append(_table(p_largest, ["entity", "document", "contact", "status", "currency", "xero_total",
                                      "quickbooks_total", "xero_amount_due", "quickbooks_amount_due", "why"],
                          "largest"))
        out.append("</section>")
    out.append("<p class='meta'>From the views in the schema <code>ledgerbridge_report</code> "
               "(docs/data-dictionary.md).</p></body></html>")
    return "\n".join(out)


def build(run_id: str, url: str | None = None, folder: Path | None = None) -> Path:
    """Write the report of ``run_id``; returns its path."""
    folder = folder or report_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"report-{re.sub(r'[^A-Za-z0-9_.-]+', '_', run_id)}.html"
    path.write_text(render(run_id, url, folder), encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    """``latest``: print the newest report's path (and open it when asked with ``--open``); ``build RUN_ID``."""
    command = argv[0] if argv else "latest"
    if command == "build":
        print(build(argv[1] if len(argv) > 1 else f"manual-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}"))
        return 0
    found = latest()
    if found is None:
        print(f"no report yet in {report_dir()}: run `make demo` or the nightly chain", file=sys.stderr)
        return 1
    print(found)
    # open it only where there is a desktop (a console browser would take over the terminal)
    if "--open" in argv and (sys.platform == "darwin" or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        import webbrowser  # noqa: PLC0415

        webbrowser.open(found.as_uri())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

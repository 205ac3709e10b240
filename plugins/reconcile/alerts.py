"""Alerts through Airflow notifiers (issue 8): SMTP mail and a Slack incoming webhook, both off by default.

A channel is on when its Airflow connection exists:

- ``ledgerbridge_smtp`` (type ``smtp``; ``LEDGERBRIDGE_ALERT_SMTP_CONN`` names another): mail through the SMTP
  provider's ``SmtpNotifier``, to the addresses in the connection's extra ``{"to": "a@x, b@y"}`` (or
  ``LEDGERBRIDGE_ALERT_EMAIL_TO``), from its extra ``from_email`` (default ``ledgerbridge@localhost``).
- ``ledgerbridge_slack`` (type ``slackwebhook``; ``LEDGERBRIDGE_ALERT_SLACK_CONN``): the Slack provider's
  ``SlackWebhookNotifier``.

:func:`notify` sends one message for an event (``new_exceptions``, ``approval_waiting``, ``task_failed``,
``totals_differ``, ``overdue``, or another module's own event such as a token about to expire) to every channel
that is on, at most once per ``(event, dedupe_key)`` (recorded in ``ledgerbridge.alerts_sent``). Messages carry ids,
numbers, amounts and reasons only, never a secret or a whole document: the formatters below build them from those,
and :func:`scrub` removes anything shaped like a credential before a message leaves.
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ledgerbridge import db

log = logging.getLogger(__name__)

SMTP_CONN = "ledgerbridge_smtp"
SLACK_CONN = "ledgerbridge_slack"
EVENTS = ("new_exceptions", "approval_waiting", "task_failed", "totals_differ", "overdue")
FIRST_FEW = 5   # records named per reason in a digest

_SECRETS = [
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)\b(refresh_token|access_token|client_secret|password|secret|token|api_key)"
               r"(\"?\s*[:=]\s*\"?)[^\s\",;&]+"),
    re.compile(r"https://hooks\.slack\.com/\S+"),
    re.compile(r"\b[A-Za-z0-9_-]{40,}\b"),   # long opaque strings (tokens, keys); our ids are shorter
]


def scrub(text: str) -> str:
    """The text without anything shaped like a credential."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: (m.group(1) + m.group(2) + "[hidden]") if m.re.groups == 2 else "[hidden]",
                           text)
    return text


@dataclass
class Message:
    event: str
    title: str
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return scrub("\n".join([self.title, *self.lines]))

    def html(self) -> str:
        items = "".join(f"<li>{html.escape(scrub(line))}</li>" for line in self.lines)
        return f"<p>{html.escape(scrub(self.title))}</p><ul>{items}</ul>"


# --- channels ---------------------------------------------------------------------------------------------------
def _connection(conn_id: str) -> Any | None:
    """The Airflow connection, or None when it is not defined (the channel is off)."""
    try:
        from airflow.sdk import BaseHook  # noqa: PLC0415
        from airflow.sdk.exceptions import AirflowNotFoundException, AirflowRuntimeError  # noqa: PLC0415
    except ImportError:
        return None
    try:
        return BaseHook.get_connection(conn_id)
    except (AirflowNotFoundException, AirflowRuntimeError):
        return None
    except Exception as exc:  # noqa: BLE001  (outside a task without a metadata database: the channel is off)
        log.debug("connection %s not readable here: %s", conn_id, exc)
        return None


def smtp_conn_id() -> str:
    return os.environ.get("LEDGERBRIDGE_ALERT_SMTP_CONN", SMTP_CONN)


def slack_conn_id() -> str:
    return os.environ.get("LEDGERBRIDGE_ALERT_SLACK_CONN", SLACK_CONN)


def _recipients(conn: Any) -> list[str]:
    extra = conn.extra_dejson if conn is not None else {}
    raw = os.environ.get("LEDGERBRIDGE_ALERT_EMAIL_TO") or extra.get("to") or ""
    return [a.strip() for a in str(raw).split(",") if a.strip()]


def _send_smtp(message: Message) -> bool:
    conn_id = smtp_conn_id()
    conn = _connection(conn_id)
    if conn is None:
        return False
    to = _recipients(conn)
    if not to:
        log.warning("alert channel %s has no recipients (extra 'to' or LEDGERBRIDGE_ALERT_EMAIL_TO); not mailed",
                    conn_id)
        return False
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier  # noqa: PLC0415

    notifier = SmtpNotifier(to=to, from_email=conn.extra_dejson.get("from_email") or "ledgerbridge@localhost",
                            subject=scrub(f"[ledgerbridge] {message.title}")[:200], html_content=message.html(),
                            smtp_conn_id=conn_id)
    notifier.notify({})
    return True


def _send_slack(message: Message) -> bool:
    conn_id = slack_conn_id()
    if _connection(conn_id) is None:
        return False
    from airflow.providers.slack.notifications.slack_webhook import SlackWebhookNotifier  # noqa: PLC0415

    SlackWebhookNotifier(slack_webhook_conn_id=conn_id, text=message.text()).notify({})
    return True


CHANNELS = {"smtp": _send_smtp, "slack": _send_slack}


def notify(event: str, title: str, lines: Sequence[str] = (), *, dedupe_key: str | None = None,
           db_url: str | None = None) -> list[str]:
    """Send one alert to every channel that is on; returns the channels it went out on ([] when none is on or the
    same event and key was already sent). A channel that fails is logged and does not stop the others or the run."""
    message = Message(event, title, list(lines))
    if all(_connection(conn_id()) is None for conn_id in (smtp_conn_id, slack_conn_id)):
        log.info("alert %s: %s (no alert channel is on)", event, scrub(title))
        return []
    claim_id = None
    if dedupe_key is not None:
        with db.connect(db_url, autocommit=True) as conn:
            row = conn.execute(db.sql("alerts/claim"), {"event": event, "dedupe_key": dedupe_key,
                                                        "summary": scrub(title)[:500]}).fetchone()
        if row is None:
            log.info("alert %s %s was already sent", event, dedupe_key)
            return []
        claim_id = row["id"]
    sent: list[str] = []
    for name, send in CHANNELS.items():
        try:
            if send(message):
                sent.append(name)
        except Exception as exc:  # noqa: BLE001
            log.warning("alert %s through %s failed: %s", event, name, scrub(str(exc)))
    if claim_id is not None:
        with db.connect(db_url, autocommit=True) as conn:
            conn.execute(db.sql("alerts/sent"), {"id": claim_id, "channels": sent})
    log.info("alert %s: %s (%s)", event, scrub(title), ", ".join(sent) or "no channel on")
    return sent


# --- the events -------------------------------------------------------------------------------------------------
def new_exceptions_digest(run_id: str, pair: str | None = None, entity: str | None = None,
                          db_url: str | None = None) -> list[str]:
    """One digest of the exceptions a run opened, by reason: counts and the first few records."""
    with db.connect(db_url) as conn:
        rows = conn.execute(db.sql("alerts/new_exceptions"),
                            {"run_id": run_id, "pair": pair, "entity": entity}).fetchall()
    if not rows:
        return []
    title, lines = digest_lines(rows, pair=pair, entity=entity, run_id=run_id)
    key = f"{run_id}:{pair or '*'}:{entity or '*'}"
    return notify("new_exceptions", title, lines, dedupe_key=key, db_url=db_url)


def digest_lines(rows: Iterable[dict[str, Any]], *, pair: str | None, entity: str | None,
                 run_id: str) -> tuple[str, list[str]]:
    by_reason: dict[str, list[dict[str, Any]]] = {}
    total = 0
    for r in rows:
        by_reason.setdefault(r["reason"], []).append(r)
    lines = []
    for reason, items in by_reason.items():
        n = int(items[0]["n"])
        total += n
        named = ", ".join(f"{r['ledger']} {r['entity']} {r['record_id']}"
                          + (f" ({r['record_label']})" if r.get("record_label") else "")
                          for r in items[:FIRST_FEW])
        more = f" and {n - FIRST_FEW} more" if n > FIRST_FEW else ""
        lines.append(f"{reason}: {n} - {named}{more}")
    lines.append(f"Decide with: python -m reconcile.decide list --pair {pair}" if pair
                 else "Decide with: python -m reconcile.decide list")
    where = " ".join(x for x in (pair, entity) if x)
    return f"{total} new exception{'s' if total != 1 else ''} in {where or 'the run'} (run {run_id})", lines


def approval_waiting(pair: str, entity: str, run_id: str, counts: dict[str, int],
                     largest: Sequence[dict[str, Any]] = (), db_url: str | None = None) -> list[str]:
    lines = [", ".join(f"{op} {n}" for op, n in sorted(counts.items()))]
    lines += [f"largest: {d.get('ledger')} {d.get('operation')} {d.get('label')} {d.get('amount')}" for d in largest]
    return notify("approval_waiting", f"{pair} {entity}: a write plan waits for approval (run {run_id})", lines,
                  dedupe_key=f"{run_id}:{pair}:{entity}", db_url=db_url)


def totals_differ(pair: str, run_id: str, differences: Sequence[dict[str, Any]], tolerance: float,
                  db_url: str | None = None) -> list[str]:
    lines = [f"{d['kind']} {d.get('contact') or 'total'}: xero {d['xero']} quickbooks {d['quickbooks']} "
             f"(difference {d['difference']})" for d in differences[:10]]
    if len(differences) > 10:
        lines.append(f"and {len(differences) - 10} more")
    return notify("totals_differ", f"{pair}: control totals differ by more than {tolerance} (run {run_id})", lines,
                  dedupe_key=f"{run_id}:{pair}", db_url=db_url)


def after_control_totals(pair: str, run_id: str, day: str, db_url: str | None = None) -> dict[str, int]:
    """The control-total alerts of a run: totals differing by more than ``LEDGERBRIDGE_ALERT_TOLERANCE`` (default
    0.01, in document currency), and each customer overdue past terms (once per contact per day)."""
    tolerance = float(os.environ.get("LEDGERBRIDGE_ALERT_TOLERANCE", "0.01"))
    with db.connect(db_url) as conn:
        differing = [dict(r) for r in conn.execute(db.sql("alerts/totals_differ"),
                                                   {"run_id": run_id, "pair": pair, "tolerance": tolerance})]
        late = [dict(r) for r in conn.execute(db.sql("alerts/overdue"), {"run_id": run_id, "pair": pair})]
    sent = {"totals_differ": 0, "overdue": 0}
    if differing:
        rows = [{"kind": d["kind"], "contact": d["contact_label"] if d["contact"] != "total" else None,
                 "xero": d["xero_amount"], "quickbooks": d["quickbooks_amount"], "difference": d["difference"]}
                for d in differing]
        sent["totals_differ"] = bool(totals_differ(pair, run_id, rows, tolerance, db_url=db_url))
    for r in late:
        contact_id = r["contact"].split("|")[0]
        sent["overdue"] += bool(overdue(pair, day, contact_id, r["contact_label"], r["overdue"], int(r["days"]),
                                        db_url=db_url))
    return sent


def overdue(pair: str, day: str, contact_id: str, label: str | None, amount: Any, days: int,
            db_url: str | None = None) -> list[str]:
    """Once per contact per day."""
    return notify("overdue", f"{pair}: {label or contact_id} owes {amount} overdue, {days}+ days past terms",
                  [f"contact {contact_id}"], dedupe_key=f"{pair}:{contact_id}:{day}", db_url=db_url)


def task_failed(context: dict[str, Any]) -> list[str]:
    """``on_failure_callback``: Airflow calls it when a task failed after its last retry."""
    ti = context.get("task_instance") or context.get("ti")
    dag_id = getattr(ti, "dag_id", None) or context.get("dag_id")
    task_id = getattr(ti, "task_id", None)
    run_id = getattr(ti, "run_id", None) or context.get("run_id")
    map_index = getattr(ti, "map_index", -1)
    try_number = getattr(ti, "try_number", None)
    error = context.get("exception")
    reason = type(error).__name__ + (f": {str(error)[:300]}" if error else "") if error else "failed"
    title = f"{dag_id}.{task_id}{'' if map_index in (None, -1) else f'[{map_index}]'} failed (run {run_id})"
    lines = [f"try {try_number}", reason]
    try:
        return notify("task_failed", title, lines,
                      dedupe_key=f"{dag_id}:{task_id}:{map_index}:{run_id}:{try_number}")
    except Exception as exc:  # noqa: BLE001  (an alert must never hide the failure it reports)
        log.warning("failure alert not sent: %s", scrub(str(exc)))
        return []

"""Keeping connections alive: the ``keep_tokens_alive`` task of ``nightly_alignment``.

For each ledger connection the pairs name, a refresh token that would die before the next scheduled run is
refreshed now (Xero's dies 60 days after its last use, Intuit's after 100 days: an entity DAG paused for weeks must
not silently kill a connection). A token that dies within 14 days whatever we do (Intuit's 5-year cap), or that the
ledger refused, raises an alert through issue 8's notifiers (``reconcile.alerts.notify``), once per connection and
death date (or per day, for a refusal).

Nothing here logs a token: only connection ids, organisation names and dates.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, Iterable

from ledgerbridge.tokens import ReauthorisationRequired, TokenStore, connect_command

log = logging.getLogger(__name__)

ALERT_WITHIN = dt.timedelta(days=14)
# nightly_alignment runs daily: a token whose rolling death falls before the run after next is refreshed now
HORIZON = dt.timedelta(days=2)


def dies_at(row: dict[str, Any]) -> tuple[dt.datetime | None, str]:
    """The earlier of the rolling death and the hard cap, with its reason."""
    candidates = []
    if row.get("refresh_expires_at"):
        candidates.append((row["refresh_expires_at"],
                           "60 days unused" if row["ledger"] == "xero" else "100 days rolling"))
    if row.get("refresh_hard_expires_at"):
        candidates.append((row["refresh_hard_expires_at"], "5-year hard cap"))
    return min(candidates, key=lambda c: c[0]) if candidates else (None, "unknown")


def keep_alive(conn_ids: Iterable[tuple[str, str]], hook_for: Callable[[str, str], Any], *,
               store: TokenStore | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Refresh what would lapse, alert on what dies soon. ``conn_ids``: (ledger, conn_id) pairs; ``hook_for``
    makes the ledger's hook. Returns what was done, per connection (no secrets)."""
    store = store or TokenStore()
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = {r["conn_id"]: r for r in store.health()}
    report: dict[str, Any] = {}
    for ledger, conn_id in sorted(set(conn_ids)):
        row = rows.get(conn_id)
        if row is None or not row["has_refresh_token"]:
            report[conn_id] = "no stored token (seeded by its first use, or never connected)"
            continue
        when, why = dies_at(row)
        action = "healthy"
        if when is not None and row.get("refresh_expires_at") and row["refresh_expires_at"] <= now + HORIZON:
            hook = hook_for(ledger, conn_id)
            current = store.state(conn_id) or {}
            try:
                hook.access_token(rejected=current.get("access_token"))
            except ReauthorisationRequired as exc:
                action = "refused"
                _alert("token_refused", f"{conn_id}: the ledger refused the refresh token",
                       [str(exc), f"Reconnect: {connect_command(ledger, conn_id)}"],
                       dedupe_key=f"{conn_id}:refused:{now:%Y-%m-%d}", db_url=store.db_url)
                report[conn_id] = action
                continue
            action = "refreshed"
            row = {r["conn_id"]: r for r in store.health()}[conn_id]
            when, why = dies_at(row)
        if when is not None and when - now <= ALERT_WITHIN:
            days = max(0, (when - now).days)
            _alert("token_dying",
                   f"{conn_id} ({row.get('company_name') or ledger}): its refresh token dies in {days} days",
                   [f"It dies on {when:%Y-%m-%d %H:%M} UTC ({why}); no refresh can extend that.",
                    f"Connect the organisation again before then: {connect_command(ledger, conn_id)}"],
                   dedupe_key=f"{conn_id}:{when:%Y-%m-%d}", db_url=store.db_url)
            store.note_death_alert(conn_id)
            action += ", alerted"
        report[conn_id] = action
        log.info("token health %s: %s (dies %s, %s)", conn_id, action, f"{when:%Y-%m-%d}" if when else "?", why)
    return report


def _alert(event: str, title: str, lines: list[str], *, dedupe_key: str, db_url: str | None) -> list[str]:
    """The one call site of the alert: issue 8's notifiers (mail, Slack; once per event and key), plus a warning
    in the task log, which is there whether or not a channel is on."""
    from reconcile.alerts import notify  # noqa: PLC0415 - reconcile imports ledgerbridge, not the other way round

    log.warning("%s: %s | %s", event, title, " | ".join(lines))
    return notify(event, title, lines, dedupe_key=dedupe_key, db_url=db_url)

"""Connect real organisations: ``python -m ledgerbridge.connect`` (``make connect``).

    python -m ledgerbridge.connect xero --conn-id xero_default [--tenant NAME] [--legacy-scopes]
    python -m ledgerbridge.connect quickbooks --conn-id quickbooks_default [--intuit-sandbox]
        common: [--client-id ID] [--redirect-uri URI] [--no-browser] [--timeout S] [--sandbox URL]
    python -m ledgerbridge.connect status
    python -m ledgerbridge.connect disconnect --conn-id ID [--delete-connection]
    python -m ledgerbridge.connect rotate-key

Connecting runs the authorization-code flow (Xero with PKCE S256; Intuit with HTTP Basic, ``realmId`` from the
redirect), picks the Xero organisation from ``GET /connections``, creates or replaces the Airflow connection
through Airflow's CLI (client id and secret, tenant or realm id, no refresh token) and seeds ledgerbridge's token
store, encrypted, with the fresh tokens. The client secret comes from ``LEDGERBRIDGE_CLIENT_SECRET``, the existing
connection, or a prompt. Any refusal or bad input ends with one line on stderr and exit status 2, with nothing
stored. ``--sandbox URL`` points every endpoint at a ledgerbridge sandbox (``python -m sandbox``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import os
import sys
import webbrowser
from typing import Any, Callable, TextIO

import requests

from ledgerbridge import airflow_conns
from ledgerbridge.oauth_flow import (
    DEFAULT_REDIRECT_URI, INTUIT_SANDBOX_API, INTUIT_SCOPES, XERO_GRANULAR_SCOPES, XERO_LEGACY_SCOPES,
    Authorization, ConnectError, Listener, Provider, pick_tenant, provider_for, quickbooks_company_name, revoke,
    xero_tenants,
)
from ledgerbridge.tokens import ROLLING_LIFETIME, TokenStore, read_keys

log = logging.getLogger(__name__)

# a browser to hand the consent URL to; tests pass one that follows the consent page (None: print only)
Browser = Callable[[str], Any]


def _out(stream: TextIO | None = None) -> TextIO:
    return stream or sys.stdout


def _store(db_url: str | None = None) -> TokenStore:
    from ledgerbridge import migrate  # noqa: PLC0415

    migrate.migrate(db_url)  # the token store's columns (0015) before anything is stored
    return TokenStore(db_url)


# --- connect ----------------------------------------------------------------------------------------------------------
def connect(ledger: str, conn_id: str, *, client_id: str | None = None, client_secret: str | None = None,
            redirect_uri: str = DEFAULT_REDIRECT_URI, tenant: str | None = None, legacy_scopes: bool = False,
            no_browser: bool = False, browser: Browser | None = None, paste: Callable[[], str] | None = None,
            timeout: float = 300.0, sandbox: str | None = None, intuit_sandbox: bool = False,
            db_url: str | None = None, out: TextIO | None = None) -> dict[str, Any]:
    """The whole flow; returns what was stored (no secrets). Raises :class:`ConnectError`, having stored nothing."""
    out = _out(out)
    provider = provider_for(ledger, sandbox)
    existing = airflow_conns.get(conn_id)
    if existing is not None and existing.conn_type not in (None, "", ledger):
        raise ConnectError(f"Airflow connection {conn_id!r} is of type {existing.conn_type!r}, not {ledger!r}")
    client_id = client_id or (existing.login if existing is not None else None)
    client_secret = (client_secret or os.environ.get("LEDGERBRIDGE_CLIENT_SECRET")
                     or (existing.password if existing is not None else None))
    if not client_id:
        raise ConnectError(f"no client id: pass --client-id (from the {ledger} developer portal)")
    if not client_secret:
        if not sys.stdin.isatty():
            raise ConnectError("no client secret: set LEDGERBRIDGE_CLIENT_SECRET or run in a terminal to be asked")
        client_secret = getpass.getpass(f"{ledger} client secret: ")
    scope = (XERO_LEGACY_SCOPES if legacy_scopes else XERO_GRANULAR_SCOPES) if ledger == "xero" else INTUIT_SCOPES
    auth = Authorization(provider, client_id, redirect_uri, scope)
    try:
        store = _store(db_url)  # ledgerbridge's database, checked (and migrated) before a code is spent
    except Exception as exc:  # noqa: BLE001 - one line, whatever the driver raised
        raise ConnectError(f"ledgerbridge's database is not reachable ({type(exc).__name__}): set "
                           "LEDGERBRIDGE_DB_URL or the Airflow connection ledger_db") from None

    listener = None if no_browser else Listener(redirect_uri)  # a busy port fails here, before the browser opens
    try:
        auth.probe()
        print(f"Open this URL to let ledgerbridge reach your {_name(ledger)} books:\n\n  {auth.url}\n", file=out)
        if no_browser:
            print(f"After consenting, your browser goes to {redirect_uri}... (the page may not load): paste that "
                  "whole URL here.", file=out)
            redirected = (paste or (lambda: input("Redirect URL: ")))()
        else:
            assert listener is not None
            opener = browser if browser is not None else _system_browser
            opener(auth.url)
            print(f"Waiting for the redirect to {redirect_uri} (up to {int(timeout)}s)...", file=out)
            redirected = listener.wait(timeout)
    finally:
        if listener is not None:
            listener.close()
    answer = auth.answer(redirected)
    grant = auth.exchange(answer["code"], client_secret)
    granted = grant.scope or scope

    api_url = (INTUIT_SANDBOX_API if intuit_sandbox else provider.api_url)
    if ledger == "xero":
        chosen = pick_tenant(xero_tenants(provider, grant.access_token), tenant)
        company_id, company_name = str(chosen["tenantId"]), chosen.get("tenantName")
        extra: dict[str, Any] = {"tenant_id": company_id}
    else:
        company_id = answer["realmId"]
        company_name = quickbooks_company_name(provider, api_url, company_id, grant.access_token)
        extra = {"realm_id": company_id}
    extra.update(_endpoints(provider, api_url))
    missing = sorted(set(scope.split()) - set(granted.split()))

    airflow_conns.put(conn_id, ledger, client_id, client_secret, extra,
                      description=f"{_name(ledger)}: {company_name or company_id} (ledgerbridge connect)")
    store.seed(conn_id, ledger, grant, company_id=company_id, company_name=company_name, scopes=granted)
    row = next(r for r in store.health() if r["conn_id"] == conn_id)
    print(f"Connected {_name(ledger)} {'organisation' if ledger == 'xero' else 'company'} "
          f"{company_name or '(name not readable)'!r} ({'tenant' if ledger == 'xero' else 'realm'} {company_id}) "
          f"as Airflow connection {conn_id!r}.", file=out)
    print(f"Granted scopes: {granted}", file=out)
    if missing:
        print(f"Not granted: {' '.join(missing)} (the entities needing them will fail)", file=out)
    print(f"The refresh token dies {_death_text(row)}; each nightly run renews it.", file=out)
    return {"conn_id": conn_id, "ledger": ledger, "company_id": company_id, "company_name": company_name,
            "scopes": granted, "extra": extra}


def _name(ledger: str) -> str:
    return "Xero" if ledger == "xero" else "QuickBooks Online"


def _system_browser(url: str) -> None:
    try:
        webbrowser.open(url)
    except webbrowser.Error:
        pass  # the URL is printed


def _endpoints(provider: Provider, api_url: str) -> dict[str, str]:
    """The URLs the hooks need, only where they differ from production (the hooks' defaults)."""
    production = provider_for(provider.ledger)
    # "oauth_url": Airflow masks extra fields whose name holds "token" (the hooks still read an older token_url)
    pairs = {"api_url": (api_url, production.api_url), "oauth_url": (provider.token_url, production.token_url),
             "revoke_url": (provider.revoke_url, production.revoke_url)}
    if provider.ledger == "xero":
        pairs["connections_url"] = (provider.connections_url, production.connections_url)
    return {k: str(v) for k, (v, default) in pairs.items() if v != default}


# --- status -----------------------------------------------------------------------------------------------------------
def death(row: dict[str, Any]) -> tuple[dt.datetime | None, str]:
    """When a stored refresh token dies and why (the earlier of the rolling lifetime and the hard cap)."""
    candidates = []
    if row.get("refresh_expires_at"):
        unused = ROLLING_LIFETIME.get(row["ledger"])
        label = f"{unused.days} days unused" if row["ledger"] == "xero" and unused else "100 days rolling"
        candidates.append((row["refresh_expires_at"], label))
    if row.get("refresh_hard_expires_at"):
        candidates.append((row["refresh_hard_expires_at"], "5-year hard cap"))
    if not candidates:
        return None, "unknown"
    return min(candidates, key=lambda c: c[0])


def _death_text(row: dict[str, Any]) -> str:
    when, why = death(row)
    return f"on {when:%Y-%m-%d %H:%M} UTC ({why})" if when else "at an unknown date"


def _age(since: dt.datetime | None, now: dt.datetime) -> str:
    if since is None:
        return "-"
    days = (now - since).total_seconds() / 86400
    return f"{days:.1f} days"


def status(*, db_url: str | None = None, out: TextIO | None = None,
           now: dt.datetime | None = None) -> list[dict[str, Any]]:
    out = _out(out)
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = _store(db_url).health()
    stored = {r["conn_id"] for r in rows}
    for ledger, conn_id in _paired_connections():
        if conn_id not in stored:
            print(f"{conn_id} ({_name(ledger)}): named in the pairs file, no tokens stored: connect it with "
                  f"python -m ledgerbridge.connect {ledger} --conn-id {conn_id}", file=out)
    if not rows:
        print("No ledger connection has tokens stored yet: run python -m ledgerbridge.connect xero|quickbooks "
              "--conn-id ID", file=out)
    for row in rows:
        when, why = death(row)
        left = f"{(when - now).days} days left" if when else ""
        print(f"{row['conn_id']} ({_name(row['ledger'])}): {row['company_name'] or '?'}", file=out)
        print(f"  {'tenant' if row['ledger'] == 'xero' else 'realm'}: {row['company_id'] or '?'}", file=out)
        print(f"  scopes: {row['scopes'] or '?'}", file=out)
        print(f"  connected: {_ts(row['connected_at'])}; last refresh: {_ts(row['refreshed_at'])}", file=out)
        print(f"  refresh token age: {_age(row['refresh_issued_at'], now)}; dies: "
              f"{_ts(when)} ({why}{', ' + left if left else ''})", file=out)
        print(f"  last invalid_grant: " + (f"{_ts(row['last_invalid_grant_at'])} ({row['last_invalid_grant']})"
                                           if row["last_invalid_grant_at"] else "never"), file=out)
        row["dies_at"], row["dies_because"] = when, why
    return rows


def _paired_connections() -> list[tuple[str, str]]:
    """(ledger, conn_id) of every pair in the pairs file; [] when it cannot be read here."""
    try:
        from reconcile.config import load_pairs  # noqa: PLC0415

        pairs = load_pairs()
    except Exception:  # noqa: BLE001 - status still shows the stored connections
        return []
    return sorted({(ledger, getattr(cfg, f"{ledger}_conn_id")) for cfg in pairs.values()
                   for ledger in ("xero", "quickbooks")})


def _ts(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "never"


# --- disconnect -------------------------------------------------------------------------------------------------------
def disconnect(conn_id: str, *, delete_connection: bool = False, db_url: str | None = None,
               out: TextIO | None = None) -> None:
    """Revoke at the ledger (Xero: ``DELETE /connections/{id}`` then the refresh token; Intuit: the revoke
    endpoint) and remove the stored tokens."""
    out = _out(out)
    store = _store(db_url)
    row = store.state(conn_id)
    if row is None:
        raise ConnectError(f"no tokens are stored for connection {conn_id!r}: nothing to disconnect")
    conn = airflow_conns.get(conn_id)
    if conn is None:
        raise ConnectError(f"Airflow connection {conn_id!r} does not exist (its client id and secret are needed to "
                           "revoke)")
    ledger = row["ledger"]
    extra = conn.extra_dejson
    provider = provider_for(ledger)
    from dataclasses import replace  # noqa: PLC0415

    provider = replace(provider, token_url=extra.get("oauth_url") or extra.get("token_url", provider.token_url),
                       revoke_url=extra.get("revoke_url", provider.revoke_url),
                       connections_url=extra.get("connections_url", provider.connections_url))
    if ledger == "xero":
        from xero.hooks import XeroHook  # noqa: PLC0415

        hook = XeroHook(conn_id, token_store=store)
        try:
            access = hook.access_token()
        except Exception as exc:  # noqa: BLE001 - a dead token cannot list connections; revoke what we can
            print(f"could not refresh to list the organisations ({type(exc).__name__}); revoking the token only",
                  file=out)
        else:
            tenants = xero_tenants(provider, access)
            for tenant in tenants:
                if str(tenant.get("tenantId")).lower() == str(extra.get("tenant_id", "")).lower():
                    response = requests.delete(f"{provider.connections_url}/{tenant['id']}", timeout=30,
                                               headers={"Authorization": f"Bearer {access}"})
                    if response.status_code not in (200, 204):
                        raise ConnectError(f"xero DELETE /connections/{tenant['id']} failed: HTTP "
                                           f"{response.status_code}")
                    print(f"Disconnected Xero organisation {tenant.get('tenantName')!r}.", file=out)
        row = store.state(conn_id) or row  # the refresh above may have rotated it
    if row.get("refresh_token"):
        revoke(provider, conn.login, conn.password, row["refresh_token"])
        print(f"Revoked the refresh token of {conn_id!r} at {_name(ledger)}.", file=out)
    store.delete(conn_id)
    print(f"Removed the stored tokens of {conn_id!r}.", file=out)
    if delete_connection:
        airflow_conns.delete(conn_id)
        print(f"Deleted Airflow connection {conn_id!r}.", file=out)
    else:
        print(f"Reconnect with: python -m ledgerbridge.connect {ledger} --conn-id {conn_id}", file=out)


# --- rotate-key -------------------------------------------------------------------------------------------------------
def rotate_key(*, db_url: str | None = None, out: TextIO | None = None) -> int:
    """A new Fernet key: every stored token re-encrypted with it, then the old key dropped from the key file.

    With ``LEDGERBRIDGE_FERNET_KEY`` in the environment, put the new key first (``NEW,OLD``), run this, then drop
    the old one from the variable."""
    from cryptography.fernet import Fernet  # noqa: PLC0415

    out = _out(out)
    store = _store(db_url)
    keys, source = read_keys()
    if source == "LEDGERBRIDGE_FERNET_KEY":
        if len(keys) < 2:
            raise ConnectError("LEDGERBRIDGE_FERNET_KEY holds one key: set it to NEW_KEY,OLD_KEY, run rotate-key, then "
                               "set it to NEW_KEY alone")
        count = store.rotate(keys, keys[:1])
        print(f"Re-encrypted the tokens of {count} connection(s) with the first key of LEDGERBRIDGE_FERNET_KEY; "
              "now set it to that key alone.", file=out)
        return count
    from ledgerbridge.tokens import key_file  # noqa: PLC0415

    path = key_file()
    new = Fernet.generate_key().decode()
    _write_key_file(path, [new, *keys])  # both, so nothing is unreadable whatever happens next
    count = store.rotate([new, *keys], [new])
    _write_key_file(path, [new])
    print(f"Re-encrypted the tokens of {count} connection(s) with a new key in {path}; the old key is gone.",
          file=out)
    return count


def _write_key_file(path: Any, keys: list[str]) -> None:
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    os.replace(tmp, path)


# --- the command line -------------------------------------------------------------------------------------------------
def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ledgerbridge.connect", description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="xero|quickbooks|status|disconnect|rotate-key")
    for ledger in ("xero", "quickbooks"):
        s = sub.add_parser(ledger, help=f"connect a {_name(ledger)} {'organisation' if ledger == 'xero' else 'company'}")
        s.add_argument("--conn-id", required=True, help="the Airflow connection to create or replace")
        s.add_argument("--client-id", help="the app's client id (default: the existing connection's)")
        s.add_argument("--redirect-uri", default=DEFAULT_REDIRECT_URI,
                       help=f"as registered for the app (default {DEFAULT_REDIRECT_URI})")
        s.add_argument("--no-browser", action="store_true", help="print the URL and paste the redirect URL back")
        s.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the redirect")
        s.add_argument("--sandbox", metavar="URL", help="a ledgerbridge sandbox's root URL instead of the ledger")
        if ledger == "xero":
            s.add_argument("--tenant", metavar="NAME", help="the organisation, when the consent connected several")
            s.add_argument("--legacy-scopes", action="store_true",
                           help="the broad scopes, for apps created before 2 March 2026")
        else:
            s.add_argument("--intuit-sandbox", action="store_true",
                           help="an Intuit sandbox company (development keys): sandbox-quickbooks.api.intuit.com")
    sub.add_parser("status", help="every stored connection's token health")
    d = sub.add_parser("disconnect", help="revoke at the ledger and remove the stored tokens")
    d.add_argument("--conn-id", required=True)
    d.add_argument("--delete-connection", action="store_true", help="delete the Airflow connection too")
    sub.add_parser("rotate-key", help="re-encrypt the stored tokens with a new key")
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    args = parser().parse_args(argv)
    try:
        if args.command in ("xero", "quickbooks"):
            connect(args.command, args.conn_id, client_id=args.client_id, redirect_uri=args.redirect_uri,
                    tenant=getattr(args, "tenant", None), legacy_scopes=getattr(args, "legacy_scopes", False),
                    no_browser=args.no_browser, timeout=args.timeout, sandbox=args.sandbox,
                    intuit_sandbox=getattr(args, "intuit_sandbox", False))
        elif args.command == "status":
            status()
        elif args.command == "disconnect":
            disconnect(args.conn_id, delete_connection=args.delete_connection)
        elif args.command == "rotate-key":
            rotate_key()
    except ConnectError as exc:
        print(f"connect: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("connect: interrupted; nothing stored", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

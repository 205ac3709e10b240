"""``python -m ledgerbridge.connect`` against the sandboxes' consent flow, with real Airflow (its CLI stores the
connection in the session's metadata database) and real PostgreSQL (the token store).

The "browser" is an HTTP client that reads the consent page's form and submits it, then follows the redirect to the
loopback listener connect runs; one test drives headless Chromium instead. Each test registers a free port of its
own as the app's redirect URI, so parallel runs never meet on 8765.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import socket
from html.parser import HTMLParser
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import psycopg
import pytest
import requests

from ledgerbridge import airflow_conns, connect as cli, oauth_flow
from ledgerbridge.oauth_flow import ConnectError
from ledgerbridge.tokens import ReauthorisationRequired, TokenStore
from tests.reconcile.test_alerts import channels, slack_receiver  # noqa: F401 - issue 8's fixtures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, tuple[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("name"):
            self.buttons[a.get("id", "")] = (a["name"], a.get("value", ""))


def follow_consent(url: str, decision: str = "allow") -> str:
    """What a person's browser does: load the consent page, press a button; returns the redirect's Location."""
    page = requests.get(url, allow_redirects=False, timeout=30)
    if page.status_code == 302:
        return page.headers["location"]
    assert page.status_code == 200, page.text
    form = _Form()
    form.feed(page.text)
    name, value = form.buttons[decision]
    answer = requests.post(urljoin(page.url, form.action or ""), data={**form.fields, name: value},
                           allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def http_browser(decision: str = "allow", tamper: Callable[[str], str] | None = None,
                 seen: list[str] | None = None) -> Callable[[str], None]:
    def open_(url: str) -> None:
        redirect = follow_consent(url, decision)
        if seen is not None:
            seen.append(redirect)
        if tamper is not None:
            redirect = tamper(redirect)
        requests.get(redirect, timeout=30)  # reaches connect's loopback listener

    return open_


def with_param(url: str, **values: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(values)
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.fixture
def env(ledger_db_url, airflow_db, monkeypatch):
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", ledger_db_url)
    monkeypatch.delenv("LEDGERBRIDGE_CLIENT_SECRET", raising=False)
    return ledger_db_url


def start(sandbox_factory, ledger: str) -> tuple[Any, str]:
    redirect = f"http://localhost:{free_port()}/callback"
    box = sandbox_factory(ledger, "--rate-limits", "off", "--seed", "7", "--size", "10", "--redirect-uri", redirect)
    return box, redirect


def run_connect(box: Any, redirect: str, conn_id: str, **kwargs: Any) -> tuple[dict[str, Any], str]:
    out = io.StringIO()
    kwargs.setdefault("browser", http_browser())
    result = cli.connect(box.ledger, conn_id, client_id=box.info["client_id"],
                         client_secret=box.info["client_secret"], redirect_uri=redirect, sandbox=box.root_url,
                         timeout=60, out=out, **kwargs)
    return result, out.getvalue()


def stored_row(db_url: str, conn_id: str) -> tuple | None:
    with psycopg.connect(db_url) as conn:
        return conn.execute("SELECT access_token, refresh_token FROM ledgerbridge.oauth_tokens WHERE conn_id = %s",
                            (conn_id,)).fetchone()


def assert_nothing_stored(db_url: str, conn_id: str) -> None:
    assert airflow_conns.get(conn_id) is None
    assert stored_row(db_url, conn_id) is None


# --- the two flows end to end -------------------------------------------------------------------------------------
def test_xero_consent_creates_the_connection_and_seeds_encrypted_tokens(env, sandbox_factory, caplog):
    box, redirect = start(sandbox_factory, "xero")
    result, printed = run_connect(box, redirect, "xero_connected")

    assert result["company_id"] == box.info["tenant_id"]
    assert result["company_name"] == box.info["tenant_name"]
    assert set(result["scopes"].split()) == set(oauth_flow.XERO_GRANULAR_SCOPES.split())
    assert "accounting.transactions" not in result["scopes"].split()
    conn = airflow_conns.get("xero_connected")
    assert conn.conn_type == "xero" and conn.login == box.info["client_id"]
    extra = conn.extra_dejson
    assert extra["tenant_id"] == box.info["tenant_id"] and "refresh_token" not in extra
    assert extra["api_url"] == box.base_url  # a sandbox's URLs are kept; production ones are the hooks' defaults

    raw = stored_row(env, "xero_connected")
    assert raw[0].startswith("fernet:") and raw[1].startswith("fernet:")
    state = TokenStore(env).state("xero_connected")
    assert state["refresh_token"] and state["refresh_token"] not in raw[1]
    health = {r["conn_id"]: r for r in TokenStore(env).health()}["xero_connected"]
    assert health["company_name"] == box.info["tenant_name"]
    days = (health["refresh_expires_at"] - health["connected_at"]).total_seconds() / 86400
    assert 59.9 < days < 60.1 and health["refresh_hard_expires_at"] is None
    assert f"Granted scopes: {result['scopes']}" in printed

    # the hook works from what connect stored: the store's tokens, the connection's tenant
    from xero.hooks import XeroHook

    hook = XeroHook("xero_connected", token_store=TokenStore(env))
    names = [c["tenantName"] for c in hook.connections()]
    assert names == [box.info["tenant_name"]]
    assert next(hook.iter_records("Contacts"), None) is not None

    secrets_ = [box.info["client_secret"], state["refresh_token"], state["access_token"]]
    assert not any(s in printed or s in caplog.text for s in secrets_)


def test_quickbooks_consent_pasted_on_a_headless_server(env, sandbox_factory):
    box, redirect = start(sandbox_factory, "quickbooks")
    pasted: list[str] = []

    def paste() -> str:
        url = re.search(r"(http://\S+connect/oauth2\S+)", printed_so_far.getvalue()).group(1)
        pasted.append(follow_consent(url))
        return pasted[-1]

    printed_so_far = io.StringIO()
    result = cli.connect("quickbooks", "qbo_connected", client_id=box.info["client_id"],
                         client_secret=box.info["client_secret"], redirect_uri=redirect, sandbox=box.root_url,
                         no_browser=True, paste=paste, out=printed_so_far)
    assert result["company_id"] == box.info["realm_id"]
    assert result["company_name"]  # CompanyInfo.CompanyName
    assert result["scopes"] == "com.intuit.quickbooks.accounting"
    assert parse_qs(urlsplit(pasted[0]).query)["realmId"] == [box.info["realm_id"]]
    conn = airflow_conns.get("qbo_connected")
    assert conn.conn_type == "quickbooks" and conn.extra_dejson["realm_id"] == box.info["realm_id"]

    health = {r["conn_id"]: r for r in TokenStore(env).health()}["qbo_connected"]
    rolling = (health["refresh_expires_at"] - health["connected_at"]).total_seconds()
    hard = (health["refresh_hard_expires_at"] - health["connected_at"]).total_seconds()
    assert abs(rolling - 8726400) < 120  # x_refresh_token_expires_in: about 101 days
    assert abs(hard - 5 * 365 * 86400) < 120  # x_refresh_token_hard_expires_in, asked for by header

    from quickbooks.hooks import QuickBooksHook

    hook = QuickBooksHook("qbo_connected", token_store=TokenStore(env))
    assert hook.realm_id == box.info["realm_id"]
    box.control("POST", "tokens/expire")  # the next call refreshes, asking for the hard expiry again
    assert hook.query("select * from Customer").get("Customer")
    after = {r["conn_id"]: r for r in TokenStore(env).health()}["qbo_connected"]
    assert after["refresh_hard_expires_at"] is not None and after["refresh_count"] >= 1


def test_status_names_each_organisation_and_when_its_token_dies(env, sandbox_factory):
    xero, xero_redirect = start(sandbox_factory, "xero")
    run_connect(xero, xero_redirect, "xero_status")
    qbo, qbo_redirect = start(sandbox_factory, "quickbooks")
    run_connect(qbo, qbo_redirect, "qbo_status")
    out = io.StringIO()
    rows = {r["conn_id"]: r for r in cli.status(out=out)}
    text = out.getvalue()
    assert xero.info["tenant_name"] in text and xero.info["tenant_id"] in text and qbo.info["realm_id"] in text
    assert rows["xero_status"]["dies_because"] == "60 days unused"
    assert rows["qbo_status"]["dies_because"] == "100 days rolling"  # the 5-year cap is further away
    assert "last invalid_grant: never" in text


# --- refusals: one line, nothing stored ---------------------------------------------------------------------------
def test_state_mismatch_is_refused(env, sandbox_factory):
    box, redirect = start(sandbox_factory, "xero")
    with pytest.raises(ConnectError, match="state does not match"):
        run_connect(box, redirect, "xero_forged", browser=http_browser(tamper=lambda u: with_param(u, state="x")))
    assert_nothing_stored(env, "xero_forged")


def test_denied_consent_is_refused(env, sandbox_factory):
    box, redirect = start(sandbox_factory, "quickbooks")
    with pytest.raises(ConnectError, match="access_denied"):
        run_connect(box, redirect, "qbo_denied", browser=http_browser(decision="deny"))
    assert_nothing_stored(env, "qbo_denied")


def test_unregistered_redirect_uri_is_refused_before_the_browser_opens(env, sandbox_factory):
    box, _ = start(sandbox_factory, "xero")
    opened: list[str] = []
    with pytest.raises(ConnectError, match="redirect_uri"):
        run_connect(box, f"http://localhost:{free_port()}/elsewhere", "xero_wrong_uri", browser=opened.append)
    assert opened == []
    assert_nothing_stored(env, "xero_wrong_uri")


def test_a_reused_code_is_refused(env, sandbox_factory):
    box, redirect = start(sandbox_factory, "quickbooks")
    seen: list[str] = []
    run_connect(box, redirect, "qbo_first", browser=http_browser(seen=seen))
    used = parse_qs(urlsplit(seen[0]).query)["code"][0]
    with pytest.raises(ConnectError, match="invalid_grant"):
        run_connect(box, redirect, "qbo_second", browser=http_browser(tamper=lambda u: with_param(u, code=used)))
    assert_nothing_stored(env, "qbo_second")


def test_a_wrong_pkce_verifier_is_refused(env, sandbox_factory, monkeypatch):
    box, redirect = start(sandbox_factory, "xero")
    _, other_challenge = oauth_flow.pkce_pair()
    monkeypatch.setattr(oauth_flow, "pkce_pair", lambda: ("v" * 64, other_challenge))
    with pytest.raises(ConnectError, match="invalid_grant"):
        run_connect(box, redirect, "xero_bad_verifier")
    assert_nothing_stored(env, "xero_bad_verifier")


def test_a_broad_scope_is_refused_to_a_new_xero_app_and_allowed_to_an_old_one(env, sandbox_factory):
    box, redirect = start(sandbox_factory, "xero")
    with pytest.raises(ConnectError, match="invalid_scope"):
        run_connect(box, redirect, "xero_legacy", legacy_scopes=True)
    assert_nothing_stored(env, "xero_legacy")
    box.control("POST", "consent", json={"legacy_app": True})
    result, _ = run_connect(box, redirect, "xero_legacy", legacy_scopes=True)
    assert "accounting.transactions" in result["scopes"].split()


def test_a_busy_port_is_refused(env, sandbox_factory):
    box, redirect = start(sandbox_factory, "xero")
    port = urlsplit(redirect).port
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        with pytest.raises(ConnectError, match="in use"):
            run_connect(box, redirect, "xero_busy")
    assert_nothing_stored(env, "xero_busy")


def test_an_unknown_ledger_is_one_line_and_exit_status_2(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["sage", "--conn-id", "x"])
    assert exited.value.code == 2
    assert "invalid choice: 'sage'" in capsys.readouterr().err


# --- disconnect, reconnect ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ledger", ["xero", "quickbooks"])
def test_disconnect_revokes_and_the_next_refresh_names_the_connect_command(env, sandbox_factory, ledger):
    box, redirect = start(sandbox_factory, ledger)
    conn_id = f"{ledger}_gone"
    run_connect(box, redirect, conn_id)
    refresh_token = TokenStore(env).state(conn_id)["refresh_token"]
    out = io.StringIO()
    cli.disconnect(conn_id, out=out)
    assert stored_row(env, conn_id) is None
    spent = requests.post(box.info["token_url"], data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                          auth=(box.info["client_id"], box.info["client_secret"]), timeout=30)
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"
    if ledger == "xero":
        assert box.control("GET", "consent")["connection_active"] is False
        assert any(c["method"] == "DELETE" and c["path"].startswith("/connections/") for c in box.calls())

    from quickbooks.hooks import QuickBooksHook
    from xero.hooks import XeroHook

    hook = (XeroHook if ledger == "xero" else QuickBooksHook)(conn_id, token_store=TokenStore(env))
    with pytest.raises(ReauthorisationRequired) as refused:
        hook.access_token()
    assert f"python -m ledgerbridge.connect {ledger} --conn-id {conn_id}" in str(refused.value)
    # connecting again needs only the command: the connection kept the client id and secret
    cli.connect(ledger, conn_id, redirect_uri=redirect, sandbox=box.root_url, browser=http_browser(), timeout=60,
                out=io.StringIO())
    assert hook.access_token()


def test_a_refused_refresh_is_noted_for_status(env, sandbox_factory):
    box, redirect = start(sandbox_factory, "quickbooks")
    run_connect(box, redirect, "qbo_revoked")
    state = TokenStore(env).state("qbo_revoked")
    requests.post(box.info["revoke_url"], json={"token": state["refresh_token"]},
                  auth=(box.info["client_id"], box.info["client_secret"]), timeout=30).raise_for_status()
    box.control("POST", "tokens/expire")
    from quickbooks.hooks import QuickBooksHook

    with pytest.raises(ReauthorisationRequired, match="invalid_grant"):
        QuickBooksHook("qbo_revoked", token_store=TokenStore(env)).access_token(rejected=state["access_token"])
    out = io.StringIO()
    cli.status(out=out)
    assert re.search(r"last invalid_grant: \d{4}-\d\d-\d\d .*invalid_grant", out.getvalue())


# --- the key ------------------------------------------------------------------------------------------------------
def test_rotate_key_reencrypts_every_token_and_drops_the_old_key(airflow_db, fresh_db, sandbox_factory, tmp_path,
                                                                  monkeypatch):
    from cryptography.fernet import Fernet, InvalidToken

    env = fresh_db()  # every row of it sealed with this test's key
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", env)
    monkeypatch.setenv("LEDGERBRIDGE_FERNET_KEY_FILE", str(tmp_path / "fernet.key"))
    box, redirect = start(sandbox_factory, "xero")
    run_connect(box, redirect, "xero_rotated")
    assert (tmp_path / "fernet.key").stat().st_mode & 0o777 == 0o600
    old_key = (tmp_path / "fernet.key").read_text().strip()
    before = stored_row(env, "xero_rotated")
    plain = TokenStore(env).state("xero_rotated")
    cli.rotate_key(out=io.StringIO())
    new_key = (tmp_path / "fernet.key").read_text().strip()
    after = stored_row(env, "xero_rotated")
    assert new_key != old_key and after != before
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(after[1][7:].encode())
    assert TokenStore(env).state("xero_rotated")["refresh_token"] == plain["refresh_token"]


# --- headless Chromium ------------------------------------------------------------------------------------------------
def test_xero_consent_submitted_in_headless_chromium(env, sandbox_factory, page, screenshot):
    box, redirect = start(sandbox_factory, "xero")

    def chromium(url: str) -> None:
        page.goto(url)
        assert page.locator("#scopes").inner_text().count("accounting.") >= 5
        screenshot(page, "xero-consent")
        page.click("#allow")
        page.wait_for_load_state()
        assert "Connected" in page.content()

    result, _ = run_connect(box, redirect, "xero_chromium", browser=chromium)
    assert result["company_name"] == box.info["tenant_name"]
    assert TokenStore(env).state("xero_chromium")["refresh_token"]
    _ = dt  # noqa: F841


# --- the nightly keep-alive -----------------------------------------------------------------------------------------
def test_keep_alive_refreshes_a_token_about_to_lapse_and_alerts_on_the_hard_cap(env, channels, sandbox_factory):
    from ledgerbridge.token_health import keep_alive
    from quickbooks.hooks import QuickBooksHook

    box, redirect = start(sandbox_factory, "quickbooks")
    run_connect(box, redirect, "qbo_paused")
    store = TokenStore(env)

    def hooks(ledger: str, conn_id: str) -> QuickBooksHook:
        return QuickBooksHook(conn_id, token_store=store)

    def token_calls() -> int:
        return sum(1 for c in box.calls() if c["path"].endswith("/tokens/bearer"))

    # weeks with the entity DAGs paused: the rolling lifetime is nearly spent
    with psycopg.connect(env) as conn:
        conn.execute("UPDATE ledgerbridge.oauth_tokens SET refresh_expires_at = now() + interval '20 hours' "
                     "WHERE conn_id = 'qbo_paused'")
    before = token_calls()
    assert keep_alive([("quickbooks", "qbo_paused")], hooks, store=store)["qbo_paused"] == "refreshed"
    assert token_calls() == before + 1
    row = {r["conn_id"]: r for r in store.health()}["qbo_paused"]
    assert abs((row["refresh_expires_at"] - row["refreshed_at"]).total_seconds() - 8726400) < 120
    assert row["death_alerted_at"] is None

    # healthy, but Intuit's 5-year cap is 10 days away: no refresh helps, a person is told
    with psycopg.connect(env) as conn:
        conn.execute("UPDATE ledgerbridge.oauth_tokens SET refresh_hard_expires_at = now() + interval '10 days 1 hour' "
                     "WHERE conn_id = 'qbo_paused'")
    assert keep_alive([("quickbooks", "qbo_paused")], hooks, store=store)["qbo_paused"] == "healthy, alerted"
    assert token_calls() == before + 1
    assert {r["conn_id"]: r for r in store.health()}["qbo_paused"]["death_alerted_at"] is not None
    inbox, slack, _ = channels  # issue 8's notifiers: mail and Slack, once
    assert len(inbox.messages) == 1 and len(slack) == 1
    _, mail = inbox.messages[0]
    assert "qbo_paused" in mail["Subject"] and "dies in 10 days" in mail["Subject"]
    body = mail.get_body(preferencelist=("html", "plain")).get_content()
    assert "python -m ledgerbridge.connect quickbooks --conn-id qbo_paused" in body and "5-year hard cap" in body
    state = store.state("qbo_paused")
    assert state["refresh_token"] not in mail.as_string() and state["refresh_token"] not in str(slack)
    keep_alive([("quickbooks", "qbo_paused")], hooks, store=store)  # the next night: not sent again
    assert len(inbox.messages) == 1 and len(slack) == 1


# --- Intuit's Disconnect and Reconnect URLs -------------------------------------------------------------------------
def test_intuit_landing_pages_are_an_airflow_plugin_naming_the_connect_command(env, sandbox_factory):
    from fastapi.testclient import TestClient

    from airflow import plugins_manager

    apps, _ = plugins_manager.get_fastapi_plugins()
    mounted = {a["url_prefix"]: a["app"] for a in apps}
    assert "/ledgerbridge" in mounted, apps

    box, redirect = start(sandbox_factory, "quickbooks")
    result, _ = run_connect(box, redirect, "qbo_landing")
    client = TestClient(mounted["/ledgerbridge"])
    page = client.get("/intuit/disconnect", params={"realmId": box.info["realm_id"]})
    assert page.status_code == 200
    assert "python -m ledgerbridge.connect quickbooks --conn-id qbo_landing" in page.text
    assert html.escape(result["company_name"]) in page.text
    again = client.get("/intuit/reconnect", params={"realmId": box.info["realm_id"]})
    assert "qbo_landing" in again.text
    assert stored_row(env, "qbo_landing") is not None  # a public page changes nothing
    assert "paste it into the terminal" in client.get("/oauth/callback", params={"code": "c", "state": "s"}).text
    unknown = client.get("/intuit/reconnect", params={"realmId": "123"})
    assert "No ledgerbridge connection holds this company" in unknown.text

"""The OAuth 2.0 authorization-code flow of both ledgers, as ``python -m ledgerbridge.connect`` runs it.

Facts (../shared/reference/xero-api.md §5, quickbooks-api.md §5):

- Xero: authorize ``https://login.xero.com/identity/connect/authorize``, token
  ``https://identity.xero.com/connect/token``, revocation ``https://identity.xero.com/connect/revocation``, tenants
  ``GET https://api.xero.com/connections`` (``DELETE /connections/{id}`` disconnects one). PKCE S256 with the client
  secret. Granular scopes for apps created from 2 March 2026; the broad ``accounting.transactions`` for older apps.
- Intuit: authorize ``https://appcenter.intuit.com/connect/oauth2`` (the redirect carries ``realmId``), token
  ``https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer`` with HTTP Basic, revoke
  ``https://developer.api.intuit.com/v2/oauth2/tokens/revoke``; the 5-year cap is stated only when the token request
  carries ``x-include-refresh-token-hard-expires-in: true``.

Nothing here logs or prints a token, a code or a secret: errors carry the ledger's ``error`` and description only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import socket
import threading
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from ledgerbridge.http import grant_from, oauth_error_text
from ledgerbridge.tokens import TokenGrant

DEFAULT_REDIRECT_URI = "http://localhost:8765/callback"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

# Xero: what ledgerbridge reads and writes (contacts, items and invoices, credit notes, payments, bank transactions,
# manual journals, settings for accounts/tax/tracking, attachments for bills' files), offline_access for a refresh
# token, openid/profile/email so the consent names the person.
XERO_GRANULAR_SCOPES = ("openid profile email offline_access accounting.contacts accounting.settings "
                        "accounting.invoices accounting.payments accounting.banktransactions "
                        "accounting.manualjournals accounting.attachments")
XERO_LEGACY_SCOPES = ("openid profile email offline_access accounting.transactions accounting.contacts "
                      "accounting.settings accounting.attachments")
INTUIT_SCOPES = "com.intuit.quickbooks.accounting"


class ConnectError(RuntimeError):
    """A refusal or a bad input: one line for the person running ``connect``; nothing has been stored."""


@dataclass(frozen=True)
class Provider:
    ledger: str
    authorize_url: str
    token_url: str
    revoke_url: str
    api_url: str
    connections_url: str | None = None  # Xero only
    pkce: bool = False
    token_headers: dict[str, str] = field(default_factory=dict)


XERO = Provider("xero", "https://login.xero.com/identity/connect/authorize", "https://identity.xero.com/connect/token",
                "https://identity.xero.com/connect/revocation", "https://api.xero.com/api.xro/2.0",
                "https://api.xero.com/connections", pkce=True)
QUICKBOOKS = Provider("quickbooks", "https://appcenter.intuit.com/connect/oauth2",
                      "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
                      "https://developer.api.intuit.com/v2/oauth2/tokens/revoke", "https://quickbooks.api.intuit.com",
                      token_headers={"x-include-refresh-token-hard-expires-in": "true"})
INTUIT_SANDBOX_API = "https://sandbox-quickbooks.api.intuit.com"
PROVIDERS = {"xero": XERO, "quickbooks": QUICKBOOKS}


def provider_for(ledger: str, sandbox_root: str | None = None) -> Provider:
    """The production endpoints, or those of a ledgerbridge sandbox at ``sandbox_root`` (``python -m sandbox``)."""
    if ledger not in PROVIDERS:
        raise ConnectError(f"no such ledger {ledger!r}: use xero or quickbooks")
    base = PROVIDERS[ledger]
    if not sandbox_root:
        return base
    root = sandbox_root.rstrip("/")
    if ledger == "xero":
        return replace(base, authorize_url=f"{root}/identity/connect/authorize", token_url=f"{root}/connect/token",
                       revoke_url=f"{root}/connect/revocation", api_url=f"{root}/api.xro/2.0",
                       connections_url=f"{root}/connections")
    return replace(base, authorize_url=f"{root}/connect/oauth2", token_url=f"{root}/oauth2/v1/tokens/bearer",
                   revoke_url=f"{root}/v2/oauth2/tokens/revoke", api_url=root)


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class Authorization:
    """One consent attempt: the URL to open and what the answer must carry."""

    provider: Provider
    client_id: str
    redirect_uri: str
    scope: str
    state: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    verifier: str | None = None
    challenge: str | None = None

    def __post_init__(self) -> None:
        if self.provider.pkce and self.verifier is None:
            self.verifier, self.challenge = pkce_pair()

    @property
    def url(self) -> str:
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                  "scope": self.scope, "state": self.state}
        if self.challenge:
            params.update(code_challenge=self.challenge, code_challenge_method="S256")
        return f"{self.provider.authorize_url}?{urlencode(params)}"

    def probe(self, timeout: float = 15.0) -> None:
        """Ask for the authorize page once before the person does: an unknown client or an unregistered redirect
        URI is shown by the identity service as an error page and never redirected, so the listener would wait for
        nothing. A 4xx page is a refusal; anything else (the login page, a redirect) is left to the person."""
        try:
            response = requests.get(self.url, allow_redirects=False, timeout=timeout)
        except requests.RequestException:
            return  # the browser will say it better
        if 400 <= response.status_code < 500:
            raise ConnectError(f"{self.provider.ledger} refused the authorize request: {_page_error(response.text)} "
                               f"(is {self.redirect_uri} registered as a redirect URI of this app, and is the client "
                               "id right?)")

    def answer(self, redirect_url: str) -> dict[str, str]:
        """The code (and Intuit's realmId) from the redirect, after checking ``state`` and ``error``."""
        parts = urlsplit(redirect_url.strip())
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        expected = urlsplit(self.redirect_uri)
        if parts.path.rstrip("/") != expected.path.rstrip("/"):
            raise ConnectError(f"the pasted URL is not the redirect to {self.redirect_uri}")
        if query.get("state") != self.state:
            raise ConnectError("the redirect's state does not match the one sent (a stale or forged redirect); "
                               "start again")
        if "error" in query:
            if query["error"] == "access_denied":
                raise ConnectError(f"{self.provider.ledger}: consent was refused (access_denied); nothing stored")
            description = query.get("error_description", "")
            raise ConnectError(f"{self.provider.ledger} refused the authorization: {query['error']}"
                               + (f": {description}" if description else ""))
        if not query.get("code"):
            raise ConnectError("the redirect carries no authorization code")
        if self.provider.ledger == "quickbooks" and not query.get("realmId"):
            raise ConnectError("the redirect carries no realmId (was a QuickBooks company chosen?)")
        return query

    def exchange(self, code: str, client_secret: str, timeout: float = 30.0) -> TokenGrant:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        if self.verifier:
            form["code_verifier"] = self.verifier
        try:
            response = requests.post(self.provider.token_url, data=form, auth=(self.client_id, client_secret),
                                     headers={"Accept": "application/json", **self.provider.token_headers},
                                     timeout=timeout)
        except requests.RequestException as exc:
            raise ConnectError(f"{self.provider.ledger}: the token endpoint could not be reached "
                               f"({type(exc).__name__})") from None
        if response.status_code != 200:
            raise ConnectError(f"{self.provider.ledger} refused the authorization code: "
                               f"{oauth_error_text(response)} (a code works once and for 5 minutes: start again)")
        try:
            return grant_from(response.json())
        except (ValueError, KeyError):
            raise ConnectError(f"{self.provider.ledger}: the token endpoint's answer has no access token") from None


def _page_error(text: str) -> str:
    match = re.search(r'<p id="error"[^>]*>(.*?)</p>', text, re.S)
    raw = match.group(1) if match else re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(raw)).strip()[:200] or "an error page"


# --- the loopback listener ------------------------------------------------------------------------------------------
_DONE_PAGE = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ledgerbridge</title></head>"
              "<body><h1>{title}</h1><p>{text}</p></body></html>")


class Listener:
    """A one-shot HTTP server on the loopback redirect URI; bound at construction so a busy port fails at once."""

    def __init__(self, redirect_uri: str) -> None:
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or (parts.hostname or "") not in LOOPBACK_HOSTS:
            raise ConnectError(f"the redirect URI {redirect_uri} is not a loopback http://localhost address: "
                               "use --no-browser and paste the redirect, or register one such as "
                               f"{DEFAULT_REDIRECT_URI}")
        self.path = parts.path or "/"
        port = parts.port or 80
        host = "127.0.0.1" if parts.hostname in ("localhost", "127.0.0.1") else "::1"
        self.received: str | None = None
        self._event = threading.Event()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                if urlsplit(self.path).path.rstrip("/") != listener.path.rstrip("/"):
                    self.send_error(404)
                    return
                listener.received = f"http://{parts.netloc}{self.path}"
                query = parse_qs(urlsplit(self.path).query)
                ok = "code" in query
                body = _DONE_PAGE.format(
                    title="Connected" if ok else "Not connected",
                    text=("ledgerbridge received the authorization; you can close this window and return to the "
                          "terminal.") if ok else "The authorization was not given; see the terminal.").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                listener._event.set()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - never log the code
                return

        server_class = type("Server", (HTTPServer,), {"address_family": socket.AF_INET6 if ":" in host
                                                      else socket.AF_INET, "allow_reuse_address": True})
        try:
            self._server = server_class((host, port), Handler)
        except OSError as exc:
            raise ConnectError(f"cannot listen on {parts.hostname}:{port} for the redirect ({exc.strerror}): the "
                               "port is in use; free it or pass --redirect-uri with another port registered for "
                               "the app") from None
        self._thread = threading.Thread(target=self._server.serve_forever, name="connect-listener", daemon=True)
        self._thread.start()

    def wait(self, timeout: float) -> str:
        if not self._event.wait(timeout):
            raise ConnectError(f"no redirect arrived within {int(timeout)}s; start again (or use --no-browser and "
                               "paste the redirect URL)")
        assert self.received is not None
        return self.received

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# --- after the exchange ---------------------------------------------------------------------------------------------
def xero_tenants(provider: Provider, access_token: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """``GET /connections``: the organisations this consent reaches, narrowed to this consent's authorisation
    event when the access token (a JWT at Xero) names it."""
    assert provider.connections_url
    response = requests.get(provider.connections_url, headers={"Authorization": f"Bearer {access_token}",
                                                               "Accept": "application/json"}, timeout=timeout)
    if response.status_code != 200:
        raise ConnectError(f"xero GET /connections failed: HTTP {response.status_code}")
    tenants = response.json()
    event = _jwt_claim(access_token, "authentication_event_id")
    if event:
        mine = [t for t in tenants if str(t.get("authEventId", "")).lower() == str(event).lower()]
        tenants = mine or tenants
    return tenants


def _jwt_claim(token: str, claim: str) -> Any:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    return payload.get(claim) if isinstance(payload, dict) else None


def pick_tenant(tenants: list[dict[str, Any]], wanted: str | None) -> dict[str, Any]:
    if not tenants:
        raise ConnectError("xero: the consent connected no organisation (GET /connections is empty)")
    if wanted:
        match = [t for t in tenants if wanted.casefold() in (str(t.get("tenantName", "")).casefold(),
                                                             str(t.get("tenantId", "")).casefold())]
        if len(match) != 1:
            names = ", ".join(repr(t.get("tenantName")) for t in tenants)
            raise ConnectError(f"xero: no single organisation named {wanted!r} among those connected: {names}")
        return match[0]
    if len(tenants) == 1:
        return tenants[0]
    names = ", ".join(repr(t.get("tenantName")) for t in tenants)
    raise ConnectError(f"xero: the consent connected several organisations ({names}); choose one with --tenant NAME")


def quickbooks_company_name(provider: Provider, api_url: str, realm_id: str, access_token: str,
                            timeout: float = 30.0) -> str | None:
    response = requests.get(f"{api_url.rstrip('/')}/v3/company/{realm_id}/companyinfo/{realm_id}",
                            params={"minorversion": "75"}, timeout=timeout,
                            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"})
    if response.status_code != 200:
        return None
    return (response.json().get("CompanyInfo") or {}).get("CompanyName")


def revoke(provider: Provider, client_id: str, client_secret: str, refresh_token: str, timeout: float = 30.0) -> None:
    """Revoke a refresh token at the ledger (Xero: form ``token``; Intuit: JSON ``{"token"}``), HTTP Basic."""
    auth = (client_id, client_secret)
    if provider.ledger == "xero":
        response = requests.post(provider.revoke_url, data={"token": refresh_token}, auth=auth, timeout=timeout)
    else:
        response = requests.post(provider.revoke_url, json={"token": refresh_token}, auth=auth, timeout=timeout,
                                 headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise ConnectError(f"{provider.ledger} refused to revoke the token: {oauth_error_text(response)}")

"""The authorization-code half of OAuth 2.0, as both identity services run it: an authorize endpoint that shows a
consent page (a real HTML form a person or a headless browser submits), codes that live 5 minutes and work once,
PKCE (S256) verification and redirect-URI checking.

What each service does on a bad request (RFC 6749 §4.1.2.1, as Xero and Intuit behave):

- an unknown ``client_id`` or a ``redirect_uri`` not registered for the app is shown as an error page and never
  redirected to (a redirect to an unregistered URI would hand the code to anyone);
- everything else (a missing ``response_type=code``, a scope the app may not ask for, the person refusing) is
  redirected back with ``error=...`` and the caller's ``state``: ``access_denied`` when the person refuses.

At the token endpoint a code is ``invalid_grant`` when unknown, older than 5 minutes, already used, issued for
another client or redirect URI, or when its PKCE verifier does not hash to the challenge. Intuit also revokes the
tokens of the first exchange when a code is used twice (fact sheet §5: "Exchanging an auth code twice invalidates
the resulting tokens").

Test switch: ``auto`` ("approve" or "deny") answers the consent page at once, as if a person had pressed the button.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit, urlunsplit, parse_qsl

from sandbox.common.clock import Clock
from sandbox.common.oauth import OAuthError

CODE_TTL = 300  # seconds a code lives
DEFAULT_REDIRECT_URIS = ("http://localhost:8765/callback",)


class AuthorizeRefused(Exception):
    """Shown as an error page, never redirected (unknown client, unregistered redirect URI)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(error)
        self.error = error
        self.description = description


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str | None
    method: str | None
    issued_at: float
    used_at: float | None = None
    tokens: list[str] = field(default_factory=list)  # what the first exchange handed out (Intuit revokes them)


@dataclass
class ConsentDesk:
    clock: Clock
    client_id: str
    app_name: str
    company_name: Callable[[], str]
    redirect_uris: list[str] = field(default_factory=lambda: list(DEFAULT_REDIRECT_URIS))
    scope_check: Callable[[str], str | None] = lambda scope: None  # the error for a scope, or None
    pkce_required: bool = False
    revoke_on_reuse: bool = False
    extra_redirect: Callable[[], dict[str, str]] = lambda: {}  # Intuit adds realmId
    auto: str | None = None  # test switch: "approve" | "deny"
    _codes: dict[str, _Code] = field(default_factory=dict)
    _pending: dict[str, dict[str, str]] = field(default_factory=dict)  # consent form id -> the authorize request
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- GET authorize ------------------------------------------------------------------------------------------
    def authorize(self, params: dict[str, str]) -> tuple[str, str]:
        """("redirect", url) or ("page", html) for an authorize request; raises :class:`AuthorizeRefused`."""
        if params.get("client_id") != self.client_id:
            raise AuthorizeRefused("unauthorized_client", "Unknown client or client not enabled")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            raise AuthorizeRefused("invalid_request",
                                   "Invalid redirect_uri: it does not match a redirect URI registered for this app")
        state = params.get("state")
        if params.get("response_type") != "code":
            return "redirect", _with_query(redirect_uri, {"error": "unsupported_response_type", "state": state})
        scope_error = self.scope_check(params.get("scope", ""))
        if scope_error:
            return "redirect", _with_query(redirect_uri, {"error": "invalid_scope",
                                                          "error_description": scope_error, "state": state})
        method = params.get("code_challenge_method")
        if params.get("code_challenge") and method not in ("S256", "plain"):
            return "redirect", _with_query(redirect_uri, {"error": "invalid_request",
                                                          "error_description": "code_challenge_method", "state": state})
        if self.pkce_required and not params.get("code_challenge"):
            return "redirect", _with_query(redirect_uri, {"error": "invalid_request",
                                                          "error_description": "code_challenge required",
                                                          "state": state})
        if self.auto in ("approve", "deny"):
            return "redirect", self._decide(dict(params), self.auto == "approve")
        form_id = secrets.token_urlsafe(16)
        with self._lock:
            self._pending[form_id] = dict(params)
        return "page", self._page(form_id, params)

    # --- POST consent -------------------------------------------------------------------------------------------
    def consent(self, form: dict[str, str]) -> str:
        """The consent form was submitted: the URL to redirect the person's browser to."""
        with self._lock:
            params = self._pending.pop(form.get("form_id", ""), None)
        if params is None:
            raise AuthorizeRefused("invalid_request", "This consent page has expired; start again from your app")
        return self._decide(params, form.get("decision") == "allow")

    def _decide(self, params: dict[str, str], allow: bool) -> str:
        state = params.get("state")
        if not allow:
            return _with_query(params["redirect_uri"], {"error": "access_denied", "state": state})
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _Code(client_id=params["client_id"], redirect_uri=params["redirect_uri"],
                                      scope=params.get("scope", ""), challenge=params.get("code_challenge"),
                                      method=params.get("code_challenge_method") or (
                                          "plain" if params.get("code_challenge") else None),
                                      issued_at=self.clock.time())
        return _with_query(params["redirect_uri"], {"code": code, "state": state, **self.extra_redirect()})

    # --- the token endpoint -------------------------------------------------------------------------------------
    def redeem(self, code: str | None, redirect_uri: str | None, verifier: str | None, client_id: str,
               revoke: Callable[[str], None]) -> _Code:
        """The code's grant (its scope), spending it; :class:`OAuthError` ``invalid_grant`` when it does not work."""
        if not code:
            raise OAuthError(400, "invalid_request", "code is required")
        now = self.clock.time()
        with self._lock:
            entry = self._codes.get(code)
            if entry is None:
                raise OAuthError(400, "invalid_grant")
            if entry.used_at is not None:
                if self.revoke_on_reuse:
                    for token in entry.tokens:
                        revoke(token)
                raise OAuthError(400, "invalid_grant", "Authorization code has already been used")
            entry.used_at = now  # a failed exchange spends the code too
            if now - entry.issued_at > CODE_TTL:
                raise OAuthError(400, "invalid_grant", "Authorization code has expired")
            if entry.client_id != client_id:
                raise OAuthError(400, "invalid_grant")
            if redirect_uri != entry.redirect_uri:
                raise OAuthError(400, "invalid_grant", "redirect_uri does not match the authorize request")
            if entry.challenge is not None:
                if not verifier:
                    raise OAuthError(400, "invalid_grant", "code_verifier is required")
                if entry.method == "S256":
                    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
                    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                else:
                    computed = verifier
                if not secrets.compare_digest(computed, entry.challenge):
                    raise OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge")
            return entry

    # --- test controls ------------------------------------------------------------------------------------------
    def configure(self, data: dict[str, Any]) -> dict[str, Any]:
        if "redirect_uris" in data:
            self.redirect_uris = [str(u) for u in data["redirect_uris"]]
        if "auto" in data:
            self.auto = data["auto"] if data["auto"] in ("approve", "deny") else None
        if data.get("expire_codes"):
            with self._lock:
                for entry in self._codes.values():
                    entry.issued_at -= CODE_TTL + 1
        return {"redirect_uris": self.redirect_uris, "auto": self.auto}

    # --- the page -----------------------------------------------------------------------------------------------
    def _page(self, form_id: str, params: dict[str, str]) -> str:
        scopes = "".join(f"<li><code>{html.escape(s)}</code></li>" for s in params.get("scope", "").split())
        company = html.escape(self.company_name())
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allow access - {html.escape(self.app_name)}</title></head>
<body>
<h1>{html.escape(self.app_name)} wants to connect to your organisation</h1>
<form method="post" action="consent" id="consent">
<p><label for="organisation">Organisation</label>
<select id="organisation" name="organisation"><option selected>{company}</option></select></p>
<p>It is asking for:</p><ul id="scopes">{scopes}</ul>
<input type="hidden" name="form_id" value="{html.escape(form_id)}">
<button type="submit" name="decision" value="allow" id="allow">Allow access</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form>
</body></html>"""


def error_page(exc: AuthorizeRefused) -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head><body>"
            f"<h1>Error: {html.escape(exc.error)}</h1><p id=\"error\" data-error=\"{html.escape(exc.error)}\">"
            f"{html.escape(exc.description)}</p></body></html>")


def _with_query(url: str, values: dict[str, str | None]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, v) for k, v in values.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))

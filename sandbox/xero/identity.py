"""Xero's identity service: ``GET /identity/connect/authorize`` (the consent page, ``sandbox.common.consent``),
``POST /connect/token``, ``POST /connect/revocation`` and ``GET/DELETE /connections`` (fact sheet §5).

- ``authorization_code``: the code from the consent page, once, within 5 minutes, with the PKCE verifier when the
  authorize request carried a challenge and the same ``redirect_uri``; a refresh token only with ``offline_access``.
  Apps created from 2 March 2026 may not ask for the broad ``accounting.transactions`` scopes (``invalid_scope`` on
  the redirect); ``/_sandbox/consent {"legacy_app": true}`` makes the sandbox app an older one.

- ``refresh_token``: a new refresh token every time; the previous one stays usable for 30 minutes (a lost response
  can be retried), then ``400 {"error": "invalid_grant"}`` (``TokenIssuer`` with ``XERO_POLICY``).
- ``client_credentials`` (custom connection): an access token and no refresh token; API calls made with it need no
  ``xero-tenant-id``.
- Client authentication by HTTP Basic or ``client_id``/``client_secret`` in the form body.
- ``/connections`` is tenantless: it carries only ``X-AppMinLimit-Remaining``.
"""

from __future__ import annotations

import base64
import json
import uuid
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from sandbox.common.consent import AuthorizeRefused, error_page
from sandbox.common.oauth import OAuthError
from sandbox.xero.gateway import CALL_INFO, bearer, limit_headers, rate_limited
from sandbox.xero.state import CC_SCOPES, SCOPES, XeroSandbox
from sandbox.xero.wire import not_found

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()


def _id_token(sb: XeroSandbox) -> str:
    """An OpenID id_token shaped like Xero's (a JWT); the sandbox does not sign it."""
    now = int(sb.clock.time())
    claims = {"iss": "https://identity.xero.com", "aud": sb.issuer.client_id, "iat": now, "exp": now + 300,
              "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, sb.tenant_id)), "auth_time": now,
              "xero_userid": str(uuid.uuid5(uuid.NAMESPACE_OID, sb.tenant_id)), "global_session_id": uuid.uuid4().hex,
              "preferred_username": "finance@harbourandfinch.example", "email": "finance@harbourandfinch.example",
              "given_name": "Harbour", "family_name": "Finch"}
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


async def token(request: Request, sb: XeroSandbox) -> Response:
    raw = (await request.body()).decode("utf-8", "replace")
    form = dict(parse_qsl(raw, keep_blank_values=True))
    try:
        sb.issuer.check_client(request.headers.get("authorization"), form)
        grant = form.get("grant_type")
        if grant == "refresh_token":
            granted = sb.issuer.scope_of(form.get("refresh_token")) or SCOPES
            requested = set(form.get("scope", "").split())
            if requested - set(granted.split()):
                # asking for scopes the user never granted spends nothing and fails (fact sheet §8.1)
                raise OAuthError(400, "invalid_grant")
            access, refresh = sb.issuer.refresh(form.get("refresh_token"))
            body = {"id_token": _id_token(sb), "access_token": access.token,
                    "expires_in": sb.issuer.policy.access_ttl, "token_type": "Bearer",
                    "refresh_token": refresh, "scope": granted}
        elif grant == "client_credentials":
            access = sb.issuer.client_credentials()
            sb.cc_tokens.add(access.token)
            body = {"access_token": access.token, "expires_in": sb.issuer.policy.access_ttl,
                    "token_type": "Bearer", "scope": form.get("scope") or CC_SCOPES}
        elif grant == "authorization_code":
            entry = sb.consent.redeem(form.get("code"), form.get("redirect_uri"), form.get("code_verifier"),
                                      sb.issuer.client_id, sb.issuer.revoke)
            access, refresh = sb.issuer.issue_for_code(entry.scope)
            entry.tokens += [access.token, refresh]
            connect_again(sb)
            body = {"id_token": _id_token(sb), "access_token": access.token,
                    "expires_in": sb.issuer.policy.access_ttl, "token_type": "Bearer", "scope": entry.scope}
            if "offline_access" in entry.scope.split():
                body["refresh_token"] = refresh
            else:
                sb.issuer.revoke(refresh)
            sb.state_file.flush()
        else:
            raise OAuthError(400, "unsupported_grant_type")
    except OAuthError as exc:
        return JSONResponse(exc.body(), status_code=exc.status, headers=_NO_STORE)
    return JSONResponse(body, headers=_NO_STORE)


def _app_minute(sb: XeroSandbox) -> tuple[dict[str, str], Response | None]:
    decision = sb.limiter.check("-", "connections")  # only the app-wide window counts tenantless calls
    headers = limit_headers(decision.remaining, ("appminute",))
    if not decision.allowed:
        refused = rate_limited(decision.problem or "appminute", decision.retry_after or 1, {})
        refused.headers.update(headers)
        return headers, refused
    return headers, None


async def connections(request: Request, sb: XeroSandbox) -> Response:
    _, refused = bearer(sb, request)
    if refused is not None:
        return refused
    headers, limited = _app_minute(sb)
    if limited is not None:
        return limited
    rows = [sb.connection_view()] if sb.connection["active"] else []
    wanted = request.query_params.get("authEventId")
    if wanted:
        rows = [r for r in rows if r["authEventId"].lower() == wanted.lower()]
    return JSONResponse(rows, headers=headers)


async def disconnect(request: Request, sb: XeroSandbox) -> Response:
    _, refused = bearer(sb, request)
    if refused is not None:
        return refused
    headers, limited = _app_minute(sb)
    if limited is not None:
        return limited
    if not sb.connection["active"] or request.path_params["id"].lower() != sb.connection["id"].lower():
        return not_found()
    sb.connection["active"] = False
    sb.connection["updated"] = sb.clock.now()
    request.scope.get(CALL_INFO, {})["note"] = "disconnected"
    return Response(status_code=204, headers=headers)


async def authorize(request: Request, sb: XeroSandbox) -> Response:
    try:
        kind, value = sb.consent.authorize(dict(request.query_params))
    except AuthorizeRefused as exc:
        return HTMLResponse(error_page(exc), status_code=400)
    if kind == "redirect":
        return RedirectResponse(value, status_code=302)
    return HTMLResponse(value)


async def consent(request: Request, sb: XeroSandbox) -> Response:
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    try:
        return RedirectResponse(sb.consent.consent(form), status_code=302)
    except AuthorizeRefused as exc:
        return HTMLResponse(error_page(exc), status_code=400)


async def revocation(request: Request, sb: XeroSandbox) -> Response:
    """``POST /connect/revocation``: the refresh token is dead and the connections it made are removed."""
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    try:
        sb.issuer.check_client(request.headers.get("authorization"), form)
    except OAuthError as exc:
        return JSONResponse(exc.body(), status_code=exc.status, headers=_NO_STORE)
    token = form.get("token")
    if not token:
        return JSONResponse({"error": "invalid_request"}, status_code=400, headers=_NO_STORE)
    if sb.issuer.is_refresh_token(token):
        sb.connection["active"] = False
        sb.connection["updated"] = sb.clock.now()
    sb.issuer.revoke(token)
    sb.state_file.flush()
    return Response(status_code=200)


def connect_again(sb: XeroSandbox) -> None:
    """A person consented: the organisation is connected (again), under a new authorisation event."""
    now = sb.clock.now()
    if not sb.connection["active"]:
        sb.connection.update({"id": str(uuid.uuid4()), "created": now, "active": True})
    sb.connection.update({"authEventId": str(uuid.uuid4()), "updated": now})


def reconnect(sb: XeroSandbox) -> None:
    """Test control: the user connects the organisation again (a new connection id, as Xero gives)."""
    if not sb.connection["active"]:
        now = sb.clock.now()
        sb.connection.update({"id": str(uuid.uuid4()), "authEventId": str(uuid.uuid4()), "updated": now,
                              "active": True})

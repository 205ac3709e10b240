"""Xero's identity service: ``POST /connect/token`` and ``GET/DELETE /connections`` (fact sheet §5).

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
from starlette.responses import JSONResponse, Response

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
            requested = set(form.get("scope", "").split())
            if requested - set(SCOPES.split()):
                # asking for scopes the user never granted spends nothing and fails (fact sheet §8.1)
                raise OAuthError(400, "invalid_grant")
            access, refresh = sb.issuer.refresh(form.get("refresh_token"))
            body = {"id_token": _id_token(sb), "access_token": access.token,
                    "expires_in": sb.issuer.policy.access_ttl, "token_type": "Bearer",
                    "refresh_token": refresh, "scope": SCOPES}
        elif grant == "client_credentials":
            access = sb.issuer.client_credentials()
            sb.cc_tokens.add(access.token)
            body = {"access_token": access.token, "expires_in": sb.issuer.policy.access_ttl,
                    "token_type": "Bearer", "scope": form.get("scope") or CC_SCOPES}
        elif grant == "authorization_code":
            raise OAuthError(400, "invalid_grant")  # the sandbox hands out no codes: there is no consent screen
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


def reconnect(sb: XeroSandbox) -> None:
    """Test control: the user connects the organisation again (a new connection id, as Xero gives)."""
    if not sb.connection["active"]:
        now = sb.clock.now()
        sb.connection.update({"id": str(uuid.uuid4()), "authEventId": str(uuid.uuid4()), "updated": now,
                              "active": True})

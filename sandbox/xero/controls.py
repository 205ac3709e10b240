"""Test controls under ``/_sandbox/`` (not part of Xero): the call log, faults, the clock, token expiry, limits,
a raw dump of the books, reconnecting the organisation and webhook deliveries."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.xero.identity import reconnect
from sandbox.xero.state import XeroSandbox
from sandbox.xero.wire import JSON_TYPE, dumps


async def _json(request: Request) -> Any:
    body = await request.body()
    return json.loads(body) if body else {}


def routes(sb: XeroSandbox) -> list[Route]:
    async def calls(request: Request) -> Response:
        if request.method == "DELETE":
            sb.controls.calls.clear()
            return Response(status_code=204)
        since = int(request.query_params.get("since", "0") or 0)
        return JSONResponse(sb.controls.calls_since(since))

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            sb.controls.faults.clear()
            return Response(status_code=204)
        if request.method == "GET":
            return JSONResponse([dataclasses.asdict(f) for f in sb.controls.faults])
        specs = await _json(request)
        specs = specs if isinstance(specs, list) else [specs]
        try:
            sb.controls.add_faults(specs)
        except TypeError as exc:
            return JSONResponse({"error": f"bad fault spec: {exc}"}, status_code=400)
        return JSONResponse([dataclasses.asdict(f) for f in sb.controls.faults])

    async def clock(request: Request) -> Response:
        data = await _json(request)
        sb.clock.advance(float(data.get("advance", 0)))
        return JSONResponse({"now": sb.clock.now().isoformat(), "time": sb.clock.time()})

    async def expire_tokens(request: Request) -> Response:
        sb.issuer.expire_all_access()
        return JSONResponse({"expired": True})

    async def ratelimits(request: Request) -> Response:
        data = await _json(request)
        if "enabled" in data:
            sb.limiter.enabled = bool(data["enabled"])
        if isinstance(data.get("limits"), dict):
            sb.set_limits(data["limits"])
        if data.get("reset"):
            sb.limiter.reset()
            sb.remaining.clear()
        return JSONResponse({"enabled": sb.limiter.enabled, "limits": sb.limits, "refused": sb.limiter.refused})

    async def books(request: Request) -> Response:
        return Response(dumps(sb.books.to_dict()), media_type=JSON_TYPE)

    async def state(request: Request) -> Response:
        return JSONResponse({"tenant_id": sb.tenant_id, "connection_active": sb.connection["active"],
                             "refreshes": sb.issuer.refresh_count, "replays": sb.idempotency.replays,
                             "limits": sb.limits, "rate_limits_enabled": sb.limiter.enabled,
                             "refused": sb.limiter.refused})

    async def reconnect_org(request: Request) -> Response:
        reconnect(sb)
        return JSONResponse(sb.connection_view())

    async def webhooks(request: Request) -> Response:
        if sb.webhooks is None:
            return JSONResponse({"error": "started without --webhook-url"}, status_code=409)
        return JSONResponse([dataclasses.asdict(d) for d in sb.webhooks.deliveries])

    async def intent(request: Request) -> Response:
        if sb.webhooks is None:
            return JSONResponse({"error": "started without --webhook-url"}, status_code=409)
        return JSONResponse(await sb.webhooks.intent_to_receive())

    async def consent(request: Request) -> Response:
        """The consent flow's switches: ``redirect_uris``, ``auto`` (approve|deny), ``expire_codes``,
        ``legacy_app`` (an app created before 2 March 2026, allowed the broad scopes)."""
        data = await _json(request) if request.method == "POST" else {}
        if "legacy_app" in data:
            sb.legacy_app = bool(data["legacy_app"])
        return JSONResponse({**sb.consent.configure(data), "legacy_app": sb.legacy_app,
                             "connection_active": bool(sb.connection["active"])})

    return [
        Route("/calls", calls, methods=["GET", "DELETE"]),
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/clock", clock, methods=["POST"]),
        Route("/tokens/expire", expire_tokens, methods=["POST"]),
        Route("/ratelimits", ratelimits, methods=["POST"]),
        Route("/books", books, methods=["GET"]),
        Route("/state", state, methods=["GET"]),
        Route("/reconnect", reconnect_org, methods=["POST"]),
        Route("/consent", consent, methods=["GET", "POST"]),
        Route("/webhooks", webhooks, methods=["GET"]),
        Route("/webhooks/intent", intent, methods=["POST"]),
    ]

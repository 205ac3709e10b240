"""What stands in front of the handlers, as Xero's API gateway does: the call log and injected faults (outermost),
then for each API call the bearer token (401), the tenant (403), the limits (429), latency, ``Accept`` and
``Idempotency-Key`` replay. Every API response carries the ``X-*Limit-Remaining`` headers (fact sheet §4).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Callable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.common.faults import Call, Fault
from sandbox.common.idempotency import ReplayMismatch
from sandbox.common.oauth import fingerprint
from sandbox.xero.entities import Ctx
from sandbox.xero.state import XeroSandbox
from sandbox.xero.wire import api_exception, problem, validation_exception

Handler = Callable[[Ctx, bytes], Response]
CALL_INFO = "sandbox.call"  # per-request notes for the call log (tenant, replay, fault)
_HEADER_NAMES = {"minute": "X-MinLimit-Remaining", "day": "X-DayLimit-Remaining",
                 "appminute": "X-AppMinLimit-Remaining"}


class DroppedResponse(ConnectionAbortedError):
    """Raised after half a response has gone out: the server then closes the connection mid-body."""


def quiet_dropped_responses(record: logging.LogRecord) -> bool:
    """A logging filter: a dropped response is an injected fault, not a server error worth a traceback."""
    return not (record.exc_info and isinstance(record.exc_info[1], DroppedResponse))


def limit_headers(remaining: dict[str, int], names: tuple[str, ...] = ("minute", "day", "appminute")
                  ) -> dict[str, str]:
    return {_HEADER_NAMES[n]: str(remaining[n]) for n in names if n in remaining}


def rate_limited(problem_name: str, retry_after: int, remaining: dict[str, int]) -> Response:
    """429 with Retry-After and X-Rate-Limit-Problem (minute|day|concurrent|appminute)."""
    headers = {"Retry-After": str(retry_after), "X-Rate-Limit-Problem": problem_name, **limit_headers(remaining)}
    return Response("Rate limit exceeded", status_code=429, media_type="text/plain; charset=utf-8", headers=headers)


def _fault_response(sb: XeroSandbox, fault: Fault) -> Response:
    if fault.status == 429:
        remaining = sb.last_remaining()
        remaining[fault.problem or "minute"] = 0
        return rate_limited(fault.problem or "minute", fault.retry_after or 60, remaining)
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
    if fault.status == 503:
        return Response("The Xero API is temporarily unavailable", status_code=503,
                        media_type="text/plain; charset=utf-8", headers=headers)
    if fault.status >= 500:
        return Response("An error occurred in Xero. Check the API Status page http://status.developer.xero.com "
                        "for current service status.", status_code=fault.status,
                        media_type="text/plain; charset=utf-8", headers=headers)
    response = api_exception(fault.status, "InjectedFault", f"Injected fault {fault.status}", fault.status)
    if headers:
        response.headers.update(headers)
    return response


class Gateway:
    """ASGI middleware: faults and the call log for every request outside ``/_sandbox``."""

    def __init__(self, app: ASGIApp, sandbox: XeroSandbox) -> None:
        self.app = app
        self.sb = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        info: dict[str, Any] = {"status": None, "note": None, "tenant": None}
        scope[CALL_INFO] = info

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                info["status"] = message["status"]
            await send(message)

        method, path = scope["method"], scope["path"]
        try:
            fault = self.sb.controls.take_fault(method, path)
            if fault is not None and fault.action == "delay":
                info["note"] = f"fault:delay {fault.delay}s"
                await asyncio.sleep(fault.delay)
                fault = None
            if fault is not None and fault.action == "error":
                info["note"] = f"fault:{fault.status}"
                await _fault_response(self.sb, fault)(scope, receive, recording)
            elif fault is not None and fault.action == "drop":
                info["note"] = "fault:drop"
                await self._dropped(scope, receive, send, info)
            else:
                await self.app(scope, receive, recording)
        finally:
            self._record(scope, info)
            if method != "GET":
                self.sb.state_file.mark_dirty()

    async def _dropped(self, scope: Scope, receive: Receive, send: Send, info: dict[str, Any]) -> None:
        """Apply the request, then send the head with the real Content-Length and half the body, and cut."""
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        info["status"] = start.get("status")
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        raise DroppedResponse("sandbox fault: response cut mid-body")

    def _record(self, scope: Scope, info: dict[str, Any]) -> None:
        headers = Headers(scope=scope)
        self.sb.controls.record(Call(
            at=self.sb.clock.time(), method=scope["method"], path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"), status=info["status"] or 0,
            company=info["tenant"] or headers.get("xero-tenant-id"),
            idempotency_key=headers.get("idempotency-key"), note=info["note"]))


def unauthorized(sb: XeroSandbox, authorization: str | None, reason: str) -> Response:
    if reason == "expired" and authorization:
        expired = dt.datetime.fromtimestamp(sb.issuer.expires_at(authorization), tz=dt.timezone.utc)
        detail = f"TokenExpired: token expired at {expired.strftime('%m/%d/%Y %H:%M:%S')}"
    else:
        detail = "AuthenticationUnsuccessful"
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def bearer(sb: XeroSandbox, request: Request) -> tuple[str | None, Response | None]:
    authorization = request.headers.get("authorization")
    ok, reason = sb.issuer.authenticate(authorization)
    if not ok:
        return None, unauthorized(sb, authorization, reason)
    assert authorization is not None
    return authorization[7:].strip(), None


async def guarded(sb: XeroSandbox, request: Request, handler: Handler, *, write: bool = False,
                  raw: bool = False) -> Response:
    """Run ``handler`` as an Accounting API call of the tenant, behind Xero's checks and limits.

    ``raw``: the answer is a file's own bytes (an attachment's content), whatever ``Accept`` asks for."""
    info = request.scope.setdefault(CALL_INFO, {"status": None, "note": None, "tenant": None})
    token, refused = bearer(sb, request)
    if refused is not None:
        return refused
    tenant = (request.headers.get("xero-tenant-id") or "").strip()
    if not tenant and token in sb.cc_tokens:
        tenant = sb.tenant_id  # a custom connection's token names its one organisation
    if tenant.lower() != sb.tenant_id.lower() or not sb.connection["active"]:
        return problem(403, "Forbidden", "AuthenticationUnsuccessful")
    info["tenant"] = sb.tenant_id
    if not sb.limiter.enter(sb.tenant_id):
        info["note"] = "limit:concurrent"
        return rate_limited("concurrent", 1, sb.last_remaining())
    try:
        decision = sb.limiter.check(sb.tenant_id, "tenant")
        sb.remaining.update(decision.remaining)
        headers = limit_headers(decision.remaining)
        if not decision.allowed:
            info["note"] = f"limit:{decision.problem}"
            return rate_limited(decision.problem or "minute", decision.retry_after or 1, decision.remaining)
        if sb.opts.latency_ms:
            await asyncio.sleep(sb.opts.latency_ms / 1000)
        response = await _respond(sb, request, handler, write, info, raw)
        response.headers.update(headers)
        return response
    finally:
        sb.limiter.leave(sb.tenant_id)


async def _respond(sb: XeroSandbox, request: Request, handler: Handler, write: bool, info: dict[str, Any],
                   raw: bool = False) -> Response:
    if not raw and "application/json" not in request.headers.get("accept", "").lower():
        # Xero answers XML unless asked for JSON; this sandbox speaks JSON only, so it says so instead
        return Response("Send 'Accept: application/json': this sandbox serves JSON only (Xero defaults to XML).",
                        status_code=406, media_type="text/plain; charset=utf-8")
    body = await request.body() if write else b""
    key = request.headers.get("idempotency-key") if write else None
    if key is not None:
        if not key.strip() or len(key) > 128:
            return validation_exception([], "The Idempotency-Key header must be 1 to 128 characters long.")
        request_print = fingerprint(request.method, request.url.path, request.url.query, body)
        try:
            stored = sb.idempotency.lookup(sb.tenant_id, key, request_print)
        except ReplayMismatch:
            info["note"] = "idempotency-mismatch"
            return validation_exception([], f"Idempotency Key: {key} is used with a different request.")
        if stored is not None:
            info["note"] = "replay"
            return Response(stored.body, status_code=stored.status, media_type=stored.media_type)
    ctx = sb.ctx()
    response = handler(ctx, body)
    if ctx.changes:
        _announce(sb, request, ctx)
    if key is not None:
        sb.idempotency.store(sb.tenant_id, key, request_print, response.status_code, bytes(response.body),
                             response.media_type or "application/json")
    return response


def _announce(sb: XeroSandbox, request: Request, ctx: Ctx) -> None:
    if sb.webhooks is None:
        return
    base = f"{request.url.scheme}://{request.url.netloc}/api.xro/2.0"
    for change in ctx.changes:
        sb.webhooks.emit(change.category, f"{base}/{change.resource}/{change.record_id}", change.record_id,
                         change.event, ctx.now, change.data)


"""The ASGI layer in front of the routes: what every QuickBooks API call goes through before and after its handler.

In order: injected faults (``/_sandbox/faults``), the bearer token (401, Fault 3200), the realm (403, 3100), the
per-realm windows (500 a minute, 40 batch calls a minute) and the concurrency cap (10 in flight), each refused
with a 429 ThrottleExceeded Fault (3001, no ``Retry-After``: Intuit documents none, fact sheet §4), the extra
``--latency-ms`` (inside the concurrency slot), then ``requestid`` replay around the handler: the first response to a
write is kept and a repeat gets it back with no new state change. Every response carries ``intuit_tid`` and
``QBO-Version``; every call lands in the call log.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl

from sandbox.common.faults import Call, Fault
from sandbox.common.idempotency import ReplayMismatch
from sandbox.quickbooks import errors
from sandbox.quickbooks.runtime import Sandbox
from sandbox.quickbooks.timefmt import envelope_time

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

COMPANY_PATH = re.compile(r"^/v3/company/([^/]+)(/.*)?$")
QBO_VERSION = "1979.172"
REQUEST_ID_LIMIT = 50
BATCH_REQUEST_ID_LIMIT = 36


class ConnectionDropped(Exception):
    """Raised after part of a response was sent, so the server cuts the connection (fault action ``drop``)."""


def intuit_tid() -> str:
    return f"1-{secrets.token_hex(4)}-{secrets.token_hex(12)}"


def fault_body(error: errors.QBError, now: float) -> bytes:
    return json.dumps({"Fault": error.fault(), "time": envelope_time(now)}).encode("utf-8")


class Captured:
    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.decode("latin-1").lower() == name:
                return value.decode("latin-1")
        return None


class Gate:
    def __init__(self, app: ASGIApp, box: Sandbox) -> None:
        self.app = app
        self.box = box

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                      send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method, path = scope["method"], scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        params = dict(parse_qsl(query, keep_blank_values=True))
        match = COMPANY_PATH.match(path)
        realm = match.group(1) if match else None
        request_id = params.get("requestid") if match else None
        call = Call(self.box.clock.time(), method, path, query, 0, realm, request_id)
        response = Captured()
        fault = self.box.controls.take_fault(method, path)
        try:
            if fault is not None and fault.action == "delay":
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.action == "error":
                self._injected(response, fault)
                call.note = f"fault:{fault.status}"
            elif match:
                await self._api(scope, body, response, call, realm or "", request_id,
                                path.endswith("/batch"))
            else:
                await self.app(scope, _replay_body(body), response.send)
            if fault is not None and fault.action == "drop":
                call.note = "fault:drop"
        finally:
            call.status = response.status
            self.box.controls.record(call)
        await self._send(send, response, drop=fault is not None and fault.action == "drop")

    # --- the API path -------------------------------------------------------------------------------------------
    async def _api(self, scope: Scope, body: bytes, response: Captured, call: Call, realm: str,
                   request_id: str | None, batch: bool) -> None:
        box = self.box
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        ok, reason = box.issuer.authenticate(headers.get("authorization"))
        if not ok:
            detail = {"missing": "Authorization header missing or not a bearer token",
                      "invalid": "Token invalid", "expired": "Token expired"}.get(reason, reason)
            self._error(response, errors.authentication(detail))
            call.note = f"auth:{reason}"
            return
        if realm != box.realm_id:
            self._error(response, errors.authorization(f"The token does not grant access to company {realm}"))
            call.note = "realm"
            return
        decision = box.limiter.check(realm, "batch" if batch else "any")
        if not decision.allowed:
            self._error(response, errors.throttled())
            call.note = f"throttled:{decision.problem}"
            return
        if not box.limiter.enter(realm):
            self._error(response, errors.throttled())
            call.note = "throttled:concurrent"
            return
        try:
            if box.opts.latency_ms:
                await asyncio.sleep(box.opts.latency_ms / 1000)
            await self._handle(scope, body, response, call, request_id, batch)
        finally:
            box.limiter.leave(realm)

    async def _handle(self, scope: Scope, body: bytes, response: Captured, call: Call, request_id: str | None,
                      batch: bool) -> None:
        writes = scope["method"] == "POST" and not scope["path"].endswith("/query")
        if not (request_id and writes):
            await self.app(scope, _replay_body(body), response.send)
            return
        limit = BATCH_REQUEST_ID_LIMIT if batch else REQUEST_ID_LIMIT
        if len(request_id) > limit:
            self._error(response, errors.too_long("requestid", limit))
            return
        fingerprint = _fingerprint(scope, body)
        try:
            stored = self.box.replays.lookup(self.box.realm_id, request_id, fingerprint)
        except ReplayMismatch:
            self._error(response, errors.duplicate_request_id(request_id))
            call.note = "requestid:mismatch"
            return
        if stored is not None:
            response.status = stored.status
            response.headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers.items()]
            response.body = stored.body
            call.note = "replay"
            return
        await self.app(scope, _replay_body(body), response.send)
        if response.status < 500:
            self.box.replays.store(self.box.realm_id, request_id, fingerprint, response.status, response.body,
                                   response.header("content-type") or "application/json",
                                   {"content-type": response.header("content-type") or "application/json"})
            self.box.state.mark_dirty()

    # --- responses ----------------------------------------------------------------------------------------------
    def _error(self, response: Captured, error: errors.QBError) -> None:
        response.status = error.status
        response.headers = [(b"content-type", b"application/json;charset=UTF-8")]
        response.body = fault_body(error, self.box.clock.time())

    def _injected(self, response: Captured, fault: Fault) -> None:
        if fault.status == 429:
            self._error(response, errors.throttled())
        elif fault.status == 401:
            self._error(response, errors.authentication("Token invalid"))
        elif fault.status in (502, 503, 504):
            # what a gateway in front of QuickBooks answers: HTML, not a Fault
            response.status = fault.status
            response.headers = [(b"content-type", b"text/html")]
            response.body = (f"<html><body><h1>{fault.status} Service Unavailable</h1>"
                             "<p>The server is temporarily unable to service your request.</p></body></html>").encode()
        else:
            self._error(response, errors.system_failure(fault.status))
        if fault.retry_after is not None:
            response.headers.append((b"retry-after", str(fault.retry_after).encode()))

    async def _send(self, send: Callable[[Message], Awaitable[None]], response: Captured, drop: bool) -> None:
        names = {k.lower() for k, _ in response.headers}
        headers = [(k, v) for k, v in response.headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(response.body)).encode()))
        if b"intuit_tid" not in names:
            headers.append((b"intuit_tid", intuit_tid().encode()))
        if b"qbo-version" not in names:
            headers.append((b"QBO-Version", QBO_VERSION.encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        if drop:
            await send({"type": "http.response.body", "body": response.body[:len(response.body) // 2],
                        "more_body": True})
            raise ConnectionDropped("fault injected: connection cut after the request was applied")
        await send({"type": "http.response.body", "body": response.body})


def _replay_body(body: bytes) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # like a client that keeps the connection open
        return {"type": "http.disconnect"}

    return receive


def _fingerprint(scope: Scope, body: bytes) -> str:
    params = sorted((k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                    if k.lower() != "requestid")
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], json.dumps(params), body):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()

"""The Xero sandbox: ``python -m sandbox xero --port 8701 [--seed N --size N --state DIR --rate-limits real|off
--truth FILE --latency-ms N --webhook-url URL --webhook-key KEY]``.

Paths as the real API: ``GET /identity/connect/authorize`` (consent page), ``POST /connect/token``,
``POST /connect/revocation``, ``GET /connections``, ``DELETE /connections/{id}``, and under
``/api.xro/2.0``: Contacts, Invoices, CreditNotes, Payments, BankTransactions, ManualJournals, Items (list, get, PUT,
POST, History), Overpayments and Prepayments (read, Allocations), Accounts (read, PUT, POST), Currencies (read,
PUT), TaxRates, TrackingCategories and Organisation (read); ``DELETE /Items/{id}``; ``/Attachments`` of invoices,
credit notes, bank transactions and manual journals; ``/Allocations`` of credit notes, overpayments and
prepayments. Test controls live under ``/_sandbox/`` (``sandbox.xero.controls``).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from sandbox.options import SandboxOptions
from sandbox.xero import allocations, api, attachments, controls, identity, tracking
from sandbox.xero.gateway import Gateway, guarded, quiet_dropped_responses
from sandbox.xero.state import XeroSandbox
from sandbox.xero.wire import not_found, parse_modified_since

API = "/api.xro/2.0"


def _method_not_allowed() -> Response:
    return Response("The requested method is not supported by this resource", status_code=405,
                    media_type="text/plain; charset=utf-8")


def _routes(sb: XeroSandbox) -> list[Any]:
    async def collection(request: Request) -> Response:
        entity = sb.registry.get(request.path_params["collection"])
        method = request.method
        if entity is None:
            return await guarded(sb, request, lambda ctx, body: not_found())
        if method == "GET":
            since = parse_modified_since(request.headers.get("if-modified-since"))
            return await guarded(sb, request,
                                 lambda ctx, body: api.list_records(ctx, entity, request.query_params, since))
        if entity.writer is None:
            return await guarded(sb, request, lambda ctx, body: _method_not_allowed())
        return await guarded(sb, request, lambda ctx, body: api.write_batch(ctx, entity, method, body,
                                                                            request.query_params), write=True)

    async def record(request: Request) -> Response:
        entity = sb.registry.get(request.path_params["collection"])
        key = request.path_params["key"]
        if entity is None:
            return await guarded(sb, request, lambda ctx, body: not_found())
        if request.method == "GET":
            return await guarded(sb, request, lambda ctx, body: api.get_one(ctx, entity, key, request.query_params))
        if request.method == "DELETE" and entity.deletable is not None:
            return await guarded(sb, request, lambda ctx, body: api.delete_one(ctx, entity, key), write=True)
        if request.method != "POST" or entity.writer is None:
            return await guarded(sb, request, lambda ctx, body: _method_not_allowed(), write=True)
        return await guarded(sb, request, lambda ctx, body: api.write_batch(
            ctx, entity, "POST", body, request.query_params, path_key=key), write=True)

    def api_base(request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}{API}"

    async def sub_resource(request: Request) -> Response:
        entity = sb.registry.get(request.path_params["collection"])
        key, sub, method = request.path_params["key"], request.path_params["sub"].lower(), request.method
        if entity is None or not (sub == "history" or (sub == "attachments" and entity.attachments) or
                                  (sub == "allocations" and entity.allocations) or
                                  (sub == "options" and entity.options)):
            return await guarded(sb, request, lambda ctx, body: not_found())
        if sub == "history":
            if method == "GET":
                return await guarded(sb, request, lambda ctx, body: api.get_history(ctx, entity, key))
            if method == "PUT":
                return await guarded(sb, request, lambda ctx, body: api.put_history(ctx, entity, key, body),
                                     write=True)
        elif sub == "attachments" and method == "GET":
            base = api_base(request)
            return await guarded(sb, request, lambda ctx, body: attachments.list_for(ctx, entity, key, base))
        elif sub == "allocations" and method == "PUT":
            return await guarded(sb, request, lambda ctx, body: allocations.put(ctx, entity, key, body,
                                                                                request.query_params), write=True)
        elif sub == "options" and method == "PUT":
            return await guarded(sb, request, lambda ctx, body: tracking.write_option(ctx, key, None, body),
                                 write=True)
        return await guarded(sb, request, lambda ctx, body: _method_not_allowed(), write=method != "GET")

    async def sub_item(request: Request) -> Response:
        """``/{collection}/{key}/Attachments/{FileName|AttachmentID}``, ``/Allocations/{AllocationID}`` and
        ``/Options/{TrackingOptionID}``."""
        entity = sb.registry.get(request.path_params["collection"])
        key, sub, name = request.path_params["key"], request.path_params["sub"].lower(), request.path_params["name"]
        method = request.method
        if entity is None or not ((sub == "attachments" and entity.attachments) or
                                  (sub == "allocations" and entity.allocations) or
                                  (sub == "options" and entity.options)):
            return await guarded(sb, request, lambda ctx, body: not_found())
        if sub == "attachments" and method == "GET":
            return await guarded(sb, request, lambda ctx, body: attachments.content(ctx, entity, key, name),
                                 raw=True)
        if sub == "attachments" and method in ("PUT", "POST"):
            base, kind = api_base(request), request.headers.get("content-type")
            return await guarded(sb, request, lambda ctx, body: attachments.upload(
                ctx, entity, key, name, body, kind, request.query_params, base), write=True)
        if sub == "allocations" and method == "DELETE":
            return await guarded(sb, request, lambda ctx, body: allocations.delete(ctx, entity, key, name),
                                 write=True)
        if sub == "options" and method == "POST":
            return await guarded(sb, request, lambda ctx, body: tracking.write_option(ctx, key, name, body),
                                 write=True)
        return await guarded(sb, request, lambda ctx, body: _method_not_allowed(), write=method != "GET")

    async def token(request: Request) -> Response:
        return await identity.token(request, sb)

    async def connections(request: Request) -> Response:
        return await identity.connections(request, sb)

    async def disconnect(request: Request) -> Response:
        return await identity.disconnect(request, sb)

    async def authorize(request: Request) -> Response:
        return await identity.authorize(request, sb)

    async def consent(request: Request) -> Response:
        return await identity.consent(request, sb)

    async def revocation(request: Request) -> Response:
        return await identity.revocation(request, sb)

    return [
        Route("/identity/connect/authorize", authorize, methods=["GET"]),
        Route("/identity/connect/consent", consent, methods=["POST"]),
        Route("/connect/token", token, methods=["POST"]),
        Route("/connect/revocation", revocation, methods=["POST"]),
        Route("/connections", connections, methods=["GET"]),
        Route("/Connections", connections, methods=["GET"]),
        Route("/connections/{id}", disconnect, methods=["DELETE"]),
        Route("/Connections/{id}", disconnect, methods=["DELETE"]),
        Route(API + "/{collection}", collection, methods=["GET", "PUT", "POST"]),
        Route(API + "/{collection}/{key}", record, methods=["GET", "POST", "PUT", "DELETE"]),
        Route(API + "/{collection}/{key}/{sub}", sub_resource, methods=["GET", "PUT", "POST", "DELETE"]),
        Route(API + "/{collection}/{key}/{sub}/{name}", sub_item, methods=["GET", "PUT", "POST", "DELETE"]),
        Mount("/_sandbox", routes=controls.routes(sb)),
    ]


def build(opts: SandboxOptions) -> tuple[Any, dict[str, Any]]:
    """The ASGI app and the start-up line (``{base}`` is replaced by the runner with scheme://host:port)."""
    sb = XeroSandbox(opts)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # added here, once the server has configured its logging
        logging.getLogger("uvicorn.error").addFilter(quiet_dropped_responses)
        if sb.webhooks is not None:
            sb.webhooks.start()
        try:
            yield
        finally:
            if sb.webhooks is not None:
                await sb.webhooks.stop()
            sb.state_file.flush()

    async def http_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code == 405:
            return _method_not_allowed()
        return not_found()

    app = Starlette(routes=_routes(sb), lifespan=lifespan, exception_handlers={HTTPException: http_error})
    app.state.sandbox = sb
    return Gateway(app, sb), sb.startup_line()


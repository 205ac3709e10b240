"""``python -m sandbox quickbooks``: a local QuickBooks Online Accounting API v3 (fact sheet:
../shared/reference/quickbooks-api.md; entity shapes: Intuit's XSDs). ``build`` makes the app and the start-up line.

Layout: ``routes`` (OAuth + ``/v3/company/{realmId}``: query, cdc, batch, upload/download, entities; the temporary
file links), ``gate`` (auth, throttling, latency, faults, ``requestid`` replay, call log), ``operations`` (what each
call does), ``entities`` (one declaration per entity) with their behaviour: ``names`` (Customer, Vendor), ``lists``
(Item, Account, Term, Class, Department, CompanyCurrency), ``transactions`` (Invoice, Bill, CreditMemo,
VendorCredit), ``payments`` (Payment, BillPayment), ``banking`` (Purchase, Deposit), ``journals`` (JournalEntry),
``attachments`` (Attachable) and ``lines`` / ``refs`` (what transactions share), ``query`` (the query language),
``schema`` (requests read against the XSD index), ``store`` (the books), ``seed`` / ``seed_more`` (reference data
and generated books), ``runtime`` (making and saving it all), ``webhooks`` and ``controls`` (``/_sandbox/...``).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import Response

from sandbox.options import SandboxOptions
from sandbox.quickbooks import errors, runtime
from sandbox.quickbooks.controls import controls_router
from sandbox.quickbooks.gate import Gate
from sandbox.quickbooks.routes import api_router, fault_response, files_router, oauth_router

log = logging.getLogger(__name__)


def build(opts: SandboxOptions) -> tuple[Any, dict[str, Any]]:
    box = runtime.create(opts)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        box.state.flush()

    app = FastAPI(title="QuickBooks Online sandbox (ledgerbridge)", lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url=None)

    @app.exception_handler(errors.QBError)
    async def qb_error(_: Request, exc: errors.QBError) -> Response:
        return fault_response(box, exc)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> Response:
        log.exception("quickbooks sandbox: unexpected error")
        return fault_response(box, errors.system_failure())

    app.include_router(oauth_router(box))
    app.include_router(controls_router(box))
    app.include_router(files_router(box))
    app.include_router(api_router(box))
    app.state.sandbox = box

    line = {
        "ledger": "quickbooks",
        "base_url": "{base}",
        "token_url": "{base}/oauth2/v1/tokens/bearer",
        "client_id": box.issuer.client_id,
        "client_secret": box.issuer.client_secret,
        "refresh_token": box.refresh_token,
        "realm_id": box.realm_id,
        "discovery_url": "{base}/.well-known/openid_configuration",
        "revoke_url": "{base}/v2/oauth2/tokens/revoke",
        "authorize_url": "{base}/connect/oauth2",
        "webhook_verifier": box.notifier.verifier,
        "minorversion": 75,
    }
    return Gate(app, box), line

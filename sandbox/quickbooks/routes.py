"""The QuickBooks endpoints: OAuth 2.0 (token, revoke, discovery) and the Accounting API under
``/v3/company/{realmId}`` (fact sheet §2, §3, §5). Handlers are ``async`` so the books change only on the event loop.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from sandbox.common.consent import AuthorizeRefused, error_page
from sandbox.common.oauth import OAuthError
from sandbox.quickbooks import errors
from sandbox.quickbooks.entities import Kind
from sandbox.quickbooks.runtime import Sandbox
from sandbox.quickbooks.timefmt import envelope_time

REFRESH_EXPIRES_IN = 8726400  # what Intuit answers (about 101 days, rolling), fact sheet §5
JSON_TYPE = "application/json;charset=UTF-8"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # JSON numbers as QuickBooks writes them (150.0, 12.5); exact for money at two places
        return float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, default=_default, separators=(",", ":")).encode("utf-8")


def envelope(box: Sandbox, body: dict[str, Any], status: int = 200) -> Response:
    return Response(dumps({**body, "time": envelope_time(box.clock.time())}), status_code=status,
                    media_type=JSON_TYPE)


def fault_response(box: Sandbox, error: errors.QBError) -> Response:
    return envelope(box, {"Fault": error.fault()}, error.status)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise errors.QBError("2010", "Request has invalid or unsupported property",
                             f"Property Name:{type(exc).__name__}: {exc} specified is unsupported or invalid") from exc


def oauth_router(box: Sandbox) -> APIRouter:
    router = APIRouter()

    @router.get("/connect/oauth2")
    async def authorize(request: Request) -> Response:
        """appcenter.intuit.com/connect/oauth2: the consent page; the redirect carries code, state and realmId."""
        try:
            kind, value = box.consent.authorize(dict(request.query_params))
        except AuthorizeRefused as exc:
            return HTMLResponse(error_page(exc), status_code=400)
        if kind == "redirect":
            return RedirectResponse(value, status_code=302)
        return HTMLResponse(value)

    @router.post("/connect/consent")
    async def consent(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        try:
            return RedirectResponse(box.consent.consent(form), status_code=302)
        except AuthorizeRefused as exc:
            return HTMLResponse(error_page(exc), status_code=400)

    @router.post("/oauth2/v1/tokens/bearer")
    async def token(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        try:
            box.issuer.check_client(request.headers.get("authorization"), form)
            grant = form.get("grant_type")
            if grant == "authorization_code":
                entry = box.consent.redeem(form.get("code"), form.get("redirect_uri"), form.get("code_verifier"),
                                           box.issuer.client_id, box.issuer.revoke)
                access, refresh = box.issuer.issue_for_code(entry.scope)
                entry.tokens += [access.token, refresh]
                box.granted_at = box.clock.time()  # the 5-year cap counts from this consent
            elif grant == "refresh_token":
                access, refresh = box.issuer.refresh(form.get("refresh_token"))
            else:
                raise OAuthError(400, "unsupported_grant_type" if grant else "invalid_request")
        except OAuthError as exc:
            return JSONResponse(exc.body(), status_code=exc.status)
        box.state.mark_dirty()
        body: dict[str, Any] = {"token_type": "bearer", "access_token": access.token, "refresh_token": refresh,
                                "expires_in": box.issuer.policy.access_ttl,
                                "x_refresh_token_expires_in": REFRESH_EXPIRES_IN}
        if request.headers.get("x-include-refresh-token-hard-expires-in", "").lower() == "true":
            body["x_refresh_token_hard_expires_in"] = box.hard_expires_in()
        return JSONResponse(body, headers={"cache-control": "no-store", "pragma": "no-cache"})

    @router.post("/v2/oauth2/tokens/revoke")
    async def revoke(request: Request) -> Response:
        try:
            box.issuer.check_client(request.headers.get("authorization"), {})
        except OAuthError as exc:
            return JSONResponse(exc.body(), status_code=exc.status)
        body = await request.body()
        try:
            token = json.loads(body or b"{}").get("token")
        except (ValueError, AttributeError):
            token = None
        if not token:
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        box.issuer.revoke(str(token))
        box.state.mark_dirty()
        return Response(status_code=200)

    @router.get("/.well-known/openid_configuration")
    @router.get("/.well-known/openid_sandbox_configuration")
    async def discovery(request: Request) -> Response:
        """What intuit-oauth's AuthClient reads on construction; point its ``environment`` here."""
        base = str(request.base_url).rstrip("/")
        return JSONResponse({
            "issuer": f"{base}/op/v1", "authorization_endpoint": f"{base}/connect/oauth2",
            "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
            "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
            "revocation_endpoint": f"{base}/v2/oauth2/tokens/revoke", "jwks_uri": f"{base}/op/v1/jwks",
            "response_types_supported": ["code"], "grant_types_supported": ["authorization_code", "refresh_token"],
            "scopes_supported": ["openid", "email", "profile", "address", "phone",
                                 "com.intuit.quickbooks.accounting"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        })

    return router


def api_router(box: Sandbox) -> APIRouter:
    company = box.company

    async def note_base_url(request: Request) -> None:
        # download links point back at this server, as the client reached it
        company.base_url = str(request.base_url).rstrip("/")

    router = APIRouter(prefix="/v3/company/{realm_id}", dependencies=[Depends(note_base_url)])

    @router.get("/query")
    @router.post("/query")
    async def query(request: Request, realm_id: str) -> Response:
        text = request.query_params.get("query")
        if request.method == "POST":
            raw = (await request.body()).decode("utf-8", "replace").strip()
            text = raw or text
        return envelope(box, company.query(text or ""))

    @router.get("/cdc")
    async def cdc(request: Request, realm_id: str) -> Response:
        params = request.query_params
        return envelope(box, company.cdc(params.get("entities"), params.get("changedSince")))

    @router.post("/batch")
    async def batch(request: Request, realm_id: str) -> Response:
        return envelope(box, company.batch(await _json_body(request)))

    @router.get("/companyinfo/{record_id}")
    async def company_info(realm_id: str, record_id: str) -> Response:
        if record_id != realm_id:
            raise errors.not_found("CompanyInfo", record_id)
        return envelope(box, company.singleton(company.definition("CompanyInfo")))

    @router.get("/preferences")
    async def preferences(realm_id: str) -> Response:
        return envelope(box, company.singleton(company.definition("Preferences")))

    @router.post("/upload")
    async def upload(request: Request, realm_id: str) -> Response:
        return envelope(box, company.upload(request.headers.get("content-type"), await request.body()))

    @router.get("/download/{record_id}")
    async def download(realm_id: str, record_id: str) -> Response:
        """A temporary URL for the file's bytes, as plain text (DCOPY attachable: "Download an Attachment")."""
        return Response(company.download_link(record_id), media_type="text/plain;charset=UTF-8")

    @router.get("/{entity}/{record_id}")
    async def read(entity: str, record_id: str, realm_id: str) -> Response:
        definition = company.entity_for_path(entity)
        if definition.kind is Kind.SINGLETON:
            raise errors.unsupported_operation(f"read of {definition.name} by id")
        return envelope(box, company.read(definition, record_id))

    @router.post("/{entity}")
    async def write(request: Request, entity: str, realm_id: str) -> Response:
        definition = company.entity_for_path(entity)
        params = request.query_params
        return envelope(box, company.write(definition, await _json_body(request), params.get("operation"),
                                           params.get("include")))

    @router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    async def unsupported(rest: str, realm_id: str) -> Response:
        raise errors.unsupported_operation(rest)

    return router


def files_router(box: Sandbox) -> APIRouter:
    """Where a TempDownloadUri leads (Intuit serves these from its file store, signed and short-lived): no bearer
    token, the signature is the permission."""
    router = APIRouter()

    @router.get("/attachments/{realm_id}/{record_id}/{file_name}")
    async def attachment(realm_id: str, record_id: str, file_name: str, Expires: str = "",  # noqa: N803
                         Signature: str = "") -> Response:  # noqa: N803
        found = box.company.file(record_id, Expires, Signature) if realm_id == box.realm_id else None
        if found is None:
            body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                    "<Message>Request has expired or the signature does not match</Message></Error>")
            return Response(body, status_code=403, media_type="application/xml")
        content, content_type = found
        return Response(content, media_type=content_type,
                        headers={"content-disposition": f'attachment; filename="{file_name}"'})

    return router

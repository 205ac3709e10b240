"""Test controls under ``/_sandbox/`` (not part of QuickBooks): the call log, injected faults, the clock, token
expiry, rate limits, a hard delete as the QuickBooks UI would do it, webhook deliveries and a dump of the books."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import Response

from sandbox.common.faults import Fault
from sandbox.quickbooks import errors
from sandbox.quickbooks.entities import ENTITIES
from sandbox.quickbooks.routes import dumps
from sandbox.quickbooks.runtime import Sandbox
from sandbox.quickbooks.store import deleted_stub


def controls_router(box: Sandbox) -> APIRouter:
    router = APIRouter(prefix="/_sandbox")

    @router.get("/calls")
    async def calls() -> list[dict[str, Any]]:
        return box.controls.calls_since(box.calls_cleared_at)

    @router.delete("/calls")
    async def clear_calls() -> dict[str, int]:
        box.calls_cleared_at = len(box.controls.calls)
        return {"cleared": box.calls_cleared_at}

    @router.post("/faults")
    async def faults(specs: Any = Body(...)) -> dict[str, int]:
        items = specs.get("faults", [specs]) if isinstance(specs, dict) else specs
        try:
            box.controls.add_faults([dict(s) for s in items])
        except TypeError as exc:
            raise HTTPException(400, f"bad fault spec: {exc} (fields: {list(Fault.__dataclass_fields__)})") from exc
        return {"pending": len(box.controls.faults)}

    @router.delete("/faults")
    async def clear_faults() -> dict[str, int]:
        for fault in list(box.controls.faults):
            box.controls.faults.remove(fault)
        return {"pending": 0}

    @router.post("/clock")
    async def clock(body: dict[str, Any] = Body(...)) -> dict[str, float]:
        box.clock.advance(float(body.get("advance", 0)))
        return {"now": box.clock.time()}

    @router.post("/consent")
    async def consent(body: dict[str, Any] = Body(default={})) -> dict[str, Any]:
        """The consent flow's switches: ``redirect_uris``, ``auto`` (approve|deny), ``expire_codes``."""
        assert box.consent is not None
        return box.consent.configure(body)

    @router.post("/tokens/expire")
    async def expire() -> dict[str, bool]:
        box.issuer.expire_all_access()
        return {"expired": True}

    @router.post("/ratelimits")
    async def ratelimits(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        if "enabled" in body:
            box.limiter.enabled = bool(body["enabled"])
        if body.get("reset"):
            box.limiter.reset()
        return {"enabled": box.limiter.enabled, "refused": box.limiter.refused}

    @router.post("/hard-delete")
    async def hard_delete(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        try:
            deleted = box.company.hard_delete(str(body.get("entity", "")), str(body.get("id", "")))
        except errors.QBError as exc:
            raise HTTPException(400, exc.detail) from exc
        if not deleted:
            raise HTTPException(404, "no such record")
        return {"deleted": True}

    @router.get("/webhooks")
    async def webhooks() -> list[dict[str, Any]]:
        return box.notifier.deliveries

    @router.get("/books")
    async def books() -> Response:
        out: dict[str, Any] = {"realm_id": box.realm_id}
        for name, definition in ENTITIES.items():
            out[name] = [box.company.render(definition, r) for r in box.company.books.all(name)]
        out["deleted"] = [{"entity": t.entity, **deleted_stub(t.entity, t.id, t.deleted_at)}
                          for t in box.company.books.tombstones]
        return Response(dumps(out), media_type="application/json")

    return router

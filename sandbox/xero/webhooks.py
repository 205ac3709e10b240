"""Webhook events after changes (fact sheet §6; spec xero-webhooks.yaml ``WebhookEvent``).

Events are thin (``resourceUrl``, ``resourceId``, ``eventType`` CREATE|UPDATE, ``eventCategory`` CONTACT|INVOICE|
CREDITNOTE, the last with ``data: {Type, Status}``)
and signed ``x-xero-signature = base64(HMAC-SHA256(webhook key, raw body))``. Delivery runs in a background task,
batched for a moment, so a handler never waits for the receiver; failed deliveries are retried a few times.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)


def sign(key: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def new_key() -> str:
    """A signing key shaped like Xero's (88 base64 characters)."""
    return base64.b64encode(secrets.token_bytes(64)).decode()


@dataclass
class Delivery:
    first: int
    last: int
    status: int | None
    attempts: int
    events: int


@dataclass
class WebhookSender:
    url: str
    key: str
    tenant_id: str
    batch_seconds: float = 0.2
    retries: int = 3
    sequence: int = 0
    deliveries: list[Delivery] = field(default_factory=list)
    _queue: asyncio.Queue[dict[str, Any]] | None = None
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def emit(self, category: str, resource_url: str, resource_id: str, event_type: str, at: dt.datetime,
             data: dict[str, Any] | None = None) -> None:
        if self._queue is None:
            return
        event: dict[str, Any] = {
            "resourceUrl": resource_url, "resourceId": resource_id,
            "eventDateUtc": at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
            "eventType": event_type, "eventCategory": category, "tenantId": self.tenant_id,
            "tenantType": "ORGANISATION",
        }
        if data is not None:
            event["data"] = data  # CREDITNOTE events: {Type, Status}
        self._queue.put_nowait(event)

    async def _run(self) -> None:
        assert self._queue is not None
        async with httpx.AsyncClient(timeout=5.0) as client:  # Xero gives the receiver 5 s
            while True:
                events = [await self._queue.get()]
                await asyncio.sleep(self.batch_seconds)
                while not self._queue.empty():
                    events.append(self._queue.get_nowait())
                first = self.sequence + 1
                self.sequence += len(events)
                payload = {"events": events, "firstEventSequence": first, "lastEventSequence": self.sequence,
                           "entropy": secrets.token_urlsafe(15)}
                await self._deliver(client, json.dumps(payload).encode(), first, len(events))

    async def _deliver(self, client: httpx.AsyncClient, body: bytes, first: int, count: int) -> None:
        status: int | None = None
        attempt = 0
        for attempt in range(1, self.retries + 1):
            try:
                response = await client.post(self.url, content=body, headers={
                    "Content-Type": "application/json", "x-xero-signature": sign(self.key, body)})
                status = response.status_code
                if status < 300:
                    break
            except httpx.HTTPError as exc:
                log.warning("webhook delivery to %s failed: %s", self.url, exc)
            await asyncio.sleep(0.5 * attempt)
        self.deliveries.append(Delivery(first, first + count - 1, status, attempt, count))

    async def intent_to_receive(self) -> dict[str, Any]:
        """Xero's validation: one correctly and one wrongly signed empty payload; expect 200 then 401."""
        results: dict[str, Any] = {}
        async with httpx.AsyncClient(timeout=5.0) as client:
            for name, key in (("signed", self.key), ("badly_signed", new_key())):
                body = json.dumps({"events": [], "firstEventSequence": 0, "lastEventSequence": 0,
                                   "entropy": secrets.token_urlsafe(15)}).encode()
                try:
                    response = await client.post(self.url, content=body, headers={
                        "Content-Type": "application/json", "x-xero-signature": sign(key, body)})
                    results[name] = response.status_code
                except httpx.HTTPError as exc:
                    results[name] = str(exc)
        results["ok"] = results.get("signed") == 200 and results.get("badly_signed") == 401
        return results

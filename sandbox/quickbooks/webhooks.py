"""Change notifications in Intuit's legacy ``eventNotifications`` format (fact sheet §6).

Changes are gathered for a moment (QuickBooks aggregates too; the sandbox company is near real time) and POSTed
to ``--webhook-url`` with ``intuit-signature = base64(HMAC-SHA256(verifier token, raw body))``. A failed delivery
is retried a few times, quickly; deliveries are listed under ``GET /_sandbox/webhooks``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import uuid
from typing import Any

import httpx

from sandbox.common.clock import Clock
from sandbox.quickbooks.entities import ENTITIES
from sandbox.quickbooks.timefmt import webhook_time

log = logging.getLogger(__name__)
GATHER_SECONDS = 0.2
RETRY_DELAYS = (0.5, 2.0)


def sign(verifier: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(verifier.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


class Notifier:
    def __init__(self, url: str | None, verifier: str, realm_id: str, clock: Clock) -> None:
        self.url = url
        self.verifier = verifier
        self.realm_id = realm_id
        self.clock = clock
        self.pending: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []
        self._task: asyncio.Task[None] | None = None

    def listen(self, entity: str, record_id: str, operation: str, when: float) -> None:
        definition = ENTITIES.get(entity)
        if not self.url or definition is None or not definition.webhooks:
            return
        self.pending.append({"name": entity, "id": record_id, "operation": operation,
                             "lastUpdated": webhook_time(when)})
        if self._task is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # seeding, before the server runs: no notifications
            self._task = loop.create_task(self._deliver_later())

    async def _deliver_later(self) -> None:
        await asyncio.sleep(GATHER_SECONDS)
        events, self.pending = self.pending, []
        self._task = None
        if events:
            await self.deliver(events)

    async def deliver(self, events: list[dict[str, Any]]) -> None:
        assert self.url is not None
        body = json.dumps({"eventNotifications": [{"realmId": self.realm_id,
                                                   "dataChangeEvent": {"entities": events}}]}).encode("utf-8")
        headers = {
            "content-type": "application/json; charset=utf-8",
            "intuit-signature": sign(self.verifier, body),
            "intuit-created-time": webhook_time(self.clock.time()),
            "intuit-t-id": str(uuid.uuid4()),
            "intuit-notification-schema-version": "0.1",
            "user-agent": "intuit_notification_server/0.1",
        }
        record: dict[str, Any] = {"events": len(events), "attempts": 0, "status": None}
        self.deliveries.append(record)
        async with httpx.AsyncClient(timeout=3.0) as client:
            for delay in (0.0, *RETRY_DELAYS):
                await asyncio.sleep(delay)
                record["attempts"] += 1
                try:
                    response = await client.post(self.url, content=body, headers=headers)
                    record["status"] = response.status_code
                    if 200 <= response.status_code < 300:
                        return
                except httpx.HTTPError as exc:
                    record["status"] = f"error: {type(exc).__name__}"
        log.warning("webhook delivery to %s failed after %s attempts", self.url, record["attempts"])

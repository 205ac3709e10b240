"""Replay of a repeated request: Xero's ``Idempotency-Key`` header and QuickBooks' ``requestid`` parameter.

The first response to a key is stored with a fingerprint of the request; a repeat with the same fingerprint gets
that response again with no new state change. A repeat with a different request is the caller's mistake, and each
ledger answers it its own way (``ReplayMismatch``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sandbox.common.clock import Clock


class ReplayMismatch(Exception):
    pass


@dataclass
class StoredResponse:
    status: int
    body: bytes
    media_type: str
    headers: dict[str, str]
    fingerprint: str
    stored_at: float


class IdempotencyCache:
    def __init__(self, clock: Clock, ttl_seconds: float | None) -> None:
        self.clock = clock
        self.ttl = ttl_seconds  # None: kept for the life of the books
        self._entries: dict[tuple[str, str], StoredResponse] = {}
        self._lock = threading.Lock()
        self.replays = 0

    def lookup(self, scope: str, key: str, fingerprint: str) -> StoredResponse | None:
        with self._lock:
            entry = self._entries.get((scope, key))
            if entry is None:
                return None
            if self.ttl is not None and self.clock.time() - entry.stored_at > self.ttl:
                del self._entries[(scope, key)]
                return None
            if entry.fingerprint != fingerprint:
                raise ReplayMismatch(key)
            self.replays += 1
            return entry

    def store(self, scope: str, key: str, fingerprint: str, status: int, body: bytes, media_type: str,
              headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self._entries[(scope, key)] = StoredResponse(status, body, media_type, dict(headers or {}), fingerprint,
                                                         self.clock.time())

    def to_dict(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"scope": s, "key": k, "status": e.status, "body": e.body.decode("utf-8"), "media_type": e.media_type,
                 "headers": e.headers, "fingerprint": e.fingerprint, "stored_at": e.stored_at}
                for (s, k), e in self._entries.items()
            ]

    def load(self, rows: list[dict[str, Any]]) -> None:
        with self._lock:
            for r in rows:
                self._entries[(r["scope"], r["key"])] = StoredResponse(
                    r["status"], r["body"].encode("utf-8"), r["media_type"], r["headers"], r["fingerprint"],
                    r["stored_at"])

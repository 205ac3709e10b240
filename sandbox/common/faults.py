"""Test controls shared by both sandboxes: injected faults and the call log.

Faults make the failure modes of a real API happen on demand: an error status (5xx, 429 with ``Retry-After``), a
slow answer, or a response lost after the ledger applied the request (the connection is cut mid-body), which is
what an idempotency key exists for. The call log lets tests and the demo count what each ledger received.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    action: str  # "error" | "drop" (apply, then cut the response) | "delay"
    method: str | None = None
    path: str | None = None  # regular expression matched against the path (search)
    status: int = 500
    retry_after: int | None = None
    problem: str | None = None  # the rate-limit problem for a 429 ("minute", "day", ...)
    delay: float = 0.0
    times: int = 1

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return not (self.path and not re.search(self.path, path))


@dataclass
class Call:
    at: float
    method: str
    path: str
    query: str
    status: int
    company: str | None
    idempotency_key: str | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return vars(self).copy()


@dataclass
class Controls:
    faults: list[Fault] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_faults(self, specs: list[dict[str, Any]]) -> None:
        with self._lock:
            self.faults.extend(Fault(**spec) for spec in specs)

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def calls_since(self, index: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [c.to_dict() for c in self.calls[index:]]

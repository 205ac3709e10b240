"""Fixed-window call limits and a concurrency cap, per company (tenant / realm) and app-wide.

Both ledgers count calls in fixed windows that start with the first call (so windows reset at different times
per company) and cap calls in flight. A refused call is not counted.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

from sandbox.common.clock import Clock


@dataclass(frozen=True)
class Window:
    name: str  # what X-Rate-Limit-Problem / the error says: "minute", "day", "appminute", "batch"
    seconds: int
    limit: int
    app_wide: bool = False  # counted across every company of the app, not per company
    kinds: frozenset[str] = frozenset({"any"})  # which call kinds it counts ("any" = every call)


@dataclass
class Decision:
    allowed: bool
    problem: str | None = None
    retry_after: int | None = None
    remaining: dict[str, int] = field(default_factory=dict)


class RateLimiter:
    def __init__(self, clock: Clock, windows: list[Window], concurrent: int, enabled: bool = True) -> None:
        self.clock = clock
        self.windows = windows
        self.concurrent = concurrent
        self.enabled = enabled
        self._counts: dict[tuple[str, str], tuple[float, int]] = {}  # (window, key) -> (window start, count)
        self._in_flight: dict[str, int] = {}
        self._lock = threading.Lock()
        self.refused = 0

    def _slot(self, window: Window, key: str, now: float) -> tuple[float, int]:
        slot_key = (window.name, "*" if window.app_wide else key)
        start, count = self._counts.get(slot_key, (now, 0))
        if now - start >= window.seconds:
            start, count = now, 0
        return start, count

    def check(self, key: str, kind: str = "any") -> Decision:
        """Count one call of ``kind`` for company ``key`` if every window allows it."""
        now = self.clock.time()
        with self._lock:
            remaining: dict[str, int] = {}
            applicable = [w for w in self.windows if "any" in w.kinds or kind in w.kinds]
            for window in applicable:
                start, count = self._slot(window, key, now)
                if self.enabled and count >= window.limit:
                    self.refused += 1
                    for w in self.windows:
                        remaining[w.name] = max(0, w.limit - self._slot(w, key, now)[1])
                    retry = max(1, math.ceil(start + window.seconds - now))
                    return Decision(False, window.name, retry, remaining)
            for window in self.windows:
                start, count = self._slot(window, key, now)
                if window in applicable:
                    count += 1
                    self._counts[(window.name, "*" if window.app_wide else key)] = (start, count)
                remaining[window.name] = max(0, window.limit - count)
            return Decision(True, remaining=remaining)

    def enter(self, key: str) -> bool:
        """Start a call for ``key``; False when the concurrency cap is reached (the call is refused)."""
        with self._lock:
            n = self._in_flight.get(key, 0)
            if self.enabled and n >= self.concurrent:
                self.refused += 1
                return False
            self._in_flight[key] = n + 1
            return True

    def leave(self, key: str) -> None:
        with self._lock:
            self._in_flight[key] = max(0, self._in_flight.get(key, 0) - 1)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

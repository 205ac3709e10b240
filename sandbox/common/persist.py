"""``--state DIR``: the books (and the app's OAuth state) outlive a restart.

Saved as JSON (Decimals and datetimes tagged so they come back as such) after each change, debounced, and once
more on shutdown; written to a temporary file and renamed, so a crash leaves the previous copy whole.
"""

from __future__ import annotations

import datetime as dt
import json
import asyncio
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return {"$dec": str(obj)}
    if isinstance(obj, dt.datetime):
        return {"$dt": obj.isoformat()}
    if isinstance(obj, dt.date):
        return {"$date": obj.isoformat()}
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"cannot persist {type(obj).__name__}")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$dec" in obj:
            return Decimal(obj["$dec"])
        if "$dt" in obj:
            return dt.datetime.fromisoformat(obj["$dt"])
        if "$date" in obj:
            return dt.date.fromisoformat(obj["$date"])
    return obj


def dumps(data: Any) -> str:
    return json.dumps(data, default=_default, separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text, object_hook=_hook)


class StateFile:
    """Debounced JSON snapshots of ``snapshot()`` into ``directory/name``.

    The save runs on the server's event loop, where the handlers mutate the books, so a snapshot never sees a
    half-applied change."""

    def __init__(self, directory: str | Path | None, name: str, snapshot: Callable[[], Any],
                 delay: float = 0.3) -> None:
        self.path = Path(directory) / name if directory else None
        self.snapshot = snapshot
        self.delay = delay
        self._pending: asyncio.TimerHandle | None = None

    def exists(self) -> bool:
        return self.path is not None and self.path.exists()

    def load(self) -> Any:
        assert self.path is not None
        return loads(self.path.read_text(encoding="utf-8"))

    def mark_dirty(self) -> None:
        if self.path is None or self._pending is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._pending = loop.call_later(self.delay, self.flush)

    def flush(self) -> None:
        if self.path is None:
            return
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(dumps(self.snapshot()), encoding="utf-8")
        os.replace(tmp, self.path)

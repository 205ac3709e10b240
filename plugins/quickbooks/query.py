"""Building QuickBooks query-language statements safely.

The query language has no bound parameters, so every value goes through :func:`quote`, which escapes the quote
character as the language requires (``\\'``, fact sheet §2.1). Timestamps always carry an explicit offset.
"""

from __future__ import annotations

import datetime as dt


def quote(value: str) -> str:
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def timestamp_literal(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"a QuickBooks timestamp needs a zone: {value!r}")
    return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def in_list(values: list[str]) -> str:
    return "(" + ", ".join(quote(v) for v in values) + ")"

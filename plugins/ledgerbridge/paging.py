"""Keyset paging that stays complete while records change under it.

Page numbers alone are not stable: a record modified during a read moves to the end of an "order by last update"
listing, every later record shifts one place, and the one at the next page boundary is skipped. Instead each page
asks again for records updated at or after the last timestamp seen (both ledgers filter on it), and records seen
at the boundary are dropped when they come back unchanged. When a whole page shares one timestamp, the offset moves
through that timestamp instead, so a page of identical timestamps cannot loop forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterator


@dataclass
class PageRequest:
    since: Any  # cursor value: records with cursor >= since (None: from the beginning)
    offset: int  # records of this request to skip (0-based)
    size: int


def keyset_pages(
    fetch: Callable[[PageRequest], list[dict]],
    *,
    cursor_of: Callable[[dict], Any],
    identity_of: Callable[[dict], Hashable],
    version_of: Callable[[dict], Hashable],
    page_size: int,
    since: Any = None,
    overlap_from: Callable[[Any], Any] = lambda cursor: cursor,
    max_pages: int = 1_000_000,
) -> Iterator[dict]:
    """Yield every record once per version, oldest change first.

    ``overlap_from(cursor)`` is the lowest cursor a request for ``since=cursor`` may return again (a ledger whose
    filter is coarser than its timestamps returns a little before); records from there on are remembered so they
    are not yielded twice.
    """
    offset = 0
    seen: dict[Hashable, Hashable] = {}  # records yielded at or after overlap_from(since)
    for _ in range(max_pages):
        rows = fetch(PageRequest(since, offset, page_size))
        for row in rows:
            ident, version = identity_of(row), version_of(row)
            if seen.get(ident) == version:
                continue
            yield row
            seen[ident] = version
        if len(rows) < page_size:
            return
        last = cursor_of(rows[-1])
        if last == since:
            offset += len(rows)  # a whole page at one cursor value: move through it by offset
        else:
            since, offset = last, 0
            low = overlap_from(last)
            keep = {identity_of(r) for r in rows if cursor_of(r) >= low}
            seen = {k: v for k, v in seen.items() if k in keep}
    raise RuntimeError(f"paging did not finish within {max_pages} pages (a source that ignores its filter?)")

"""Keyset paging over a changing source: nothing skipped, nothing repeated unchanged."""

from __future__ import annotations

from ledgerbridge.paging import PageRequest, keyset_pages


class Source:
    """An in-memory listing ordered by (updated, id) that filters updated >= since, like both ledgers."""

    def __init__(self, n: int) -> None:
        self.rows = {i: {"id": i, "updated": i // 3, "v": 0} for i in range(n)}
        self.clock = n
        self.fetches = 0
        self.on_fetch = None

    def fetch(self, req: PageRequest) -> list[dict]:
        self.fetches += 1
        if self.on_fetch:
            self.on_fetch(self)
        rows = sorted((r for r in self.rows.values() if req.since is None or r["updated"] >= req.since),
                      key=lambda r: (r["updated"], r["id"]))
        return [dict(r) for r in rows[req.offset:req.offset + req.size]]

    def touch(self, ident: int) -> None:
        self.clock += 1
        self.rows[ident]["updated"] = self.clock
        self.rows[ident]["v"] += 1


def read(src: Source, size: int) -> list[dict]:
    return list(keyset_pages(src.fetch, cursor_of=lambda r: r["updated"], identity_of=lambda r: r["id"],
                             version_of=lambda r: r["v"], page_size=size))


def test_reads_everything_once_when_nothing_changes():
    src = Source(95)
    got = read(src, 10)
    assert sorted(r["id"] for r in got) == list(range(95))
    assert len(got) == 95


def test_records_changed_during_the_read_are_not_skipped():
    src = Source(100)
    touched: list[int] = []

    def change_already_read(s: Source) -> None:
        # after the second page, records from the first page change: page numbers would now skip records
        if s.fetches in (3, 4):
            for ident in (0, 1, 2):
                s.touch(ident)
                touched.append(ident)

    src.on_fetch = change_already_read
    got = read(src, 10)
    ids = [r["id"] for r in got]
    assert set(ids) == set(range(100))  # nothing skipped
    latest = {r["id"]: r["v"] for r in got}
    assert latest[0] == src.rows[0]["v"]  # the newest version was read too
    # each (id, version) at most once
    assert len({(r["id"], r["v"]) for r in got}) == len(got)


def test_a_page_of_identical_timestamps_does_not_loop():
    src = Source(0)
    src.rows = {i: {"id": i, "updated": 7, "v": 0} for i in range(35)}
    got = read(src, 10)
    assert sorted(r["id"] for r in got) == list(range(35))

"""The organisation's books: one table of records per entity, plus history records.

Records are kept in the API's own shape (PascalCase keys) with native values (Decimal, date, datetime), so the
renderers only format them; keys starting with ``_`` are the sandbox's bookkeeping and never leave the server.
Ids are looked up without regard to case (Xero ids are GUIDs, and clients send them in either case).
"""

from __future__ import annotations

from typing import Any, Iterator


class Books:
    def __init__(self) -> None:
        self.tables: dict[str, dict[str, dict[str, Any]]] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.seq = 0  # creation order, the default listing order
        self.version = 0  # bumped on every change, for per-request caches

    # --- records ------------------------------------------------------------------------------------------------
    def table(self, name: str) -> dict[str, dict[str, Any]]:
        return self.tables.setdefault(name, {})

    def get(self, name: str, key: str | None) -> dict[str, Any] | None:
        if key is None:
            return None
        return self.tables.get(name, {}).get(str(key).lower())

    def records(self, name: str) -> Iterator[dict[str, Any]]:
        return iter(self.tables.get(name, {}).values())

    def put(self, name: str, key: str, record: dict[str, Any]) -> None:
        """Insert or replace; a new record gets the next creation sequence number."""
        table = self.table(name)
        old = table.get(key.lower())
        if old is None:
            self.seq += 1
            record["_seq"] = self.seq
        else:
            record["_seq"] = old.get("_seq", 0)
        table[key.lower()] = record
        self.version += 1

    def delete(self, name: str, key: str) -> None:
        self.tables.get(name, {}).pop(key.lower(), None)
        self.version += 1

    def find(self, name: str, field: str, value: Any) -> list[dict[str, Any]]:
        return [r for r in self.records(name) if r.get(field) == value]

    # --- history ------------------------------------------------------------------------------------------------
    def add_history(self, key: str, entry: dict[str, Any]) -> None:
        self.history.setdefault(key.lower(), []).append(entry)
        self.version += 1

    def history_of(self, key: str) -> list[dict[str, Any]]:
        return self.history.get(key.lower(), [])

    # --- persistence --------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"tables": self.tables, "history": self.history, "seq": self.seq}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Books:
        books = cls()
        books.tables = data.get("tables", {})
        books.history = data.get("history", {})
        books.seq = data.get("seq", 0)
        return books

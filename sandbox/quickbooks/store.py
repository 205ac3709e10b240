"""The books of one QuickBooks company: records per entity, the ids they were given, and tombstones.

A record keeps only what the entity holds (``data``: XSD field names, normalised values) plus the bookkeeping the
API shows around it (``Id``, ``SyncToken``, ``MetaData``) and a little state the API never shows (``internal``,
e.g. how much of an invoice has been paid). Rendering adds ``domain``/``sparse`` and the fields derived from other
records (a customer's ``Balance``). Deleted transactions leave a tombstone, which only ``cdc`` reveals.

Ids come from sequences shared by a group of entities (name lists share one, transactions another), and a new id
always continues after the highest id ever used in its group, seeded ones included.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Iterator

from sandbox.common.clock import Clock
from sandbox.quickbooks.timefmt import meta_time

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx, EntityDef


@dataclass
class Record:
    entity: str
    id: str
    data: dict[str, Any]
    sync: int = 0
    created: float = 0.0
    updated: float = 0.0
    internal: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "id": self.id, "data": self.data, "sync": self.sync, "created": self.created,
                "updated": self.updated, "internal": self.internal}


@dataclass
class Tombstone:
    entity: str
    id: str
    deleted_at: float


# (entity, id, operation) -> None; operation is Create | Update | Delete | Void (the webhook operation names)
ChangeListener = Callable[[str, str, str, float], None]


class Books:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.records: dict[str, dict[str, Record]] = {}
        self.tombstones: list[Tombstone] = []
        self.sequences: dict[str, int] = {}
        self.version = 0  # bumped on every change; caches of derived values key on it
        self.listeners: list[ChangeListener] = []
        self._derived_cache: dict[str, Any] = {}

    # --- time ---------------------------------------------------------------------------------------------------
    def now(self) -> float:
        """Whole seconds, as MetaData shows them: a ``>=`` on a shown time then always finds its record."""
        return float(int(self.clock.time()))

    # --- reads --------------------------------------------------------------------------------------------------
    def table(self, entity: str) -> dict[str, Record]:
        return self.records.setdefault(entity, {})

    def get(self, entity: str, record_id: str) -> Record | None:
        return self.table(entity).get(str(record_id))

    def all(self, entity: str) -> Iterator[Record]:
        return iter(list(self.table(entity).values()))

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value derived from the books, recomputed only after a change."""
        hit = self._derived_cache.get(key)
        if hit is not None and hit[0] == self.version:
            return hit[1]
        value = compute()
        self._derived_cache[key] = (self.version, value)
        return value

    # --- writes -------------------------------------------------------------------------------------------------
    def next_id(self, group: str) -> str:
        self.sequences[group] = self.sequences.get(group, 0) + 1
        return str(self.sequences[group])

    def note_id(self, group: str, record_id: str) -> None:
        """A seeded id: later ids of the group continue after it."""
        if record_id.isdigit():
            self.sequences[group] = max(self.sequences.get(group, 0), int(record_id))

    def insert(self, definition: EntityDef, data: dict[str, Any], *, record_id: str | None = None,
               at: float | None = None, internal: dict[str, Any] | None = None, notify: bool = True) -> Record:
        when = self.now() if at is None else at
        if record_id is None:
            record_id = self.next_id(definition.id_group)
        else:
            self.note_id(definition.id_group, record_id)
        record = Record(definition.name, record_id, data, 0, when, when, dict(internal or {}))
        self.table(definition.name)[record_id] = record
        self._changed(definition.name, record_id, "Create", when, notify)
        return record

    def replace(self, record: Record, data: dict[str, Any], operation: str = "Update") -> Record:
        record.data = data
        record.sync += 1
        record.updated = max(self.now(), record.updated)
        self._changed(record.entity, record.id, operation, record.updated, True)
        return record

    def delete(self, record: Record) -> Tombstone:
        del self.table(record.entity)[record.id]
        stone = Tombstone(record.entity, record.id, max(self.now(), record.updated))
        self.tombstones.append(stone)
        self._changed(record.entity, record.id, "Delete", stone.deleted_at, True)
        return stone

    def _changed(self, entity: str, record_id: str, operation: str, when: float, notify: bool) -> None:
        self.version += 1
        if notify:
            for listener in self.listeners:
                listener(entity, record_id, operation, when)

    # --- persistence --------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "records": [r.to_dict() for table in self.records.values() for r in table.values()],
            "tombstones": [vars(t) for t in self.tombstones],
            "sequences": self.sequences,
        }

    def load(self, data: dict[str, Any]) -> None:
        self.records.clear()
        for row in data.get("records", []):
            record = Record(**row)
            self.table(record.entity)[record.id] = record
        self.tombstones = [Tombstone(**t) for t in data.get("tombstones", [])]
        self.sequences = dict(data.get("sequences", {}))
        self.version += 1


def render(definition: EntityDef, record: Record, ctx: Ctx) -> dict[str, Any]:
    """The entity as the API shows it (values still Python: ``Decimal`` etc.; see ``app.dumps``)."""
    out: dict[str, Any] = {}
    data = copy.deepcopy(record.data)
    if definition.derive is not None:
        data.update(definition.derive(ctx, record))
    out.update(data)
    out["domain"] = "QBO"
    out["sparse"] = False
    out["Id"] = record.id
    out["SyncToken"] = str(record.sync)
    out["MetaData"] = {"CreateTime": meta_time(record.created), "LastUpdatedTime": meta_time(record.updated)}
    return out


def deleted_stub(entity: str, record_id: str, when: float | None = None) -> dict[str, Any]:
    stub: dict[str, Any] = {"status": "Deleted", "domain": "QBO", "Id": record_id}
    if when is not None:
        stub["MetaData"] = {"LastUpdatedTime": meta_time(when)}
    return stub


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))

"""What an entity is to the pipeline: a small declarative spec, plus the SQL files named after it.

The DAG factory and the generic tasks (staging, quality, matching, deltas, write-back) read only this. Adding an
entity means one spec module, its staging migration and its SQL files — never a copy of the pipeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from reconcile.config import Mappings

LEDGERS = ("xero", "quickbooks")


def other(ledger: str) -> str:
    return "quickbooks" if ledger == "xero" else "xero"


class RecordError(ValueError):
    """A record that cannot be staged or written as it is. It names the record and the field; the record goes
    to the exception queue and the run goes on."""

    def __init__(self, ledger: str, entity: str, record_id: str, field: str | None, message: str, *,
                 label: str | None = None, reason: str = "invalid_field", code: str | None = None) -> None:
        who = f"{ledger} {entity} {record_id}" + (f" ({label})" if label else "")
        super().__init__(f"{who}: {field + ': ' if field else ''}{message}")
        self.ledger = ledger
        self.entity = entity
        self.record_id = record_id
        self.field = field
        self.message = message
        self.label = label
        self.reason = reason
        self.code = code


@dataclass
class WriteContext:
    """What payload builders may consult: the pair's mappings, the ids the other ledger uses, and what each
    ledger's organisation is set up with (home currency)."""

    mappings: Mappings
    # (entity, ledger the id is on, id) -> the linked id on the other ledger
    resolve: Callable[[str, str, str], str | None]
    run_id: str
    homes: dict[str, str] = field(default_factory=dict)  # ledger -> home currency, when known

    def home_currency(self, ledger: str) -> str | None:
        return self.homes.get(ledger)


@dataclass(frozen=True)
class Side:
    """One ledger's half of an entity."""

    ledger: str
    resource: str  # the API's name: "Contacts", "Customer", ...
    # (hook, modified_since) -> raw records, oldest change first
    read: Callable[[Any, dt.datetime | None], Iterator[dict]]
    # (raw record, mappings) -> staged row: {"ledger_id", "version", "updated_at", typed columns...}; RecordError
    normalise: Callable[[dict, Mappings], dict]
    # (staged row of the OTHER ledger, ctx) -> payload creating it on this ledger; RecordError
    create_payload: Callable[[dict, WriteContext], dict] | None = None
    # (staged row of the other ledger, this ledger's current raw record, ctx) -> payload updating it
    update_payload: Callable[[dict, dict, WriteContext], dict] | None = None
    # (this ledger's current raw record) -> payload voiding it
    void_payload: Callable[[dict], dict] | None = None
    # a short human label for a staged row (name / number)
    label: Callable[[dict], str] = lambda row: str(row.get("ledger_id"))
    # which staged rows take part (e.g. sales invoices only); None: all
    include: Callable[[dict], bool] | None = None
    # (hook, create payload) -> the record if this ledger already has it (by name / number): for creates whose
    # answer was lost
    find_existing: Callable[[Any, dict], dict | None] | None = None
    # how this ledger takes a record away when its partner was voided or deleted: "void" or "delete"
    void_operation: str = "void"
    # (create payload, new id, the ledger's answer) -> the id the created record is staged under, when that is not
    # the ledger's own id (a QuickBooks payment is staged per invoice it pays: "<Payment Id>:<Invoice Id>")
    link_id: Callable[[dict, str, dict | None], str] | None = None
    # (hook, changed since) -> ids deleted since then (QuickBooks: hard deletes, seen only through cdc)
    deleted_since: Callable[[Any, Any], list[str]] | None = None
    # which of this ledger's unlinked records are copied to the other (overrides the entity's ``creatable``)
    creatable: Callable[[dict], bool] | None = None
    # (this ledger's staged row) -> why the ledger will not let it be edited now, or None (Xero: a document with
    # payments or credit allocated)
    locked: Callable[[dict], str | None] | None = None


@dataclass(frozen=True)
class EntitySpec:
    name: str  # "contacts"
    columns: tuple[str, ...]  # typed staging columns beyond the common ones
    compare: tuple[str, ...]  # fields compared on linked records
    xero: Side
    quickbooks: Side
    depends_on: tuple[str, ...] = ()
    # staged rows eligible to be created on the other side (e.g. no drafts)
    creatable: Callable[[dict], bool] = lambda row: True
    # fields compared but never written: a difference goes to the exception queue as (reason, message)
    report_only: dict[str, tuple[str, str]] = field(default_factory=dict)
    # report-only fields a create cannot carry (a document's payments): a created record with one is reported
    report_on_create: tuple[str, ...] = ()
    # (ledger created on, new id, run id) -> a note for the source record's history (Xero History), or None
    note_on_source: Callable[[str, str, str], str | None] | None = None
    doc: str = ""
    # the entity whose links translate this entity's contact_id between the ledgers (documents, payments)
    contact_entity: str | None = None
    # records carry a currency: one the receiving ledger has not enabled goes to the exception queue
    references_currency: bool = False
    # entities whose records live in the same ledger resource (Xero Contacts are customers or suppliers): a
    # record linked there is not matched or created here
    siblings: tuple[str, ...] = ()
    # the matching rules (include/sql/match/<matcher>_candidates.sql); the entity's name when None
    matcher: str | None = None
    # the matching rules see deleted records too (a payment deleted on one side pairs with its live partner, which
    # is then deleted rather than copied back)
    match_deleted: bool = False
    # fields holding ids of other entities' records, compared through those entities' links
    reference_entities: dict[str, str] = field(default_factory=dict)

    def reference_entity(self, field_name: str) -> str | None:
        if field_name in self.reference_entities:
            return self.reference_entities[field_name]
        return self.contact_entity if field_name == "contact_id" else None

    def side(self, ledger: str) -> Side:
        return self.xero if ledger == "xero" else self.quickbooks

    def directions(self) -> tuple[str, ...]:
        """The directions this entity can run in: writing into a ledger needs a way to create records there."""
        into_qb, into_xero = self.quickbooks.create_payload is not None, self.xero.create_payload is not None
        return tuple(d for d, ok in (("both", into_qb and into_xero), ("xero_to_quickbooks", into_qb),
                                     ("quickbooks_to_xero", into_xero), ("off", True)) if ok)

    def siblings_on(self, ledger: str) -> list[str]:
        """The sibling entities sharing this entity's resource in ``ledger`` (Xero Contacts: customers and
        suppliers); elsewhere ids of different resources may be equal without being the same record."""
        from reconcile.entities import ENTITIES  # noqa: PLC0415

        resource = self.side(ledger).resource
        return [s for s in self.siblings if s in ENTITIES and ENTITIES[s].side(ledger).resource == resource]

    def stage_table(self, ledger: str) -> str:
        return f"stg_{ledger}_{self.name}"

    @property
    def staged_columns(self) -> tuple[str, ...]:
        return ("ledger_id", "version", "updated_at", *self.columns, "deleted", "raw")

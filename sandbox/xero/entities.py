"""Declarative entity definitions: what an endpoint needs to know about one kind of record.

The generic handlers (``sandbox.xero.api``) list, filter, order, page, read, create, update and keep the history of
any entity from its :class:`Entity`; what is specific to an entity (validation, defaults, computed fields, shape on
the wire) lives in its :class:`Writer` and render function. Adding an entity is one ``Entity(...)`` plus those.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from sandbox.xero.books import Books


class Detail(enum.Enum):
    FULL = "full"  # GET by id and write responses
    PAGE = "page"  # a GET list with ``page``
    UNPAGED = "unpaged"  # a GET list without ``page`` (Invoices then omit line items, fact sheet §2.2)
    SUMMARY = "summary"  # summaryOnly=true


@dataclass
class Change:
    category: str  # webhook eventCategory: CONTACT, INVOICE, CREDITNOTE
    resource: str  # the collection (URL segment)
    record_id: str
    event: str  # CREATE | UPDATE
    data: dict[str, Any] | None = None  # CREDITNOTE events carry {Type, Status} (xero-webhooks.yaml)


@dataclass
class Ctx:
    """What a request's handlers share: the books, the request's clock reading and options, the changes made."""

    books: Books
    now: dt.datetime  # millisecond precision, UTC
    provider: str  # the app name (ProviderName, history User)
    registry: Registry | None = None
    unitdp: int = 2
    include_archived: bool = False  # includeArchived=true on a list (archived tracking options show too)
    changes: list[Change] = field(default_factory=list)
    _cache: dict[str, Any] = field(default_factory=dict)

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        """A value derived from the books, kept until the books change (within this request)."""
        version, value = self._cache.get(name, (None, None))
        if version != self.books.version:
            value = build()
            self._cache[name] = (self.books.version, value)
        return value

    @property
    def organisation(self) -> dict[str, Any]:
        return next(self.books.records("Organisation"))

    @property
    def base_currency(self) -> str:
        return str(self.organisation["BaseCurrency"])

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass
class Outcome:
    """What a writer made of one element of a batch: the record (a draft when there are errors) and its notes."""

    record: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # (Changes, Details); Details may be a function of the saved record (its number is only known then)
    history: list[tuple[str, str | Callable[[dict[str, Any]], str]]] = field(default_factory=list)
    # records of other entities created or changed on the way (an invoice naming a new contact creates it)
    side_effects: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)  # (entity, record, event)


class Writer(Protocol):
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        """For POST without an id: the existing record the payload names by another key (or None: create)."""

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        """Validate ``payload`` and return the record as it would be saved (``existing`` is never mutated)."""

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        """Last touches at save time, once the record is known to be valid (numbering, timestamps)."""


Renderer = Callable[[Ctx, dict[str, Any], Detail], dict[str, Any]]


@dataclass(frozen=True)
class Entity:
    name: str  # URL segment and envelope key ("Invoices")
    singular: str  # type name in messages ("Invoice")
    id_field: str  # "InvoiceID"
    render: Renderer
    fields: frozenset[str]  # top-level names `where` and `order` may use
    view: Callable[[Ctx, dict[str, Any]], dict[str, Any]] | None = None  # record + computed fields, for filtering
    envelope: str | None = None  # envelope key when it differs from the URL ("Organisation" -> "Organisations")
    alt_keys: tuple[str, ...] = ()  # other fields GET /{name}/{key} accepts (InvoiceNumber, Code)
    paged: bool = False
    modified_since: bool = True  # honours If-Modified-Since on UpdatedDateUTC
    archived: Callable[[dict[str, Any]], bool] | None = None  # hidden unless includeArchived=true
    list_filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # query param -> view path (IDs ...)
    search_fields: tuple[str, ...] = ()  # searchTerm looks in these (case-insensitive)
    writer: Writer | None = None  # None: read-only
    webhook: str | None = None  # eventCategory of its webhook events
    history: bool = False
    by_key: bool = True  # GET /{name}/{key} exists (not for Organisation, Currencies)
    # the id is a natural key (a currency Code), not a GUID: naming an unknown one creates, a known one updates
    natural_key: bool = False
    # DELETE /{name}/{key} -> 204 (Items); the function says why a record cannot go (None: it can)
    deletable: Callable[[Ctx, dict[str, Any]], str | None] | None = None
    attachments: bool = False  # /{name}/{key}/Attachments[/{FileName|AttachmentID}]
    allocations: bool = False  # PUT /{name}/{key}/Allocations, DELETE .../Allocations/{AllocationID}
    options: bool = False  # PUT /{name}/{key}/Options, POST .../Options/{TrackingOptionID} (tracking categories)
    webhook_data: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # the ``data`` of its webhook events

    @property
    def envelope_key(self) -> str:
        return self.envelope or self.name

    def view_of(self, ctx: Ctx, record: dict[str, Any]) -> dict[str, Any]:
        return self.view(ctx, record) if self.view else record


class Registry:
    """Entities by URL segment; Xero's paths are case-insensitive (``/api.xro/2.0/invoices`` works)."""

    def __init__(self, entities: list[Entity]) -> None:
        self._by_name = {e.name.lower(): e for e in entities}

    def get(self, name: str) -> Entity | None:
        return self._by_name.get(name.lower())

    def all(self) -> list[Entity]:
        return list(self._by_name.values())


def public(record: dict[str, Any]) -> dict[str, Any]:
    """The record without the sandbox's bookkeeping keys."""
    return {k: v for k, v in record.items() if not k.startswith("_")}

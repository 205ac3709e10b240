"""What the endpoints do, free of HTTP: create, read, full and sparse update, delete, void, query, cdc and batch
over the declared entities. Each returns the JSON-ready body (without ``time``) or raises ``QBError``; the single
endpoints and the batch items share them, so a batch item behaves exactly as the call it stands for.
"""

from __future__ import annotations

import copy
import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.common.clock import Clock
from sandbox.quickbooks import attachments, errors, query, schema
from sandbox.quickbooks.entities import ENTITIES, EntityDef, Kind, lookup
from sandbox.quickbooks.store import Books, Record, deleted_stub, render
from sandbox.quickbooks.timefmt import parse_instant

READ_ONLY = frozenset({"Id", "SyncToken", "MetaData", "domain", "sparse", "status"})
CDC_WINDOW = dt.timedelta(days=30)
CDC_CAP = 1000
BATCH_LIMIT = 30
LONDON = ZoneInfo("Europe/London")


@dataclass
class Company:
    """One realm's books and settings; implements ``entities.Ctx`` for the behaviour functions."""

    realm_id: str
    books: Books
    clock: Clock
    home_currency: str = "GBP"
    base_url: str = ""  # where clients reach this sandbox (set from each API request): download links use it
    file_secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))  # signs temporary download links

    def definition(self, name: str) -> EntityDef:
        return ENTITIES[name]

    def enabled_currencies(self) -> set[str]:
        """The home currency and the active CompanyCurrency codes (multicurrency is on in these books)."""
        def compute() -> set[str]:
            return {self.home_currency} | {str(r.data.get("Code")) for r in self.books.all("CompanyCurrency")
                                           if r.data.get("Active", True)}

        return set(self.books.cached("currencies", compute))

    def today(self) -> dt.date:
        return self.clock.now().astimezone(LONDON).date()

    def default_term_id(self) -> str | None:
        prefs = next(self.books.all("Preferences"), None)
        ref = ((prefs.data.get("SalesFormsPrefs") or {}).get("DefaultTerms") or {}) if prefs else {}
        return ref.get("value")

    # --- helpers ------------------------------------------------------------------------------------------------
    def entity_for_path(self, path: str) -> EntityDef:
        definition = lookup(path)
        if definition is None or definition.path != path.lower():
            raise errors.unsupported_operation(path)
        return definition

    def render(self, definition: EntityDef, record: Record) -> dict[str, Any]:
        return render(definition, record, self)

    def _existing(self, definition: EntityDef, body: dict[str, Any]) -> Record:
        record_id = body.get("Id")
        if record_id in (None, ""):
            raise errors.required("Id")
        record = self.books.get(definition.name, str(record_id))
        if record is None:
            raise errors.not_found(definition.name, str(record_id))
        token = body.get("SyncToken")
        if token in (None, ""):
            raise errors.required("SyncToken")
        if str(token) != str(record.sync):
            raise errors.stale(definition.name)
        return record

    def _unique(self, definition: EntityDef, data: dict[str, Any], own_id: str | None) -> None:
        if not definition.unique_field:
            return
        wanted = " ".join(str(data.get(definition.unique_field, "")).split()).casefold()
        for other in ENTITIES.values():
            if other.unique_group != definition.unique_group:
                continue
            for record in self.books.all(other.name):
                if other.name == definition.name and record.id == own_id:
                    continue
                name = " ".join(str(record.data.get(other.unique_field or "", "")).split()).casefold()
                if name == wanted:
                    raise errors.duplicate_name(definition.unique_noun)

    @staticmethod
    def _body(body: Any, definition: EntityDef) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise errors.unsupported_property(definition.name, definition.name,
                                              "Can not deserialize instance out of a non-object for")
        return body

    def _writable(self, definition: EntityDef, body: dict[str, Any]) -> dict[str, Any]:
        incoming = {k: v for k, v in body.items() if k not in READ_ONLY and k not in definition.server_fields}
        return schema.normalise(schema.entity_type(definition.name), incoming, "")

    # --- single-record operations -------------------------------------------------------------------------------
    def read(self, definition: EntityDef, record_id: str) -> dict[str, Any]:
        record = self.books.get(definition.name, record_id)
        if record is None:
            raise errors.not_found(definition.name, record_id)
        return {definition.name: self.render(definition, record)}

    def singleton(self, definition: EntityDef) -> dict[str, Any]:
        record = next(self.books.all(definition.name), None)
        if record is None:
            raise errors.not_found(definition.name, "1")
        return {definition.name: self.render(definition, record)}

    def write(self, definition: EntityDef, body: Any, operation: str | None = None,
              include: str | None = None) -> dict[str, Any]:
        """POST /{entity}: create, or update when the body has an Id; ``operation`` delete / void / update."""
        body = self._body(body, definition)
        op = (operation or "").lower()
        if op == "update" and (include or "").lower() == "void":
            op = "void"
        if op not in ("", "create", "update", "delete", "void"):
            raise errors.unsupported_operation(op)
        if op == "":
            op = "update" if body.get("Id") not in (None, "") else "create"
        if op not in definition.operations:
            raise errors.unsupported_operation(f"{op} for {definition.name}")
        if op == "create":
            return self.create(definition, body)
        if op == "update":
            return self.update(definition, body)
        if op == "delete":
            return self.delete(definition, body)
        return self.void(definition, body)

    def create(self, definition: EntityDef, body: dict[str, Any],
               internal: dict[str, Any] | None = None) -> dict[str, Any]:
        data = self._writable(definition, body)
        if definition.prepare is not None:
            data = definition.prepare(self, data, None)
        self._unique(definition, data, None)
        record = self.books.insert(definition, data, internal=internal)
        if definition.effects is not None:
            definition.effects(self, record, None, record.data)
        return {definition.name: self.render(definition, record)}

    def _guard(self, definition: EntityDef, record: Record, operation: str) -> None:
        if definition.guard is not None:
            definition.guard(self, record, operation)

    def update(self, definition: EntityDef, body: dict[str, Any]) -> dict[str, Any]:
        record = self._existing(definition, body)
        self._guard(definition, record, "update")
        before = copy.deepcopy(record.data)
        incoming = self._writable(definition, body)
        sparse = body.get("sparse") in (True, "true", "True")
        if sparse:
            data = copy.deepcopy(record.data)
            data.update(incoming)
        else:
            # a full update: writable fields left out are set to null (fact sheet §3)
            data = incoming
            for key in definition.server_fields:
                if key in record.data:
                    data.setdefault(key, copy.deepcopy(record.data[key]))
        if definition.prepare is not None:
            data = definition.prepare(self, data, record)
        self._unique(definition, data, record.id)
        self.books.replace(record, data)
        if definition.effects is not None:
            definition.effects(self, record, before, record.data)
        return {definition.name: self.render(definition, record)}

    def delete(self, definition: EntityDef, body: dict[str, Any]) -> dict[str, Any]:
        record = self._existing(definition, body)
        self._guard(definition, record, "delete")
        self._remove(definition, record)
        return {definition.name: {"status": "Deleted", "domain": "QBO", "Id": record.id}}

    def _remove(self, definition: EntityDef, record: Record) -> None:
        self.books.delete(record)
        if definition.effects is not None:
            definition.effects(self, record, record.data, None)

    def void(self, definition: EntityDef, body: dict[str, Any]) -> dict[str, Any]:
        record = self._existing(definition, body)
        self._guard(definition, record, "void")
        before = copy.deepcopy(record.data)
        assert definition.void is not None
        data = definition.void(self, record)
        self.books.replace(record, data, operation="Void")
        if definition.effects is not None:
            definition.effects(self, record, before, record.data)
        return {definition.name: self.render(definition, record)}

    def hard_delete(self, entity: str, record_id: str) -> bool:
        """As if deleted in the QuickBooks UI: gone from reads and queries, seen only by cdc (and webhooks)."""
        definition = lookup(entity)
        if definition is None or definition.kind is not Kind.TRANSACTION:
            raise errors.unsupported_operation(f"hard delete of {entity}")
        record = self.books.get(definition.name, record_id)
        if record is None:
            return False
        # the UI warns and then unlinks the payments of a document it deletes ("ui-delete")
        self._guard(definition, record, "ui-delete")
        self._remove(definition, record)
        return True

    # --- files ---------------------------------------------------------------------------------------------------
    def upload(self, content_type: str | None, body: bytes) -> dict[str, Any]:
        """POST /upload: one Attachable per file; a file that fails gets a Fault in its place (all failing: the
        first Fault answers the call)."""
        definition = ENTITIES["Attachable"]
        results: list[dict[str, Any]] = []
        faults: list[errors.QBError] = []
        for metadata, content in attachments.parse_upload(content_type, body):
            try:
                if not metadata.get("FileName"):
                    raise errors.required("FileName")
                results.append(self.create(definition, metadata, internal=attachments.stored(content)))
            except errors.QBError as exc:
                faults.append(exc)
                results.append({"Fault": exc.fault()})
        if faults and len(faults) == len(results):
            raise faults[0]
        return {"AttachableResponse": results}

    def download_link(self, record_id: str) -> str:
        record = self.books.get("Attachable", record_id)
        if record is None or "content" not in record.internal:
            raise errors.not_found("Attachable", record_id)
        return attachments.temporary_link(self, record)

    def file(self, record_id: str, expires: str, signature: str) -> tuple[bytes, str] | None:
        """The bytes behind a temporary link, or None when the link is wrong or has expired."""
        record = self.books.get("Attachable", record_id)
        if record is None or "content" not in record.internal:
            return None
        if not attachments.check_link(self, record_id, expires, signature):
            return None
        return attachments.content_of(record), str(record.data.get("ContentType") or "application/octet-stream")

    # --- reads in bulk ------------------------------------------------------------------------------------------
    def query(self, text: str) -> dict[str, Any]:
        parsed = query.parse(text)
        definition = lookup(parsed.entity)
        if definition is None:
            raise errors.query_validation(f"Invalid entity name: {parsed.entity}")
        compiled = query.compile_query(parsed, schema.entity_type(definition.name), definition.name,
                                       definition.active_filter)
        rows = [self.render(definition, r) for r in self.books.all(definition.name)]
        return {"QueryResponse": query.run(compiled, rows)}

    def cdc(self, entities: str | None, changed_since: str | None) -> dict[str, Any]:
        if not entities:
            raise errors.required("entities")
        if not changed_since:
            raise errors.required("changedSince")
        since = parse_instant(changed_since)
        if since is None:
            raise errors.QBError("2010", "Request has invalid or unsupported property",
                                 f"Property Name:changedSince value {changed_since} is not a valid date or dateTime "
                                 "specified is unsupported or invalid", element="changedSince")
        if self.clock.now() - since > CDC_WINDOW:
            message = (f"Operation cdc with changedSince date {changed_since} which is older than fixed days is not "
                       "supported.")
            raise errors.QBError("6000", message, message, element="changedSince")
        definitions = []
        for name in [n.strip() for n in entities.split(",") if n.strip()]:
            definition = lookup(name)
            if definition is None:
                raise errors.query_validation(f"Invalid entity name: {name}")
            if not definition.cdc:
                raise errors.unsupported_operation(f"cdc for {definition.name}")
            definitions.append(definition)
        budget = CDC_CAP
        responses: list[dict[str, Any]] = []
        threshold = since.timestamp()
        for definition in definitions:
            changed = [self.render(definition, r) for r in self.books.all(definition.name) if r.updated >= threshold]
            rows = query.sort_by_update(changed)
            stones = sorted((t for t in self.books.tombstones
                             if t.entity == definition.name and t.deleted_at >= threshold),
                            key=lambda t: t.deleted_at)
            rows += [deleted_stub(t.entity, t.id, t.deleted_at) for t in stones]
            rows = rows[:max(budget, 0)]  # at most 1000 objects in all, silently cut (fact sheet §2.2)
            budget -= len(rows)
            if rows:
                responses.append({definition.name: rows, "startPosition": 1, "maxResults": len(rows),
                                  "totalCount": len(rows)})
            else:
                responses.append({})
        return {"CDCResponse": [{"QueryResponse": responses}]}

    # --- batch --------------------------------------------------------------------------------------------------
    def batch(self, body: Any) -> dict[str, Any]:
        items = body.get("BatchItemRequest") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise errors.required("BatchItemRequest")
        if len(items) > BATCH_LIMIT:
            raise errors.batch_too_big(len(items), BATCH_LIMIT)
        results = []
        for item in items:
            bid = str(item.get("bId", "")) if isinstance(item, dict) else ""
            entry: dict[str, Any] = {"bId": bid}
            try:
                entry.update(self._batch_item(item, bid))
            except errors.QBError as exc:
                entry["Fault"] = exc.fault()
            results.append(entry)
        return {"BatchItemResponse": results}

    def _batch_item(self, item: Any, bid: str) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise errors.required("BatchItemRequest")
        if not bid:
            raise errors.required("bId")
        # no length check on bId: B-reqid says 10 characters, yet python-quickbooks sends 36-character uuid4 bIds
        # and works against QuickBooks, so the limit is not enforced there
        if "Query" in item:
            return self.query(str(item["Query"]))
        if "CDCQuery" in item:
            spec = item["CDCQuery"] or {}
            return self.cdc(spec.get("Entities"), spec.get("ChangedSince"))
        names = [k for k in item if k not in ("bId", "operation", "optionsData")]
        if len(names) != 1:
            raise errors.required("IntuitObject")
        definition = lookup(names[0])
        if definition is None or definition.name != names[0]:
            raise errors.unsupported_property(names[0], "BatchItemRequest")
        operation = str(item.get("operation") or "create").lower()
        options = str(item.get("optionsData") or "").lower()
        if operation == "update" and options == "void":
            operation = "void"
        return self.write(definition, item[names[0]], operation)

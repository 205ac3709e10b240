"""The entities the sandbox serves, each declared once.

An :class:`EntityDef` says what an entity is (name list, transaction, reference data, singleton), which operations
its endpoint takes, which id sequence it draws from, whether ``cdc`` and webhooks cover it, which name must be
unique, and which small functions give it behaviour: ``prepare`` (validate and fill what QuickBooks computes on a
write), ``void`` and ``derive`` (fields computed from other records when shown). The endpoint, query, ``cdc``,
batch, replay and webhook machinery is generic. Issue 4 adds entities here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Protocol

from sandbox.quickbooks import names, transactions

if TYPE_CHECKING:
    from sandbox.quickbooks.store import Books, Record


class Kind(Enum):
    NAME_LIST = "name_list"  # deactivated, never deleted; Active=true by default in queries
    TRANSACTION = "transaction"  # deleted for good (only cdc tells); some can be voided
    SINGLETON = "singleton"  # CompanyInfo, Preferences: one record, read by its own path


class Ctx(Protocol):
    """What the behaviour functions may use (implemented by ``operations.Company``)."""

    books: Books
    home_currency: str

    def definition(self, name: str) -> EntityDef: ...

    def today(self) -> dt.date: ...

    def default_term_id(self) -> str | None: ...


Prepare = Callable[["Ctx", dict[str, Any], "Record | None"], dict[str, Any]]


@dataclass(frozen=True)
class EntityDef:
    name: str
    kind: Kind
    id_group: str
    operations: frozenset[str] = frozenset()  # create, update, delete, void (empty: read-only)
    cdc: bool = True
    webhooks: bool = True
    unique_field: str | None = None  # a name no other record of unique_group may use (6240)
    unique_group: str | None = None
    ref_name_field: str | None = None  # what a reference to this entity shows as its "name"
    prepare: Prepare | None = None
    void: Callable[["Ctx", "Record"], dict[str, Any]] | None = None
    derive: Callable[["Books", "Record"], dict[str, Any]] | None = None
    # fields the server owns: ignored when a client sends them, kept over a full update (LinkedTxn: the payment
    # links, which payments maintain, not the document)
    server_fields: frozenset[str] = field(default_factory=frozenset)

    @property
    def path(self) -> str:
        return self.name.lower()

    @property
    def name_list(self) -> bool:
        return self.kind is Kind.NAME_LIST


WRITE = frozenset({"create", "update"})
NAMES = "names"  # Customer, Vendor (and Employee) share one id sequence and one DisplayName space
TXN = "txn"

ENTITIES: dict[str, EntityDef] = {d.name: d for d in [
    EntityDef("Customer", Kind.NAME_LIST, NAMES, WRITE, unique_field="DisplayName", unique_group=NAMES,
              ref_name_field="DisplayName", prepare=names.prepare_customer, derive=names.customer_balance,
              server_fields=frozenset({"Balance", "BalanceWithJobs", "FullyQualifiedName", "Level"})),
    EntityDef("Vendor", Kind.NAME_LIST, NAMES, WRITE, unique_field="DisplayName", unique_group=NAMES,
              ref_name_field="DisplayName", prepare=names.prepare_vendor, derive=names.vendor_balance,
              server_fields=frozenset({"Balance"})),
    EntityDef("Invoice", Kind.TRANSACTION, TXN, WRITE | {"delete", "void"}, ref_name_field="DocNumber",
              prepare=transactions.prepare_invoice, void=transactions.void_invoice,
              server_fields=frozenset({"TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt", "LinkedTxn"})),
    EntityDef("Bill", Kind.TRANSACTION, TXN, WRITE | {"delete"}, ref_name_field="DocNumber",
              prepare=transactions.prepare_bill,
              server_fields=frozenset({"TotalAmt", "Balance", "HomeBalance", "LinkedTxn"})),
    # seeded payments, read-only for now (issue 4 gives them writes, which also move the documents' balances)
    EntityDef("Payment", Kind.TRANSACTION, TXN, ref_name_field="PaymentRefNum"),
    EntityDef("BillPayment", Kind.TRANSACTION, TXN, ref_name_field="DocNumber"),
    # reference data, read-only for now (issue 4 makes Item and Term writable)
    EntityDef("Account", Kind.NAME_LIST, "Account", ref_name_field="Name"),
    EntityDef("TaxCode", Kind.NAME_LIST, "TaxCode", cdc=False, webhooks=False, ref_name_field="Name"),
    EntityDef("TaxRate", Kind.NAME_LIST, "TaxRate", cdc=False, webhooks=False, ref_name_field="Name"),
    EntityDef("Item", Kind.NAME_LIST, "Item", ref_name_field="Name"),
    EntityDef("Term", Kind.NAME_LIST, "Term", ref_name_field="Name"),
    EntityDef("CompanyInfo", Kind.SINGLETON, "CompanyInfo", cdc=False, webhooks=False),
    EntityDef("Preferences", Kind.SINGLETON, "Preferences", webhooks=True),
]}

BY_PATH: dict[str, EntityDef] = {d.path: d for d in ENTITIES.values()}


def lookup(name: str) -> EntityDef | None:
    """An entity by name, case-insensitively (the query language and cdc accept ``customer``)."""
    return ENTITIES.get(name) or BY_PATH.get(name.lower())

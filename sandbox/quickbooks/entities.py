"""The entities the sandbox serves, each declared once.

An :class:`EntityDef` says what an entity is (name list, transaction, reference data, singleton), which operations
its endpoint takes, which id sequence it draws from, whether ``cdc`` and webhooks cover it, which name must be
unique, and which small functions give it behaviour: ``prepare`` (validate and fill what QuickBooks computes on a
write), ``void``, ``guard`` (refuse a change to a record others depend on), ``effects`` (what a write does to
other records: a payment moves its invoices' balances) and ``derive`` (fields computed from other records when
shown). The endpoint, query, ``cdc``, batch, replay and webhook machinery is generic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Protocol

from sandbox.quickbooks import attachments, banking, journals, lists, names, payments, transactions

if TYPE_CHECKING:
    from sandbox.common.clock import Clock
    from sandbox.quickbooks.store import Books, Record


class Kind(Enum):
    NAME_LIST = "name_list"  # deactivated, never deleted; Active=true by default in queries
    TRANSACTION = "transaction"  # deleted for good (only cdc tells); some can be voided
    SINGLETON = "singleton"  # CompanyInfo, Preferences: one record, read by its own path


class Ctx(Protocol):
    """What the behaviour functions may use (implemented by ``operations.Company``)."""

    books: Books
    clock: Clock
    home_currency: str
    base_url: str
    realm_id: str
    file_secret: bytes

    def definition(self, name: str) -> EntityDef: ...

    def today(self) -> dt.date: ...

    def default_term_id(self) -> str | None: ...

    def enabled_currencies(self) -> set[str]: ...


Prepare = Callable[["Ctx", dict[str, Any], "Record | None"], dict[str, Any]]
# (ctx, the record after the write, its data before (None: created), its data after (None: deleted))
Effects = Callable[["Ctx", "Record", "dict[str, Any] | None", "dict[str, Any] | None"], None]


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
    unique_noun: str = "customer, vendor or employee"  # as the 6240 Detail names the others
    ref_name_field: str | None = None  # what a reference to this entity shows as its "name"
    prepare: Prepare | None = None
    void: Callable[["Ctx", "Record"], dict[str, Any]] | None = None
    guard: Callable[["Ctx", "Record", str], None] | None = None  # (ctx, record, "update" | "delete" | "void")
    effects: Effects | None = None
    derive: Callable[["Ctx", "Record"], dict[str, Any]] | None = None
    # fields the server owns: ignored when a client sends them, kept over a full update (LinkedTxn: the payment
    # links, which payments maintain, not the document)
    server_fields: frozenset[str] = field(default_factory=frozenset)
    # a query without an Active condition answers active records only (fact sheet §2.1 lists these name lists)
    active_by_default: bool = True

    @property
    def path(self) -> str:
        return self.name.lower()

    @property
    def name_list(self) -> bool:
        return self.kind is Kind.NAME_LIST

    @property
    def active_filter(self) -> bool:
        return self.name_list and self.active_by_default


WRITE = frozenset({"create", "update"})
NAMES = "names"  # Customer, Vendor (and Employee) share one id sequence and one DisplayName space
TXN = "txn"
_DOC_FIELDS = frozenset({"TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt", "LinkedTxn"})


def _list(name: str, prepare: Prepare, noun: str, unique: str = "Name", **kw: Any) -> EntityDef:
    """A name list clients can create and deactivate, whose names are unique among its own records."""
    return EntityDef(name, Kind.NAME_LIST, name, WRITE, unique_field=unique, unique_group=name, unique_noun=noun,
                     ref_name_field="Name", prepare=prepare, **kw)


ENTITIES: dict[str, EntityDef] = {d.name: d for d in [
    EntityDef("Customer", Kind.NAME_LIST, NAMES, WRITE, unique_field="DisplayName", unique_group=NAMES,
              ref_name_field="DisplayName", prepare=names.prepare_customer, derive=names.customer_balance,
              server_fields=frozenset({"Balance", "BalanceWithJobs", "FullyQualifiedName", "Level"})),
    EntityDef("Vendor", Kind.NAME_LIST, NAMES, WRITE, unique_field="DisplayName", unique_group=NAMES,
              ref_name_field="DisplayName", prepare=names.prepare_vendor, derive=names.vendor_balance,
              server_fields=frozenset({"Balance"})),
    EntityDef("Invoice", Kind.TRANSACTION, TXN, WRITE | {"delete", "void"}, ref_name_field="DocNumber",
              prepare=transactions.prepare_invoice, void=transactions.void_invoice, guard=transactions.guard_linked,
              server_fields=_DOC_FIELDS),
    EntityDef("Bill", Kind.TRANSACTION, TXN, WRITE | {"delete"}, ref_name_field="DocNumber",
              prepare=transactions.prepare_bill, guard=transactions.guard_linked, server_fields=_DOC_FIELDS),
    EntityDef("CreditMemo", Kind.TRANSACTION, TXN, WRITE | {"delete"}, ref_name_field="DocNumber",
              prepare=transactions.prepare_credit_memo, guard=transactions.guard_linked,
              server_fields=_DOC_FIELDS | {"RemainingCredit"}),
    EntityDef("VendorCredit", Kind.TRANSACTION, TXN, WRITE | {"delete"}, ref_name_field="DocNumber",
              prepare=transactions.prepare_vendor_credit, guard=transactions.guard_linked,
              server_fields=_DOC_FIELDS),
    EntityDef("Payment", Kind.TRANSACTION, TXN, WRITE | {"delete", "void"}, ref_name_field="PaymentRefNum",
              prepare=payments.prepare_payment, void=payments.void, guard=payments.guard, effects=payments.effects,
              server_fields=frozenset({"UnappliedAmt"})),
    EntityDef("BillPayment", Kind.TRANSACTION, TXN, WRITE | {"delete", "void"}, ref_name_field="DocNumber",
              prepare=payments.prepare_bill_payment, void=payments.void, guard=payments.guard,
              effects=payments.effects),
    EntityDef("Purchase", Kind.TRANSACTION, TXN, WRITE | {"delete"}, ref_name_field="DocNumber",
              prepare=banking.prepare_purchase, guard=transactions.guard_voided,
              server_fields=frozenset({"TotalAmt"})),
    EntityDef("Deposit", Kind.TRANSACTION, TXN, WRITE | {"delete"}, ref_name_field="DocNumber",
              prepare=banking.prepare_deposit, effects=banking.deposit_effects,
              server_fields=frozenset({"TotalAmt", "HomeTotalAmt"})),
    EntityDef("JournalEntry", Kind.TRANSACTION, TXN, WRITE | {"delete"}, ref_name_field="DocNumber",
              prepare=journals.prepare_journal, guard=transactions.guard_voided,
              server_fields=frozenset({"TotalAmt", "HomeTotalAmt"})),
    # files and notes on other records (webhooks do not cover it: not in the D-wh entity list)
    EntityDef("Attachable", Kind.TRANSACTION, "Attachable", WRITE | {"delete"}, webhooks=False,
              ref_name_field="FileName", prepare=attachments.prepare, derive=attachments.derive,
              server_fields=attachments.SERVER_FIELDS),
    _list("Account", lists.prepare_account, "account",
          server_fields=frozenset({"CurrentBalance", "CurrentBalanceWithSubAccounts", "FullyQualifiedName",
                                   "Classification"})),
    EntityDef("TaxCode", Kind.NAME_LIST, "TaxCode", cdc=False, webhooks=False, ref_name_field="Name"),
    EntityDef("TaxRate", Kind.NAME_LIST, "TaxRate", cdc=False, webhooks=False, ref_name_field="Name"),
    _list("Item", lists.prepare_item, "product or service", server_fields=frozenset({"FullyQualifiedName"})),
    _list("Term", lists.prepare_term, "term"),
    _list("Class", lists.prepare_class, "class", server_fields=frozenset({"FullyQualifiedName"})),
    _list("Department", lists.prepare_department, "location", server_fields=frozenset({"FullyQualifiedName"})),
    # not among the name lists the fact sheet (§2.1) says are filtered to Active=true by default
    _list("CompanyCurrency", lists.prepare_company_currency, "currency", unique="Code", active_by_default=False),
    EntityDef("CompanyInfo", Kind.SINGLETON, "CompanyInfo", cdc=False, webhooks=False),
    EntityDef("Preferences", Kind.SINGLETON, "Preferences", webhooks=True),
]}

BY_PATH: dict[str, EntityDef] = {d.path: d for d in ENTITIES.values()}


def lookup(name: str) -> EntityDef | None:
    """An entity by name, case-insensitively (the query language and cdc accept ``customer``)."""
    return ENTITIES.get(name) or BY_PATH.get(name.lower())

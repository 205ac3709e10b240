"""The ledger-neutral shape of seeded books.

The generator (``sandbox.seed.generate``) describes one small UK business as each ledger holds it: the two sides
were kept by hand before ledgerbridge arrived, so they overlap with the differences seen in practice. Each sandbox
turns a :class:`SideBooks` into its own records (``sandbox.xero.seed``, ``sandbox.quickbooks.seed``), using the ids
given here, so the truth file can name records by the ids the APIs return.

Reference data (accounts, tax rates, tracking, currencies) is the same for every seed: the mapping file in
``config/`` is written for it. Items are the reference items on both sides, except that each side has one item of
its own and one shared item's price or description differs by seed (``SideBooks.items`` lists what that ledger
holds). Everything else depends on the seed.

Conventions every list follows: a record appears in the list of each ledger that holds (or, for ``deleted``, held)
it, with the same ``key`` on both sides and both ledgers' ids where both hold it (None for a ledger that does not).
Deleted records stay listed with ``status="deleted"`` (``SeedPayment.deleted``): in QuickBooks they are hard
deletes, visible only as cdc tombstones; in Xero they keep Status DELETED. Money is Decimal in the record's
currency; ``currency_rate`` is units of that currency per unit of the home currency (Xero's CurrencyRate).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

HOME_CURRENCY = "GBP"
COUNTRY = "GB"


@dataclass(frozen=True)
class SeedAccount:
    """One account of the chart of accounts. ``code`` is the Xero code; ``qb_id`` the QuickBooks Account Id."""

    code: str
    name: str
    # neutral type: bank, receivable, payable, revenue, expense, direct_costs, current_asset, current_liability, equity
    kind: str
    qb_id: str
    xero_id: str
    currency: str = HOME_CURRENCY


@dataclass(frozen=True)
class SeedTaxRate:
    """One tax rate. ``xero_tax_type`` is Xero's TaxType key; ``qb_tax_code_id`` the QuickBooks TaxCode Id, whose
    sales and purchase TaxRate Ids are ``qb_sales_rate_id`` / ``qb_purchase_rate_id`` (None where not applicable)."""

    name: str
    rate: Decimal  # percent, e.g. Decimal("20")
    xero_tax_type: str
    qb_tax_code_id: str
    qb_sales_rate_id: str | None
    qb_purchase_rate_id: str | None
    applies_to: Literal["sales", "purchases", "both"] = "both"


@dataclass(frozen=True)
class SeedItem:
    code: str
    name: str
    description: str
    unit_price: Decimal
    sales_account_code: str
    purchase_account_code: str | None
    tax_type: str  # xero_tax_type of the default sales tax
    qb_id: str | None  # None: this ledger's books lack the item (items only on one side)
    xero_id: str | None


@dataclass
class SeedContact:
    """A customer and/or supplier as one ledger holds it.

    ``key`` is the business identity shared by the two sides (the truth); the ids are the ledger ids.
    """

    key: str
    xero_id: str | None
    qb_id: str | None
    name: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    tax_number: str | None = None
    phone: str | None = None
    address_line1: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str = COUNTRY
    is_customer: bool = True
    is_supplier: bool = False
    archived: bool = False
    currency: str = HOME_CURRENCY
    updated_at: dt.datetime | None = None
    # sales terms of a customer / bill terms of a supplier, in days after the invoice date (None: the ledger default)
    payment_terms_days: int | None = None


@dataclass
class SeedLine:
    description: str
    quantity: Decimal
    unit_amount: Decimal
    account_code: str
    tax_type: str  # a SeedTaxRate.xero_tax_type
    tax_amount: Decimal  # as this ledger holds it (may differ by a cent between sides)
    item_code: str | None = None
    # tracking: (category name, option name) pairs, at most two (Xero TrackingCategories <-> QuickBooks Classes)
    tracking: list[tuple[str, str]] = field(default_factory=list)

    @property
    def line_amount(self) -> Decimal:
        return (self.quantity * self.unit_amount).quantize(Decimal("0.01"))


@dataclass
class SeedPayment:
    date: dt.date
    amount: Decimal
    account_code: str  # the bank account paid into / out of
    reference: str | None = None
    # the payment's identity shared by the two sides (the truth) and its ledger ids (Xero PaymentID; QuickBooks
    # Payment Id for sales invoices, BillPayment Id for bills); None where not given
    key: str | None = None
    xero_id: str | None = None
    qb_id: str | None = None
    # one QuickBooks Payment may pay several invoices: the SeedPayments of that one payment (one per invoice it
    # pays, each with its own Xero PaymentID, since a Xero payment pays one document) share ``qb_id`` and ``group``
    group: str | None = None
    # deleted in this ledger after it was recorded (a deleted Xero payment keeps Status DELETED; a deleted QuickBooks
    # payment is gone, visible only through cdc)
    deleted: bool = False


@dataclass
class SeedInvoice:
    """A sales invoice (``kind="sales"``) or a bill (``kind="bill"``) as one ledger holds it."""

    key: str
    xero_id: str | None
    qb_id: str | None
    kind: Literal["sales", "bill"]
    number: str | None
    contact_key: str
    date: dt.date
    due_date: dt.date
    lines: list[SeedLine]
    # draft | authorised | paid | voided | deleted
    status: str = "authorised"
    currency: str = HOME_CURRENCY
    # units of ``currency`` per unit of the home currency (Xero's CurrencyRate, e.g. 1.27 USD per GBP); QuickBooks'
    # ExchangeRate is the inverse (home currency per unit of ``currency``). 1 for home-currency documents.
    currency_rate: Decimal = Decimal("1")
    reference: str | None = None
    # every payment this ledger records or recorded: a deleted one stays listed with ``deleted=True``
    payments: list[SeedPayment] = field(default_factory=list)
    updated_at: dt.datetime | None = None
    # what credit notes held by this ledger allocate to this document (their ``allocations`` name it); the
    # allocations never settle a document on their own, so ``status`` depends on the payments only
    amount_credited: Decimal = Decimal("0")

    @property
    def subtotal(self) -> Decimal:
        return sum((ln.line_amount for ln in self.lines), Decimal("0"))

    @property
    def total_tax(self) -> Decimal:
        return sum((ln.tax_amount for ln in self.lines), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.total_tax

    @property
    def live_payments(self) -> list[SeedPayment]:
        return [p for p in self.payments if not p.deleted]

    @property
    def amount_paid(self) -> Decimal:
        """What the payments that still stand paid (deleted payments paid nothing)."""
        return sum((p.amount for p in self.payments if not p.deleted), Decimal("0"))

    @property
    def amount_due(self) -> Decimal:
        """Xero's AmountDue / QuickBooks' Balance of an authorised or paid document."""
        return self.total - self.amount_paid - self.amount_credited


@dataclass
class SeedCreditNote:
    """A credit note: ``kind="sales"`` (Xero ACCRECCREDIT <-> QuickBooks CreditMemo) or ``kind="purchase"``
    (Xero ACCPAYCREDIT <-> QuickBooks VendorCredit), optionally allocated to invoices/bills of the same contact."""

    key: str
    xero_id: str | None
    qb_id: str | None
    kind: Literal["sales", "purchase"]
    number: str | None
    contact_key: str
    date: dt.date
    lines: list[SeedLine]
    status: str = "authorised"  # draft | authorised | paid (fully allocated/refunded) | voided
    currency: str = HOME_CURRENCY
    currency_rate: Decimal = Decimal("1")  # as SeedInvoice.currency_rate
    reference: str | None = None
    # (invoice key, amount, date) of each allocation against an invoice (sales) or a bill (purchase) that this
    # ledger holds; the allocated document is in the same ledger's ``invoices``
    allocations: list[tuple[str, Decimal, dt.date]] = field(default_factory=list)
    updated_at: dt.datetime | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((ln.line_amount for ln in self.lines), Decimal("0"))

    @property
    def total_tax(self) -> Decimal:
        return sum((ln.tax_amount for ln in self.lines), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return sum((ln.line_amount + ln.tax_amount for ln in self.lines), Decimal("0"))

    @property
    def amount_allocated(self) -> Decimal:
        return sum((a[1] for a in self.allocations), Decimal("0"))

    @property
    def remaining_credit(self) -> Decimal:
        """Xero's RemainingCredit / QuickBooks' Balance (RemainingCredit on a CreditMemo)."""
        return self.total - self.amount_allocated


@dataclass
class SeedOverpayment:
    """Money a customer paid beyond what it owed: a Xero Overpayment (made by a RECEIVE-OVERPAYMENT bank
    transaction) <-> the unapplied amount of a QuickBooks Payment (a Payment with no lines, or UnappliedAmt)."""

    key: str
    xero_id: str | None  # the OverpaymentID (the bank transaction that made it is stable_uuid of it)
    qb_id: str | None  # the QuickBooks Payment Id holding the unapplied amount
    contact_key: str
    date: dt.date
    amount: Decimal
    account_code: str  # the bank account it was paid into
    currency: str = HOME_CURRENCY
    updated_at: dt.datetime | None = None


@dataclass
class SeedBankLine:
    description: str
    amount: Decimal  # net (exclusive of tax)
    account_code: str
    tax_type: str
    tax_amount: Decimal
    tracking: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SeedBankTransaction:
    """Money in or out of a bank account that is not an invoice payment: Xero BankTransaction RECEIVE <->
    QuickBooks Deposit, and Xero BankTransaction SPEND <-> QuickBooks Purchase (an expense)."""

    key: str
    xero_id: str | None
    qb_id: str | None
    kind: Literal["receive", "spend"]
    # a customer or supplier of this ledger; Xero needs one on SPEND/RECEIVE (bank fees and interest name the
    # bank, a supplier), a QuickBooks Purchase or Deposit may have none
    contact_key: str | None
    bank_account_code: str
    date: dt.date
    lines: list[SeedBankLine]
    reference: str | None = None  # Xero Reference; QuickBooks DocNumber (a cheque's number) / PrivateNote
    # spend only: how QuickBooks records it (PaymentType Cash | Check | CreditCard)
    payment_type: str = "Cash"
    status: str = "authorised"  # authorised | voided (Xero) / deleted
    currency: str = HOME_CURRENCY
    updated_at: dt.datetime | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), Decimal("0"))

    @property
    def total_tax(self) -> Decimal:
        return sum((ln.tax_amount for ln in self.lines), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return sum((ln.amount + ln.tax_amount for ln in self.lines), Decimal("0"))


@dataclass
class SeedJournalLine:
    description: str
    account_code: str
    amount: Decimal  # debit positive, credit negative (Xero's LineAmount sign); QuickBooks: PostingType
    tax_type: str = "NONE"
    tracking: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SeedJournal:
    """A manual journal: Xero ManualJournal <-> QuickBooks JournalEntry. Lines sum to zero."""

    key: str
    xero_id: str | None
    qb_id: str | None
    narration: str
    date: dt.date
    lines: list[SeedJournalLine]
    number: str | None = None  # QuickBooks DocNumber
    status: str = "posted"  # draft | posted | voided | deleted
    updated_at: dt.datetime | None = None

    @property
    def total(self) -> Decimal:
        """The sum of the debits (= the sum of the credits): QuickBooks' TotalAmt."""
        return sum((ln.amount for ln in self.lines if ln.amount > 0), Decimal("0"))


@dataclass
class SeedAttachment:
    """A supporting file on a document: Xero Attachments <-> QuickBooks Attachable (AttachableRef to the entity)."""

    key: str
    owner_kind: Literal["bill", "invoice", "credit_note", "bank_transaction", "journal"]
    owner_key: str
    file_name: str
    mime_type: str
    content: bytes
    xero_id: str | None = None  # AttachmentID
    qb_id: str | None = None  # Attachable Id


@dataclass(frozen=True)
class SeedTrackingOption:
    name: str
    xero_id: str
    qb_class_id: str | None  # the QuickBooks Class standing for it (None: a Department does)
    qb_department_id: str | None = None


@dataclass(frozen=True)
class SeedTrackingCategory:
    """Xero TrackingCategory (with options) <-> QuickBooks Classes or Departments (one per option)."""

    name: str
    xero_id: str
    options: tuple[SeedTrackingOption, ...]


@dataclass
class SideBooks:
    """Everything one ledger holds at the start."""

    ledger: Literal["xero", "quickbooks"]
    organisation_name: str
    accounts: list[SeedAccount]
    tax_rates: list[SeedTaxRate]
    items: list[SeedItem]
    contacts: list[SeedContact]
    invoices: list[SeedInvoice]
    credit_notes: list[SeedCreditNote] = field(default_factory=list)
    overpayments: list[SeedOverpayment] = field(default_factory=list)
    bank_transactions: list[SeedBankTransaction] = field(default_factory=list)
    journals: list[SeedJournal] = field(default_factory=list)
    attachments: list[SeedAttachment] = field(default_factory=list)
    tracking: list[SeedTrackingCategory] = field(default_factory=list)
    # currencies this ledger can record documents in (the home currency first); QuickBooks: multicurrency on
    currencies: list[str] = field(default_factory=lambda: [HOME_CURRENCY])
    # tax rates this ledger has beyond the shared reference ones (e.g. a QuickBooks-only code the mapping lacks)
    extra_tax_rates: list[SeedTaxRate] = field(default_factory=list)


@dataclass
class SeedBooks:
    seed: int
    size: int
    xero: SideBooks
    quickbooks: SideBooks
    # JSON-ready description of which records are the same (see sandbox.seed.generate.truth_document)
    truth: dict

"""The rest of a :class:`SideBooks` as QuickBooks holds it (``seed.side_books`` calls this after the contacts and
documents): its reference lists, credit notes, overpayments, bank transactions, journals and attachments.

- items: the side's own price list (a shared item may read differently; an item with no ``qb_id`` is not here);
- ``extra_tax_rates``: TaxCodes/TaxRates beyond the shared ones; ``tracking``: one Class per option, with its id;
  ``currencies``: enabled as CompanyCurrency (the reference ones stay enabled);
- credit notes: ``sales`` -> CreditMemo, ``purchase`` -> VendorCredit; an allocation becomes what QuickBooks
  records when a credit is applied: a Payment (BillPayment) of 0 with a line for the invoice (bill) and one for
  the credit memo (vendor credit), given the next free transaction ids (the generator gives them none);
- overpayments: a Payment with no lines, all unapplied;
- bank transactions: ``receive`` -> Deposit (income lines), ``spend`` -> Purchase (``payment_type``);
- journals -> JournalEntry (``deleted``: hard deleted, a cdc tombstone only);
- attachments -> Attachable on their owner, bytes included.

``ExchangeRate`` is QuickBooks' (home currency per unit), the inverse of the model's ``currency_rate``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import attachments, errors, lines, payments, refs, schema, transactions
from sandbox.quickbooks.entities import ENTITIES, EntityDef
from sandbox.quickbooks.store import Tombstone
from sandbox.seed import reference
from sandbox.seed.model import (HOME_CURRENCY, SeedBankTransaction, SeedCreditNote, SeedJournal, SeedTaxRate,
                                SeedTrackingCategory, SideBooks)

if TYPE_CHECKING:
    from sandbox.quickbooks.operations import Company

def _ref(value: str, name: str | None = None) -> dict[str, str]:
    return {"value": value, **({"name": name} if name else {})}


def _epoch(moment: dt.datetime | None, fallback: float) -> float:
    return float(int(moment.timestamp())) if moment is not None else fallback


def _noon(day: dt.date) -> float:
    return float(int(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.timezone.utc).timestamp()))


def exchange_rate(currency: str, currency_rate: Decimal) -> Decimal:
    """QuickBooks' ExchangeRate (home currency per unit) from the model's rate (units per home currency)."""
    if currency == HOME_CURRENCY or not currency_rate:
        return Decimal("1")
    return (Decimal("1") / Decimal(currency_rate)).quantize(Decimal("0.0000000001"))


def tracking_classes(company: Company, categories: list[SeedTrackingCategory], at: float) -> None:
    """One Class or Department (a location) per tracking option, with the option's id (an existing one keeps its id,
    takes the name)."""
    for category in categories:
        for option in category.options:
            entity, record_id = (("Class", option.qb_class_id) if option.qb_class_id
                                 else ("Department", option.qb_department_id))
            if record_id is None:
                continue
            record = company.books.get(entity, record_id)
            data = {"Name": option.name, f"Sub{entity}": False, "FullyQualifiedName": option.name, "Active": True}
            if record is None:
                company.books.insert(ENTITIES[entity], data, record_id=record_id, at=at, notify=False)
            else:
                record.data.update(data)


def currencies(company: Company, codes: list[str], at: float) -> None:
    """The foreign currencies enabled (CompanyCurrency); those already there stay as they are."""
    for code in codes:
        if code == company.home_currency:
            continue
        if any(r.data.get("Code") == code for r in company.books.all("CompanyCurrency")):
            continue
        data = {"Code": code, "Name": refs.CURRENCIES.get(code, code), "Active": True}
        company.books.insert(ENTITIES["CompanyCurrency"], data, at=at, notify=False)


@dataclass
class Allocation:
    payment_id: str  # the 0 Payment / BillPayment that applies the credit
    credit_key: str
    document_key: str
    amount: Decimal
    date: dt.date


class Loader:
    """What loading one SideBooks needs across record kinds: lookups by the generator's keys and codes."""

    def __init__(self, company: Company, books: SideBooks, now: float) -> None:
        self.company = company
        self.books = books
        self.now = now
        self.parties: dict[str, tuple[str, str]] = {}  # contact key -> (entity, id)
        self.documents: dict[str, tuple[str, str]] = {}  # invoice / bill key -> (entity, id)
        self.owners: dict[tuple[str, str], tuple[str, str]] = {}  # (owner kind, key) -> (entity, id)
        self._rates = {t.xero_tax_type: t for t in [*reference.TAX_RATES, *books.tax_rates,
                                                    *books.extra_tax_rates]}
        self._items = {i.code: i for i in books.items}
        self._accounts = {a.code: a for a in [*reference.ACCOUNTS, *books.accounts]}
        self._classes = {(c.name, o.name): o.qb_class_id for c in [*reference.TRACKING, *books.tracking]
                         for o in c.options}

    # --- lookups ----------------------------------------------------------------------------------------------
    def tax(self, tax_type: str) -> SeedTaxRate:
        try:
            return self._rates[tax_type]
        except KeyError:
            raise ValueError(f"seeded books use tax type {tax_type}, which QuickBooks' side does not hold") from None

    def account_id(self, code: str) -> str:
        return self._accounts[code].qb_id

    def item_id(self, code: str | None, account_code: str) -> str:
        """The item of a line: the side's own item, else the item standing for the line's income account."""
        item = self._items.get(code) if code else None
        if item is not None and item.qb_id:
            return item.qb_id
        for item_id, _, account in reference.QB_ACCOUNT_ITEMS:
            if account == account_code:
                return item_id
        return "1"  # Services (income account Sales)

    def class_ref(self, tracking: list[tuple[str, str]]) -> dict[str, Any]:
        """QuickBooks has one Class per line: the first tracking option's."""
        for pair in tracking:
            class_id = self._classes.get(pair)
            if class_id is None:
                raise ValueError(f"seeded tracking option {pair} has no QuickBooks Class")
            return {"ClassRef": _ref(class_id)}
        return {}

    def tax_overrides(self, seeded: list[Any], side: str) -> dict[str, Any]:
        """The VAT as this ledger holds it (it may differ by a penny from the other side): an override per rate."""
        nets: dict[str, Decimal] = {}
        taxes: dict[str, Decimal] = {}
        for line in seeded:
            tax = self.tax(line.tax_type)
            rate_id = tax.qb_sales_rate_id if side == "sales" else tax.qb_purchase_rate_id
            if rate_id is None:
                rate_id = tax.qb_sales_rate_id or tax.qb_purchase_rate_id
            amount = line.line_amount if hasattr(line, "line_amount") else line.amount
            nets[rate_id] = nets.get(rate_id, Decimal("0")) + amount
            taxes[rate_id] = taxes.get(rate_id, Decimal("0")) + line.tax_amount
        return {"TaxLine": [{"Amount": taxes[r], "DetailType": "TaxLineDetail",
                             "TaxLineDetail": {"TaxRateRef": _ref(r), "NetAmountTaxable": nets[r]}} for r in nets]}

    def bank_id(self, code: str) -> str:
        return self.account_id(code)

    def prepare(self, definition: EntityDef, data: dict[str, Any], label: str) -> dict[str, Any]:
        """The checks and computations of an API write; a seeded record they refuse is a generator bug."""
        assert definition.prepare is not None
        try:
            return definition.prepare(self.company, data, None)
        except errors.QBError as exc:
            raise ValueError(f"seeded {label} is refused by QuickBooks' rules: {exc.code} {exc.detail}") from exc

    def tombstone(self, entity: str, record_id: str, when: float) -> None:
        books = self.company.books
        books.note_id(ENTITIES[entity].id_group, record_id)
        if not any(t.entity == entity and t.id == record_id for t in books.tombstones):
            books.tombstones.append(Tombstone(entity, record_id, when))

    def insert(self, entity: str, data: dict[str, Any], record_id: str, when: float,
               internal: dict[str, Any] | None = None) -> Any:
        return self.company.books.insert(ENTITIES[entity], data, record_id=record_id, at=when, internal=internal,
                                         notify=False)

    # --- reference lists --------------------------------------------------------------------------------------
    def reference_lists(self) -> None:
        from sandbox.quickbooks import seed  # noqa: PLC0415 (seed imports this module)

        company = self.company
        for acc in self.books.accounts:
            if company.books.get("Account", acc.qb_id) is None:
                seed.account_record(company, acc)
        seed.tax_codes(company, list(self.books.extra_tax_rates))
        tracking_classes(company, self.books.tracking, seed.SEED_EPOCH)
        currencies(company, self.books.currencies, seed.SEED_EPOCH)
        for item in self.books.items:
            existing = next((r for r in company.books.all("Item") if r.data.get("Sku") == item.code), None)
            if item.qb_id is None:
                if existing is not None:  # the reference list has it; this side's books do not
                    del company.books.table("Item")[existing.id]
                continue
            data = schema.normalise(schema.entity_type("Item"), seed.item_data(item), "")
            if existing is not None and existing.id != item.qb_id:
                del company.books.table("Item")[existing.id]
            record = company.books.get("Item", item.qb_id)
            if record is None:
                self.insert("Item", data, item.qb_id, seed.SEED_EPOCH)
            else:
                record.data = data

    # --- allocations of credit notes ----------------------------------------------------------------------------
    def plan_allocations(self) -> dict[str, list[Allocation]]:
        """Document key -> the credits applied to it, each with the id of the 0 payment recording it."""
        taken = [int(i) for i in self._transaction_ids() if i.isdigit()]
        next_id = max(taken, default=0)
        held = {d.key for d in self.books.invoices if d.qb_id and d.status != "deleted"}
        planned: dict[str, list[Allocation]] = {}
        for note in self.books.credit_notes:
            if note.qb_id is None or note.status == "deleted":
                continue
            for document_key, amount, day in note.allocations:
                if document_key not in held:
                    raise ValueError(f"seeded credit note {note.key} is allocated to {document_key}, which "
                                     "QuickBooks' side does not hold")
                next_id += 1
                planned.setdefault(document_key, []).append(Allocation(str(next_id), note.key, document_key,
                                                                       amount, day))
        return planned

    def _transaction_ids(self) -> list[str]:
        books = self.books
        ids = [d.qb_id for d in books.invoices] + [p.qb_id for d in books.invoices for p in d.payments]
        ids += [n.qb_id for n in books.credit_notes] + [o.qb_id for o in books.overpayments]
        ids += [b.qb_id for b in books.bank_transactions] + [j.qb_id for j in books.journals]
        return [str(i) for i in ids if i]

    # --- everything after the documents -------------------------------------------------------------------------
    def load_rest(self, allocations: dict[str, list[Allocation]]) -> None:
        by_credit: dict[str, list[Allocation]] = {}
        for found in allocations.values():
            for allocation in found:
                by_credit.setdefault(allocation.credit_key, []).append(allocation)
        for note in self.books.credit_notes:
            self._credit_note(note, by_credit.get(note.key, []))
        for found in allocations.values():
            for allocation in found:
                self._allocation_payment(allocation)
        for overpayment in self.books.overpayments:
            self._overpayment(overpayment)
        for transaction in self.books.bank_transactions:
            self._bank_transaction(transaction)
        for journal in self.books.journals:
            self._journal(journal)
        for attachment in self.books.attachments:
            self._attachment(attachment)

    def _party(self, contact_key: str | None, label: str) -> tuple[str, str] | None:
        if contact_key is None:
            return None
        party = self.parties.get(contact_key)
        if party is None:
            raise ValueError(f"seeded {label}: contact {contact_key} is not in QuickBooks")
        return party

    def _void(self, entity: str, record: Any) -> None:
        """A seeded voided record: zeroed and noted as an API void would (also where the API offers no void)."""
        definition = ENTITIES[entity]
        record.data = definition.void(self.company, record) if definition.void else lines.zero_out(record.data)
        record.internal["voided"] = True
        record.sync += 1

    def _credit_note(self, note: SeedCreditNote, applied: list[Allocation]) -> None:
        if note.qb_id is None:
            return
        sales = note.kind == "sales"
        entity = "CreditMemo" if sales else "VendorCredit"
        party = self._party(note.contact_key, f"{entity} {note.qb_id}")
        assert party is not None
        when = _epoch(note.updated_at, self.now)
        self.owners[("credit_note", note.key)] = (entity, note.qb_id)
        if note.status == "deleted":
            self.tombstone(entity, note.qb_id, when)
            return
        line_kind = "SalesItemLineDetail" if sales else "AccountBasedExpenseLineDetail"
        seeded_lines = []
        for line in note.lines:
            code = {"value": self.tax(line.tax_type).qb_tax_code_id}
            if sales or line.item_code:
                kind = line_kind if sales else "ItemBasedExpenseLineDetail"
                detail = {"ItemRef": _ref(self.item_id(line.item_code, line.account_code)), "Qty": line.quantity,
                          "UnitPrice": line.unit_amount, "TaxCodeRef": code, **self.class_ref(line.tracking)}
            else:
                kind = line_kind
                detail = {"AccountRef": _ref(self.account_id(line.account_code)), "TaxCodeRef": code,
                          **self.class_ref(line.tracking)}
            seeded_lines.append({"Description": line.description, "Amount": line.line_amount, "DetailType": kind,
                                 kind: detail})
        data: dict[str, Any] = {
            "CustomerRef" if sales else "VendorRef": _ref(party[1]), "TxnDate": note.date.isoformat(),
            "CurrencyRef": _ref(note.currency), "Line": seeded_lines, "GlobalTaxCalculation": "TaxExcluded",
            "TxnTaxDetail": self.tax_overrides(note.lines, "sales" if sales else "purchases")}
        if note.currency != HOME_CURRENCY:
            data["ExchangeRate"] = exchange_rate(note.currency, note.currency_rate)
        if note.number:
            data["DocNumber"] = note.number
        elif sales:
            data["AutoDocNumber"] = False
        if note.reference:
            data["PrivateNote"] = note.reference
        data = schema.normalise(schema.entity_type(entity), data, "")
        data = self.prepare(ENTITIES[entity], data, f"{entity} {note.qb_id}")
        used = transactions.apply_paid(data, sum((a.amount for a in applied), Decimal("0")), entity)
        back = "Payment" if sales else "BillPaymentCheck"
        if applied:
            data["LinkedTxn"] = [{"TxnId": a.payment_id, "TxnType": back} for a in applied]
        record = self.insert(entity, data, note.qb_id, when, {"paid": used})
        if note.status == "voided":
            self._void(entity, record)

    def _allocation_payment(self, allocation: Allocation) -> None:
        document_entity, document_id = self.documents[allocation.document_key]
        credit_entity, credit_id = self.owners[("credit_note", allocation.credit_key)]
        document = self.company.books.get(document_entity, document_id)
        assert document is not None
        sales = document_entity == "Invoice"
        party_ref = "CustomerRef" if sales else "VendorRef"
        data: dict[str, Any] = {
            party_ref: dict(document.data[party_ref]), "TxnDate": allocation.date.isoformat(),
            "CurrencyRef": dict(document.data["CurrencyRef"]), "TotalAmt": Decimal("0"),
            "Line": [{"Amount": allocation.amount, "LinkedTxn": [{"TxnId": document_id, "TxnType": document_entity}]},
                     {"Amount": allocation.amount, "LinkedTxn": [{"TxnId": credit_id, "TxnType": credit_entity}]}]}
        if "ExchangeRate" in document.data:
            data["ExchangeRate"] = document.data["ExchangeRate"]
        if sales:
            funds = payments.undeposited_funds(self.company)
            data.update({"UnappliedAmt": Decimal("0"), "ProcessPayment": False})
            if funds is not None:
                data["DepositToAccountRef"] = _ref(funds.id, funds.data.get("Name"))
        else:
            bank = self._bank_in(data["CurrencyRef"]["value"])
            data.update({"PayType": "Check", "CheckPayment": {"BankAccountRef": bank, "PrintStatus": "NotSet"},
                         "APAccountRef": dict(document.data.get("APAccountRef") or transactions.AP_ACCOUNT)})
        entity = "Payment" if sales else "BillPayment"
        data = schema.normalise(schema.entity_type(entity), data, "")
        self.insert(entity, data, allocation.payment_id, _noon(allocation.date))

    def _bank_in(self, currency: str) -> dict[str, str]:
        for acc in self._accounts.values():
            if acc.kind == "bank" and acc.currency == currency:
                return _ref(acc.qb_id, acc.name)
        first = reference.account("090")
        return _ref(first.qb_id, first.name)

    def _overpayment(self, overpayment: Any) -> None:
        if overpayment.qb_id is None:
            return
        party = self._party(overpayment.contact_key, f"Payment {overpayment.qb_id}")
        assert party is not None
        bank = self._accounts[overpayment.account_code]
        data: dict[str, Any] = {
            "CustomerRef": _ref(party[1]), "TxnDate": overpayment.date.isoformat(),
            "CurrencyRef": _ref(overpayment.currency), "TotalAmt": overpayment.amount,
            "DepositToAccountRef": _ref(bank.qb_id, bank.name)}
        if overpayment.currency != HOME_CURRENCY:
            data["ExchangeRate"] = exchange_rate(overpayment.currency,
                                                 getattr(overpayment, "currency_rate", None)
                                                 or reference.RATES.get(overpayment.currency, Decimal("1")))
        data = schema.normalise(schema.entity_type("Payment"), data, "")
        data = self.prepare(ENTITIES["Payment"], data, f"Payment {overpayment.qb_id}")
        self.insert("Payment", data, overpayment.qb_id, _epoch(overpayment.updated_at, _noon(overpayment.date)))

    def _bank_transaction(self, transaction: SeedBankTransaction) -> None:
        if transaction.qb_id is None:
            return
        entity = "Deposit" if transaction.kind == "receive" else "Purchase"
        label = f"{entity} {transaction.qb_id}"
        party = self._party(transaction.contact_key, label)
        when = _epoch(transaction.updated_at, self.now)
        self.owners[("bank_transaction", transaction.key)] = (entity, transaction.qb_id)
        if transaction.status == "deleted":
            self.tombstone(entity, transaction.qb_id, when)
            return
        kind = "DepositLineDetail" if entity == "Deposit" else "AccountBasedExpenseLineDetail"
        seeded_lines = []
        for line in transaction.lines:
            detail: dict[str, Any] = {"AccountRef": _ref(self.account_id(line.account_code)),
                                      "TaxCodeRef": {"value": self.tax(line.tax_type).qb_tax_code_id},
                                      **self.class_ref(line.tracking)}
            if entity == "Deposit" and party is not None:
                detail["Entity"] = {"value": party[1], "type": party[0]}
            seeded_lines.append({"Description": line.description, "Amount": line.amount, "DetailType": kind,
                                 kind: detail})
        bank = _ref(self.bank_id(transaction.bank_account_code))
        data: dict[str, Any] = {"TxnDate": transaction.date.isoformat(), "CurrencyRef": _ref(transaction.currency),
                                "Line": seeded_lines, "GlobalTaxCalculation": "TaxExcluded",
                                "TxnTaxDetail": self.tax_overrides(transaction.lines,
                                                                   "sales" if entity == "Deposit" else "purchases")}
        if transaction.currency != HOME_CURRENCY:
            data["ExchangeRate"] = exchange_rate(transaction.currency,
                                                 reference.RATES.get(transaction.currency, Decimal("1")))
        if entity == "Deposit":
            data["DepositToAccountRef"] = bank
        else:
            data.update({"AccountRef": bank, "PaymentType": transaction.payment_type})
            if party is not None:
                data["EntityRef"] = {"value": party[1], "type": party[0]}
        if transaction.reference and entity == "Purchase" and transaction.payment_type == "Check":
            data["DocNumber"] = transaction.reference[:21]  # the cheque's number
        elif transaction.reference:
            data["PrivateNote"] = transaction.reference
        data = schema.normalise(schema.entity_type(entity), data, "")
        data = self.prepare(ENTITIES[entity], data, label)
        record = self.insert(entity, data, transaction.qb_id, when)
        if transaction.status == "voided":
            self._void(entity, record)

    def _journal(self, journal: SeedJournal) -> None:
        if journal.qb_id is None:
            return
        when = _epoch(journal.updated_at, self.now)
        self.owners[("journal", journal.key)] = ("JournalEntry", journal.qb_id)
        if journal.status == "deleted":
            self.tombstone("JournalEntry", journal.qb_id, when)
            return
        seeded_lines = []
        for line in journal.lines:
            detail: dict[str, Any] = {"PostingType": "Debit" if line.amount > 0 else "Credit",
                                      "AccountRef": _ref(self.account_id(line.account_code)),
                                      **self.class_ref(line.tracking)}
            if line.tax_type != "NONE":
                tax = self.tax(line.tax_type)
                detail.update({"TaxCodeRef": {"value": tax.qb_tax_code_id}, "TaxAmount": Decimal("0"),
                               "TaxApplicableOn": "Purchase" if tax.applies_to == "purchases" else "Sales"})
            seeded_lines.append({"Description": line.description, "Amount": abs(line.amount),
                                 "DetailType": "JournalEntryLineDetail", "JournalEntryLineDetail": detail})
        data: dict[str, Any] = {"TxnDate": journal.date.isoformat(), "Line": seeded_lines,
                                "CurrencyRef": _ref(HOME_CURRENCY), "PrivateNote": journal.narration}
        if journal.number:
            data["DocNumber"] = journal.number
        data = schema.normalise(schema.entity_type("JournalEntry"), data, "")
        data = self.prepare(ENTITIES["JournalEntry"], data, f"JournalEntry {journal.qb_id}")
        record = self.insert("JournalEntry", data, journal.qb_id, when)
        if journal.status == "voided":
            self._void("JournalEntry", record)

    def _attachment(self, attachment: Any) -> None:
        if attachment.qb_id is None:
            return
        owner = self.owners.get((attachment.owner_kind, attachment.owner_key))
        if owner is None and attachment.owner_kind in ("bill", "invoice"):
            owner = self.documents.get(attachment.owner_key)
        if owner is None or self.company.books.get(*owner) is None:
            raise ValueError(f"seeded attachment {attachment.key}: its {attachment.owner_kind} "
                             f"{attachment.owner_key} is not in QuickBooks")
        data = {"AttachableRef": [{"EntityRef": {"type": owner[0], "value": owner[1]}, "IncludeOnSend": False}],
                "FileName": attachment.file_name, "ContentType": attachment.mime_type}
        data = schema.normalise(schema.entity_type("Attachable"), data, "")
        data = self.prepare(ENTITIES["Attachable"], data, f"Attachable {attachment.qb_id}")
        owner_record = self.company.books.get(*owner)
        self.insert("Attachable", data, attachment.qb_id, owner_record.updated if owner_record else self.now,
                    attachments.stored(attachment.content))

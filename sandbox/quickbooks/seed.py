"""Seeded books as QuickBooks holds them.

Reference data (``sandbox.seed.reference``): accounts (plus QuickBooks' own Undeposited Funds, Inventory Asset and
a company credit card), tax codes and rates, items, terms, classes for the tracking options, the enabled foreign
currencies, CompanyInfo and Preferences of Harbour & Finch Ltd (GB, GBP, VAT, multicurrency). A :class:`SideBooks`
(the QuickBooks side of the generated books) then adds or adjusts its own reference lists (items per side, extra
tax rates, tracking classes, currencies) and becomes Customers / Vendors (``is_customer`` / ``is_supplier``),
Invoices / Bills, Payments / BillPayments (``seed_more``: credit notes, overpayments, bank transactions, journals,
attachments) with the ids it gives. Every record goes through the same checks and computations as an API write, so
seeded and API-made records look alike. A document's ``Balance`` is ``TotalAmt`` less its live payments and the
credit notes allocated to it; a payment the generator marks deleted is gone, visible only as a cdc tombstone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sandbox.quickbooks import schema, seed_more, transactions
from sandbox.quickbooks.entities import ENTITIES, EntityDef
from sandbox.quickbooks.operations import Company
from sandbox.seed import reference
from sandbox.seed.model import HOME_CURRENCY, SeedContact, SeedInvoice, SeedPayment, SeedTaxRate, SideBooks

ACCOUNT_TYPES: dict[str, tuple[str, str, str]] = {
    # neutral kind: (AccountType, Classification, AccountSubType)
    "bank": ("Bank", "Asset", "Checking"),
    "receivable": ("Accounts Receivable", "Asset", "AccountsReceivable"),
    "payable": ("Accounts Payable", "Liability", "AccountsPayable"),
    "revenue": ("Income", "Revenue", "SalesOfProductIncome"),
    "expense": ("Expense", "Expense", "OtherMiscellaneousServiceCost"),
    "direct_costs": ("Cost of Goods Sold", "Expense", "SuppliesMaterialsCogs"),
    "current_asset": ("Other Current Asset", "Asset", "OtherCurrentAssets"),
    "current_liability": ("Other Current Liability", "Liability", "GlobalTaxPayable"),
    "equity": ("Equity", "Equity", "OwnersEquity"),
}
# accounts every QuickBooks company of this kind has, which Xero has no counterpart for (no mapping needed):
# (Id, name, AccountType, Classification, AccountSubType)
QB_ONLY_ACCOUNTS = [
    ("4", "Undeposited Funds", "Other Current Asset", "Asset", "UndepositedFunds"),
    ("39", "Inventory Asset", "Other Current Asset", "Asset", "Inventory"),
    ("40", "Business Credit Card", "Credit Card", "Liability", "CreditCard"),
]
# QuickBooks UK names its VAT codes like this
TAX_CODE_NAMES = {"2": ("20.0% S", "Standard rated"), "4": ("5.0% R", "Reduced rate"), "6": ("0.0% Z", "Zero rated"),
                  "8": ("Exempt", "Exempt"), "10": ("No VAT", "No VAT")}
TERMS = [("1", "Due on receipt", 0), ("2", "Net 15", 15), ("3", "Net 30", 30), ("4", "Net 60", 60)]
DEFAULT_TERM = "3"
# a new QuickBooks company comes with these two items
BUILTIN_ITEMS = [("1", "Services"), ("2", "Hours")]
SEED_EPOCH = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc).timestamp()


def _put(company: Company, name: str, record_id: str, data: dict[str, Any], at: float = SEED_EPOCH,
         internal: dict[str, Any] | None = None) -> None:
    definition: EntityDef = ENTITIES[name]
    clean = schema.normalise(schema.entity_type(name), data, "")  # a typo here fails loudly, not in a test
    company.books.insert(definition, clean, record_id=record_id, at=at, internal=internal, notify=False)


def _ref(value: str, name: str | None = None) -> dict[str, str]:
    return {"value": value, **({"name": name} if name else {})}


def account_record(company: Company, acc: Any) -> None:
    account_type, classification, sub_type = ACCOUNT_TYPES[acc.kind]
    _put(company, "Account", acc.qb_id, {
        "Name": acc.name, "SubAccount": False, "FullyQualifiedName": acc.name, "Active": True,
        "Classification": classification, "AccountType": account_type, "AccountSubType": sub_type,
        "CurrentBalance": 0, "CurrentBalanceWithSubAccounts": 0, "CurrencyRef": _ref(acc.currency)})


def tax_codes(company: Company, rates: list[SeedTaxRate]) -> None:
    """TaxRates and the TaxCodes grouping them (a code has a sales and/or a purchase rate)."""
    rate_names: dict[str, str] = {}
    for tax in rates:
        for side, rate_id in (("Sales", tax.qb_sales_rate_id), ("Purchases", tax.qb_purchase_rate_id)):
            if rate_id is None or company.books.get("TaxRate", rate_id) is not None:
                continue
            name = tax.name if tax.applies_to != "both" else f"{tax.name} ({side})"
            rate_names[rate_id] = name
            _put(company, "TaxRate", rate_id, {
                "Name": name, "Description": name, "Active": True, "RateValue": tax.rate,
                "AgencyRef": _ref("1"), "SpecialTaxType": "ZERO_RATE" if tax.rate == 0 else "NONE",
                "DisplayType": "ReadOnly",
                "EffectiveTaxRate": [{"RateValue": tax.rate, "EffectiveDate": "2011-04-01T00:00:00-07:00"}]})
    codes: dict[str, dict[str, Any]] = {}
    for tax in rates:
        if company.books.get("TaxCode", tax.qb_tax_code_id) is not None:
            continue
        name, description = TAX_CODE_NAMES.get(tax.qb_tax_code_id, (tax.name, tax.name))
        code = codes.setdefault(tax.qb_tax_code_id, {"Name": name, "Description": description, "Active": True,
                                                     "Hidden": False, "Taxable": tax.rate > 0, "TaxGroup": True})
        for key, rate_id in (("SalesTaxRateList", tax.qb_sales_rate_id),
                             ("PurchaseTaxRateList", tax.qb_purchase_rate_id)):
            if rate_id is not None:
                code[key] = {"TaxRateDetail": [{"TaxRateRef": _ref(rate_id, rate_names.get(rate_id)),
                                                "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0}]}
    for code_id, data in codes.items():
        _put(company, "TaxCode", code_id, data)


def item_data(item: Any) -> dict[str, Any]:
    income = reference.account(item.sales_account_code)
    code = reference.tax_rate(item.tax_type).qb_tax_code_id
    data: dict[str, Any] = {
        "Name": item.name, "Sku": item.code, "Description": item.description, "Active": True,
        "FullyQualifiedName": item.name, "Taxable": True, "UnitPrice": item.unit_price,
        "Type": "NonInventory" if item.purchase_account_code else "Service",
        "IncomeAccountRef": _ref(income.qb_id, income.name), "TrackQtyOnHand": False,
        "SalesTaxCodeRef": _ref(code, TAX_CODE_NAMES.get(code, (None,))[0])}
    if item.purchase_account_code:
        expense = reference.account(item.purchase_account_code)
        data["ExpenseAccountRef"] = _ref(expense.qb_id, expense.name)
        data["PurchaseTaxCodeRef"] = _ref("2", TAX_CODE_NAMES["2"][0])
    return data


def reference_data(company: Company) -> None:
    for acc in reference.ACCOUNTS:
        account_record(company, acc)
    for acc_id, name, account_type, classification, sub_type in QB_ONLY_ACCOUNTS:
        _put(company, "Account", acc_id, {
            "Name": name, "SubAccount": False, "FullyQualifiedName": name, "Active": True,
            "Classification": classification, "AccountType": account_type, "AccountSubType": sub_type,
            "CurrentBalance": 0, "CurrentBalanceWithSubAccounts": 0, "CurrencyRef": _ref(company.home_currency)})
    tax_codes(company, reference.TAX_RATES)
    sales = reference.account("200")
    for item_id, name in BUILTIN_ITEMS:
        _put(company, "Item", item_id, {
            "Name": name, "Active": True, "FullyQualifiedName": name, "Taxable": True, "UnitPrice": 0,
            "Type": "Service", "IncomeAccountRef": _ref(sales.qb_id, sales.name), "TrackQtyOnHand": False,
            "SalesTaxCodeRef": _ref("2", TAX_CODE_NAMES["2"][0])})
    for item_id, name, account_code in reference.QB_ACCOUNT_ITEMS:
        income = reference.account(account_code)
        _put(company, "Item", item_id, {
            "Name": name, "Active": True, "FullyQualifiedName": name, "Taxable": True, "UnitPrice": 0,
            "Type": "Service", "IncomeAccountRef": _ref(income.qb_id, income.name), "TrackQtyOnHand": False,
            "SalesTaxCodeRef": _ref("2", TAX_CODE_NAMES["2"][0])})
    for item in reference.ITEMS:
        if item.qb_id:
            _put(company, "Item", item.qb_id, item_data(item))
    for term_id, name, days in TERMS:
        _put(company, "Term", term_id, {"Name": name, "Active": True, "Type": "STANDARD", "DueDays": days,
                                        "DiscountPercent": 0, "DiscountDays": 0})
    seed_more.tracking_classes(company, reference.TRACKING, SEED_EPOCH)
    seed_more.currencies(company, reference.QUICKBOOKS_CURRENCIES, SEED_EPOCH)
    _put(company, "CompanyInfo", "1", {
        "CompanyName": reference.ORGANISATION_NAME, "LegalName": reference.ORGANISATION_NAME,
        "CompanyAddr": {"Id": "1", "Line1": "14 Quay Street", "City": "Bristol", "Country": "GB",
                        "PostalCode": "BS1 4QA"},
        "LegalAddr": {"Id": "1", "Line1": "14 Quay Street", "City": "Bristol", "Country": "GB",
                      "PostalCode": "BS1 4QA"},
        "CompanyEmailAddr": {"Address": "accounts@harbourfinch.example"},
        "Email": {"Address": "accounts@harbourfinch.example"},
        "CompanyStartDate": "2019-04-01", "FiscalYearStartMonth": "April", "Country": "GB",
        "SupportedLanguages": "en", "DefaultTimeZone": "Europe/London",
        "NameValue": [{"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
                      {"Name": "IsQbdtMigrated", "Value": "false"}]})
    net30 = _ref(DEFAULT_TERM, "Net 30")
    _put(company, "Preferences", "1", {
        "AccountingInfoPrefs": {"UseAccountNumbers": False, "TrackDepartments": True, "ClassTrackingPerTxn": False,
                                "ClassTrackingPerTxnLine": True, "FirstMonthOfFiscalYear": "April",
                                "TaxYearMonth": "April", "CustomerTerminology": "Customers",
                                "DepartmentTerminology": "Location"},
        "SalesFormsPrefs": {"CustomTxnNumbers": False, "AllowDeposit": False, "AllowDiscount": False,
                            "AllowEstimates": True, "AllowServiceDate": False, "AllowShipping": False,
                            "DefaultTerms": net30, "AutoApplyCredit": True},
        "VendorAndPurchasesPrefs": {"TrackingByCustomer": False, "BillableExpenseTracking": False,
                                    "DefaultTerms": net30},
        "TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": True},
        "CurrencyPrefs": {"MultiCurrencyEnabled": True, "HomeCurrency": _ref(company.home_currency)}})


def _epoch(moment: dt.datetime | None, fallback: float) -> float:
    return float(int(moment.timestamp())) if moment is not None else fallback


def noon(day: dt.date) -> float:
    return float(int(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.timezone.utc).timestamp()))


def _term_for(company: Company, days: int | None) -> dict[str, str] | None:
    if days is None:
        return None
    for record in company.books.all("Term"):
        if record.data.get("DueDays") == days:
            return _ref(record.id, record.data["Name"])
    term_id = company.books.next_id("Term")
    _put(company, "Term", term_id, {"Name": f"Net {days}", "Active": True, "Type": "STANDARD", "DueDays": days,
                                    "DiscountPercent": 0, "DiscountDays": 0})
    return _ref(term_id, f"Net {days}")


def contact_data(company: Company, contact: SeedContact, vendor: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"DisplayName": contact.name, "CompanyName": contact.name,
                            "GivenName": contact.first_name, "FamilyName": contact.last_name,
                            "Active": not contact.archived, "CurrencyRef": _ref(contact.currency)}
    if contact.email:
        data["PrimaryEmailAddr"] = {"Address": contact.email}
    if contact.phone:
        data["PrimaryPhone"] = {"FreeFormNumber": contact.phone}
    if contact.address_line1 or contact.city or contact.postal_code:
        data["BillAddr"] = {"Line1": contact.address_line1, "City": contact.city,
                            "PostalCode": contact.postal_code, "Country": contact.country}
    if contact.tax_number:
        data["TaxIdentifier" if vendor else "PrimaryTaxIdentifier"] = contact.tax_number
    term = _term_for(company, contact.payment_terms_days)
    if term:
        data["TermRef" if vendor else "SalesTermRef"] = term
    return data


def document_data(ctx: seed_more.Loader, invoice: SeedInvoice, party_id: str) -> dict[str, Any]:
    sales = invoice.kind == "sales"
    lines = []
    for line in invoice.lines:
        code = {"value": ctx.tax(line.tax_type).qb_tax_code_id}
        base = {"Description": line.description, "Amount": line.line_amount}
        tracking = ctx.class_ref(line.tracking)
        if sales or line.item_code:
            detail = {"ItemRef": _ref(ctx.item_id(line.item_code, line.account_code)), "Qty": line.quantity,
                      "UnitPrice": line.unit_amount, "TaxCodeRef": code, **tracking}
            kind = "SalesItemLineDetail" if sales else "ItemBasedExpenseLineDetail"
        else:
            detail = {"AccountRef": _ref(ctx.account_id(line.account_code)), "TaxCodeRef": code, **tracking}
            kind = "AccountBasedExpenseLineDetail"
        lines.append({**base, "DetailType": kind, kind: detail})
    data: dict[str, Any] = {
        "CustomerRef" if sales else "VendorRef": _ref(party_id), "TxnDate": invoice.date.isoformat(),
        "DueDate": invoice.due_date.isoformat(), "CurrencyRef": _ref(invoice.currency), "Line": lines,
        "TxnTaxDetail": ctx.tax_overrides(invoice.lines, "sales" if sales else "purchases"),
        "GlobalTaxCalculation": "TaxExcluded"}
    if invoice.currency != HOME_CURRENCY:
        data["ExchangeRate"] = seed_more.exchange_rate(invoice.currency, invoice.currency_rate)
    if invoice.number:
        data["DocNumber"] = invoice.number
    elif sales:
        data["AutoDocNumber"] = False  # kept by hand without a number: no automatic one either
    if invoice.reference:
        data["PrivateNote"] = invoice.reference
    return data


def side_books(company: Company, books: SideBooks, now: float) -> None:
    """Load the QuickBooks side of generated books (reference data must be loaded first)."""
    ctx = seed_more.Loader(company, books, now)
    ctx.reference_lists()
    archived: list[Any] = []  # made inactive after their documents are in (they were archived later)
    payments: dict[tuple[str, str], Any] = {}  # (entity, id) -> (data, time)
    for contact in books.contacts:
        if contact.qb_id is None:
            continue
        entity = "Vendor" if contact.is_supplier and not contact.is_customer else "Customer"
        definition = ENTITIES[entity]
        data = schema.normalise(schema.entity_type(entity), contact_data(company, contact, entity == "Vendor"), "")
        data = ctx.prepare(definition, data, f"{entity} {contact.qb_id}")
        when = _epoch(contact.updated_at, now)
        data["Active"] = True
        record = company.books.insert(definition, data, record_id=contact.qb_id, at=when, notify=False)
        ctx.parties[contact.key] = (entity, contact.qb_id)
        if contact.archived:
            archived.append(record)
    allocations = ctx.plan_allocations()
    for invoice in books.invoices:
        if invoice.qb_id is None:
            continue
        entity = "Invoice" if invoice.kind == "sales" else "Bill"
        definition = ENTITIES[entity]
        party = ctx.parties.get(invoice.contact_key)
        if party is None:
            raise ValueError(f"seeded {entity} {invoice.qb_id}: contact {invoice.contact_key} is not in QuickBooks")
        when = _epoch(invoice.updated_at, now)
        ctx.documents[invoice.key] = (entity, invoice.qb_id)
        for payment in invoice.payments:
            if payment.qb_id and payment.deleted:
                ctx.tombstone("Payment" if entity == "Invoice" else "BillPayment", payment.qb_id,
                              max(when, noon(payment.date)))
        if invoice.status == "deleted":
            ctx.tombstone(entity, invoice.qb_id, when)
            continue
        data = schema.normalise(schema.entity_type(entity), document_data(ctx, invoice, party[1]), "")
        data = ctx.prepare(definition, data, f"{entity} {invoice.qb_id}")
        live = [p for p in invoice.payments if not p.deleted]
        applied = allocations.get(invoice.key, [])
        paid = transactions.apply_paid(data, sum((p.amount for p in live), Decimal("0"))
                                       + sum((a.amount for a in applied), Decimal("0")))
        back = "Payment" if entity == "Invoice" else "BillPaymentCheck"
        linked = [{"TxnId": p.qb_id, "TxnType": back} for p in live if p.qb_id]
        linked += [{"TxnId": a.payment_id, "TxnType": back} for a in applied]
        if linked:
            data["LinkedTxn"] = _unique_links(linked)
        record = company.books.insert(definition, data, record_id=invoice.qb_id, at=when,
                                      internal={"paid": paid}, notify=False)
        for payment in live:
            if payment.qb_id:
                _add_payment(payments, entity, invoice, record, payment, party[1])
        if invoice.status == "voided" and definition.void is not None:
            record.data = definition.void(company, record)
            record.sync += 1
    for (entity, payment_id), (data, when) in payments.items():
        _put(company, entity, payment_id, data, at=when)
    ctx.load_rest(allocations)
    for record in archived:
        record.data["Active"] = False
        record.sync += 1


def _unique_links(links: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for link in links:
        key = (link["TxnId"], link["TxnType"])
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


def _add_payment(payments: dict[tuple[str, str], Any], entity: str, invoice: SeedInvoice, document: Any,
                 payment: SeedPayment, party_id: str) -> None:
    """One payment record per id; a payment covering several documents (a ``group``) gets a line for each."""
    sales = entity == "Invoice"
    name = "Payment" if sales else "BillPayment"
    key = (name, str(payment.qb_id))
    bank = reference.account(payment.account_code)
    when = noon(payment.date)
    line = {"Amount": payment.amount, "LinkedTxn": [{"TxnId": document.id, "TxnType": entity}]}
    if key in payments:
        data, at = payments[key]
        data["Line"].append(line)
        data["TotalAmt"] += payment.amount
        payments[key] = (data, max(at, when))
        return
    data: dict[str, Any] = {"TxnDate": payment.date.isoformat(), "CurrencyRef": _ref(invoice.currency),
                            "TotalAmt": payment.amount, "Line": [line]}
    if invoice.currency != HOME_CURRENCY:
        data["ExchangeRate"] = seed_more.exchange_rate(invoice.currency, invoice.currency_rate)
    if sales:
        data.update({"CustomerRef": _ref(party_id, document.data["CustomerRef"].get("name")),
                     "DepositToAccountRef": _ref(bank.qb_id, bank.name), "UnappliedAmt": 0,
                     "ProcessPayment": False})
        if payment.reference:
            data["PaymentRefNum"] = payment.reference
    else:
        data.update({"VendorRef": _ref(party_id, document.data["VendorRef"].get("name")), "PayType": "Check",
                     "CheckPayment": {"BankAccountRef": _ref(bank.qb_id, bank.name), "PrintStatus": "NotSet"},
                     "APAccountRef": dict(document.data.get("APAccountRef") or transactions.AP_ACCOUNT)})
        if payment.reference:
            data["DocNumber"] = payment.reference[:21]
    payments[key] = (data, when)


"""Payment (money from a customer) and BillPayment (money to a vendor): what they apply to, and how that moves the
documents' balances (fact sheet §1.2, §3).

Each line applies an amount to one document through ``LinkedTxn``: an Invoice (or a Bill) it pays, or a
CreditMemo (or a VendorCredit) whose credit it uses, which is how QuickBooks applies a credit to an invoice (a
payment of the invoice line less the credit line, often 0). ``TotalAmt`` is what changed hands; what it does not
apply is a credit for the customer (``UnappliedAmt``) or the vendor (an overpayment: ``TotalAmt`` more than the
lines). An amount above a document's open balance is refused (6000). Creating, changing, voiding or deleting a
payment changes the linked documents' ``Balance`` and puts (or takes away) its ``LinkedTxn`` on them, which bumps
their ``SyncToken`` as in QuickBooks (Intuit's own Bill sample with a bill payment has SyncToken 2). A payment put
on a Deposit can't be changed until it is taken off (6540).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors, lines, refs, transactions
from sandbox.quickbooks.store import money

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

UNDEPOSITED = "UndepositedFunds"  # AccountSubType of QuickBooks' Undeposited Funds account


@dataclass(frozen=True)
class Side:
    entity: str  # Payment | BillPayment
    party: str  # Customer | Vendor
    party_ref: str
    document: str  # what it pays: Invoice | Bill
    credit: str  # whose credit it uses: CreditMemo | VendorCredit


SALES = Side("Payment", "Customer", "CustomerRef", "Invoice", "CreditMemo")
PURCHASES = Side("BillPayment", "Vendor", "VendorRef", "Bill", "VendorCredit")
SIDES = {s.entity: s for s in (SALES, PURCHASES)}


def link_type(entity: str, data: dict[str, Any]) -> str:
    """How a document's LinkedTxn names the payment (a bill shows the bill payment's kind)."""
    if entity == "Payment":
        return "Payment"
    return "BillPaymentCreditCard" if data.get("PayType") == "CreditCard" else "BillPaymentCheck"


def applications(data: dict[str, Any] | None) -> dict[tuple[str, str], Decimal]:
    """(TxnType, TxnId) -> the amount the payment applies to that document (its lines summed)."""
    out: dict[tuple[str, str], Decimal] = {}
    for line in (data or {}).get("Line") or []:
        for link in line.get("LinkedTxn") or []:
            key = (str(link.get("TxnType")), str(link.get("TxnId")))
            out[key] = out.get(key, Decimal("0")) + money(line.get("Amount", 0))
    return out


def undeposited_funds(ctx: Ctx) -> Record | None:
    return next((a for a in ctx.books.all("Account") if a.data.get("AccountSubType") == UNDEPOSITED), None)


# --- prepare ------------------------------------------------------------------------------------------------------
def _read_lines(ctx: Ctx, side: Side, data: dict[str, Any], old: Record | None, party: Record,
                currency: str) -> Decimal:
    """Validate the lines against the documents' open balances; returns the net amount applied."""
    kept: list[dict[str, Any]] = []
    for index, line in enumerate(data.get("Line") or []):
        element = f"Line[{index}]"
        amount = lines.amount_of(line, element)
        links = line.get("LinkedTxn") or []
        if not links:
            raise errors.required(f"{element}.LinkedTxn")
        if len(links) > 1:
            raise errors.cannot_link(f"{element}.LinkedTxn", "A payment line links exactly one transaction.")
        link = links[0]
        txn_type, txn_id = link.get("TxnType"), link.get("TxnId")
        if not txn_id:
            raise errors.required(f"{element}.LinkedTxn[0].TxnId")
        if txn_type not in (side.document, side.credit):
            raise errors.cannot_link(f"{element}.LinkedTxn[0].TxnType",
                                     f"A {side.entity} can link a {side.document} or a {side.credit}, not "
                                     f"{txn_type}.")
        document = ctx.books.get(str(txn_type), str(txn_id))
        if document is None:
            raise errors.invalid_reference(f"{element}.LinkedTxn[0].TxnId", txn_type, txn_id)
        if (document.data.get(side.party_ref) or {}).get("value") != party.id:
            raise errors.cannot_link(f"{element}.LinkedTxn[0].TxnId",
                                     f"{txn_type} {txn_id} belongs to another {side.party.lower()}.")
        held = (document.data.get("CurrencyRef") or {}).get("value", ctx.home_currency)
        if held != currency:
            raise errors.cannot_link(f"{element}.LinkedTxn[0].TxnId",
                                     f"{txn_type} {txn_id} is in {held}, the payment in {currency}.")
        kept.append({**{k: v for k, v in line.items() if k in ("Description", "LineEx")}, "Amount": amount,
                     "LinkedTxn": [{"TxnId": str(txn_id), "TxnType": str(txn_type)}]})
    if kept:
        data["Line"] = kept
    else:
        data.pop("Line", None)  # an unapplied payment has no lines (a voided one shows "Line": [])
    before = applications(old.data) if old is not None and not old.internal.get("voided") else {}
    applied = Decimal("0.00")
    for (txn_type, txn_id), amount in applications(data).items():
        document = ctx.books.get(txn_type, txn_id)
        assert document is not None
        available = Decimal(document.data.get("Balance", 0)) + before.get((txn_type, txn_id), Decimal("0"))
        if amount > available:
            label = document.data.get("DocNumber") or txn_id
            what = "credit left on" if txn_type == side.credit else "open balance of"
            raise errors.business(f"The amount applied to {txn_type} {label} ({amount}) is more than the {what} "
                                  f"it ({available}).", "Line")
        applied += -amount if txn_type == side.credit else amount
    if applied < 0:
        raise errors.business(f"The credits applied are more than the {side.document.lower()}s they pay.", "Line")
    return applied


def _payment_common(ctx: Ctx, side: Side, data: dict[str, Any], old: Record | None) -> tuple[Record, Decimal]:
    party = refs.resolve(ctx, data.get(side.party_ref), side.party, side.party_ref, required=True)
    assert party is not None
    if data.get("TotalAmt") is None:
        raise errors.required("TotalAmt")
    data["TotalAmt"] = money(data["TotalAmt"])
    if data["TotalAmt"] < 0:
        raise errors.business("The total amount of a payment can't be negative.", "TotalAmt")
    party_currency = (party.data.get("CurrencyRef") or {}).get("value", ctx.home_currency)
    if data.get("ExchangeRate") is None:
        # the rate of the first document it pays, as the QuickBooks form proposes it
        first = next(iter(applications(data)), None)
        document = ctx.books.get(*first) if first else None
        if document is not None and document.data.get("ExchangeRate") is not None:
            data["ExchangeRate"] = document.data["ExchangeRate"]
    currency = lines.header(ctx, data, old, party_currency, side.party.lower(), tax_mode=False)
    applied = _read_lines(ctx, side, data, old, party, currency)
    unapplied = data["TotalAmt"] - applied
    if unapplied < 0:
        raise errors.business(f"The amounts applied ({applied}) are more than the payment's total "
                              f"({data['TotalAmt']}).", "TotalAmt")
    return party, unapplied


def prepare_payment(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    _, unapplied = _payment_common(ctx, SALES, data, old)
    data["UnappliedAmt"] = unapplied
    if not data.get("DepositToAccountRef"):
        funds = undeposited_funds(ctx)
        if funds is not None:
            data["DepositToAccountRef"] = {"value": funds.id, "name": funds.data.get("Name")}
    account = refs.account(ctx, data.get("DepositToAccountRef"), "DepositToAccountRef",
                           ("Bank", "Other Current Asset"))
    refs.check_account_currency(account, data["CurrencyRef"]["value"], "DepositToAccountRef")
    refs.account(ctx, data.get("ARAccountRef"), "ARAccountRef", ("Accounts Receivable",))
    data.setdefault("ProcessPayment", False)
    return data


def prepare_bill_payment(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    party, _ = _payment_common(ctx, PURCHASES, data, old)
    pay_type = data.get("PayType")
    if not pay_type:
        raise errors.required("PayType")
    if pay_type == "Check":
        check = data.get("CheckPayment") or {}
        account = refs.account(ctx, check.get("BankAccountRef"), "CheckPayment.BankAccountRef", ("Bank",),
                               required=True)
        check.setdefault("PrintStatus", "NotSet")
        data["CheckPayment"] = check
        data.pop("CreditCardPayment", None)
    else:
        card = data.get("CreditCardPayment") or {}
        account = refs.account(ctx, card.get("CCAccountRef"), "CreditCardPayment.CCAccountRef", ("Credit Card",),
                               required=True)
        data["CreditCardPayment"] = card
        data.pop("CheckPayment", None)
    refs.check_account_currency(account, data["CurrencyRef"]["value"], "PayType")
    if not data.get("APAccountRef"):
        data["APAccountRef"] = dict(party.data.get("APAccountRef") or transactions.AP_ACCOUNT)
    refs.account(ctx, data["APAccountRef"], "APAccountRef", ("Accounts Payable",))
    return data


def void(ctx: Ctx, record: Record) -> dict[str, Any]:
    """Voiding keeps the payment but zeroes it and clears its lines (fact sheet §3: DCOPY billpayment)."""
    data = copy.deepcopy(record.data)
    data["Line"] = []
    record.internal["voided"] = True
    return lines.zero_out(data)


def guard(ctx: Ctx, record: Record, operation: str) -> None:
    if record.internal.get("deposit"):
        raise errors.deposited()
    if operation == "update" and record.internal.get("voided"):
        raise errors.business("A voided transaction can't be changed.")


# --- effects on the documents ---------------------------------------------------------------------------------------
def effects(ctx: Ctx, record: Record, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Move the documents' balances by what this write changed, and keep their links to the payment."""
    old, new = applications(before), applications(after)
    back = link_type(record.entity, after) if after is not None else None
    for key in sorted(set(old) | set(new)):
        document = ctx.books.get(*key)
        if document is None:
            continue
        settle(ctx, document, new.get(key, Decimal("0")) - old.get(key, Decimal("0")), record.id,
               back if new.get(key, Decimal("0")) > 0 else None)


def settle(ctx: Ctx, document: Record, delta: Decimal, payment_id: str, back: str | None) -> None:
    """Add ``delta`` to what is settled of a document and link it to the payment (``back``) or unlink it."""
    data = copy.deepcopy(document.data)
    links = [link for link in data.get("LinkedTxn") or []
             if not (str(link.get("TxnId")) == payment_id and link.get("TxnType") in transactions.PAYMENT_LINKS)]
    if back is not None:
        links.append({"TxnId": payment_id, "TxnType": back})
    if delta == 0 and links == (data.get("LinkedTxn") or []):
        return
    if links:
        data["LinkedTxn"] = links
    else:
        data.pop("LinkedTxn", None)
    paid = Decimal(document.internal.get("paid", 0)) + delta
    document.internal["paid"] = paid
    transactions.apply_paid(data, paid, document.entity)
    ctx.books.replace(document, data)


def unlink_document(ctx: Ctx, entity: str, payment_id: str, document: Record) -> None:
    """Take a document off a payment (the UI does it when the document is deleted): the money stays with the
    payment, unapplied."""
    payment = ctx.books.get(entity, payment_id)
    if payment is None:
        return
    before = copy.deepcopy(payment.data)
    data = copy.deepcopy(payment.data)
    data["Line"] = [line for line in data.get("Line") or []
                    if not any(link.get("TxnType") == document.entity and str(link.get("TxnId")) == document.id
                               for link in line.get("LinkedTxn") or [])]
    side = SIDES[entity]
    applied = sum((-amount if txn_type == side.credit else amount
                   for (txn_type, _), amount in applications(data).items()), Decimal("0"))
    if applied < 0 or applied > Decimal(data.get("TotalAmt", 0)):
        raise errors.business(f"{document.entity} {document.id} is used by {entity} {payment_id} to pay other "
                              "transactions. Delete or change the payment first.", "LinkedTxn")
    if entity == "Payment":
        data["UnappliedAmt"] = Decimal(data.get("TotalAmt", 0)) - applied
    ctx.books.replace(payment, data)
    effects(ctx, payment, before, payment.data)

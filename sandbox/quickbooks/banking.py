"""Money in and out of a bank or card account that is not an invoice payment: Purchase (an expense, a cheque, a
card charge or refund) and Deposit (money received, or payments taken out of Undeposited Funds) (fact sheet §1.2).

A Purchase's account must suit its ``PaymentType`` (Check: a bank account; CreditCard: a card account; Cash:
either) and its total is the lines plus VAT. A Deposit's lines are either income lines (``DepositLineDetail``)
or payments held in Undeposited Funds (``LinkedTxn`` to a Payment, for its whole amount); a deposited payment
can't change until it is taken off the deposit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors, lines, payments, refs
from sandbox.quickbooks.store import money

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

BANK, CARD = "Bank", "Credit Card"
ACCOUNTS_FOR = {"Check": (BANK,), "CreditCard": (CARD,), "Cash": (BANK, CARD)}


def prepare_purchase(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    payment_type = data.get("PaymentType")
    if not payment_type:
        raise errors.required("PaymentType")
    if payment_type not in ACCOUNTS_FOR:
        raise errors.business(f"PaymentType {payment_type} is not supported by this sandbox; use Cash, Check or "
                              "CreditCard.", "PaymentType")
    account = refs.account(ctx, data.get("AccountRef"), "AccountRef", ACCOUNTS_FOR[payment_type], required=True)
    assert account is not None
    if data.get("Credit") and payment_type != "CreditCard":
        raise errors.business("Credit (a refund) applies only to a CreditCard purchase.", "Credit")
    if payment_type != "CreditCard":
        data.pop("Credit", None)
    entity_ref = data.get("EntityRef")
    party, party_type = refs.name_ref(ctx, entity_ref, (entity_ref or {}).get("type"), "EntityRef",
                                      prefer=("Vendor", "Customer"))
    if party_type:
        data["EntityRef"]["type"] = party_type
    _default_currency(ctx, data, data.get("AccountRef"))
    currency = lines.header(ctx, data, old, None, "account")
    refs.check_account_currency(account, currency, "AccountRef")
    party_currency = ((party.data.get("CurrencyRef") or {}).get("value") if party is not None else None)
    if party_currency and party_currency != currency:
        raise errors.business(f"The currency of the transaction must match the currency of the "
                              f"{(party_type or 'name').lower()}.", "CurrencyRef")
    if payment_type == "Check":
        data.setdefault("PrintStatus", "NotSet")
    else:
        data.pop("PrintStatus", None)
    found = lines.read_lines(ctx, data, "purchases", lines.EXPENSE_LINES)
    data["Line"] = found.lines
    data["TotalAmt"] = lines.taxed_total(data, found)
    return data


def _default_currency(ctx: Ctx, data: dict[str, Any], account_ref: dict[str, Any] | None) -> None:
    """A transaction on a bank account is in that account's currency unless it says otherwise."""
    account = ctx.books.get("Account", str((account_ref or {}).get("value", "")))
    if not data.get("CurrencyRef") and account is not None:
        held = (account.data.get("CurrencyRef") or {}).get("value")
        if held:
            data["CurrencyRef"] = {"value": held}


def prepare_deposit(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    account = refs.account(ctx, data.get("DepositToAccountRef"), "DepositToAccountRef", (BANK,), required=True)
    _default_currency(ctx, data, data.get("DepositToAccountRef"))
    currency = lines.header(ctx, data, old, None, "account")
    refs.check_account_currency(account, currency, "DepositToAccountRef")
    linked = [ln for ln in data.get("Line") or [] if ln.get("LinkedTxn")]
    detailed = [ln for ln in data.get("Line") or [] if not ln.get("LinkedTxn")]
    if not linked and not detailed:
        raise errors.required("Line")
    lines.number_lines(linked + detailed)
    deposited = _deposited_payments(ctx, linked, currency, old)
    found = lines.read_lines(ctx, data, "sales", lines.DEPOSIT_LINES, lines=detailed, required=False)
    data["Line"] = linked + found.lines
    for position, line in enumerate(data["Line"], start=1):
        line["LineNum"] = position
    total = lines.taxed_total(data, found) + deposited
    cash_back = data.get("CashBack")
    if cash_back:
        refs.account(ctx, cash_back.get("AccountRef"), "CashBack.AccountRef", required=True)
        total -= money(cash_back.get("Amount", 0))
    if total < 0:
        raise errors.business("The deposit total can't be negative.", "CashBack")
    data["TotalAmt"] = total
    if currency != ctx.home_currency:
        data["HomeTotalAmt"] = lines.home_amount(data, total)
    return data


def _deposited_payments(ctx: Ctx, linked: list[dict[str, Any]], currency: str, old: Record | None) -> Decimal:
    """Check the lines that take payments out of Undeposited Funds; returns their sum."""
    total = Decimal("0.00")
    seen: set[str] = set()
    for index, line in enumerate(linked):
        element = f"Line[{index}].LinkedTxn[0]"
        link = line["LinkedTxn"][0]
        if link.get("TxnType") != "Payment":
            raise errors.cannot_link(f"{element}.TxnType", f"A deposit here can link a Payment, not "
                                                           f"{link.get('TxnType')}.")
        payment_id = str(link.get("TxnId") or "")
        payment = ctx.books.get("Payment", payment_id)
        if payment is None:
            raise errors.invalid_reference(f"{element}.TxnId", "Payment", payment_id)
        funds = payments.undeposited_funds(ctx)
        if funds is None or (payment.data.get("DepositToAccountRef") or {}).get("value") != funds.id:
            raise errors.cannot_link(f"{element}.TxnId", f"Payment {payment_id} was not received into Undeposited "
                                                         "Funds, so it can't be deposited.")
        held_by = payment.internal.get("deposit")
        if (held_by and (old is None or held_by != old.id)) or payment_id in seen:
            raise errors.cannot_link(f"{element}.TxnId", f"Payment {payment_id} is already deposited.")
        if payment.data["CurrencyRef"]["value"] != currency:
            raise errors.cannot_link(f"{element}.TxnId", f"Payment {payment_id} is not in {currency}.")
        amount = lines.amount_of(line, f"Line[{index}]")
        if amount != Decimal(payment.data.get("TotalAmt", 0)):
            raise errors.business(f"A deposit takes the whole of Payment {payment_id} "
                                  f"({payment.data.get('TotalAmt')}), not {amount}.", f"Line[{index}].Amount")
        seen.add(payment_id)
        kept = {"Id": line["Id"], "Description": line.get("Description")}
        line.clear()  # a payment line carries no detail (python-quickbooks sends DetailType on every line)
        line.update({k: v for k, v in kept.items() if v is not None})
        line.update({"Amount": amount, "LinkedTxn": [{"TxnId": payment_id, "TxnType": "Payment",
                                                      "TxnLineId": "0"}]})
        total += amount
    return total


def _linked_payments(data: dict[str, Any] | None) -> set[str]:
    return {str(link.get("TxnId")) for line in (data or {}).get("Line") or []
            for link in line.get("LinkedTxn") or [] if link.get("TxnType") == "Payment"}


def deposit_effects(ctx: Ctx, record: Record, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """A payment on a deposit is held by it (and can't change); taken off or deleted with it, it is free again."""
    for payment_id in _linked_payments(before) - _linked_payments(after):
        payment = ctx.books.get("Payment", payment_id)
        if payment is not None and payment.internal.get("deposit") == record.id:
            payment.internal.pop("deposit")
    for payment_id in _linked_payments(after):
        payment = ctx.books.get("Payment", payment_id)
        if payment is not None:
            payment.internal["deposit"] = record.id

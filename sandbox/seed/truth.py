"""The truth file of seeded books (format documented in ``sandbox.seed.generate``), its control totals and summary."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from sandbox.seed import reference
from sandbox.seed.attachments import AttachmentDraft
from sandbox.seed.banking import BankDraft, OverpaymentDraft
from sandbox.seed.contacts import Contact, ContactFactory
from sandbox.seed.credits import Credit
from sandbox.seed.documents import Document, DocumentFactory
from sandbox.seed.items import ItemPlan, truth_items
from sandbox.seed.journals import JournalDraft
from sandbox.seed.model import HOME_CURRENCY, SeedBooks, SeedPayment, SideBooks
from sandbox.seed.plan import AS_OF

TRUTH_FORMAT = 2
PENNY = Decimal("0.01")
SIDES = ("xero", "quickbooks")


@dataclass
class Plan:
    """Everything drawn for one book pair, before it became records: what the truth is written from."""

    contacts: list[Contact]
    contact_factory: ContactFactory
    docs: list[Document]
    sales: DocumentFactory
    credits: list[Credit]
    bank: list[BankDraft]
    overpayments: list[OverpaymentDraft]
    journals: list[JournalDraft]
    items: ItemPlan
    attachments: list[AttachmentDraft]


def _match(role: str, presence: str) -> str:
    if role != "plain":
        return "ambiguous"
    return "pair" if presence == "both" else "single"


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def home(amount: Decimal, rate: Decimal) -> Decimal:
    """An amount in a document's currency, in the home currency at the document's rate (units per GBP)."""
    return (amount / rate).quantize(PENNY, rounding=ROUND_HALF_UP)


def truth_document(books: SeedBooks, plan: Plan) -> dict[str, Any]:
    """Which records are the same business record, how their copies differ, and which are ambiguous."""
    out: dict[str, Any] = {"format": TRUTH_FORMAT, "seed": books.seed, "size": books.size, "as_of": AS_OF.isoformat(),
                           "organisation": reference.ORGANISATION_NAME, "home_currency": HOME_CURRENCY,
                           "currencies": {"xero": books.xero.currencies, "quickbooks": books.quickbooks.currencies}}
    out["items"] = truth_items(plan.items)
    out["contacts"] = _contacts(books, plan.contacts)
    out["invoices"], out["payments"] = _documents(books, plan.docs)
    out["credit_notes"] = _credit_notes(books, plan.credits)
    out["overpayments"] = _overpayments(plan.overpayments)
    out["bank_transactions"] = _bank(books, plan.bank)
    out["journals"] = _journals(books, plan.journals)
    out["attachments"] = _attachments(plan.attachments)
    out["ambiguous"] = _ambiguous(plan)
    out["control_totals"] = control_totals(books)
    return out


def _contacts(books: SeedBooks, contacts: list[Contact]) -> list[dict[str, Any]]:
    rows = []
    for c in sorted(contacts, key=lambda c: (c.entity, c.key)):
        rec = c.xero or c.quickbooks
        assert rec is not None
        rows.append({
            "key": c.key, "entity": c.entity, "match": _match(c.role, c.presence), "xero_id": rec.xero_id,
            "qb_id": rec.qb_id, "xero_name": c.xero.name if c.xero else None,
            "qb_name": c.quickbooks.name if c.quickbooks else None,
            "xero_currency": c.xero.currency if c.xero else None,
            "qb_currency": c.quickbooks.currency if c.quickbooks else None, "differences": sorted(set(c.tags))})
    return rows


def _documents(books: SeedBooks, docs: list[Document]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    x_by_key = {inv.key: inv for inv in books.xero.invoices}
    q_by_key = {inv.key: inv for inv in books.quickbooks.invoices}
    invoices, payments = [], []
    for d in sorted(docs, key=lambda d: (d.kind != "sales", d.key)):
        x, q = x_by_key.get(d.key), q_by_key.get(d.key)

        def due(inv: Any) -> str | None:
            return money(inv.amount_due) if inv is not None and inv.status in ("authorised", "paid") else None

        invoices.append({
            "key": d.key, "kind": d.kind, "match": _match(d.role, d.presence), "contact_key": d.contact.key,
            "xero_id": x.xero_id if x else None, "qb_id": q.qb_id if q else None,
            "xero_number": x.number if x else None, "qb_number": q.number if q else None,
            "xero_status": x.status if x else None, "qb_status": q.status if q else None,
            "xero_total": money(x.total) if x else None, "qb_total": money(q.total) if q else None,
            "currency": d.currency, "currency_rate": f"{d.rate:.6f}",
            "xero_due": due(x), "qb_due": due(q),
            "xero_credited": money(x.amount_credited) if x else None,
            "qb_credited": money(q.amount_credited) if q else None,
            "differences": sorted(set(d.tags))})
        seen: dict[str, tuple[SeedPayment, set[str]]] = {}
        for side, inv in (("xero", x), ("quickbooks", q)):
            for p in inv.payments if inv else ():
                seen.setdefault(p.key or "", (p, set()))[1].add(side)
        for p_key in sorted(seen):
            p, held = seen[p_key]
            deleted_on = next((s for s, inv in (("xero", x), ("quickbooks", q)) if inv is not None and
                               any(pp.key == p_key and pp.deleted for pp in inv.payments)), None)
            presence = "both" if len(held) == 2 else held.pop()
            payments.append({"key": p.key, "invoice_key": d.key, "kind": d.kind,
                             "match": "pair" if presence == "both" else "single", "presence": presence,
                             "xero_id": p.xero_id, "qb_id": p.qb_id, "group": p.group, "deleted_on": deleted_on,
                             "date": p.date.isoformat(), "amount": money(p.amount), "currency": d.currency,
                             "account_code": p.account_code})
    return invoices, payments


def _credit_notes(books: SeedBooks, credits: list[Credit]) -> list[dict[str, Any]]:
    x_by_key = {c.key: c for c in books.xero.credit_notes}
    q_by_key = {c.key: c for c in books.quickbooks.credit_notes}
    rows = []
    for c in sorted(credits, key=lambda c: (c.kind != "sales", c.key)):
        x, q = x_by_key.get(c.key), q_by_key.get(c.key)
        rows.append({
            "key": c.key, "kind": c.kind, "match": _match("plain", c.presence), "contact_key": c.contact.key,
            "xero_id": x.xero_id if x else None, "qb_id": q.qb_id if q else None,
            "xero_number": x.number if x else None, "qb_number": q.number if q else None,
            "xero_status": x.status if x else None, "qb_status": q.status if q else None,
            "xero_total": money(x.total) if x else None, "qb_total": money(q.total) if q else None,
            "xero_remaining": money(x.remaining_credit) if x else None,
            "qb_remaining": money(q.remaining_credit) if q else None,
            "date": c.date.isoformat(), "reference": c.reference,
            "allocations": [{"invoice_key": c.target.key, "amount": money(c.allocated), "date": c.date.isoformat(),
                             "sides": list(c.allocated_on)}] if c.target is not None else [],
            "differences": sorted(set(c.tags))})
    return rows


def _overpayments(drafts: list[OverpaymentDraft]) -> list[dict[str, Any]]:
    return [{"key": o.key, "match": _match("plain", o.presence), "contact_key": o.contact.key,
             "xero_id": o.xero_id, "qb_id": o.qb_id, "qb_entity": "Payment", "date": o.date.isoformat(),
             "amount": money(o.amount), "account_code": o.account_code, "differences": o.tags} for o in drafts]


def _bank(books: SeedBooks, drafts: list[BankDraft]) -> list[dict[str, Any]]:
    x_by_key = {b.key: b for b in books.xero.bank_transactions}
    q_by_key = {b.key: b for b in books.quickbooks.bank_transactions}
    rows = []
    for d in sorted(drafts, key=lambda d: d.key):
        x, q = x_by_key.get(d.key), q_by_key.get(d.key)
        rows.append({
            "key": d.key, "kind": d.kind, "origin": d.origin, "qb_entity": "Deposit" if d.kind == "receive" else
            "Purchase", "match": _match("plain", d.presence), "date": d.date.isoformat(),
            "bank_account_code": d.bank_account_code, "xero_id": x.xero_id if x else None,
            "qb_id": q.qb_id if q else None, "xero_contact_key": x.contact_key if x else None,
            "qb_contact_key": q.contact_key if q else None, "xero_status": x.status if x else None,
            "qb_status": q.status if q else None, "xero_total": money(x.total) if x else None,
            "qb_total": money(q.total) if q else None, "payment_type": q.payment_type if q and d.kind == "spend"
            else None, "differences": sorted(set(d.tags) - {"pair"})})
    return rows


def _journals(books: SeedBooks, drafts: list[JournalDraft]) -> list[dict[str, Any]]:
    x_by_key = {j.key: j for j in books.xero.journals}
    q_by_key = {j.key: j for j in books.quickbooks.journals}
    rows = []
    for d in drafts:
        x, q = x_by_key.get(d.key), q_by_key.get(d.key)
        rec = q or x
        assert rec is not None
        rows.append({"key": d.key, "match": _match("plain", d.presence), "date": d.date.isoformat(),
                     "narration": d.narration, "xero_id": x.xero_id if x else None, "qb_id": q.qb_id if q else None,
                     "qb_number": q.number if q else None, "xero_status": x.status if x else None,
                     "qb_status": q.status if q else None, "total": money(rec.total), "lines": len(rec.lines),
                     "differences": sorted(set(d.tags))})
    return rows


def _attachments(drafts: list[AttachmentDraft]) -> list[dict[str, Any]]:
    rows = []
    for d in drafts:
        a = d.attachment
        rows.append({"key": a.key, "owner_kind": a.owner_kind, "owner_key": a.owner_key,
                     "match": _match("plain", d.presence), "xero_id": a.xero_id, "qb_id": a.qb_id,
                     "file_name": a.file_name, "mime_type": a.mime_type, "size": len(a.content),
                     "sha256": hashlib.sha256(a.content).hexdigest(), "differences": d.tags})
    return rows


def _ambiguous(plan: Plan) -> list[dict[str, Any]]:
    out = []
    for group in plan.contact_factory.ambiguous:
        other = "quickbooks" if group.side == "xero" else "xero"
        out.append(_ambiguous_entry("contact", "customer", group.side, group.subject.key,
                                    _cid(group.subject, group.side),
                                    [(group.subject.key, _cid(group.subject, other)),
                                     (group.other.key, _cid(group.other, other))]))
    for side, subject, twin in plan.sales.ambiguous:
        other = "quickbooks" if side == "xero" else "xero"
        out.append(_ambiguous_entry("invoice", "sales", side, subject.key, _did(subject, side),
                                    [(subject.key, _did(subject, other)), (twin.key, _did(twin, other))]))
    return out


def _cid(c: Contact, side: str) -> str | None:
    rec = c.on(side)
    return None if rec is None else (rec.xero_id if side == "xero" else rec.qb_id)


def _did(d: Document, side: str) -> str | None:
    if d.side(side) is None:
        return None
    return d.xero_id if side == "xero" else d.qb_id


def _ambiguous_entry(entity: str, kind: str, side: str, key: str, ident: str | None,
                     partners: list[tuple[str, str | None]]) -> dict[str, Any]:
    ordered = sorted(partners, key=lambda kp: str(kp[1]))
    return {"entity": entity, "kind": kind, "side": side, "key": key, "id": ident,
            "candidates": [i for _, i in ordered], "candidate_keys": [k for k, _ in ordered],
            "truth_partner": partners[0][1], "truth_partner_key": partners[0][0]}


# --- control totals ----------------------------------------------------------------------------------------------

def ledger_balances(side: SideBooks) -> dict[str, dict[str, dict[str, tuple[str, Decimal, Decimal]]]]:
    """What each contact owes (receivables) or is owed (payables) in one ledger at the as-of date, document by
    document: {kind: {contact key: {document key: (currency, amount, amount in the home currency)}}}.

    Authorised documents count with what they still owe (paid ones owe nothing; drafts, voided and deleted ones do
    not count); authorised credit notes reduce it by their remaining credit, unallocated overpayments by their
    amount."""
    out: dict[str, dict[str, dict[str, tuple[str, Decimal, Decimal]]]] = {"receivables": {}, "payables": {}}

    def add(kind: str, contact: str, key: str, currency: str, rate: Decimal, amount: Decimal) -> None:
        out[kind].setdefault(contact, {})[key] = (currency, amount, home(amount, rate))

    for inv in side.invoices:
        if inv.status == "authorised":
            add("receivables" if inv.kind == "sales" else "payables", inv.contact_key, inv.key, inv.currency,
                inv.currency_rate, inv.amount_due)
    for note in side.credit_notes:
        if note.status == "authorised":
            add("receivables" if note.kind == "sales" else "payables", note.contact_key, note.key, note.currency,
                note.currency_rate, -note.remaining_credit)
    for over in side.overpayments:
        add("receivables", over.contact_key, over.key, over.currency, Decimal("1"), -over.amount)
    return out


def control_totals(books: SeedBooks) -> dict[str, Any]:
    held = {side.ledger: ledger_balances(side) for side in (books.xero, books.quickbooks)}
    out: dict[str, Any] = {
        "as_of": AS_OF.isoformat(), "home_currency": HOME_CURRENCY,
        "rule": "authorised invoices and bills count with their amount due; authorised credit notes reduce it by "
                "their remaining credit and unallocated overpayments by their amount; foreign amounts in the home "
                "currency at the document's rate (amount / currency_rate, rounded to the penny per document)"}
    for ledger, kinds in held.items():
        out[ledger] = {}
        for kind, contacts in kinds.items():
            rows, by_currency = {}, Counter()  # type: ignore[var-annotated]
            total = Decimal("0")
            for contact in sorted(contacts):
                docs = contacts[contact]
                currencies = {cur for cur, _, _ in docs.values()}
                assert len(currencies) == 1, (ledger, contact, currencies)  # a contact is billed in one currency
                amount = sum((a for _, a, _ in docs.values()), Decimal("0"))
                in_home = sum((h for _, _, h in docs.values()), Decimal("0"))
                rows[contact] = {"currency": currencies.pop(), "amount": money(amount), "home": money(in_home)}
                by_currency[rows[contact]["currency"]] += amount
                total += in_home
            out[ledger][kind] = {"total": money(total),
                                 "by_currency": {c: money(v) for c, v in sorted(by_currency.items())},
                                 "contacts": rows}
    differences = []
    for kind in ("receivables", "payables"):
        x, q = held["xero"][kind], held["quickbooks"][kind]
        for contact in sorted(set(x) | set(q)):
            xd, qd = x.get(contact, {}), q.get(contact, {})
            docs = sorted(k for k in set(xd) | set(qd) if (xd.get(k) or (None, None, None))[1] !=
                          (qd.get(k) or (None, None, None))[1])
            xh = sum((h for _, _, h in xd.values()), Decimal("0"))
            qh = sum((h for _, _, h in qd.values()), Decimal("0"))
            if docs or xh != qh:
                differences.append({"kind": kind, "contact_key": contact, "xero": money(xh), "quickbooks": money(qh),
                                    "documents": docs})
    out["differences"] = differences
    return out


# --- summary -----------------------------------------------------------------------------------------------------

def _tally(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    return dict(sorted(Counter(t for r in rows for t in r["differences"]).items()))


def _pairs(rows: Iterable[dict[str, Any]]) -> int:
    return sum(r["match"] == "pair" for r in rows)


def summary(books: SeedBooks) -> dict[str, Any]:
    """Counts per side, pairs, ambiguity and difference tags (also stored as the truth's ``counts``)."""
    out: dict[str, Any] = {}
    for side in (books.xero, books.quickbooks):
        sales = [i for i in side.invoices if i.kind == "sales"]
        bills = [i for i in side.invoices if i.kind == "bill"]
        out[side.ledger] = {
            "customers": sum(c.is_customer for c in side.contacts),
            "suppliers": sum(c.is_supplier for c in side.contacts),
            "archived_contacts": sum(c.archived for c in side.contacts),
            "items": len(side.items),
            "sales_invoices": len(sales), "bills": len(bills),
            "foreign_invoices": sum(i.currency != HOME_CURRENCY for i in side.invoices),
            "payments": sum(len(i.payments) for i in side.invoices),
            "payments_deleted": sum(p.deleted for i in side.invoices for p in i.payments),
            "sales_by_status": dict(sorted(Counter(i.status for i in sales).items())),
            "bills_by_status": dict(sorted(Counter(i.status for i in bills).items())),
            "sales_credit_notes": sum(c.kind == "sales" for c in side.credit_notes),
            "purchase_credit_notes": sum(c.kind == "purchase" for c in side.credit_notes),
            "overpayments": len(side.overpayments),
            "bank_transactions": dict(sorted(Counter(b.kind for b in side.bank_transactions).items())),
            "journals": len(side.journals),
            "attachments": len(side.attachments),
        }
    t = books.truth
    contacts, invoices = t.get("contacts", []), t.get("invoices", [])
    credits, bank = t.get("credit_notes", []), t.get("bank_transactions", [])
    groups = {
        "customers": [r for r in contacts if r["entity"] == "customer"],
        "suppliers": [r for r in contacts if r["entity"] == "supplier"],
        "sales_invoices": [r for r in invoices if r["kind"] == "sales"],
        "bills": [r for r in invoices if r["kind"] == "bill"],
        "sales_credit_notes": [r for r in credits if r["kind"] == "sales"],
        "purchase_credit_notes": [r for r in credits if r["kind"] == "purchase"],
        "bank_transactions": [r for r in bank if r["origin"] == "xero"],
        "expenses": [r for r in bank if r["origin"] == "quickbooks"],
        "journals": t.get("journals", []),
        "overpayments": t.get("overpayments", []),
    }
    out["keys"] = {name: len(rows) for name, rows in groups.items()}
    out["pairs"] = {name: _pairs(rows) for name, rows in groups.items()}
    out["pairs"].update({"items": _pairs(t.get("items", [])), "attachments": _pairs(t.get("attachments", [])),
                         "payments": _pairs(t.get("payments", []))})
    out["ambiguous"] = dict(sorted(Counter(a["entity"] for a in t.get("ambiguous", [])).items()))
    out["differences"] = {"contacts": _tally(contacts), "items": _tally(t.get("items", []))}
    out["differences"].update({name: _tally(rows) for name, rows in groups.items()
                               if name not in ("customers", "suppliers")})
    out["differences"]["attachments"] = _tally(t.get("attachments", []))
    return out


# --- reading a truth file -------------------------------------------------------------------------------------------
# ledgerbridge's entities -> the truth list naming both copies of their records, and the kind of record in it
# (QuickBooks numbers customers and vendors, invoices and bills ... each from 1, so the kind keeps them apart)
_TRUTH_LISTS = {"contacts": ("contacts", "entity", "customer"), "suppliers": ("contacts", "entity", "supplier"),
                "invoices": ("invoices", "kind", "sales"), "bills": ("invoices", "kind", "bill"),
                "credit_notes": ("credit_notes", "kind", "sales"),
                "vendor_credits": ("credit_notes", "kind", "purchase"),
                "items": ("items", None, None), "journals": ("journals", None, None)}
_AMBIGUOUS_KINDS = {"customer": "contacts", "supplier": "suppliers", "sales": "invoices", "bill": "bills"}


def partners(truth: dict[str, Any]) -> dict[tuple[str, str, str], str | None]:
    """What a truth file says of each record: (ledgerbridge entity, ledger, id) -> the id of the same record on the
    other ledger, or None when it has no copy there."""
    out: dict[tuple[str, str, str], str | None] = {}
    for entity, (group, field, kind) in _TRUTH_LISTS.items():
        for rec in truth.get(group, []):
            if field is not None and rec.get(field) != kind:
                continue
            x, qb = rec.get("xero_id"), rec.get("qb_id")
            if x:
                out[(entity, "xero", str(x))] = str(qb) if qb else None
            if qb:
                out[(entity, "quickbooks", str(qb))] = str(x) if x else None
    for a in truth.get("ambiguous", []):
        partner = a.get("truth_partner")
        out[(_AMBIGUOUS_KINDS[a["kind"]], a["side"], str(a["id"]))] = str(partner) if partner else None
    return out

"""Customers and suppliers of the seeded business, as each ledger's hand-kept copy holds them.

A few customers abroad are billed in their own currency (``currency:<code>``): a US customer in USD on both sides,
and a customer in Ireland billed in EUR by Xero; QuickBooks has no EUR enabled, so its copy of that customer stays
in GBP (tag ``currency_not_enabled:quickbooks``). One supplier is the business's bank: bank fees and interest in
Xero name it (Xero needs a contact on SPEND and RECEIVE); it sends no bills.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from sandbox.seed import names, reference
from sandbox.seed.lines import SUPPLIER_KINDS, VAT_CHARGING_KINDS
from sandbox.seed.model import HOME_CURRENCY, SeedContact
from sandbox.seed.names import NameStyle
from sandbox.seed.plan import Scenario, allocate, stamp, window_day

Side = Literal["xero", "quickbooks"]
SIDES: tuple[Side, Side] = ("xero", "quickbooks")

CUSTOMER_SCENARIOS = [
    # subject on QuickBooks, its two plausible partners on Xero (and the reverse): two keys per group
    Scenario("ambiguous:quickbooks", 0.005, 1, 1, keys=2),
    Scenario("ambiguous:xero", 0.005, 0, 1, keys=2),
    Scenario("only_xero", 0.05, 1, 1),
    Scenario("only_quickbooks", 0.05, 1, 1),
    Scenario("archived", 0.03, 1, 1),
    Scenario("archived_one_side:xero", 0.01, 0, 1),
    Scenario("archived_one_side:quickbooks", 0.01, 0, 1),
    # billed in a foreign currency (from FULL_COVERAGE_SIZE on, as the foreign documents are)
    Scenario("currency:USD", 0.004, 0, 1),
    Scenario("currency:EUR", 0.002, 0, 1),
]
SUPPLIER_SCENARIOS = [
    Scenario("only_xero", 0.05, 1, 1),
    Scenario("only_quickbooks", 0.05, 1, 1),
    Scenario("archived", 0.03, 0, 1),
    Scenario("archived_one_side:xero", 0.01, 0, 0),
    Scenario("archived_one_side:quickbooks", 0.01, 0, 0),
]
# tags every book carries at least once (put on the first shared contacts that can take them)
MAIN_FIELD_TAGS = ["name_case", "name_punctuation", "ltd_limited", "missing_email:quickbooks",
                   "missing_tax_number:xero"]
# and from FULL_COVERAGE_SIZE on
MORE_FIELD_TAGS = ["name_spacing", "name_ampersand", "co_company", "missing_email:xero",
                   "missing_tax_number:quickbooks", "email_case", "tax_number_format", "phone_format",
                   "missing_phone:xero"]
# two tags of one group cannot both hold for one contact
_GROUP = {"ltd_limited": "suffix", "co_company": "suffix", "email_case": "email", "tax_number_format": "tax",
          "phone_format": "phone"}


def _group(tag: str) -> str:
    kind = tag.split(":")[0]
    return {"missing_email": "email", "missing_tax_number": "tax", "missing_phone": "phone"}.get(kind) or \
        _GROUP.get(tag, tag)


@dataclass
class Contact:
    """One business identity and its copies; ``xero`` / ``quickbooks`` is None where that ledger lacks it."""

    key: str
    entity: Literal["customer", "supplier"]
    presence: Literal["both", "xero", "quickbooks"]
    archived: Literal["none", "both", "xero", "quickbooks"] = "none"
    role: Literal["plain", "ambiguous", "ambiguous_candidate"] = "plain"
    supplier_kind: str | None = None
    tags: list[str] = field(default_factory=list)
    weight: float = 1.0  # how much business it does, relative to the others
    terms: int = 30
    currency: str = HOME_CURRENCY  # the currency it is billed in (Xero's DefaultCurrency)
    variant_side: Side = "xero"  # the side whose e-mail keeps its capitals / whose VAT number is spaced
    xero: SeedContact | None = None
    quickbooks: SeedContact | None = None

    def on(self, side: str) -> SeedContact | None:
        return self.xero if side == "xero" else self.quickbooks

    @property
    def active_on_both(self) -> bool:
        return self.presence == "both" and self.archived == "none" and self.role == "plain"

    @property
    def trades_at_home(self) -> bool:
        """Billed in the home currency and not the bank: the contacts ordinary documents are drawn for."""
        return self.currency == HOME_CURRENCY and self.supplier_kind != "bank"

    def currency_on(self, side: str) -> str:
        """QuickBooks cannot hold a customer in a currency it has not enabled: its copy stays in GBP."""
        if side == "quickbooks" and self.currency not in reference.QUICKBOOKS_CURRENCIES:
            return HOME_CURRENCY
        return self.currency

    def active_on(self, side: str) -> bool:
        return self.on(side) is not None and self.archived not in ("both", side) and self.role == "plain"


@dataclass
class AmbiguousContacts:
    """A record on ``side`` with two indistinguishable partners on the other side, only one of them its own."""

    side: Side
    subject: Contact  # the key both sides hold
    other: Contact  # the look-alike held by the other side only


def _other(side: str) -> Side:
    return "quickbooks" if side == "xero" else "xero"


@dataclass
class ContactFactory:
    rng: random.Random
    seed: int
    book: names.NameBook
    contacts: list[Contact] = field(default_factory=list)
    ambiguous: list[AmbiguousContacts] = field(default_factory=list)
    _emails: set[str] = field(default_factory=set)
    _vat: set[str] = field(default_factory=set)

    def build(self, entity: Literal["customer", "supplier"], total: int, size: int) -> list[Contact]:
        table = CUSTOMER_SCENARIOS if entity == "customer" else SUPPLIER_SCENARIOS
        groups, plain = allocate(table, total, size)
        slots: list[str] = [sc.name for sc, n in groups for _ in range(n)] + ["plain"] * plain
        self.rng.shuffle(slots)
        prefix = "cust" if entity == "customer" else "supp"
        made: list[Contact] = []
        counter = 0

        def next_key() -> str:
            nonlocal counter
            counter += 1
            return f"{prefix}-{counter:05d}"

        for slot in slots:
            if slot.startswith("ambiguous:"):
                keys = [next_key(), next_key()]
                self.rng.shuffle(keys)  # the look-alike is as likely to be the older record
                made.extend(self._ambiguous(slot.split(":")[1], *keys))
                continue
            c = Contact(key=next_key(), entity=entity, presence="both")
            if slot in ("only_xero", "only_quickbooks"):
                c.presence = slot[len("only_"):]  # type: ignore[assignment]
                c.tags.append(slot)
            elif slot == "archived":
                c.archived = "both"
                c.tags.append("archived")
            elif slot.startswith("archived_one_side:"):
                c.archived = slot.split(":")[1]  # type: ignore[assignment]
                c.tags.append(slot)
            elif slot.startswith("currency:"):
                c.currency = slot.split(":")[1]
                c.tags.append("foreign_currency")
                if c.currency_on("quickbooks") != c.currency:
                    c.tags.append("currency_not_enabled:quickbooks")
            made.append(c)
        self.contacts.extend(made)
        return made

    def finish(self, size: int, full: bool) -> None:
        """Give every planned contact its name and details, after the forced tags are spread out."""
        plain = [c for c in self.contacts if c.role == "plain"]
        # foreign customers have no UK VAT number or phone to take the forced tags
        shared = [c for c in plain if c.presence == "both" and c.currency == HOME_CURRENCY]
        for c in plain:
            if c.entity == "supplier":
                c.supplier_kind = SUPPLIER_KINDS.pick(self.rng)
        active = [c for c in plain if c.entity == "supplier" and c.active_on_both]
        if len(active) < 2:
            raise ValueError("seeded books need two suppliers active on both sides (the bank and one more)")
        # the bank: preferably one whose bills nothing else needs
        others = [c for c in active if c.supplier_kind not in VAT_CHARGING_KINDS] or active
        bank = self.rng.choice(others)
        bank.supplier_kind = "bank"
        active.remove(bank)
        # a tax_cent bill needs a supplier charging standard-rate VAT on every line
        if not any(c.supplier_kind in VAT_CHARGING_KINDS for c in active):
            active[0].supplier_kind = "printer"
        forced = MAIN_FIELD_TAGS + (MORE_FIELD_TAGS if full else [])
        cursor = 0
        for tag in forced:
            for step in range(len(shared)):
                c = shared[(cursor + step) % len(shared)]
                if self._can_take(c, tag):
                    c.tags.append(tag)
                    cursor += step + 1
                    break
            else:
                raise ValueError(f"no shared contact can take {tag}")
        for c in plain:
            self._details(c)

    # --- the records -----------------------------------------------------------------------------------------------

    def _can_take(self, c: Contact, tag: str) -> bool:
        if any(_group(t) == _group(tag) for t in c.tags):
            return False
        if c.supplier_kind == "freelancer":
            return tag not in ("ltd_limited", "co_company", "name_ampersand") and _group(tag) != "tax"
        if c.supplier_kind == "bank":
            return tag not in ("ltd_limited", "co_company", "name_ampersand")
        return True

    def _details(self, c: Contact) -> None:
        r = self.rng
        need = {t for t in c.tags if t in names.NAME_TAGS}
        if c.entity == "customer":
            parts = self.book.customer(need)
        else:
            parts = self.book.supplier(c.supplier_kind or "printer", need)
        shared = c.presence == "both"
        if shared and r.random() < 0.45:
            options = [t for t in names.applicable_name_tags(parts) if self._can_take(c, t)]
            for t in r.sample(options, k=min(len(options), 1 if r.random() < 0.7 else 2)):
                c.tags.append(t)
        c.weight = min(r.paretovariate(1.3), 40.0)
        c.variant_side = r.choice(SIDES)
        c.terms = 30 if r.random() < (0.65 if c.entity == "customer" else 0.7) else 14
        person = (r.choice(names.FIRST_NAMES), r.choice(names.SURNAMES)) if r.random() < 0.6 else None
        email = self._unique_email(names.email_for(r, parts, person)) if (
            r.random() < 0.85 or any(_group(t) == "email" for t in c.tags)) else None
        abroad = c.currency != HOME_CURRENCY
        vat_registered = c.supplier_kind != "freelancer" and not abroad and (
            any(_group(t) == "tax" for t in c.tags) or r.random() < (0.55 if c.entity == "customer" else 0.9))
        vat = self._unique_vat() if vat_registered else None
        has_phone = not abroad and (r.random() < 0.85 or any(_group(t) == "phone" for t in c.tags))
        if shared:
            self._random_field_tags(c, email, vat, has_phone)
        where = names.foreign_place(r, c.currency) if abroad else names.place(r)
        x_style, q_style = names.style_pair(r, parts, [t for t in c.tags if t in names.NAME_TAGS])
        phone_fmt = r.choice(names.PHONE_FORMATS)
        other_fmt = r.choice([f for f in names.PHONE_FORMATS if f != phone_fmt])
        for side, style in (("xero", x_style), ("quickbooks", q_style)):
            if c.presence not in ("both", side):
                continue
            rec = SeedContact(
                key=c.key, xero_id=None, qb_id=None, name=style.render(parts),
                first_name=person[0] if person else None, last_name=person[1] if person else None,
                email=self._side_email(c, side, email), tax_number=self._side_vat(c, side, vat),
                phone=self._side_phone(c, side, where.phone_digits if has_phone else None, phone_fmt, other_fmt),
                address_line1=where.line1, city=where.city, postal_code=where.postal_code, country=where.country,
                is_customer=c.entity == "customer", is_supplier=c.entity == "supplier",
                archived=c.archived in ("both", side), payment_terms_days=c.terms, currency=c.currency_on(side),
                updated_at=stamp(r, window_day(r)))
            setattr(c, side, rec)

    def _random_field_tags(self, c: Contact, email: str | None, vat: str | None, has_phone: bool) -> None:
        r = self.rng
        candidates: list[tuple[str, float, bool]] = [
            (f"missing_email:{r.choice(SIDES)}", 0.10, email is not None),
            ("email_case", 0.05, email is not None),
            (f"missing_tax_number:{r.choice(SIDES)}", 0.15, vat is not None),
            ("tax_number_format", 0.08, vat is not None),
            (f"missing_phone:{r.choice(SIDES)}", 0.06, has_phone),
            ("phone_format", 0.2, has_phone),
        ]
        for tag, p, possible in candidates:
            if possible and r.random() < p and self._can_take(c, tag):
                c.tags.append(tag)

    @staticmethod
    def _missing_on(c: Contact, kind: str, side: str) -> bool:
        return f"{kind}:{side}" in c.tags

    def _side_email(self, c: Contact, side: str, email: str | None) -> str | None:
        if email is None or self._missing_on(c, "missing_email", side):
            return None
        # the mixed-case copy is the one typed from a letterhead; the other was lower-cased by someone tidy
        if "email_case" in c.tags and side == c.variant_side:
            return email
        return email.lower()

    def _side_vat(self, c: Contact, side: str, vat: str | None) -> str | None:
        if vat is None or self._missing_on(c, "missing_tax_number", side):
            return None
        if "tax_number_format" in c.tags and side == c.variant_side:
            return names.vat_variant(vat)
        return vat

    def _side_phone(self, c: Contact, side: str, digits: str | None, fmt: str, other_fmt: str) -> str | None:
        if digits is None or self._missing_on(c, "missing_phone", side):
            return None
        if "phone_format" in c.tags and side == c.variant_side:
            return names.phone_format(digits, other_fmt)
        return names.phone_format(digits, fmt)

    def _unique_email(self, email: str) -> str:
        local, domain = email.split("@")
        n = 1
        while email.lower() in self._emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self._emails.add(email.lower())
        return email

    def _unique_vat(self) -> str:
        while True:
            vat = names.vat_number(self.rng)
            if vat not in self._vat:
                self._vat.add(vat)
                return vat

    def _ambiguous(self, side: str, key_a: str, key_b: str) -> list[Contact]:
        """Two unrelated sole traders with one name on ``other(side)``; ``side`` holds one of them, bare."""
        r = self.rng
        other = _other(side)
        parts = self.book.person_business()
        a = Contact(key=key_a, entity="customer", presence="both", role="ambiguous", tags=["ambiguous"])
        b = Contact(key=key_b, entity="customer", presence=other, role="ambiguous_candidate",
                    tags=[f"only_{other}", "ambiguous_candidate"])
        styles = [NameStyle(initial_dot=True), NameStyle()]
        r.shuffle(styles)
        for c, style in ((a, styles[0]), (b, styles[1])):
            where = names.place(r)
            email = self._unique_email(
                f"{parts.words[0].lower()}{parts.words[1].lower().replace(chr(39), '')}{r.randrange(10, 99)}"
                f"@{r.choice(['gmail.com', 'outlook.com', 'btinternet.com'])}") if r.random() < 0.8 else None
            vat = self._unique_vat() if r.random() < 0.4 else None
            setattr(c, other, SeedContact(
                key=c.key, xero_id=None, qb_id=None, name=style.render(parts), email=email, tax_number=vat,
                phone=names.phone_format(where.phone_digits, "spaced"), address_line1=where.line1,
                city=where.city, postal_code=where.postal_code, payment_terms_days=30,
                updated_at=stamp(r, window_day(r))))
        mine = a.on(other)
        assert mine is not None
        # the lone copy: no e-mail, VAT number, phone or address that could tell the two apart
        setattr(a, side, SeedContact(key=a.key, xero_id=None, qb_id=None,
                                     name=NameStyle(trailing_dot=True).render(parts), payment_terms_days=30,
                                     updated_at=stamp(r, window_day(r))))
        a.tags.append("name_punctuation")
        for attr, tag in (("email", "missing_email"), ("tax_number", "missing_tax_number"),
                          ("phone", "missing_phone"), ("address_line1", "missing_address")):
            if getattr(mine, attr) is not None:
                a.tags.append(f"{tag}:{side}")
        self.ambiguous.append(AmbiguousContacts(side=side, subject=a, other=b))  # type: ignore[arg-type]
        return [a, b]

"""A labelled generator of two ledgers' hand-kept contacts and invoices, for the matching benchmark.

Its own code and word lists (not sandbox/seed, not the matcher's lists): each firm or person is an *entity*; its
copy in each ledger is typed the way people type, with one variation (and sometimes a second, in another field).
Look-alikes are different entities that share what bookkeeping data makes them share. Every record carries its
entity id, so links and queue entries can be scored against the truth.

Contact variations: exact, case, punctuation, legal suffix spelled out, missing suffix, "The", "&"/"and", a typo,
word order, "Surname, First", a title, initials written differently, two e-mails for one firm, missing fields,
trading name vs legal name. Look-alikes: VAT groups, shared bookkeeper mailboxes, a group's mailbox shared by a
branch abroad, sole traders under their personal name, same-name different people, firms behind one switchboard.

Document variations: exact, number prefix / zeros, separators ("INV/2026/9567" / "2026/9567"), numbered separately
in each ledger (same customer, date, amount), a day off, a penny off, lines split differently, no number on one
side. Look-alikes: deposit and final invoices of one job, numbers reused next year, credit notes mirroring an
invoice, monthly invoices of one amount.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

PLACES = ("Ashcombe Bramley Calder Dunmore Elmstead Fenwick Garside Holloway Ingleby Jesmond Kelham Langdale "
          "Marlow Netherby Oakhurst Penrith Quarry Redbourne Saltash Thornbury Upwey Varley Wetherby Yarrow "
          "Zennor Alston Barrow Caldew Dalby Eskdale Felling Glaisdale Hawes Ilkley Kirkby Lydney Masham Nidd "
          "Otley Pateley Ripley Sedbergh Tebay Ulverston Wrexham Aberdare Brecon Conwy Denbigh Harlech Llandeilo "
          "Monmouth Neath Rhayader Tenby Usk Brora Crieff Dornoch Elgin Forres Girvan Huntly Irvine Keith Lanark "
          "Moffat Nairn Oban Peebles Rothes Selkirk Thurso Wick").split()
NATURE = ("Kestrel Heron Otter Badger Lark Wren Alder Birch Rowan Willow Hazel Bracken Heather Thistle Cobble "
          "Flint Granite Slate Harbour Quay Tide Beacon Lantern Anchor Compass Meadow Orchard Copper Ember Ivory "
          "Juniper Marram Nettle Pebble Saffron Sorrel Tansy Umber Vetch Yew Cinder Drift Falcon Gannet Merlin "
          "Osprey Plover Puffin Raven Swift Tern").split()
TRADES = ("Joinery|Plumbing|Electrical|Roofing|Bakery|Coffee|Brewing|Catering|Print|Design|Media|Logistics|"
          "Engineering|Dental|Veterinary|Florist|Landscaping|Kayak Hire|Outdoor Centre|Care Home|Garage|Motors|"
          "Books|Pottery|Textiles|Cleaning|Removals|Scaffolding|Glazing|Upholstery|Optics|Surveying|Architects|"
          "Consulting|Training|Events|Tours|Pharmacy|Nursery|Fitness").split("|")
GIVEN = ("Aled Bronwen Cerys Dewi Eira Fergus Gwen Hywel Iona Jago Kenna Lorcan Mairi Niall Orla Padraig Quinn "
         "Rhona Seren Tegan Ulla Vaughan Wynn Xander Yasmin Zara Arjun Bilal Chidi Divya Emeka Farah Hamza Imran "
         "Jia Kofi Leila Mei Nadia Omar Priya Ravi Sana Tariq Usha Wei Yusuf Zainab Agnes Bernard Cecil Doris "
         "Edmund Florence Gilbert Hilda Ivor Jocelyn Kit Lettice Monty Nell Osbert Pru Rufus Sybil Toby").split()
SURNAMES = ("Abernethy Blackwood Carruthers Drummond Eastwood Fairbairn Galloway Hepburn Inglis Jardine Kerr "
            "Lockhart Maxwell Nisbet Ogilvie Pringle Rutherford Sinclair Turnbull Urquhart Veitch Wishart Young "
            "Ashworth Brightwell Cartwright Dunstan Entwistle Fothergill Greenhalgh Haworth Illingworth Kershaw "
            "Lumb Mottram Nuttall Ormerod Pilling Ramsbottom Sutcliffe Tattersall Whitworth Llewellyn Pritchard "
            "Bowen Gwilliam Meredith Prosser Vaughan Okafor Patel Nguyen Kowalski Murphy O'Neill McAllister "
            "Fraser Hartley Jones Smith Taylor Brown Wilson Evans Thomas Roberts Walker Wright").split()
FREE_MAIL = ["gmail.com", "outlook.com", "yahoo.co.uk", "hotmail.co.uk", "icloud.com", "btinternet.com"]
TITLES = ["Dr", "Mr", "Mrs", "Ms", "Miss", "Prof"]
LOOKALIKES = ("vat_group", "shared_mailbox", "branch", "sole_trader", "same_name", "switchboard")


@dataclass
class Rec:
    """One record in one ledger: its fields, its entity (the truth) and how it was made."""

    entity: str
    category: str
    name: str
    email: str | None = None
    phone: str | None = None
    tax: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    first: str | None = None
    last: str | None = None


@dataclass
class Books:
    xero: list[Rec] = field(default_factory=list)
    quickbooks: list[Rec] = field(default_factory=list)


class Contacts:
    """``n`` records a side: about 78% true pairs, 10% on one side only, 12% look-alike groups."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.n = 0
        self.vat: set[str] = set()
        self.domains: set[str] = set()

    # --- parts ------------------------------------------------------------------------------------------------
    def eid(self) -> str:
        self.n += 1
        return f"e{self.n}"

    def firm_name(self) -> tuple[str, str]:
        r = self.r
        shape = r.random()
        if shape < 0.15:
            core = f"{r.choice(NATURE)} {r.choice(TRADES)}"
        elif shape < 0.35:
            core = f"{r.choice(PLACES)} {r.choice(TRADES)}"
        elif shape < 0.5:
            core = f"{r.choice(SURNAMES).replace(chr(39), '')} & {r.choice(SURNAMES).replace(chr(39), '')}"
        else:
            core = f"{r.choice(NATURE)} {r.choice(PLACES)} {r.choice(TRADES)}"
        return core, r.choice(["Ltd", "Ltd", "Ltd", "Limited", "LLP", "", ""])

    def address(self) -> tuple[str, str, str]:
        r = self.r
        area = "".join(r.choice("ABCDEGHKLMNPRSTW") for _ in range(r.choice([1, 2])))
        postcode = f"{area}{r.randint(1, 29)} {r.randint(1, 9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
                   f"{r.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        street = f"{r.randint(1, 240)} {r.choice(NATURE + PLACES)} {r.choice(['Road', 'Street', 'Lane', 'Way'])}"
        return street, postcode, r.choice(PLACES)

    def phone(self) -> str:
        return f"0{self.r.choice(['1', '7'])}{self.r.randint(100, 999)} {self.r.randint(100000, 999999)}"

    def vat_number(self) -> str:
        while True:
            v = str(self.r.randint(100000000, 999999999))
            if v not in self.vat:
                self.vat.add(v)
                return v

    def firm(self, entity: str, category: str) -> Rec:
        r = self.r
        core, legal = self.firm_name()
        name = f"{core} {legal}".strip()
        # a domain belongs to one organisation: two firms of one name do not share it
        stem = core.lower().replace(" & ", "").replace(" ", "")
        domain = stem + r.choice([".co.uk", ".com", ".uk"])
        while domain in self.domains:
            domain = f"{stem}{r.choice(['-ltd', '-uk', 'group', 'online', str(r.randint(2, 99))])}" \
                     f"{r.choice(['.co.uk', '.com', '.uk'])}"
        self.domains.add(domain)
        email = f"{r.choice(['accounts', 'info', 'hello', 'office', r.choice(GIVEN).lower()])}@{domain}"
        street, postcode, city = self.address()
        return Rec(entity, category, name, email if r.random() < 0.85 else None,
                   self.phone() if r.random() < 0.8 else None, self.vat_number() if r.random() < 0.5 else None,
                   street, postcode if r.random() < 0.9 else None, city)

    def person(self, entity: str, category: str) -> Rec:
        r = self.r
        first, last = r.choice(GIVEN), r.choice(SURNAMES)
        email = f"{first.lower()}.{last.lower().replace(chr(39), '')}{r.randint(1, 99)}@{r.choice(FREE_MAIL)}"
        street, postcode, city = self.address()
        return Rec(entity, category, f"{first} {last}", email if r.random() < 0.8 else None,
                   self.phone() if r.random() < 0.7 else None, None, street, postcode if r.random() < 0.9 else None,
                   city, first, last)

    # --- variations of one entity's second copy ------------------------------------------------------------------
    def vary(self, rec: Rec, how: str) -> Rec:
        r = self.r
        v = Rec(**{**rec.__dict__, "category": how})
        words = v.name.split()
        if how == "case":
            v.name = r.choice([v.name.upper(), v.name.lower()])
        elif how == "punctuation":
            v.name = v.name.replace("&", "and") if "&" in v.name else v.name + "."
        elif how == "suffix_spelling":
            v.name = v.name.replace("Limited", "Ltd.") if "Limited" in v.name else (
                v.name.replace("Ltd", "Limited") if "Ltd" in v.name else v.name + " Ltd")
        elif how == "missing_suffix":
            v.name = " ".join(w for w in words if w not in ("Ltd", "Limited", "LLP"))
        elif how == "the":
            v.name = "The " + v.name
        elif how == "typo":
            i = max(range(len(words)), key=lambda k: len(words[k]) + r.random())
            w = words[i]
            p = r.randrange(1, len(w) - 1) if len(w) > 3 else 1
            op = r.choice(["drop", "swap", "double", "change"])
            if op == "drop":
                w = w[:p] + w[p + 1:]
            elif op == "swap":
                w = w[:p - 1] + w[p] + w[p - 1] + w[p + 1:]
            elif op == "double":
                w = w[:p] + w[p] + w[p:]
            else:
                w = w[:p] + r.choice("aeioulnrst") + w[p + 1:]
            words[i] = w
            v.name = " ".join(words)
        elif how == "surname_first" and rec.first:
            v.name = f"{rec.last}, {rec.first}"
        elif how == "title" and rec.first:
            v.name = f"{r.choice(TITLES)} {v.name}"
        elif how == "initials" and rec.first:
            v.name = r.choice([f"{rec.first[0]}. {rec.last}", f"{rec.first[0]} {rec.last}"])
        elif how == "two_emails" and v.email:
            domain = v.email.split("@")[1]
            v.email = f"{r.choice(['accounts', 'billing', 'sales'])}@{domain}" if rec.first is None else \
                f"{rec.first.lower()}{r.randint(100, 999)}@{r.choice(FREE_MAIL)}"
        elif how == "missing_fields":
            v.email, v.phone = (None, v.phone) if r.random() < 0.5 else (v.email, None)
        elif how == "trading_name":
            v.name = f"{r.choice(NATURE)} {rec.name.split()[-1] if rec.first else r.choice(TRADES)}"
            if not (v.email or v.phone or v.tax):
                v.tax = rec.tax = self.vat_number()
        # a second, independent difference in another field now and then (a trading name keeps what ties it to
        # the legal name: that is how anyone can tell the two are one firm)
        extra = r.random() if how != "trading_name" else 1.0
        if extra < 0.12:
            v.email = None
        elif extra < 0.22 and v.phone:
            v.phone = "+44 " + v.phone[1:]
        elif extra < 0.27:
            v.postcode = None
        return v

    FIRM_WAYS = ["exact"] * 6 + ["case", "punctuation", "suffix_spelling", "missing_suffix", "the", "typo",
                                 "two_emails", "missing_fields", "trading_name"]
    PERSON_WAYS = ["exact"] * 5 + ["case", "typo", "surname_first", "title", "initials", "two_emails",
                                   "missing_fields"]

    # --- look-alikes ----------------------------------------------------------------------------------------------
    def lookalikes(self, books: Books, kind: str | None = None) -> None:
        r = self.r
        kind = kind or r.choice(LOOKALIKES)
        if kind == "vat_group":  # one VAT number, two companies of a group, each kept in one ledger (and maybe both)
            a = self.firm(self.eid(), kind)
            a.tax = a.tax or self.vat_number()
            b = Rec(**{**a.__dict__, "entity": self.eid(), "name": a.name.replace(" Ltd", "").replace(
                " Limited", "") + f" {r.choice(['Distribution', 'Holdings', 'Property', 'Trading'])} Ltd",
                "email": None, "phone": self.phone()})
            b.street, b.postcode, b.city = self.address()
            books.xero.append(a)
            books.quickbooks.append(b)
            if r.random() < 0.5:
                books.quickbooks.append(self.vary(a, "exact"))
        elif kind == "shared_mailbox":  # a bookkeeper's mailbox on several unrelated clients, both sides
            mailbox = f"office@{r.choice(SURNAMES).lower().replace(chr(39), '')}bookkeeping.co.uk"
            for side in (books.xero, books.quickbooks, books.xero, books.quickbooks):
                f = self.firm(self.eid(), kind)
                f.email = mailbox
                side.append(f)
        elif kind == "branch":  # a subsidiary abroad sharing its parent's group mailbox
            a = self.firm(self.eid(), kind)
            core = a.name.replace(" Ltd", "").replace(" Limited", "").replace(" LLP", "")
            a.name, a.email = f"{core} Ltd", f"accounts@{core.lower().replace(' ', '').replace('&', '')}group.com"
            b = Rec(**{**a.__dict__, "entity": self.eid(), "name": f"{core} ({r.choice(['NZ', 'Ireland', 'US'])}) "
                                                                    "Ltd", "tax": None, "phone": None})
            b.street, b.postcode, b.city = f"{r.randint(1, 99)} Queen Street", str(r.randint(1010, 9999)), "Auckland"
            books.xero.append(b)
            books.quickbooks.append(a)
        elif kind == "sole_trader":  # a person's own account and their business, sharing a mobile
            p = self.person(self.eid(), kind)
            biz = Rec(**{**p.__dict__, "entity": self.eid(), "name": f"{p.first} {p.last} {r.choice(TRADES)}",
                         "first": None, "last": None})
            biz.email = f"info@{p.last.lower().replace(chr(39), '')}{r.choice(TRADES).split()[0].lower()}.co.uk"
            books.xero.append(p)
            books.quickbooks.append(biz)
        elif kind == "same_name":  # two different people of one name, one in each ledger
            a, b = self.person(self.eid(), kind), self.person(self.eid(), kind)
            b.name, b.first, b.last = a.name, a.first, a.last
            books.xero.append(a)
            books.quickbooks.append(b)
        else:  # firms in one serviced office behind one switchboard
            number = self.phone()
            street, postcode, city = self.address()
            for side in (books.xero, books.quickbooks, books.quickbooks):
                f = self.firm(self.eid(), kind)
                f.phone, f.street, f.postcode, f.city = number, street, postcode, city
                side.append(f)

    def sample(self) -> Books:
        """Every variation once (firms and people) and every look-alike group once: a small sample for the
        end-to-end test."""
        b = Books()
        for ways, make in ((self.FIRM_WAYS, self.firm), (self.PERSON_WAYS, self.person)):
            for how in dict.fromkeys(ways):
                base = make(self.eid(), "pair")
                base.email = base.email or f"{base.entity}@{self.r.choice(FREE_MAIL)}"
                v = self.vary(base, how)
                base.category = v.category = how
                b.xero.append(base)
                b.quickbooks.append(v)
        for kind in LOOKALIKES:
            self.lookalikes(b, kind)
        return b

    def books(self, n: int) -> Books:
        b = Books()
        r = self.r
        while len(b.xero) < n:
            roll = r.random()
            if roll < 0.78:
                person = r.random() < 0.3
                base = self.person(self.eid(), "pair") if person else self.firm(self.eid(), "pair")
                how = r.choice(self.PERSON_WAYS if person else self.FIRM_WAYS)
                x, q = (base, self.vary(base, how)) if r.random() < 0.5 else (self.vary(base, how), base)
                x.category = q.category = how
                b.xero.append(x)
                b.quickbooks.append(q)
            elif roll < 0.83:
                b.xero.append(self.firm(self.eid(), "only_xero"))
            elif roll < 0.88:
                b.quickbooks.append(self.firm(self.eid(), "only_quickbooks"))
            else:
                self.lookalikes(b)
        r.shuffle(b.xero)
        r.shuffle(b.quickbooks)
        return b


@dataclass
class Doc:
    entity: str
    category: str
    contact: int  # index of the (linked) contact pair the document belongs to
    number: str | None
    date: dt.date
    total: Decimal
    lines: list[Decimal]
    kind: str = "ACCREC"


class Documents:
    """``n`` documents a side for ``contacts`` linked contact pairs: 85% true pairs with one variation, singles, and
    look-alike groups."""

    WAYS = ["exact"] * 6 + ["prefix", "separators", "separate_numbers", "day_off", "penny_off", "lines_split",
                            "no_number"]

    def __init__(self, seed: int, contacts: int) -> None:
        self.r = random.Random(seed)
        self.contacts = contacts
        self.n = 0

    def base(self, category: str) -> Doc:
        r = self.r
        self.n += 1
        amounts = [Decimal(r.randint(500, 90000)) / 100 for _ in range(r.choice([1, 1, 2, 3]))]
        day = dt.date(2025, 1, 1) + dt.timedelta(days=r.randint(0, 540))
        return Doc(f"d{self.n}", category, r.randrange(self.contacts), f"INV-{r.randint(1, 99999):05d}", day,
                   sum(amounts, Decimal(0)), amounts)

    def vary(self, d: Doc, how: str) -> Doc:
        r = self.r
        v = Doc(**{**d.__dict__, "category": how, "lines": list(d.lines)})
        digits = d.number.split("-")[1] if d.number else ""
        if how == "prefix":
            v.number = digits.lstrip("0") if r.random() < 0.5 else digits
        elif how == "separators":
            v.number = f"INV/{d.date.year}/{digits}"
            d.number = f"{d.date.year}/{digits}"
        elif how == "separate_numbers":
            v.number = str(r.randint(1000, 9999))
        elif how == "day_off":
            v.date = d.date + dt.timedelta(days=r.choice([-1, 1, 2]))
        elif how == "penny_off":
            v.total = d.total + Decimal("0.01")
            v.lines[-1] += Decimal("0.01")
        elif how == "lines_split" and len(d.lines) == 1:
            half = (d.lines[0] / 2).quantize(Decimal("0.01"))
            v.lines = [half, d.lines[0] - half]
        elif how == "no_number":
            v.number = None
        return v

    def lookalikes(self, x: list[Doc], q: list[Doc]) -> None:
        r = self.r
        kind = r.choice(["deposit", "reused_number", "credit_note", "monthly"])
        a = self.base(kind)
        if kind == "deposit":  # DEP-n in one ledger, INV-n (the final invoice, weeks later) in the other
            b = self.base(kind)
            b.contact, b.number, b.date = a.contact, a.number, a.date + dt.timedelta(days=r.randint(20, 60))
            a.number = "DEP-" + a.number.split("-")[1]
            x.append(a)
            q.append(b)
        elif kind == "reused_number":  # the same number a year later, another amount
            b = self.base(kind)
            b.contact, b.number, b.date = a.contact, a.number, a.date + dt.timedelta(days=r.randint(330, 400))
            x.append(a)
            q.append(b)
        elif kind == "credit_note":  # a credit note mirroring an invoice: same number, amount and date
            b = Doc(**{**a.__dict__, "entity": self.base(kind).entity, "kind": "ACCRECCREDIT", "lines": list(a.lines)})
            x.append(a)
            q.append(b)
        else:  # monthly invoices of one amount to one customer: one month in each ledger
            b = self.base(kind)
            b.contact, b.total, b.lines = a.contact, a.total, list(a.lines)
            b.date = a.date + dt.timedelta(days=r.choice([28, 30, 31]))
            b.number = f"INV-{int(a.number.split('-')[1]) + 1:05d}"
            x.append(a)
            q.append(b)

    def books(self, n: int) -> tuple[list[Doc], list[Doc]]:
        x: list[Doc] = []
        q: list[Doc] = []
        r = self.r
        while len(x) < n:
            roll = r.random()
            if roll < 0.85:
                d = self.base("pair")
                how = r.choice(self.WAYS)
                v = self.vary(d, how)
                d.category = v.category = how
                (x.append(d), q.append(v)) if r.random() < 0.5 else (x.append(v), q.append(d))
            elif roll < 0.9:
                x.append(self.base("only_xero"))
            elif roll < 0.95:
                q.append(self.base("only_quickbooks"))
            else:
                self.lookalikes(x, q)
        return x, q

"""Names and contact details of the seeded business's customers and suppliers, and how hand-keyed copies differ.

A contact's name is held as :class:`NameParts` (distinctive words plus a legal suffix) and rendered once per ledger
through a :class:`NameStyle`; the difference tags of ``sandbox.seed.generate`` are made by giving the two sides
different styles, so the rendered names differ exactly as the tags say and still normalise to the same name.

Phone numbers are from Ofcom's ranges reserved for drama (never allocated), VAT numbers pass the HMRC mod-97 check,
e-mail domains are made up from the name.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

from sandbox.seed.plan import Weighted

SURNAMES = [
    "O'Brien", "O'Neill", "O'Connor", "D'Souza", "O'Hara", "McAllister", "MacDonald", "McKenna", "Ashworth",
    "Brennan", "Chowdhury", "Patel", "Khan", "Nguyen", "Okafor", "Kowalski", "Evans", "Hughes", "Llewellyn",
    "Morgan", "Pritchard", "Sutherland", "Fraser", "Campbell", "Gallagher", "Doyle", "Murphy", "Walsh", "Byrne",
    "Whitaker", "Holroyd", "Sykes", "Barraclough", "Pemberton", "Thornton", "Ackroyd", "Fairbairn", "Haworth",
    "Lindqvist", "Moreau", "Rossi", "Fischer", "Novak", "Kaur", "Singh", "Ahmed", "Begum", "Hussain", "Osei",
    "Mensah", "Adeyemi", "Clarke", "Turner", "Baker", "Fletcher", "Cooper", "Carter", "Mason", "Wright", "Taylor",
    "Bennett", "Harrison", "Griffiths", "Jenkins", "Lloyd", "Powell", "Price", "Reid", "Stewart", "Murray",
    "Henderson", "Ferguson", "Kerr", "Grant", "Ross", "Shaw", "Booth", "Marsden", "Heaton", "Crowther",
    "Dalton", "Eastwood", "Fenwick", "Garside", "Hepworth", "Ibbotson", "Jagger", "Kershaw", "Lomax", "Mellor",
    "Naylor", "Oldroyd", "Pickles", "Quarmby", "Rhodes", "Sugden", "Tattersall", "Utley", "Varley", "Wadsworth",
    "Yeadon", "Zhang", "Wong", "Lee", "Chen", "Tanaka", "Kim", "Silva", "Costa", "Fernandes",
]
FIRST_NAMES = [
    "Aisha", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kiran", "Lucy", "Mo",
    "Nina", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tom", "Uma", "Vik", "Will", "Yasmin", "Zoe", "Ciaran",
    "Niamh", "Rhys", "Siobhan", "Tariq", "Femi", "Marta", "Jonas", "Elif", "Hamish", "Morag", "Ewan", "Bethan",
]
INITIALS = "ABCDEFGHJKLMNPRSTW"
PLACES = [
    "Harbourside", "Kelham", "Ancoats", "Clifton", "Jesmond", "Headingley", "Leith", "Finnieston", "Digbeth",
    "Stokes Croft", "Hebden", "Whitby", "Ilkley", "Marsden", "Saltaire", "Tynemouth", "Falmouth", "Padstow",
    "Ludlow", "Frome", "Totnes", "Hexham", "Kendal", "Keswick", "Bakewell", "Harrogate", "Otley", "Holmfirth",
    "Portobello", "Greenwich", "Hackney", "Camden", "Brixton", "Peckham", "Deptford", "Walthamstow", "Islington",
    "Shoreditch", "Bermondsey", "Southbank", "Castlefield", "Northern Quarter", "Baltic", "Ouseburn", "Jericho",
    "Montpellier", "Redland", "Bedminster", "Roath", "Canton", "Mumbles", "Stockbridge", "Dennistoun", "Partick",
    "Holbeck", "Chapel Allerton", "Sharrow", "Hockley", "Lace Market", "Aldeburgh", "Southwold", "Rye", "Lewes",
    "Hove", "Whitstable", "Margate", "Deal", "Stroud", "Cirencester", "Malvern", "Skipton", "Settle", "Sedbergh",
]
ADJECTIVES = [
    "Blue", "Copper", "Golden", "Red", "Silver", "Iron", "Green", "Old", "Little", "Wild", "Black", "Crooked",
    "North", "Bright", "Quiet", "Salt", "Hidden", "Honest", "Tall", "Paper", "Stone", "Velvet", "Amber", "Scarlet",
    "Grey", "Lucky", "Brave", "Winter", "Summer", "Morning",
]
NOUNS = [
    "Heron", "Kettle", "Hare", "Kite", "Birch", "Gate", "Door", "Mill", "Fox", "Thyme", "Swan", "Spire", "Star",
    "Lantern", "Anchor", "Oak", "Wren", "Otter", "Badger", "Compass", "Harbour", "Meadow", "Orchard", "Bridge",
    "Lark", "Moth", "Pebble", "Acorn", "Beacon", "Thistle",
]
CUSTOMER_TRADES = [
    "Bakery", "Coffee Roasters", "Brewing", "Dental", "Physiotherapy", "Architects", "Solicitors", "Accountancy",
    "Property", "Lettings", "Gallery", "Books", "Florists", "Yoga", "Fitness", "Joinery", "Builders", "Plumbing",
    "Electrical", "Landscapes", "Interiors", "Opticians", "Veterinary", "Pharmacy", "Kitchens", "Cycles", "Motors",
    "Travel", "Events", "Catering", "Wines", "Deli", "Tea Rooms", "Pottery", "Records", "Theatre", "Trust",
    "Foundation", "Academy", "Nursery", "Software", "Labs", "Robotics", "Analytics", "Media", "Films",
    "Photography", "Surveyors", "Engineering", "Recruitment", "Logistics", "Textiles", "Ceramics", "Distillery",
    "Cheesemongers", "Hotel", "Guest House", "Bistro", "Butchers", "Studios", "Consulting", "Design", "Homes",
]
# supplier type -> the trades its names are made of
SUPPLIER_TRADES: dict[str, list[str]] = {
    "printer": ["Print", "Printers", "Press", "Litho"],
    "landlord": ["Estates", "Property Holdings", "Workspace", "Properties"],
    "telecom": ["Telecom", "Broadband", "Networks", "Comms"],
    "travel": ["Cabs", "Travel", "Coaches", "Couriers"],
    "advertising": ["Marketing", "Advertising", "Billboards", "Digital"],
    "energy": ["Energy", "Power", "Utilities"],
    "freelancer": ["Photography", "Illustration", "Copywriting", "Animation"],
    "stationery": ["Office Supplies", "Stationers", "Paper Co"],
    "professional": ["Accountants", "Insurance Brokers", "Legal", "Associates"],
    "bank": ["Bank", "Building Society"],
}

# drama ranges: (area code, local prefix, city, postcode area)
_PHONE_AREAS = [
    ("020", "7946 0", "London", "EC1V"), ("020", "7946 0", "London", "SE1"), ("020", "7946 0", "London", "N1"),
    ("0113", "496 0", "Leeds", "LS1"), ("0114", "496 0", "Sheffield", "S1"), ("0115", "496 0", "Nottingham", "NG1"),
    ("0116", "496 0", "Leicester", "LE1"), ("0117", "496 0", "Bristol", "BS1"), ("0118", "496 0", "Reading", "RG1"),
    ("0121", "496 0", "Birmingham", "B1"), ("0131", "496 0", "Edinburgh", "EH1"), ("0141", "496 0", "Glasgow", "G1"),
    ("0151", "496 0", "Liverpool", "L1"), ("0161", "496 0", "Manchester", "M1"), ("0191", "498 0", "Newcastle", "NE1"),
]
_STREETS = ["Quay Street", "High Street", "Mill Lane", "Station Road", "Church Street", "Victoria Road",
            "Market Place", "King Street", "Canal Wharf", "Park Row", "Albion Street", "Bridge Street"]
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
_TLDS = [".co.uk", ".co.uk", ".co.uk", ".com", ".uk", ".org.uk"]
_MAILBOXES = ["accounts", "hello", "info", "finance", "admin", "invoices"]
_CUSTOMER_SUFFIXES: Weighted[str | None] = Weighted(["ltd", "co", "llp", None], [55, 10, 5, 30])
_SUPPLIER_SUFFIXES: Weighted[str | None] = Weighted(["ltd", "co", "llp", None], [65, 10, 5, 20])


@dataclass(frozen=True)
class NameParts:
    """``words`` are the distinctive part (may hold "&" and an initial like "J"); ``suffix`` the legal form."""

    words: tuple[str, ...]
    suffix: str | None  # "ltd" | "co" | "llp" | None
    amp_co: bool = False  # "Patel & Co." rather than "Patel Co."

    @property
    def has_ampersand(self) -> bool:
        return "&" in self.words or (self.suffix == "co" and self.amp_co)

    @property
    def has_apostrophe(self) -> bool:
        return any("'" in w for w in self.words)

    @property
    def has_initial(self) -> bool:
        return any(len(w) == 1 and w.isalpha() for w in self.words)


@dataclass
class NameStyle:
    """How one ledger's copy spells a name."""

    ltd: str = "Ltd"  # "Ltd" | "Ltd." | "Limited"
    co: str = "Co."  # "Co." | "Co" | "Company"
    amp: str = "&"  # "&" | "and"
    strip_apostrophes: bool = False
    initial_dot: bool = False
    trailing_dot: bool = False
    case: str | None = None  # None | "upper" | "lower" | "title"
    double_space_at: int | None = None  # index of the word gap that holds two spaces

    def render(self, parts: NameParts) -> str:
        words: list[str] = []
        for w in parts.words:
            if w == "&":
                words.append(self.amp)
            elif len(w) == 1 and w.isalpha():
                words.append(w + "." if self.initial_dot else w)
            else:
                words.append(w.replace("'", "") if self.strip_apostrophes else w)
        if parts.suffix == "ltd":
            words.append(self.ltd)
        elif parts.suffix == "co":
            if parts.amp_co:
                words.append(self.amp)
            words.append(self.co)
        elif parts.suffix == "llp":
            words.append("LLP")
        if self.trailing_dot and not words[-1].endswith("."):
            words[-1] += "."
        if self.double_space_at is not None and len(words) > 1:
            gap = self.double_space_at % (len(words) - 1)
            words[gap] += " "
        text = " ".join(words)
        if self.case == "upper":
            text = text.upper()
        elif self.case == "lower":
            text = text.lower()
        elif self.case == "title":
            text = text.title()
        return text


NAME_TAGS = ("name_case", "name_punctuation", "name_spacing", "name_ampersand", "ltd_limited", "co_company")


def applicable_name_tags(parts: NameParts) -> list[str]:
    tags = ["name_case", "name_punctuation", "name_spacing"]
    if parts.has_ampersand:
        tags.append("name_ampersand")
    if parts.suffix == "ltd":
        tags.append("ltd_limited")
    if parts.suffix == "co":
        tags.append("co_company")
    return tags


def normalise(name: str) -> str:
    """The coarsest normal form we keep distinct between different businesses.

    Lower case, "&" read as "and", apostrophes and full stops dropped, other punctuation read as a space, legal
    suffixes (Ltd/Limited, Co/Company, LLP, PLC) dropped from the end. A matcher that normalises less than this
    still tells two seeded businesses apart, because their normal forms here already differ.
    """
    text = name.lower().replace("&", " and ").replace("'", "").replace("\u2019", "").replace(".", "")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while words and words[-1] in ("ltd", "limited", "co", "company", "llp", "plc"):
        words.pop()
        if words and words[-1] == "and":
            words.pop()
    return " ".join(words)


def style_pair(rng: random.Random, parts: NameParts, tags: list[str]) -> tuple[NameStyle, NameStyle]:
    """Styles for the (xero, quickbooks) copies that differ exactly by ``tags`` (all applicable to ``parts``)."""
    base = NameStyle(ltd=rng.choice(["Ltd", "Ltd", "Ltd."]), co=rng.choice(["Co.", "Co"]),
                     initial_dot=rng.random() < 0.3)
    sides = [replace(base), replace(base)]
    # the suffix words first: a stray full stop may have to go on the long form they choose
    for tag in sorted(tags, key=lambda t: t not in ("ltd_limited", "co_company")):
        s = sides[rng.randrange(2)]
        other = sides[0] if s is sides[1] else sides[1]
        if tag == "ltd_limited":
            s.ltd, other.ltd = "Limited", rng.choice(["Ltd", "Ltd."])
        elif tag == "co_company":
            s.co, other.co = "Company", rng.choice(["Co.", "Co"])
        elif tag == "name_ampersand":
            s.amp, other.amp = "and", "&"
        elif tag == "name_case":
            s.case = rng.choice(["upper", "upper", "lower", "title"])
            if s.case == "title" and s.render(parts) == replace(s, case=None).render(parts):
                s.case = "upper"
        elif tag == "name_spacing":
            s.double_space_at = rng.randrange(8)
        elif tag == "name_punctuation":
            ops: list[str] = []
            if parts.has_apostrophe:
                ops += ["apostrophe", "apostrophe"]
            if parts.has_initial:
                ops.append("initial")
            if parts.suffix == "ltd" and "ltd_limited" not in tags:
                ops.append("ltd_dot")
            if parts.suffix == "co" and "co_company" not in tags:
                ops.append("co_dot")
            if parts.suffix in (None, "llp"):
                ops.append("trailing_dot")
            op = rng.choice(ops) if ops else "long_form_dot"
            if op == "apostrophe":
                s.strip_apostrophes, other.strip_apostrophes = True, False
            elif op == "initial":
                s.initial_dot, other.initial_dot = True, False
            elif op == "ltd_dot":
                s.ltd, other.ltd = "Ltd.", "Ltd"
            elif op == "co_dot":
                s.co, other.co = "Co.", "Co"
            elif op == "trailing_dot":
                s.trailing_dot, other.trailing_dot = True, False
            else:
                # "Limited." / "Company.": the suffix words already differ, the stray stop is on the long one
                long_side = s if s.ltd == "Limited" or s.co == "Company" else other
                long_side.trailing_dot = True
    return sides[0], sides[1]


@dataclass
class NameBook:
    """Hands out business names whose normal forms never collide, so only intended ambiguity exists."""

    rng: random.Random
    taken: set[str] = field(default_factory=set)

    def customer(self, need: set[str]) -> NameParts:
        for _ in range(1000):
            parts = self._customer_candidate(need)
            if self._claim(parts):
                return parts
        raise RuntimeError("ran out of customer names")

    def supplier(self, kind: str, need: set[str]) -> NameParts:
        for _ in range(1000):
            parts = self._supplier_candidate(kind, need)
            if self._claim(parts):
                return parts
        raise RuntimeError("ran out of supplier names")

    def person_business(self) -> NameParts:
        """"J Patel Design": the kind of name two unrelated sole traders share."""
        for _ in range(1000):
            parts = NameParts((self.rng.choice(INITIALS), self.rng.choice(SURNAMES),
                               self.rng.choice(["Design", "Consulting", "Photography", "Joinery", "Interiors"])),
                              None)
            if self._claim(parts):
                return parts
        raise RuntimeError("ran out of person names")

    def _claim(self, parts: NameParts) -> bool:
        norm = normalise(NameStyle().render(parts))
        if norm in self.taken:
            return False
        self.taken.add(norm)
        return True

    def _suffix(self, need: set[str], suffixes: Weighted[str | None]) -> str | None:
        if "ltd_limited" in need:
            return "ltd"
        if "co_company" in need:
            return "co"
        return suffixes.pick(self.rng)

    def _customer_candidate(self, need: set[str]) -> NameParts:
        r = self.rng
        suffix = self._suffix(need, _CUSTOMER_SUFFIXES)
        pattern = r.randrange(5)
        if "name_ampersand" in need and suffix != "co":
            pattern = 1
        if "name_punctuation" in need and pattern in (0, 3) and r.random() < 0.5:
            pattern = 2  # a surname, often with an apostrophe
        if pattern == 0:
            words: tuple[str, ...] = (*r.choice(PLACES).split(), *r.choice(CUSTOMER_TRADES).split())
        elif pattern == 1:
            a, b = r.sample(SURNAMES, 2)
            words = (a,) if suffix == "co" else (a, "&", b) if r.random() < 0.6 else (a, "&", "Sons")
        elif pattern == 2:
            words = (r.choice(SURNAMES), *r.choice(CUSTOMER_TRADES).split())
        else:
            words = (r.choice(ADJECTIVES), r.choice(NOUNS), *r.choice(CUSTOMER_TRADES).split())
        amp_co = suffix == "co" and (len(words) == 1 or "name_ampersand" in need or r.random() < 0.5)
        return NameParts(words, suffix, amp_co=amp_co)

    def _supplier_candidate(self, kind: str, need: set[str]) -> NameParts:
        r = self.rng
        trade = r.choice(SUPPLIER_TRADES[kind]).split()
        if kind == "bank":
            return NameParts((*r.choice(PLACES).split(), *trade), None)
        if kind == "freelancer":
            words: tuple[str, ...] = (r.choice(FIRST_NAMES), r.choice(SURNAMES), *trade)
            return NameParts(words, None)
        suffix = self._suffix(need, _SUPPLIER_SUFFIXES)
        pattern = r.randrange(3)
        if "name_ampersand" in need and suffix != "co":
            pattern = 3
        if pattern == 0:
            words = (*r.choice(PLACES).split(), *trade)
        elif pattern == 1:
            words = (r.choice(SURNAMES), *trade)
        elif pattern == 2:
            words = (r.choice(ADJECTIVES), r.choice(NOUNS), *trade)
        else:
            a, b = r.sample(SURNAMES, 2)
            words = (a, "&", b, *trade)
        if suffix == "co":
            words = tuple(w for w in words if w != "Co") or words
        return NameParts(words, suffix, amp_co=suffix == "co" and ("name_ampersand" in need or r.random() < 0.5))


# --- contact details -----------------------------------------------------------------------------------------------

def email_for(rng: random.Random, parts: NameParts, person: tuple[str, str] | None) -> str:
    """An address at a domain made from the name's words (CamelCase, so a lower-cased copy looks different)."""
    domain = "".join(w.replace("'", "").capitalize() if w.islower() else w.replace("'", "")
                     for w in parts.words if w != "&" and len(w) > 1)
    if person and rng.random() < 0.4:
        local = f"{person[0]}.{person[1]}".replace("'", "")
    else:
        local = rng.choice(_MAILBOXES).capitalize() if rng.random() < 0.3 else rng.choice(_MAILBOXES)
    return f"{local}@{domain}{rng.choice(_TLDS)}"


def vat_number(rng: random.Random) -> str:
    """A GB VAT number passing HMRC's mod-97 check: GB + 7 digits + 2 check digits."""
    while True:
        digits = [rng.randrange(10) for _ in range(7)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(8, 1, -1)))
        check = (-total) % 97
        return "GB" + "".join(map(str, digits)) + f"{check:02d}"


def vat_variant(number: str) -> str:
    """The same VAT number as it is often typed: spaced, or without the country prefix."""
    body = number[2:]
    return f"GB {body[:3]} {body[3:7]} {body[7:]}"


@dataclass(frozen=True)
class Place:
    line1: str
    city: str
    postal_code: str
    phone_digits: str  # national format without spaces, e.g. "01134960123"
    country: str = "GB"


def place(rng: random.Random) -> Place:
    area, local, city, district = rng.choice(_PHONE_AREAS)
    number = f"{area} {local}{rng.randrange(1000):03d}"
    inward = f"{rng.randrange(10)}{rng.choice(_INWARD)}{rng.choice(_INWARD)}"
    return Place(line1=f"{rng.randrange(1, 240)} {rng.choice(_STREETS)}", city=city,
                 postal_code=f"{district} {inward}", phone_digits=number.replace(" ", ""))


# customers abroad, by the currency they are billed in: (street names, (city, postal code) pairs, country)
_ABROAD: dict[str, tuple[list[str], list[tuple[str, str]], str]] = {
    "USD": (["Broadway", "Market Street", "Main Street", "Congress Avenue", "Pearl Street"],
            [("New York", "10013"), ("Boston", "02110"), ("Austin", "78701"), ("Portland", "97205"),
             ("Chicago", "60607")], "US"),
    "EUR": (["Pearse Street", "Grand Parade", "Dock Road", "Baggot Street"],
            [("Dublin", "D02 X285"), ("Cork", "T12 R2NC"), ("Galway", "H91 E2K3")], "IE"),
}


def foreign_place(rng: random.Random, currency: str) -> Place:
    """An address abroad for a customer billed in ``currency`` (no phone: the drama ranges are British)."""
    streets, cities, country = _ABROAD[currency]
    city, postal = rng.choice(cities)
    return Place(line1=f"{rng.randrange(1, 400)} {rng.choice(streets)}", city=city, postal_code=postal,
                 phone_digits="", country=country)


def phone_format(digits: str, fmt: str) -> str:
    """``digits`` in one of the ways people write UK numbers: spaced, international, bracketed, or run together."""
    if digits.startswith("020"):
        area, rest = digits[:3], f"{digits[3:7]} {digits[7:]}"
    else:
        area, rest = digits[:4], f"{digits[4:7]} {digits[7:]}"
    if fmt == "spaced":
        return f"{area} {rest}"
    if fmt == "international":
        return f"+44 {area[1:]} {rest}"
    if fmt == "bracketed":
        return f"({area}) {rest}"
    return digits


PHONE_FORMATS = ("spaced", "international", "bracketed", "plain")

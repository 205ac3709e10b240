"""Names as people type them: companies (legal forms, "The", "& Co", distinguishing words such as "(NZ)",
"Distribution", "North") and people (titles, initials, "Surname, First"), parsed into parts that compare.

Written for this project rather than taken from ``cleanco`` / ``nameparser``: we need the distinguishing words,
the formatting-only test and the blocking keys from one tokenisation, and both libraries would add a dependency
for a few dozen lines of lists. The lists below are the documentation of what counts as what.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

# legal forms, as the last word(s) of a company name -> one spelling (Ltd. / Limited / LTD are the same form)
LEGAL_FORMS = {
    "ltd": "ltd", "limited": "ltd", "plc": "plc", "llp": "llp", "lp": "lp", "llc": "llc", "inc": "inc",
    "incorporated": "inc", "corp": "corp", "corporation": "corp", "co": "co", "company": "co", "cic": "cic",
    "cio": "cio", "pty": "pty", "pte": "pte", "gmbh": "gmbh", "ag": "ag", "bv": "bv", "nv": "nv", "sa": "sa",
    "sarl": "sarl", "srl": "srl", "spa": "spa", "oy": "oy", "ab": "ab", "aps": "aps", "as": "as", "kg": "kg",
    "uc": "uc", "dac": "dac", "unlimited": "unltd", "unltd": "unltd",
}
# words that name a different legal entity or branch of the same group when one name has them and the other not
DISTINGUISHING = {
    # places and regions
    "uk", "gb", "us", "usa", "nz", "au", "aus", "ie", "eu", "ca", "de", "fr", "nl", "es", "it", "in", "sg", "hk",
    "england", "scotland", "wales", "ireland", "northern", "international", "intl", "europe", "european", "global",
    "worldwide", "asia", "pacific", "americas", "america", "australia", "zealand", "london", "north", "south",
    "east", "west", "central", "midlands", "northwest", "northeast", "southwest", "southeast", "eastern", "western",
    "southern", "upper", "lower",
    # what a member of a group does
    "holdings", "holding", "group", "distribution", "distributors", "distributor", "trading", "properties",
    "property", "investments", "investment", "management", "logistics", "wholesale", "retail", "manufacturing",
    "estates", "capital", "finance", "leasing", "developments", "ventures", "trust", "foundation", "charity",
    "branch", "division", "subsidiary", "export", "exports", "imports", "import", "online", "direct",
}
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "rev", "revd", "reverend", "sir",
          "dame", "lady", "lord", "capt", "captain", "fr", "father", "cllr", "mstr", "master"}
PERSON_SUFFIXES = {"jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv", "phd", "md", "mbe", "obe",
                   "cbe", "esq", "qc", "kc", "bsc", "msc", "ba", "ma", "fca", "aca", "acca"}
# words that say a name is a business, not a person
BUSINESS_WORDS = {
    "and", "services", "service", "shop", "store", "stores", "studio", "studios", "cafe", "bar", "restaurant",
    "hotel", "centre", "center", "club", "society", "school", "college", "council", "associates", "partners",
    "partnership", "consulting", "consultants", "solutions", "systems", "supplies", "supply", "motors", "garage",
    "farm", "farms", "bakery", "butchers", "builders", "building", "construction", "electrical", "plumbing",
    "heating", "design", "designs", "media", "print", "printing", "press", "books", "foods", "food", "catering",
    "care", "home", "homes", "house", "clinic", "practice", "surgery", "dental", "pharmacy", "agency", "events",
    "travel", "transport", "haulage", "cleaning", "landscapes", "landscaping", "gardens", "nursery", "kitchen",
    "kitchens", "coffee", "tea", "brewery", "brewing", "wines", "spirits", "trust", "church", "office", "works",
    "engineering", "technologies", "technology", "tech", "digital", "labs", "lab", "works", "workshop", "outdoor",
    "sports", "fitness", "gym", "salon", "beauty", "hair", "barbers", "accountants", "solicitors", "law", "legal",
    "estate", "agents", "lettings", "rentals", "hire", "repairs", "joinery", "carpentry", "roofing", "glazing",
    "windows", "doors", "tiles", "flooring", "furniture", "interiors", "fashion", "clothing", "jewellery", "gifts",
    "crafts", "art", "arts", "gallery", "music", "theatre", "productions", "films", "photography", "vets",
    "veterinary", "animal", "pets", "kennels", "stables", "dairy", "produce", "market", "markets", "traders",
    "imports", "exports", *DISTINGUISHING, *LEGAL_FORMS,
}
# common given names: only a hint that a two- or three-word name without business words is a person
GIVEN_NAMES = set("""
aaron abigail adam adrian aidan aisha alan alex alexander alexandra ali alice alison amanda amber amelia amy andrew
angela ann anna anne anthony arthur ava barbara ben benjamin beth bethan bridget brian callum cameron carl carol
caroline catherine charles charlie charlotte chloe chris christine christopher claire clare colin connor craig
daniel david dawn dean deborah declan dennis diane dylan edward eileen eleanor elizabeth ella ellie emily emma eric
ethan eve fiona frances freddie freya gareth gary gavin george georgia gemma geoffrey gordon grace graham hannah
harriet harry hazel heather helen henry holly hugh iain ian imogen isaac isabel isabella isla jack jacob jake james
jane janet jasmine jason jennifer jessica joan joe john jonathan joseph josh joshua judith julia julie karen kate
katherine kathleen kathryn katie keith kevin kieran laura lauren leah lee leo lewis liam lily linda lisa louise
lucy luke lynne maeve maggie malcolm margaret maria marie mark martin mary matthew megan michael michelle mohammed
molly nathan neil nicholas nicola niamh noah oliver olivia oscar owen patricia patrick paul pauline peter philip
rachel rebecca rhys richard robert rose ross ruby ruth ryan sally samantha samuel sandra sarah scott sean sharon
shaun sian simon sophie stephen steven stuart susan thomas tim timothy tom tony tracey valerie victoria wendy
william zoe ffion dafydd gethin eilidh ailsa morag hamish seamus siobhan aoife ciara
""".split())

_APOSTROPHES = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PARENS = re.compile(r"\(([^)]*)\)")
# "J. Smith", "J.R. Hartley", "JR Hartley": initials, then a surname
_INITIALS_FIRST = re.compile(r"^\s*(?:[A-Z]\.?\s*){1,3}\s*[A-Z][a-z'’-]+|^\s*[A-Z]{2,3}\s+[A-Z][a-z'’-]+")


def fold(text: str) -> str:
    """Lower case without accents, "&" read as "and", apostrophes dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _APOSTROPHES.sub("", text.replace("&", " and "))


def words(text: str) -> list[str]:
    return [w for w in _NON_WORD.split(fold(text)) if w]


def form(name: str | None) -> str:
    """The spelling-free form of a name: two names with the same form differ only in case, spacing, punctuation,
    accents, "&"/"and" or the spelling of one legal form (Ltd / Ltd. / Limited)."""
    return " ".join(LEGAL_FORMS.get(w, w) for w in words(name or ""))


def tidiness(name: str) -> int:
    """How tidily a name is written (0 is tidy; each fault counts one): all lower case, shouting in capitals,
    doubled or stray spaces, a stray full stop at the end, a space before a comma. Used to keep the cleaner of two
    spellings that differ only in form."""
    faults = 0
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.islower() for c in letters):
        faults += 2
    elif letters and all(c.isupper() for c in letters) and any(len(w) >= 5 for w in re.findall(r"[A-Za-z]+", name)):
        faults += 1
    faults += len(re.findall(r"\s{2,}", name)) + (name != name.strip())
    last = re.findall(r"([A-Za-z]+)\.$", name.strip())
    if last and last[0].lower() not in LEGAL_FORMS and len(last[0]) > 1 and last[0].lower() not in (
            "bros", "assoc", "intl", "st", "jr", "sr", "jnr", "snr"):
        faults += 1
    faults += len(re.findall(r"\s[,;]", name))
    return faults


def skeleton(token: str) -> str:
    """A Soundex-like key: the first letter, then consonants with look-alike sounds merged and repeats dropped, so
    "Macdonald" ~ "McDonald", "Kathy" ~ "Cathy", "Philips" ~ "Fillips"."""
    t = token.replace("ph", "f").replace("ck", "k").replace("sch", "sk")
    t = t.translate(str.maketrans("cqzxvj", "kksksg"))
    if not t:
        return ""
    out = [t[0]]
    for c in t[1:]:
        if c in "aeiouhwy" or c == out[-1]:
            continue
        out.append(c)
    return "".join(out)


def deletion_keys(text: str, width: int = 20) -> list[str]:
    """Every string left by deleting one character from the first ``width`` characters (cut to ``width - 1``),
    and the text itself cut the same way: two strings one typo apart (a letter changed, added, dropped or two
    swapped) within that width share at least one of these keys."""
    head = text[:width]
    keys = {head[: width - 1]}
    for i in range(len(head)):
        keys.add((head[:i] + head[i + 1:])[: width - 1])
    return sorted(keys)


@dataclass
class ParsedName:
    kind: str  # "company" | "person"
    tokens: list[str]  # the core words in order: no legal form, "The", "and"; a person's title and suffix gone
    legal: str | None = None  # the legal form (ltd, plc, ...)
    first: str | None = None  # a person's given name (None when only initials are known)
    initials: str = ""  # a person's initials, first name's first
    last: str | None = None
    marks: list[str] = field(default_factory=list)  # words in brackets: "(NZ)"

    @property
    def core(self) -> str:
        return " ".join(self.tokens)

    @property
    def sorted_core(self) -> str:
        return " ".join(sorted(self.tokens))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "tokens": self.tokens, "legal": self.legal, "first": self.first,
                "initials": self.initials, "last": self.last, "marks": self.marks}

    @classmethod
    def from_dict(cls, d: dict) -> ParsedName:
        return cls(d["kind"], list(d["tokens"]), d.get("legal"), d.get("first"), d.get("initials") or "",
                   d.get("last"), list(d.get("marks") or []))


def _misspelt_legal_form(token: str) -> str:
    """A long legal form typed with a slip ("Limtied", "Limted", "Compnay") read as the form it stands for."""
    if len(token) >= 5:
        for spelled in ("limited", "company", "incorporated", "corporation"):
            if abs(len(token) - len(spelled)) <= 2 and OSA.distance(token, spelled) <= 2:
                return spelled
    return token


def _merge_initials(tokens: list[str]) -> tuple[list[str], set[int]]:
    """Runs of single letters ("J. R." / "J.R.") become one token of initials ("jr"); the positions of such tokens."""
    out: list[str] = []
    runs: set[int] = set()
    run = ""
    for w in tokens + [""]:
        if len(w) == 1 and w.isalpha():
            run += w
            continue
        if run:
            runs.add(len(out))
            out.append(run)
            run = ""
        if w:
            out.append(w)
    return out, runs


def parse(name: str | None, first_name: str | None = None, last_name: str | None = None) -> ParsedName:
    """Parse a contact's name. ``first_name`` / ``last_name`` (the ledger's contact-person fields) say the name is a
    person's when they spell it."""
    text = (name or "").strip()
    marks = [w for inner in _PARENS.findall(text) for w in words(inner)]
    tokens = words(text)
    legal = None
    if len(tokens) > 1 and tokens[-1] not in LEGAL_FORMS:
        tokens[-1] = _misspelt_legal_form(tokens[-1])
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        legal = legal or LEGAL_FORMS[tokens[-1]]
        tokens.pop()
        if len(tokens) > 1 and tokens[-1] == "and" and legal == "co":  # "& Co"
            tokens.pop()
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    business = legal is not None or any(t in BUSINESS_WORDS for t in tokens) or any(t.isdigit() for t in tokens)
    comma = text.count(",") == 1 and not business
    titled = bool(tokens) and tokens[0] in TITLES and 2 <= len(tokens) <= 5 and not business
    given = words(first_name or "")
    family = words(last_name or "")
    spelled = bool(given and family) and sorted(tokens) == sorted(given + family)
    alpha = not business and 2 <= len(tokens) <= 4 and all(t.isalpha() for t in tokens)
    initialled = alpha and bool(_INITIALS_FIRST.match(text)) and len(tokens[-1]) > 1
    hinted = alpha and len(tokens) <= 3 and tokens[0] in GIVEN_NAMES
    if not (comma or titled or spelled or hinted or initialled):
        core, _ = _merge_initials([t for t in tokens if t != "and"] or tokens)
        return ParsedName("company", core, legal, marks=marks)
    if comma:
        left, right = (words(part) for part in text.split(",", 1))
        tokens = right + left if len(left) <= 2 else tokens
    people = list(tokens)
    while len(people) > 1 and people[0] in TITLES:
        people.pop(0)
    while len(people) > 2 and people[-1] in PERSON_SUFFIXES:
        people.pop()
    raw = re.findall(r"[A-Za-z]+", text)
    # "JR Hartley": a leading all-capital short word that is not a name is a run of initials
    if raw and len(people) >= 2 and raw[0].isupper() and 2 <= len(raw[0]) <= 3 and raw[0].lower() == people[0] \
            and people[0] not in GIVEN_NAMES:
        people = list(people[0]) + people[1:]
    people, runs = _merge_initials(people)
    last = people[-1]
    before = people[:-1]
    first = next((t for i, t in enumerate(before) if i not in runs), None)
    initials = (first[0] if first else "") + "".join(t for i, t in enumerate(before) if i in runs)
    return ParsedName("person", [*before, last], None, first, initials, last, marks)

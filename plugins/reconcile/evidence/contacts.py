"""Contacts (customers, suppliers): a record's match profile and blocking keys, and the evidence two profiles give.

The profile and keys are computed when a record is staged (``match_profile``, ``match_ids``, ``match_keys``), so
finding candidates is equality joins in PostgreSQL and scoring reads no name twice.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from reconcile.evidence import names
from reconcile.evidence.names import ParsedName
from reconcile.evidence.weights import ADDRESS, CURRENCY, EMAIL, NAME, PHONE, TAX, Evidence, Level, evidence

VERSION = 2  # bump when the profile or the keys change: the matcher recomputes stale ones
FREE_MAIL = {"gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com",
             "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "icloud.com", "me.com", "mac.com",
             "aol.com", "btinternet.com", "btopenworld.com", "sky.com", "virginmedia.com", "ntlworld.com",
             "talktalk.net", "tiscali.co.uk", "protonmail.com", "proton.me", "gmx.com", "gmx.co.uk", "mail.com",
             "zoho.com", "fastmail.com", "xtra.co.nz", "bigpond.com", "eircom.net"}
ROLE_MAILBOXES = {"accounts", "account", "accountspayable", "ap", "ar", "info", "admin", "office", "hello",
                  "enquiries", "enquiry", "sales", "finance", "billing", "invoices", "invoice", "bookkeeping",
                  "bookkeeper", "payables", "receivables", "contact", "mail", "team", "reception", "orders"}
STREET_WORDS = {"rd": "road", "st": "street", "ave": "avenue", "ln": "lane", "dr": "drive", "ct": "court",
                "pl": "place", "sq": "square", "cres": "crescent", "tce": "terrace", "hwy": "highway", "pk": "park"}
SHARED_DOMAIN = Level(0.10, 0.05)  # +1.0: two addresses at a domain several records use (a group's, a bookkeeper's)
SHARED_ADDRESS = Level(0.10, 0.05)  # +1.0: an address several records on one side use


def _digits(value: str | None) -> str | None:
    digits = re.sub(r"\D", "", value or "")
    return digits[-10:] if len(digits) >= 6 else None


def _street(value: str | None) -> str | None:
    tokens = [STREET_WORDS.get(w, w) for w in names.words(value or "")]
    return " ".join(tokens) or None


def profile(row: dict[str, Any]) -> dict[str, Any]:
    """What matching compares, from a staged contact row."""
    parsed = names.parse(row.get("name"), row.get("first_name"), row.get("last_name"))
    email = (row.get("email") or "").strip().lower() or None
    local, _, domain = (email or "").partition("@")
    local = local.split("+", 1)[0]
    postcode = re.sub(r"\s+", "", (row.get("postal_code") or "").upper()) or None
    district = postcode[:-3] if postcode and len(postcode) >= 5 and postcode[-3].isdigit() else postcode
    return {
        "v": VERSION, "name": parsed.as_dict(), "form": names.form(row.get("name")),
        "email": f"{local}@{domain}" if email and domain else email,
        "role": local.replace(".", "").replace("-", "").replace("_", "") in ROLE_MAILBOXES if email else False,
        "domain": domain if domain and domain not in FREE_MAIL else None,
        "tax": row.get("norm_tax_number") or None, "phone": _digits(row.get("phone")),
        "postcode": postcode, "district": district, "street": _street(row.get("address_line1")),
        "city": " ".join(names.words(row.get("city") or "")) or None,
        "currency": (row.get("currency") or "").upper() or None,
    }


def stamp(row: dict[str, Any]) -> dict[str, Any]:
    """Add the match profile, identifiers and blocking keys to a staged contact row."""
    p = profile(row)
    row["match_profile"], row["match_ids"], row["match_keys"] = p, identifiers(p), blocking_keys(p)
    row["match_typo_keys"] = typo_keys(p)
    return row


def identifiers(p: dict[str, Any]) -> list[str]:
    """Keys of the identifiers a record holds; one held by several records on a side is weak evidence."""
    keys = [f"e:{p['email']}" if p["email"] else None, f"v:{p['tax']}" if p["tax"] else None,
            f"ph:{p['phone']}" if p["phone"] else None, f"w:{p['domain']}" if p["domain"] else None,
            f"a:{p['postcode']}|{p['street']}" if p["postcode"] and p["street"] else None,
            # the first line and the town: a place as well as the first line and the postcode, so a postcode
            # missing on one side does not lose the address as a way to find (and weigh) the partner
            f"at:{p['street']}|{p['city']}" if p["street"] and p["city"] else None]
    return [k for k in keys if k]


def blocking_keys(p: dict[str, Any]) -> list[str]:
    """Keys two records must share one of to be compared at all: the identifiers, the name's words in any order,
    their sound, each word, and a person's surname with the first initial (and see ``typo_keys``)."""
    parsed = ParsedName.from_dict(p["name"])
    keys = set(identifiers(p))
    if parsed.tokens:
        keys.add("n:" + parsed.sorted_core)
        keys.add("p:" + " ".join(sorted(names.skeleton(t) for t in parsed.tokens)))
        keys.update("t:" + t for t in parsed.tokens if len(t) >= 3)
    if parsed.kind == "person" and parsed.last and parsed.initials:
        keys.add(f"s:{parsed.last} {parsed.initials[0]}")
    return sorted(keys)


def typo_keys(p: dict[str, Any]) -> list[str]:
    """Every one-typo variant of the name: used only by records whose name has no exact counterpart on the other
    side (there are many of them, and an exact name already brings its candidates)."""
    parsed = ParsedName.from_dict(p["name"])
    return ["d:" + k for k in names.deletion_keys(parsed.sorted_core.replace(" ", ""))] if parsed.tokens else []


def _tokens_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return OSA.distance(a, b) <= (2 if min(len(a), len(b)) >= 9 else 1)


def _unmatched(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """The words of each name with no counterpart (equal or one typo apart) in the other."""
    rest = list(b)
    left = []
    for t in a:
        hit = next((r for r in rest if r == t), None) or next((r for r in rest if _tokens_match(t, r)), None)
        if hit is None:
            left.append(t)
        else:
            rest.remove(hit)
    return left, rest


def _name_level(x: ParsedName, q: ParsedName, fx: str, fq: str) -> tuple[str, str]:
    persons = x.kind == q.kind == "person"
    if fx == fq:
        return ("same_person" if persons else "exact"), "The names are the same, spelling aside."
    if persons and x.last and q.last and _tokens_match(x.last, q.last):
        if x.first and q.first:
            if x.first == q.first and x.last == q.last:
                return "same_person", "Same given name and surname; titles, order and punctuation aside."
            if _tokens_match(x.first, q.first):
                return "typo", "The given names or surnames are a letter or two apart: a typing slip is likely."
            return "different", f"Different given names ({x.first} / {q.first}): different people."
        xi, qi = x.initials or "", q.initials or ""
        if xi and qi and (xi.startswith(qi) or qi.startswith(xi)):
            return "initials", "The initials agree with the given name and the surname is the same; not proof."
        return "different", f"Initials {xi.upper() or '-'} / {qi.upper() or '-'} do not agree: different people."
    if sorted(x.tokens) == sorted(q.tokens) or "".join(x.tokens) == "".join(q.tokens):
        parts = []
        if x.legal != q.legal:
            parts.append(f"legal form {(x.legal or 'none').upper()} / {(q.legal or 'none').upper()}")
        if x.tokens != q.tokens:
            parts.append("word order or spacing")
        if fx.startswith("the ") != fq.startswith("the "):
            parts.append("'The'")
        level = "same_person" if "person" in (x.kind, q.kind) and not (x.legal or q.legal) else "same_core"
        return level, "The same name apart from " + (", ".join(parts) or "titles and punctuation") + "."
    left, right = _unmatched(x.tokens, q.tokens)
    extra = left + right
    if not extra:
        return "typo", "The names are a letter or two apart: a typing slip is likely."
    marked = [t for t in extra if t in names.DISTINGUISHING or t in x.marks or t in q.marks or t.isdigit()]
    if not marked and len(left) == 1 and len(right) == 1 and fuzz.ratio(x.sorted_core, q.sorted_core) >= 92 and \
            min(len(x.sorted_core), len(q.sorted_core)) >= 8:
        return "typo", "The names are a letter or two apart: a typing slip is likely."
    common = len(x.tokens) - len(left)
    if marked and common:
        return "distinguishing", (f"'{' '.join(extra)}' is in one name only: '{marked[0]}' marks another entity "
                                  "or branch of a group.")
    if common and (not left or not right):
        return "partial", (f"'{' '.join(extra)}' is in one name only: a fuller form of the name, or another "
                           "business.")
    return "different", "The names are different."


def _parsed(name: ParsedName | dict) -> ParsedName:
    return name if isinstance(name, ParsedName) else ParsedName.from_dict(name)


def _name(x: dict, q: dict, xv: str | None, qv: str | None) -> Evidence:
    level, says = _name_level(_parsed(x["name"]), _parsed(q["name"]), x["form"], q["form"])
    return evidence(NAME, "name", level, xv, qv, says)


def compare(x: dict, q: dict, shared: set[str], labels: tuple[str | None, str | None] = (None, None)) -> list[Evidence]:
    """Evidence for and against two contact profiles being one firm or person. ``shared``: identifier keys held by
    several records on either side (match_ids)."""
    out = [_name(x, q, *labels)]
    if x["email"] and q["email"]:
        if x["email"] == q["email"]:
            if f"e:{x['email']}" in shared:
                out.append(evidence(EMAIL, "email", "shared", x["email"], q["email"],
                                    "Same address, but several records on one side use it (a shared mailbox)."))
            elif x["role"]:
                out.append(evidence(EMAIL, "email", "exact_role", x["email"], q["email"],
                                    "Same address, a role mailbox (accounts@, info@): groups share these."))
            else:
                out.append(evidence(EMAIL, "email", "exact", x["email"], q["email"], "Same e-mail address."))
        elif x["domain"] and x["domain"] == q["domain"]:
            if f"w:{x['domain']}" in shared:
                out.append(Evidence("email", x["email"], q["email"], "shared_domain", SHARED_DOMAIN.weight,
                                    "Different addresses at a domain several records use."))
            else:
                out.append(evidence(EMAIL, "email", "same_domain", x["email"], q["email"],
                                    f"Different addresses at the firm's own domain {x['domain']}."))
        else:
            out.append(evidence(EMAIL, "email", "different", x["email"], q["email"], "Different e-mail addresses."))
    if x["tax"] and q["tax"]:
        if x["tax"] == q["tax"]:
            if f"v:{x['tax']}" in shared:
                out.append(evidence(TAX, "tax_number", "shared", x["tax"], q["tax"],
                                    "Same tax number, held by several records on one side (a VAT group)."))
            else:
                out.append(evidence(TAX, "tax_number", "exact", x["tax"], q["tax"], "Same tax number."))
        else:
            out.append(evidence(TAX, "tax_number", "different", x["tax"], q["tax"],
                                "Different tax numbers: two registrations."))
    if x["phone"] and q["phone"]:
        if x["phone"][-9:] == q["phone"][-9:]:
            if f"ph:{x['phone']}" in shared or f"ph:{q['phone']}" in shared:
                out.append(evidence(PHONE, "phone", "shared", x["phone"], q["phone"],
                                    "Same number, used by several records on one side (a switchboard)."))
            else:
                out.append(evidence(PHONE, "phone", "exact", x["phone"], q["phone"], "Same phone number."))
        else:
            out.append(evidence(PHONE, "phone", "different", x["phone"], q["phone"], "Different phone numbers."))
    out.extend(_address(x, q, shared))
    if x["currency"] and q["currency"] and x["currency"] != q["currency"]:
        out.append(evidence(CURRENCY, "currency", "different", x["currency"], q["currency"],
                            "Billed in different currencies."))
    name = out[0]
    if name.level == "different" and sum(e.level in OWN_IDENTIFIERS for e in out[1:]) >= 2:
        # a trading name and a legal name: two identifiers of the firm's own (none shared) agree
        name.veto = False
        name.says += " But two identifiers of their own agree: a trading name and a legal name, it seems."
    return out


OWN_IDENTIFIERS = ("exact", "same")  # email/tax/phone "exact" (unshared, personal mailbox), address "same"


def _address(x: dict, q: dict, shared: set[str]) -> list[Evidence]:
    xs, qs = (" ".join(filter(None, (p["street"], p["postcode"]))) or None for p in (x, q))
    same_street = bool(x["street"] and q["street"]) and fuzz.token_set_ratio(x["street"], q["street"]) >= 85
    if x["postcode"] and q["postcode"]:
        if x["postcode"] == q["postcode"]:
            # shared or not by the most precise address both have: the first line and the postcode
            if same_street and ({f"a:{x['postcode']}|{x['street']}", f"a:{q['postcode']}|{q['street']}"} & shared):
                return [Evidence("address", xs, qs, "shared", SHARED_ADDRESS.weight,
                                 "Same address, but several records on one side use it (a shared office, an "
                                 "accountant's registered office).")]
            if same_street:
                return [evidence(ADDRESS, "address", "same", xs, qs, "Same street address and postcode.")]
            return [evidence(ADDRESS, "address", "same_postcode", xs, qs, "Same postcode.")]
        if x["district"] == q["district"]:
            return [evidence(ADDRESS, "address", "same_area", xs, qs, "Same postcode district, not the same postcode.")]
        return [evidence(ADDRESS, "address", "different", xs, qs, "Different postcodes.")]
    if same_street and x["city"] and x["city"] == q["city"]:
        if {f"at:{x['street']}|{x['city']}", f"at:{q['street']}|{q['city']}"} & shared:
            return [Evidence("address", xs, qs, "shared", SHARED_ADDRESS.weight,
                             "Same street address and town, but several records on one side use it (a shared "
                             "office, an accountant's registered office).")]
        return [evidence(ADDRESS, "address", "same", xs, qs, "Same street address and town.")]
    if x["city"] and q["city"] and x["city"] != q["city"] and x["street"] and q["street"]:
        return [evidence(ADDRESS, "address", "different", xs, qs, "Different towns.")]
    return []

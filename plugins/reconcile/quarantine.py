"""Record-level quarantine at staging: values PostgreSQL or our parsing cannot hold never stop an entity.

What a ledger may hand us that PostgreSQL cannot store, or that we refuse to carry across:

- **NUL** (``\\x00``): a ``text`` or ``jsonb`` value cannot contain it.
- **Lone surrogates** (``\\ud800``-``\\udfff``, what invalid UTF-8 or a broken ``\\u`` escape decodes to): cannot be
  encoded as UTF-8, so PostgreSQL cannot store them either.
- **Other control characters** (C0 except tab, line feed and carriage return; DEL; C1): PostgreSQL holds them, but
  they are invisible typing accidents no one means in a name or a description; a record carrying one in a field
  we align is held rather than copied.
- **Numbers beyond the staging columns** (``numeric(18, 2)``: 10^16 and more).

The raw payload is kept faithfully: a string holding NUL or a lone surrogate is stored *escaped* (``\\`` doubled,
NUL as the six characters ``\\u0000``, a surrogate as ``\\udXXX``), and the JSON paths of the escaped strings are
recorded in ``ledgerbridge.raw_escapes`` (so an escaped string is never confused with one a person typed with a
backslash). Every other character (emoji, right-to-left marks, zero-width spaces, quotes, control characters) is
stored as it is.

A record whose *aligned* values (the typed staging columns) hold one of those is staged, with the offending values
escaped or emptied, and queued as ``unsafe_value`` (``out_of_range`` for numbers) naming the record, its number and
the real field path (``LineItems[0].Description``) with the value shortened; nothing is written for it until the
source is corrected (it is still matched, so a partner it has is not copied across as a duplicate). A NUL in a field we do not align (a QuickBooks ``PrintOnCheckName``) is only escaped in
the raw payload: the record carries on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

# characters PostgreSQL cannot store at all
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# characters held as they are but never carried across in an aligned field (tab, LF and CR are fine)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
NUMERIC_LIMIT = Decimal(10) ** 16  # numeric(18, 2)
SHORT = 60


def shorten(value: Any, limit: int = SHORT) -> str:
    """A value as a person reads it in the queue: control characters shown as escapes, cut to ``limit``."""
    text = value if isinstance(value, str) else repr(value)
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii")
                        if m.group() < "\ud800" or m.group() > "\udfff" else f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def escape_text(text: str) -> str:
    """Storable and reversible: ``\\`` doubled, NUL and lone surrogates as ``\\uXXXX``."""
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text.replace("\\", "\\\\"))


def unescape_text(text: str) -> str:
    """The inverse of :func:`escape_text`."""
    return re.sub(r"\\\\|\\u([0-9a-f]{4})", lambda m: "\\" if m.group() == "\\\\" else chr(int(m.group(1), 16)),
                  text)


def storable(text: Any) -> Any:
    """A string PostgreSQL can store (for messages and labels): escaped only when it has to be."""
    return escape_text(text) if isinstance(text, str) and _UNSTORABLE.search(text) else text


def walk(value: Any, path: str = "", *, skip_private: bool = False) -> Iterator[tuple[str, Any]]:
    """Every leaf of a JSON-like value with its field path as the ledger names it (``LineItems[0].Description``);
    ``skip_private`` leaves out keys starting with ``_`` (ledgerbridge's own notes in a payload)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not (skip_private and str(key).startswith("_")):
                yield from walk(item, f"{path}.{key}" if path else str(key), skip_private=skip_private)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]", skip_private=skip_private)
    else:
        yield path, value


def _too_big(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    try:
        return abs(Decimal(str(value))) >= NUMERIC_LIMIT
    except ArithmeticError:
        return True  # inf, nan


@dataclass
class Problem:
    path: str  # where in the raw record: "Line[2].Description"
    reason: str  # unsafe_value | out_of_range
    value: Any

    def describe(self) -> str:
        if self.reason == "out_of_range":
            return f"{self.path} = {shorten(self.value)} is beyond what is kept (under 10^16)"
        what = ("a NUL character" if "\x00" in self.value else
                "invalid UTF-8 (a lone surrogate)" if re.search("[\ud800-\udfff]", self.value) else
                "a control character")
        return f"{self.path} holds {what}: {shorten(self.value)!s}"


@dataclass
class Screened:
    raw: Any  # storable
    escaped: list[str] = field(default_factory=list)  # raw paths stored escaped
    problems: list[Problem] = field(default_factory=list)  # raw paths holding something we will not carry


def _escape(value: Any, path: str, escaped: list[str]) -> Any:
    if isinstance(value, dict):
        return {storable(k): _escape(v, f"{path}.{k}" if path else str(k), escaped) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape(v, f"{path}[{i}]", escaped) for i, v in enumerate(value)]
    if isinstance(value, str) and _UNSTORABLE.search(value):
        escaped.append(path)
        return escape_text(value)
    return value


def screen_raw(raw: Any) -> Screened:
    """The raw record made storable (escaped where it must be) and every path holding a value we will not carry."""
    problems = []
    for path, value in walk(raw):
        if isinstance(value, str) and _CONTROL.search(value):
            problems.append(Problem(path, "unsafe_value", value))
        elif _too_big(value):
            problems.append(Problem(path, "out_of_range", value))
    if not problems:
        return Screened(raw)
    escaped: list[str] = []
    return Screened(_escape(raw, "", escaped), escaped, problems)


def screen_row(staged: dict[str, Any], screened: Screened) -> list[Problem]:
    """Which raw problems reach the aligned (typed) values of ``staged``; those values are made storable in place
    (strings escaped, numbers out of range emptied). Problems only in fields we do not align are not returned."""
    if not screened.problems:
        return []
    texts = [p for p in screened.problems if p.reason == "unsafe_value"]
    hit: dict[str, Problem] = {}
    for name, value in list(staged.items()):
        if name == "raw":
            continue
        for sub, leaf in walk(value):
            if isinstance(leaf, str) and _CONTROL.search(leaf):
                source = _source_of(leaf, texts)
                if source is not None:
                    hit.setdefault(source.path, source)
                else:
                    hit.setdefault(name + (f".{sub}" if sub else ""), Problem(name, "unsafe_value", leaf))
            elif _too_big(leaf):
                numbers = [p for p in screened.problems if p.reason == "out_of_range"]
                if not numbers:
                    hit.setdefault(name, Problem(name, "out_of_range", leaf))
                # a total comes from its lines: the lines' paths first (where a person typed it), then the totals
                for p in sorted(numbers, key=lambda p: "[" not in p.path):
                    hit.setdefault(p.path, p)
        staged[name] = storable_value(value)
    return list(hit.values())


def _source_of(leaf: str, texts: list[Problem]) -> Problem | None:
    """The raw value an aligned value came from: the same, else one holding the other (trimmed, normalised), else
    one with the same control characters."""
    tests = (lambda v: v == leaf, lambda v: leaf in v or v in leaf,
             lambda v: leaf.strip() in v or " ".join(v.split()) in leaf,
             lambda v: _CONTROL.findall(leaf) == _CONTROL.findall(v))
    for test in tests:
        for p in texts:
            if test(p.value):
                return p
    return None


def storable_value(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {k: storable_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable_value(v) for v in value]
    if _too_big(value):
        return None
    return value

"""A real subset of Xero's ``where`` and ``order`` language (fact sheet §2.4).

Xero evaluates ``where`` as a .NET Dynamic LINQ expression over the record: ``Status=="DRAFT"``,
``Type=="ACCPAY" && AmountDue > 0``, ``Date >= DateTime(2015, 01, 01)``, ``Contact.ContactID==Guid("…")``,
``Name.Contains("x")``, ``AND``/``OR``/``&&``/``||``/``NOT``, ``!=``, ``<``, ``>``, ``<=``, ``>=``.
String comparisons ignore case, as Xero's SQL Server collation does. Unknown fields and syntax errors are refused
with Dynamic LINQ's messages (Xero answers them as ``QueryParseException``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

UTC = dt.timezone.utc
Getter = Callable[[dict], Any]


class WhereError(ValueError):
    """A ``where`` or ``order`` the sandbox cannot parse; the message is what the API answers."""


@dataclass(frozen=True)
class _Tok:
    kind: str  # str | num | id | op | end
    text: str
    pos: int


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>==|!=|<>|<=|>=|&&|\|\||[<>=!(),.])
    )""", re.VERBOSE)


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise WhereError(f"Syntax error '{text[pos:].strip()[:1]}' at position {pos}")
        kind = m.lastgroup or "op"
        out.append(_Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


class _Guid(str):
    """A ``Guid("…")`` literal: compared with ids case-insensitively."""


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def _norm(a: Any, b: Any) -> tuple[Any, Any]:
    """Bring two operands to comparable types (Decimal vs number, date vs DateTime, strings without case)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a, b
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return Decimal(str(a)), Decimal(str(b))
    if isinstance(a, (dt.date, dt.datetime)) and isinstance(b, (dt.date, dt.datetime)):
        return _as_datetime(a), _as_datetime(b)
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold(), b.casefold()
    return a, b


def _as_datetime(value: dt.date) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, (int, float, Decimal)):
        return "Decimal"
    if isinstance(value, (dt.date, dt.datetime)):
        return "DateTime"
    if isinstance(value, _Guid):
        return "Guid"
    return "String" if isinstance(value, str) else "Object"


def _compare(op: str, a: Any, b: Any) -> bool:
    if op in ("==", "="):
        return _norm(a, b)[0] == _norm(a, b)[1] if a is not None and b is not None else a is b
    if op in ("!=", "<>"):
        return not _compare("==", a, b)
    if a is None or b is None:
        return False
    x, y = _norm(a, b)
    try:
        return {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
    except TypeError as exc:
        raise WhereError(f"Operator '{op}' incompatible with operand types '{_type_name(a)}' and "
                         f"'{_type_name(b)}'") from exc


_METHODS: dict[str, Callable[..., Any]] = {
    "contains": lambda s, arg: arg.casefold() in s.casefold(),
    "startswith": lambda s, arg: s.casefold().startswith(arg.casefold()),
    "endswith": lambda s, arg: s.casefold().endswith(arg.casefold()),
    "equals": lambda s, arg: s.casefold() == arg.casefold(),
    "tolower": lambda s: s.lower(),
    "toupper": lambda s: s.upper(),
    "trim": lambda s: s.strip(),
}


def _path_getter(path: tuple[str, ...]) -> Getter:
    def get(view: dict) -> Any:
        value: Any = view
        for part in path:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value
    return get


class _Parser:
    def __init__(self, text: str, fields: frozenset[str], type_name: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.fields = fields
        self.type_name = type_name

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise WhereError(f"'{text}' expected")

    def keyword(self, *words: str) -> bool:
        tok = self.peek()
        return tok.kind == "id" and tok.text.upper() in words or tok.kind == "op" and tok.text in words

    def parse(self) -> Getter:
        node = self.or_expr()
        if self.peek().kind != "end":
            raise WhereError(f"Syntax error at position {self.peek().pos}")
        return node

    def or_expr(self) -> Getter:
        node = self.and_expr()
        while self.keyword("OR", "||"):
            self.take()
            left, right = node, self.and_expr()
            node = lambda v, l=left, r=right: bool(l(v)) or bool(r(v))  # noqa: E731
        return node

    def and_expr(self) -> Getter:
        node = self.not_expr()
        while self.keyword("AND", "&&"):
            self.take()
            left, right = node, self.not_expr()
            node = lambda v, l=left, r=right: bool(l(v)) and bool(r(v))  # noqa: E731
        return node

    def not_expr(self) -> Getter:
        if self.keyword("NOT", "!"):
            self.take()
            inner = self.not_expr()
            return lambda v: not inner(v)
        return self.comparison()

    def comparison(self) -> Getter:
        left = self.value()
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("==", "=", "!=", "<>", "<", ">", "<=", ">="):
            self.take()
            right = self.value()
            return lambda v, op=tok.text: _compare(op, left(v), right(v))
        return left

    def value(self) -> Getter:
        node = self.primary()
        while self.peek().text == ".":
            self.take()
            name = self.take()
            if name.kind != "id":
                raise WhereError("Identifier expected")
            node = self.member(node, name.text)
        return node

    def member(self, target: Getter, name: str) -> Getter:
        if self.peek().text == "(":
            method = _METHODS.get(name.lower())
            if method is None:
                raise WhereError(f"No applicable method '{name}' exists in type 'String'")
            args = self.arguments()

            def call(v: dict) -> Any:
                subject = target(v)
                if subject is None:
                    return False if name.lower() in ("contains", "startswith", "endswith", "equals") else None
                return method(str(subject), *[str(a(v)) for a in args])
            return call

        def access(v: dict) -> Any:  # a nested field (Contact.ContactID)
            base = target(v)
            return base.get(name) if isinstance(base, dict) else None
        return access

    def arguments(self) -> list[Getter]:
        self.expect("(")
        args: list[Getter] = []
        if self.peek().text != ")":
            args.append(self.or_expr())
            while self.peek().text == ",":
                self.take()
                args.append(self.or_expr())
        self.expect(")")
        return args

    def primary(self) -> Getter:
        tok = self.take()
        if tok.text == "(":
            inner = self.or_expr()
            self.expect(")")
            return inner
        if tok.kind == "str":
            text = _unquote(tok.text)
            return lambda v: text
        if tok.kind == "num":
            number = Decimal(tok.text)
            return lambda v: number
        if tok.kind != "id":
            raise WhereError("Expression expected" if tok.kind == "end" else f"Syntax error '{tok.text}'")
        word = tok.text
        lowered = word.lower()
        if lowered in ("true", "false"):
            flag = lowered == "true"
            return lambda v: flag
        if lowered == "null":
            return lambda v: None
        if word == "Guid" and self.peek().text == "(":
            args = self.arguments()
            if len(args) != 1:
                raise WhereError("Guid expects one argument")
            guid = _Guid(str(args[0]({})).lower())
            return lambda v: guid
        if word == "DateTime" and self.peek().text == "(":
            parts = [a({}) for a in self.arguments()]
            try:
                stamp = dt.datetime(*[int(p) for p in parts], tzinfo=UTC)  # type: ignore[misc]
            except (TypeError, ValueError) as exc:
                raise WhereError("No applicable constructor exists in type 'DateTime'") from exc
            return lambda v: stamp
        if word not in self.fields:
            raise WhereError(f"No property or field '{word}' exists in type '{self.type_name}'")
        return _path_getter((word,))


def compile_where(text: str, fields: frozenset[str], type_name: str) -> Callable[[dict], bool]:
    getter = _Parser(text, fields, type_name).parse()
    return lambda view: bool(getter(view))


@dataclass(frozen=True)
class OrderKey:
    path: tuple[str, ...]
    descending: bool


def parse_order(text: str, fields: frozenset[str], type_name: str) -> list[OrderKey]:
    keys: list[OrderKey] = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
            raise WhereError(f"Syntax error in order '{part.strip()}'")
        path = tuple(words[0].split("."))
        if path[0] not in fields:
            raise WhereError(f"No property or field '{path[0]}' exists in type '{type_name}'")
        keys.append(OrderKey(path, len(words) == 2 and words[1].upper() == "DESC"))
    return keys


def _sort_value(value: Any) -> tuple[int, Any]:
    """Order None first, then by type-appropriate value (strings without case, as SQL Server sorts them)."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float, Decimal)):
        return (1, Decimal(str(value)))
    if isinstance(value, (dt.date, dt.datetime)):
        return (1, _as_datetime(value))
    return (1, str(value).casefold())


def sort_views(items: list[tuple[dict, Any]], keys: list[OrderKey], id_of: Callable[[Any], str],
               default: Callable[[Any], Any]) -> list[tuple[dict, Any]]:
    """Sort (view, record) pairs by ``keys``, ties by the id, so pages are stable; without keys by ``default``
    (creation order), then the id."""
    if keys:
        ordered = sorted(items, key=lambda pair: id_of(pair[1]))
    else:
        ordered = sorted(items, key=lambda pair: (default(pair[1]), id_of(pair[1])))
    for key in reversed(keys):
        getter = _path_getter(key.path)
        ordered.sort(key=lambda pair, g=getter: _sort_value(g(pair[0])), reverse=key.descending)
    return ordered

"""The QuickBooks query language (fact sheet §2.1).

``SELECT * | COUNT(*) FROM Entity [WHERE p op v [AND ...]] [ORDERBY p [ASC|DESC][, ...]] [STARTPOSITION n]
[MAXRESULTS n]``. Operators ``= < > <= >= IN LIKE`` (``%`` only); ``Id`` takes ``=`` and ``IN`` only; no ``OR``.
Keywords, entity and property names are case-insensitive; values are single-quoted with ``\\'`` escapes, booleans
bare. Syntax errors are ``4000`` (QueryParserError), meaningful-but-invalid queries ``4001``
(QueryValidationError). Name-list entities answer only active records unless the query filters on ``Active``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

from sandbox.quickbooks import errors, schema
from sandbox.quickbooks.timefmt import parse_date, parse_instant

DEFAULT_MAX = 100
CAP = 1000

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>'(?:\\.|[^'\\])*')
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op><=|>=|<>|!=|=|<|>)
  | (?P<punct>[(),*])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
""", re.VERBOSE)

KEYWORDS = {"select", "from", "where", "and", "or", "in", "like", "orderby", "order", "by", "asc", "desc",
            "startposition", "maxresults", "count", "true", "false", "not", "iterator"}
_TAIL = ['<EOF>', '"and"', '"iterator"', '"maxresults"', '"order"', '"orderby"', '"startposition"']


@dataclass
class Token:
    kind: str  # string | number | op | punct | ident | keyword | eof
    text: str
    column: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass
class Condition:
    path: list[str]
    op: str  # = < > <= >= in like
    values: list[Any]  # raw literal values: str for strings/idents/numbers, bool for booleans


@dataclass
class Query:
    entity: str
    count: bool = False
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[list[str], bool]] = field(default_factory=list)  # (path, descending)
    start: int = 1
    max_results: int | None = None


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise errors.query_parser(f'Lexical error at line 1, column {pos + 1}.  Encountered: "{text[pos]}"')
        kind = match.lastgroup or ""
        if kind != "ws":
            value = match.group()
            if kind == "ident" and value.lower() in KEYWORDS:
                kind = "keyword"
            tokens.append(Token(kind, value, pos + 1))
        pos = match.end()
    tokens.append(Token("eof", "<EOF>", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, expected: list[str]) -> errors.QBError:
        token = self.peek()
        return errors.query_parser(f'Encountered " {token.kind.upper()} "{token.text} "" at line 1, column '
                                   f'{token.column}.\nWas expecting one of:\n    ' + " ...\n    ".join(expected))

    def keyword(self, *words: str) -> Token:
        token = self.peek()
        if token.kind == "keyword" and token.lower in words:
            return self.take()
        raise self.fail([f'"{w}"' for w in words])

    def accept(self, *words: str) -> Token | None:
        token = self.peek()
        if token.kind == "keyword" and token.lower in words:
            return self.take()
        return None

    def punct(self, char: str) -> Token:
        if self.peek().kind == "punct" and self.peek().text == char:
            return self.take()
        raise self.fail([f'"{char}"'])

    def ident(self) -> Token:
        if self.peek().kind == "ident":
            return self.take()
        raise self.fail(["<ID>"])

    def integer(self) -> int:
        token = self.peek()
        text = token.text.strip("'") if token.kind == "string" else token.text
        if token.kind in ("number", "string") and re.fullmatch(r"-?\d+", text):
            self.take()
            return int(text)
        raise self.fail(["<INTEGER>"])

    def value(self) -> Any:
        token = self.take()
        if token.kind == "string":
            return _unquote(token.text)
        if token.kind == "number":
            return token.text
        if token.kind == "keyword" and token.lower in ("true", "false"):
            return token.lower == "true"
        self.pos -= 1
        raise self.fail(["<STRING>", "<NUMBER>", '"true"', '"false"'])

    def parse(self) -> Query:
        self.keyword("select")
        count = False
        if self.accept("count"):
            self.punct("(")
            self.punct("*")
            self.punct(")")
            count = True
        else:
            # projections are accepted and ignored: the answer always carries every populated field
            while True:
                if self.peek().kind == "punct" and self.peek().text == "*":
                    self.take()
                else:
                    self.ident()
                if not (self.peek().kind == "punct" and self.peek().text == ","):
                    break
                self.take()
        self.keyword("from")
        query = Query(self.ident().text, count=count)
        if self.accept("where"):
            query.where.append(self.condition())
            while self.accept("and"):
                query.where.append(self.condition())
        if self.accept("orderby") or (self.accept("order") and self.keyword("by")):
            while True:
                path = self.ident().text.split(".")
                descending = bool(self.accept("desc"))
                if not descending:
                    self.accept("asc")
                query.order.append((path, descending))
                if not (self.peek().kind == "punct" and self.peek().text == ","):
                    break
                self.take()
        seen: set[str] = set()
        while True:
            token = self.accept("startposition", "maxresults")
            if token is None or token.lower in seen:
                if token is not None:
                    self.pos -= 1
                break
            seen.add(token.lower)
            number = self.integer()
            if token.lower == "startposition":
                query.start = max(1, number)  # 0 is read as the first row (fact sheet §2.1, HGT)
            else:
                query.max_results = number
        if self.peek().kind != "eof":
            raise self.fail(_TAIL)
        return query

    def condition(self) -> Condition:
        path = self.ident().text.split(".")
        token = self.peek()
        if token.kind == "op":
            if token.text in ("<>", "!="):
                raise self.fail(['"="', '"<"', '">"', '"<="', '">="', '"in"', '"like"'])
            self.take()
            return Condition(path, token.text, [self.value()])
        if self.accept("in"):
            self.punct("(")
            values = [self.value()]
            while self.peek().kind == "punct" and self.peek().text == ",":
                self.take()
                values.append(self.value())
            self.punct(")")
            return Condition(path, "in", values)
        if self.accept("like"):
            if self.peek().kind != "string":
                raise self.fail(["<STRING>"])
            return Condition(path, "like", [_unquote(self.take().text)])
        raise self.fail(['"="', '"<"', '">"', '"<="', '">="', '"in"', '"like"'])


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def parse(text: str) -> Query:
    if not text or not text.strip():
        raise errors.required("query")
    return _Parser(text).parse()


# --- evaluation ---------------------------------------------------------------------------------------------------
def _typed(kind: str, raw: Any, prop: str) -> Any:
    """A literal as the property's type; a literal that cannot be one is a 4001."""
    try:
        if kind == "boolean":
            if isinstance(raw, bool):
                return raw
            if str(raw).lower() in ("true", "false"):
                return str(raw).lower() == "true"
            raise ValueError(raw)
        if kind == "decimal":
            return Decimal(str(raw))
        if kind == "int":
            return int(str(raw))
        if kind == "dateTime":
            value = parse_instant(str(raw))
            if value is None:
                raise ValueError(raw)
            return value
        if kind == "date":
            value = parse_date(str(raw))
            if value is None:
                raise ValueError(raw)
            return value
    except (ValueError, InvalidOperation) as exc:
        raise errors.query_validation(f"invalid value {raw!r} for property {prop}") from exc
    return str(raw).casefold() if not isinstance(raw, bool) else str(raw).lower()


def _values_at(value: Any, path: list[str]) -> list[Any]:
    """The values at a path; a repeated element on the way (``AttachableRef``) gives one per occurrence."""
    if isinstance(value, list):
        return [found for item in value for found in _values_at(item, path)]
    if not path:
        if isinstance(value, dict):
            for key in ("value", "Address", "FreeFormNumber", "URI"):
                if key in value:
                    return [value[key]]
            return []
        return [] if value is None else [value]
    if not isinstance(value, dict):
        return []
    return _values_at(value.get(path[0]), path[1:])


def _value_at(row: dict[str, Any], path: list[str]) -> Any:
    found = _values_at(row, path)
    return found[0] if found else None


def _record_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "dateTime":
        return parse_instant(str(value))
    if kind == "date":
        return parse_date(str(value))
    if kind == "decimal":
        return Decimal(str(value))
    if kind == "int":
        return int(value)
    if kind == "boolean":
        return bool(value)
    return str(value).casefold()


def _like(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.casefold().split("%")) + "$", re.S)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


@dataclass
class Compiled:
    entity: str
    count: bool
    predicates: list[Callable[[dict[str, Any]], bool]]
    sort_keys: list[tuple[list[str], str, bool]]
    start: int
    max_results: int


def compile_query(query: Query, type_name: str, entity: str, name_list: bool) -> Compiled:
    predicates: list[Callable[[dict[str, Any]], bool]] = []
    filters_active = False
    for cond in query.where:
        path = schema.canonical_path(type_name, cond.path)
        if path is None or path[0] == "Line":
            raise errors.query_validation(f"property '{'.'.join(cond.path)}' is not queryable")
        if path == ["Active"]:
            filters_active = True
        prop = ".".join(path)
        ftype = schema.field_type(type_name, path) or "string"
        kind = schema.kind(ftype)
        if kind == "simple-content":
            kind = "string"
        if kind == "complex":
            kind = "string"  # PrimaryEmailAddr = '...' compares the address
        if path == ["Id"] and cond.op not in ("=", "in"):
            raise errors.query_validation(f"Operator {cond.op} is not supported for property Id; use = or IN")
        if cond.op == "like":
            if kind != "string":
                raise errors.query_validation(f"LIKE is not supported for property {prop}")
            regex = _like(str(cond.values[0]))
            predicates.append(lambda row, p=path, r=regex: any(
                v is not None and r.match(str(v).casefold()) for v in _values_at(row, p)))
            continue
        wanted = [_typed(kind, raw, prop) for raw in cond.values]
        if cond.op == "in":
            predicates.append(lambda row, p=path, k=kind, w=wanted: any(
                _record_value(k, v) in w for v in _values_at(row, p)))
        else:
            op = _OPS[cond.op]
            predicates.append(lambda row, p=path, k=kind, w=wanted[0], o=op: any(
                (rv := _record_value(k, v)) is not None and o(rv, w) for v in _values_at(row, p)))
    if name_list and not filters_active:
        predicates.append(lambda row: row.get("Active", True) is True)
    sort_keys = []
    for raw_path, descending in query.order:
        path = schema.canonical_path(type_name, raw_path)
        if path is None:
            raise errors.query_validation(f"property '{'.'.join(raw_path)}' is not sortable")
        ftype = schema.field_type(type_name, path) or "string"
        kind = schema.kind(ftype)
        sort_keys.append((path, "string" if kind in ("complex", "simple-content") else kind, descending))
    if query.max_results is None:
        max_results = DEFAULT_MAX
    elif query.max_results < 1:
        raise errors.query_validation("MAXRESULTS must be a positive number")
    else:
        max_results = min(query.max_results, CAP)
    return Compiled(entity, query.count, predicates, sort_keys, query.start, max_results)


def _id_key(row: dict[str, Any]) -> tuple[int, str]:
    rid = str(row.get("Id", ""))
    return (int(rid), rid) if rid.isdigit() else (1 << 62, rid)


def run(compiled: Compiled, rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The QueryResponse body for the rendered rows of the entity."""
    matched = [row for row in rows if all(pred(row) for pred in compiled.predicates)]
    if compiled.count:
        return {"totalCount": len(matched)}
    matched.sort(key=_id_key)
    for path, kind, descending in reversed(compiled.sort_keys):
        present = [r for r in matched if _record_value(kind, _value_at(r, path)) is not None]
        missing = [r for r in matched if _record_value(kind, _value_at(r, path)) is None]
        present.sort(key=lambda r, p=path, k=kind: _record_value(k, _value_at(r, p)), reverse=descending)
        matched = (missing + present) if not descending else (present + missing)
    page = matched[compiled.start - 1: compiled.start - 1 + compiled.max_results]
    if not page:
        return {}
    return {compiled.entity: page, "startPosition": compiled.start, "maxResults": len(page)}


def sort_by_update(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(row: dict[str, Any]) -> tuple[dt.datetime, tuple[int, str]]:
        when = parse_instant(row["MetaData"]["LastUpdatedTime"])
        assert when is not None
        return when, _id_key(row)

    return sorted(rows, key=key)

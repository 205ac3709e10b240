"""Xero tracking <-> QuickBooks classes and departments, for lines staged in Xero's "Category:Option" form.

Xero tracks each line by up to two categories. QuickBooks keeps a Class per line and a Department (a "location") per
transaction; only a journal entry keeps a Department per line. The pair's mapping file says which Class or Department
stands for each Xero option (:meth:`reconcile.config.Mappings.qb_tracking`).

A transaction's department is staged on every line, so both ledgers' forms of one transaction compare equal: a
QuickBooks DepartmentRef is put on each line, and a Xero transaction whose lines name one option of the department
category (some lines may name none) has it put on the others. Lines naming two different options of that category
cannot be written to QuickBooks; the record goes to the exception queue naming the line.
"""

from __future__ import annotations

from typing import Any

from reconcile.config import Mappings


class DepartmentConflict(ValueError):
    """Lines of one transaction name different options of the category that maps to QuickBooks Departments. Found
    when planning a write (the record itself is valid in Xero), so it has a planning reason of its own."""

    reason = "department_conflict"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _department_options(mappings: Mappings, lines: list[dict]) -> list[tuple[int, str]]:
    category = mappings.department_category
    if category is None:
        return []
    return [(index, option) for index, ln in enumerate(lines, start=1) for option in ln.get("tracking") or []
            if option.split(":", 1)[0] == category]


def spread_department(mappings: Mappings, lines: list[dict]) -> None:
    """Xero staging: a transaction whose lines name one department option is in that department on every line."""
    options = {option for _, option in _department_options(mappings, lines)}
    if len(options) != 1:
        return  # none, or a conflict that writing to QuickBooks reports
    (option,) = options
    for ln in lines:
        ln["tracking"] = sorted({*(ln.get("tracking") or []), option})


def with_department(mappings: Mappings, lines: list[dict], department_ref: dict | None) -> None:
    """QuickBooks staging: the transaction's DepartmentRef as the department option of every line
    (UnmappedCode when the mapping file has no option for it)."""
    department = (department_ref or {}).get("value")
    if not department:
        return
    option = mappings.xero_department(str(department))
    for ln in lines:
        ln["tracking"] = sorted({*(ln.get("tracking") or []), option})


def line_class(mappings: Mappings, line: dict) -> dict[str, Any]:
    """The ClassRef of a line written to QuickBooks, as payload fields ({} when the line has none)."""
    qb_class, _ = mappings.qb_tracking(line.get("tracking") or [])
    return {"ClassRef": {"value": qb_class}} if qb_class else {}


def line_refs(mappings: Mappings, line: dict) -> dict[str, Any]:
    """A journal entry line's ClassRef and DepartmentRef (QuickBooks keeps both per journal line)."""
    qb_class, department = mappings.qb_tracking(line.get("tracking") or [])
    refs: dict[str, Any] = {"ClassRef": {"value": qb_class}} if qb_class else {}
    if department:
        refs["DepartmentRef"] = {"value": department}
    return refs


def department_kept(current: dict, payload: dict) -> str | None:
    """Why an update cannot carry the source's tracking, or None. A QuickBooks update is sparse (it merges), so it
    cannot take a Department away: a source that has none left is reported rather than re-sent every night."""
    department = current.get("DepartmentRef") or {}
    if not department.get("value") or "DepartmentRef" in payload:
        return None
    return (f"QuickBooks keeps it in Department {department.get('name') or department['value']!r} and an update "
            "cannot take a Department away: remove it in QuickBooks, or track the Xero lines to it")


def transaction_department(mappings: Mappings, lines: list[dict], lines_field: str) -> dict[str, Any]:
    """The DepartmentRef of a transaction written to QuickBooks, as payload fields ({} when it has none).
    DepartmentConflict names the first line whose option differs; UnmappedCode an option the file lacks."""
    found = _department_options(mappings, lines)
    if not found:
        return {}
    first = found[0][1]
    for index, option in found:
        if option != first:
            raise DepartmentConflict(f"{lines_field}[{index}].Tracking",
                                     f"the lines are tracked to {first!r} and {option!r}; QuickBooks keeps one "
                                     "Department per transaction")
    _, department = mappings.qb_tracking([first])
    return {"DepartmentRef": {"value": department}}

from __future__ import annotations

from decimal import Decimal

import pytest

from reconcile.normalise import money, norm_email, norm_name, norm_number, norm_tax_number


@pytest.mark.parametrize("a, b", [
    ("ACME Widgets Ltd", "Acme Widgets Ltd."),
    ("Acme  Widgets   Limited", "acme widgets ltd"),
    ("O'Brien & Sons", "OBrien and Sons"),
    ("Smith Co.", "smith company"),
    ("Café Nord", "Cafe Nord"),
])
def test_names_that_are_the_same_company(a, b):
    assert norm_name(a) == norm_name(b)


@pytest.mark.parametrize("a, b", [
    ("Acme Widgets Ltd", "Acme Gadgets Ltd"),
    ("North Star Design", "North Star Designs"),
])
def test_names_that_are_not(a, b):
    assert norm_name(a) != norm_name(b)


def test_other_normal_forms():
    assert norm_email("  Jo@Example.COM ") == "jo@example.com"
    assert norm_tax_number("GB 123 4567 89") == norm_tax_number("123456789") == "123456789"
    assert norm_number("INV-0042") == norm_number("0042") == norm_number("42") == "42"
    assert norm_number("INV-0042") != norm_number("INV-0043")
    assert norm_number(None) is None
    assert money("115.005") == Decimal("115.01")
    with pytest.raises(ValueError, match="not an amount"):
        money("12,50")

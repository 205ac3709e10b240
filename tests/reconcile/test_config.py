"""The pairs and mapping files: valid ones load; invalid ones name the file, the line and the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.config import ConfigError, UnmappedCode, load_mappings, load_pairs
from reconcile.entities import ENTITIES, get
from reconcile.tasks import _pairs_cached

GOOD_MAPPING = """\
accounts:
  "090": "35"
  200: "79"
tax_rates:
  - {xero: OUTPUT2, quickbooks: "2", applies_to: sales}
  - {xero: INPUT2, quickbooks: "2", applies_to: purchases}
  - {xero: NONE, quickbooks: "10"}
items:
  CONSULT-HR: "3"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_shipped_configuration_loads():
    pairs = load_pairs(known_entities=tuple(ENTITIES))
    harbour = pairs["harbour"]
    assert harbour.xero_conn_id == "xero_default"
    assert harbour.mappings.qb_account("200") == "79"
    assert harbour.mappings.qb_tax_code("OUTPUT2") == harbour.mappings.qb_tax_code("INPUT2")
    assert harbour.entity("invoices").writes_to("quickbooks")
    assert not harbour.entity("invoices").writes_to("xero")
    assert harbour.entity("contacts").writes_to("xero")


def test_codes_read_as_written_and_translated_both_ways(tmp_path):
    m = load_mappings(write(tmp_path, "m.yaml", GOOD_MAPPING))
    assert m.qb_account("090") == "35"  # not the integer 90
    assert m.qb_account("200") == "79"
    assert m.xero_account("35") == "090"
    assert m.xero_tax_type("2", "sales") == "OUTPUT2"
    assert m.xero_tax_type("2", "purchases") == "INPUT2"
    assert m.xero_tax_type("10", "sales") == "NONE"  # applies_to both by default
    assert m.xero_item("3") == "CONSULT-HR"


def test_an_unmapped_code_names_the_code_and_the_file(tmp_path):
    m = load_mappings(write(tmp_path, "m.yaml", GOOD_MAPPING))
    with pytest.raises(UnmappedCode) as err:
        m.qb_account("999")
    assert "'999'" in str(err.value) and "m.yaml" in str(err.value)
    with pytest.raises(UnmappedCode, match="tax code"):
        m.xero_tax_type("77", "sales")


@pytest.mark.parametrize("text, line, words", [
    (GOOD_MAPPING.replace('  200: "79"', '  "090": "79"'), 3, "'090' appears twice"),
    (GOOD_MAPPING.replace('  200: "79"', '  200: "35"'), 3, "QuickBooks account '35'"),
    (GOOD_MAPPING.replace("applies_to: sales}", "applies_to: sale}"), 5, "applies_to"),
    (GOOD_MAPPING.replace('{xero: INPUT2, quickbooks: "2", applies_to: purchases}',
                          '{xero: INPUT2, quickbooks: "2", applies_to: sales}'), 6, "maps back to two"),
    (GOOD_MAPPING.replace('  CONSULT-HR: "3"', '  CONSULT-HR: ""'), 9, "CONSULT-HR"),
    (GOOD_MAPPING.replace("items:\n", "itemz:\n"), None, "missing 'items'"),
    ("accounts: [1, 2\n", 2, "not valid YAML"),
])
def test_mapping_errors_name_file_line_and_code(tmp_path, text, line, words):
    path = write(tmp_path, "mappings.yaml", text)
    with pytest.raises(ConfigError) as err:
        load_mappings(path)
    message = str(err.value)
    assert str(path) in message
    if line:
        assert f"mappings.yaml:{line}:" in message
    assert words in message


def test_pair_errors_name_the_line(tmp_path):
    write(tmp_path, "mappings.yaml", GOOD_MAPPING)
    pairs = write(tmp_path, "pairs.yaml", """\
pairs:
  - name: a
    xero_conn_id: x
    quickbooks_conn_id: q
    mappings: mappings.yaml
    conflict: {prefer: oldest}
    entities:
      contacts: {direction: both}
""")
    with pytest.raises(ConfigError, match=r"pairs.yaml:6: pair 'a': conflict.prefer 'oldest'"):
        load_pairs(pairs)
    pairs.write_text(pairs.read_text().replace("oldest", "newest").replace("contacts:", "contactz:"))
    with pytest.raises(ConfigError, match=r"pairs.yaml:8: .*unknown entity 'contactz'"):
        load_pairs(pairs, known_entities=tuple(ENTITIES))


def test_quality_thresholds_are_read_and_checked(tmp_path):
    write(tmp_path, "mappings.yaml", GOOD_MAPPING)
    text = """\
pairs:
  - name: a
    xero_conn_id: x
    quickbooks_conn_id: q
    mappings: mappings.yaml
    quality: {systemic_share: 0.5, systemic_min_records: 3}
    entities:
      contacts: {direction: both}
"""
    pairs = write(tmp_path, "pairs.yaml", text)
    pair = load_pairs(pairs)["a"]
    assert (pair.quality_systemic_share, pair.quality_systemic_min) == (0.5, 3)
    pairs.write_text(text.replace("0.5", "1.5"))
    with pytest.raises(ConfigError, match=r"pairs.yaml:6: pair 'a': quality.systemic_share '1.5'"):
        load_pairs(pairs)
    pairs.write_text(text.replace("systemic_min_records: 3", "most: 3"))
    with pytest.raises(ConfigError, match=r"pairs.yaml:6: pair 'a': quality.most is not a setting"):
        load_pairs(pairs)


def test_a_direction_the_entity_cannot_write_is_refused_at_load(tmp_path):
    # journals have no QuickBooks create payload: reversing them must fail loudly, not quietly write nothing
    assert get("journals").directions() == ("quickbooks_to_xero", "off")
    assert get("payments").directions() == ("both", "xero_to_quickbooks", "quickbooks_to_xero", "off")
    write(tmp_path, "mappings.yaml", GOOD_MAPPING)
    pairs = write(tmp_path, "pairs.yaml", """\
pairs:
  - name: a
    xero_conn_id: x
    quickbooks_conn_id: q
    mappings: mappings.yaml
    entities:
      contacts: {direction: both}
      journals: {direction: xero_to_quickbooks}
""")
    with pytest.raises(ConfigError, match=r"pairs.yaml:8: pair 'a', entity 'journals': direction "
                                          r"'xero_to_quickbooks' is not supported; it can run quickbooks_to_xero, off"):
        _pairs_cached(str(pairs))
    pairs.write_text(pairs.read_text().replace("journals: {direction: xero_to_quickbooks}",
                                               "journals: {direction: off}"))
    assert _pairs_cached(str(pairs))["a"].entity("journals").direction == "off"


def test_account_items_and_tax_rates_of_the_shipped_mapping():
    m = load_pairs(known_entities=tuple(ENTITIES))["harbour"].mappings
    # a Xero line with an item uses that item; one without uses the item standing for its account
    assert m.qb_line_item("CONSULT-HR", "200") == "3"
    assert m.qb_line_item(None, "260") == "11"
    assert m.account_of_item("11") == "260" and m.xero_item("11") is None
    assert m.account_of_item("3") is None and m.xero_item("3") == "CONSULT-HR"
    with pytest.raises(UnmappedCode, match="for a line without an item"):
        m.qb_line_item(None, "429")
    assert m.qb_tax_rate("OUTPUT2", "sales") == "4"
    assert m.qb_tax_rate("NONE", "purchases") == "21"
    # a purchases-only tax type: its rate is the one written on bills and supplier credits
    assert m.qb_tax_rate("INPUT2", "purchases") == "5"
    assert m.qb_tax_rate("ZERORATEDINPUT", "purchases") == "13"
    assert m.qb_tax_rate("OUTPUT2", "purchases") is None and m.qb_tax_rate("INPUT2", "sales") is None
    assert m.xero_tax_type_of_rate("4") == "OUTPUT2"


TRACKING = GOOD_MAPPING + """\
tracking:
  - {category: Region, option: North, quickbooks_class: "501"}
  - {category: Region, option: South, quickbooks_class: "502"}
  - {category: Location, option: Bristol studio, quickbooks_department: "1"}
"""


def test_tracking_maps_one_category_to_classes_and_one_to_departments(tmp_path):
    m = load_mappings(write(tmp_path, "m.yaml", TRACKING))
    assert m.qb_tracking(["Location:Bristol studio", "Region:South"]) == ("502", "1")
    assert m.qb_tracking([]) == (None, None)
    assert m.department_category == "Location"
    assert (m.xero_tracking("501"), m.xero_department("1")) == ("Region:North", "Location:Bristol studio")
    with pytest.raises(UnmappedCode, match="tracking option 'Team:Design'"):
        m.qb_tracking(["Region:North", "Team:Design"])  # every option of a line is mapped, not only the first
    with pytest.raises(UnmappedCode, match="quickbooks department '7'"):
        m.xero_department("7")


@pytest.mark.parametrize("entry, message", [
    ('{category: Location, option: Cardiff, quickbooks_class: "503"}',
     r"m.yaml:14: tracking category 'Location' maps to QuickBooks classes on this line but to departments on line 13"),
    ('{category: Team, option: Design, quickbooks_class: "503"}',
     r"m.yaml:14: tracking categories 'Region' and 'Team' both map to QuickBooks classes; QuickBooks keeps one "
     r"class per line"),
    ('{category: Team, option: Design, quickbooks_department: "2"}',
     r"m.yaml:14: .*'Location' and 'Team' both map to QuickBooks departments; .* one department per transaction"),
    ('{category: Team, option: Design, quickbooks_class: "503", quickbooks_department: "2"}',
     r"m.yaml:14: tracking option Team:Design: name exactly one of quickbooks_class and quickbooks_department"),
    ('{category: Location, option: Bath, quickbooks_department: "1"}', r"m.yaml:14: QuickBooks department '1' is "
                                                                        r"mapped twice"),
])
def test_tracking_that_quickbooks_cannot_hold_is_refused_with_its_line(tmp_path, entry, message):
    with pytest.raises(ConfigError, match=message):
        load_mappings(write(tmp_path, "m.yaml", TRACKING + f"  - {entry}\n"))

"""Contact phones are Chinese mobiles or landlines with area code, kept in one canonical form."""
from __future__ import annotations

import pytest

from wuye.phone import normalize_phone


@pytest.mark.parametrize("typed", ["13812345678", "138 1234 5678", "138-1234-5678"])
def test_a_mobile_is_kept_as_its_eleven_digits(typed):
    assert normalize_phone(typed) == "13812345678"


@pytest.mark.parametrize("typed", ["12812345678", "11012345678", "1381234567", "138123456789"])
def test_a_mobile_starts_with_13_to_19_and_has_eleven_digits(typed):
    assert normalize_phone(typed) is None


@pytest.mark.parametrize("typed", ["+86 138 1234 5678", "+8613812345678", "+86-13812345678", "0086 13812345678"])
def test_the_country_code_plus86_or_0086_is_dropped_from_a_mobile(typed):
    assert normalize_phone(typed) == "13812345678"


def test_the_country_code_is_dropped_from_a_landline_written_with_its_trunk_zero():
    assert normalize_phone("+86 0755 1234 5678") == "0755-12345678"


@pytest.mark.parametrize(("typed", "kept"), [
    ("010-12345678", "010-12345678"),
    ("01012345678", "010-12345678"),
    ("(010)12345678", "010-12345678"),
    ("（021）6123 4567", "021-61234567"),
    ("020 87654321", "020-87654321"),
])
def test_beijing_010_and_the_02x_cities_have_three_digit_area_codes(typed, kept):
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize(("typed", "kept"), [
    ("0755-12345678", "0755-12345678"),
    ("075512345678", "0755-12345678"),
    ("0571 8765432", "0571-8765432"),
])
def test_other_cities_have_four_digit_area_codes(typed, kept):
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize(("typed", "kept"), [
    ("075-51234567", "0755-1234567"),
    ("0105-1234567", "010-51234567"),
])
def test_the_area_code_is_split_off_by_its_own_length_not_where_the_dash_was_typed(typed, kept):
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize("typed", ["0755-123456", "010-123456789"])
def test_a_landlines_local_number_has_seven_or_eight_digits(typed):
    assert normalize_phone(typed) is None


def test_no_area_code_starts_011_to_019():
    assert normalize_phone("011-12345678") is None


@pytest.mark.parametrize("typed", ["010-12345678-801", "010-12345678转801", "010 1234 5678 转 801",
                                   "010-12345678ext801"])
def test_an_extension_after_a_dash_or_转_or_ext_is_kept_after_a_dash(typed):
    assert normalize_phone(typed) == "010-12345678-801"


def test_a_landline_needs_its_area_code():
    assert normalize_phone("12345678") is None


@pytest.mark.parametrize(("typed", "kept"), [
    ("１３８１２３４５６７８", "13812345678"),
    ("13８12345678", "13812345678"),
    ("＋８６ １３８１２３４５６７８", "13812345678"),
    ("０７５５－１２３４５６７８", "0755-12345678"),
])
def test_full_width_digits_typed_with_a_chinese_input_method_are_read_as_ascii(typed, kept):
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize("typed", [None, "", "   ", "abc", "12345", "0123-4567", "95588", "400-810-8888",
                                   "13812345678-1", "0755-1234٥678"])
def test_anything_else_is_no_phone_number(typed):
    assert normalize_phone(typed) is None

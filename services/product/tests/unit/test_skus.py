"""The SKU a product created without one gets: derived from its name."""

import re

import pytest

from product_service.domain import FALLBACK_SKU, SKU_MAX_LENGTH, new_sku_suffix, sku_from_name
from shopkit.skus import SKU_PATTERN


@pytest.mark.parametrize(
    ("name", "sku"),
    [
        ("Mug", "mug"),
        ("iPhone 13", "iphone_13"),
        ("iPhone 13 (PRODUCT)RED", "iphone_13_product_red"),
        ("USB-C cable, 2 m", "usb_c_cable_2_m"),
        ("already_a_sku", "already_a_sku"),
    ],
)
def test_a_name_is_lower_cased_and_every_other_run_of_characters_becomes_one_underscore(
    name: str, sku: str
) -> None:
    assert sku_from_name(name) == sku


@pytest.mark.parametrize(
    ("name", "sku"),
    [("Café crème", "cafe_creme"), ("Ångström Über", "angstrom_uber"), ("Straße", "strasse")],
)
def test_accented_letters_keep_their_base_letter(name: str, sku: str) -> None:
    assert sku_from_name(name) == sku


@pytest.mark.parametrize(
    ("name", "sku"),
    [("  Mug!  ", "mug"), ("--Mug--", "mug"), ("¡Hola!", "hola"), ("☕ Mug ☕", "mug")],
)
def test_underscores_are_trimmed_from_both_ends(name: str, sku: str) -> None:
    assert sku_from_name(name) == sku


@pytest.mark.parametrize("name", ["", "!!!", "☕📱", "東京", "___"])
def test_a_name_with_no_latin_letter_or_digit_falls_back_to_product(name: str) -> None:
    assert sku_from_name(name) == FALLBACK_SKU == "product"


def test_a_long_name_is_cut_to_64_characters() -> None:
    assert sku_from_name("x" * 200) == "x" * SKU_MAX_LENGTH


def test_a_cut_never_leaves_a_trailing_underscore() -> None:
    sku = sku_from_name("a" * 63 + " b")

    assert sku == "a" * 63


def test_a_suffix_follows_an_underscore() -> None:
    assert sku_from_name("Travel Mug", "3fa9") == "travel_mug_3fa9"


def test_a_suffixed_sku_of_a_long_name_still_fits_in_64_characters() -> None:
    sku = sku_from_name("x" * 200, "3fa9")

    assert sku == "x" * 59 + "_3fa9"
    assert len(sku) == SKU_MAX_LENGTH


def test_the_fallback_takes_a_suffix_too() -> None:
    assert sku_from_name("!!!", "3fa9") == "product_3fa9"


@pytest.mark.parametrize(
    "name", ["Mug", "x" * 500, "É" * 100, "a b " * 40, "!!!", "Café Mug (Red) 2"], ids=str
)
def test_every_derived_sku_is_a_valid_sku_code(name: str) -> None:
    assert re.fullmatch(SKU_PATTERN, sku_from_name(name))
    assert re.fullmatch(SKU_PATTERN, sku_from_name(name, new_sku_suffix()))


def test_a_suffix_is_four_hex_digits() -> None:
    assert re.fullmatch("[0-9a-f]{4}", new_sku_suffix())

"""What counts as a CPR number in free text (web/cpr.py); the pages, the import and the API
refuse it (tests beside each form's other rules)."""

import pytest

from web.cpr import looks_like_cpr


@pytest.mark.parametrize("text", [
    "010190-1234", "0101901234", "010190 1234", "Spørg efter Jens (311299-4321)",
    "kode:2802881234.",
])
def test_a_birth_date_and_four_digits_is_a_cpr_number(text):
    assert looks_like_cpr(text)


@pytest.mark.parametrize("text", [
    "", None, "KBH-0142", "AAR-1010", "tlf. 12345678", "321299-1234",  # no 32nd day
    "011390-1234",  # no 13th month
    "01019012345",  # eleven digits: some other number
    "CVR 10000009", "2026-12-07",
])
def test_codes_phone_numbers_and_dates_are_not(text):
    assert not looks_like_cpr(text)

"""Masks (PIPL Art 51): whatever the value, the mask never shows more than it promises. No database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from casework.privacy.masks import HIDDEN, mask_address, mask_phone

PLACES = st.sampled_from(["东县", "A市B区", "西地省A市东县", "北京市朝阳区", "某旗"])
TOWNSHIPS = st.sampled_from(["甲镇", "乙乡", "建国路街道", "某苏木", ""])
REST = st.text(alphabet="幸福村组号楼单元室0123456789-", min_size=1, max_size=20)


@given(st.text(alphabet="0123456789 -+", max_size=20))
def test_a_phone_shows_at_most_its_first_three_and_last_four_digits(phone):
    shown = mask_phone(phone)
    digits = "".join(c for c in phone if c.isdigit())
    if not digits:
        assert shown == ""
    else:
        assert HIDDEN in shown and sum(c.isdigit() for c in shown) <= 7
        if len(digits) >= 7:
            assert shown.endswith(digits[-4:])


def test_a_mobile_number_reads_as_the_usual_mask():
    assert mask_phone("13912345678") == mask_phone("+86 139-1234-5678") == "139****5678"


@given(PLACES, TOWNSHIPS, REST)
def test_an_address_is_shown_down_to_the_township_and_never_below(place, township, rest):
    shown = mask_address(place + township + rest)
    assert shown.endswith(HIDDEN) and rest not in shown.removesuffix(HIDDEN)[len(place + township):]
    assert shown.removesuffix(HIDDEN) in (place + township, place, "") or shown.startswith(place)
    assert not any(ch in shown.removesuffix(HIDDEN) for ch in "组号楼室0123456789")


def test_the_usual_address():
    assert mask_address("东县甲镇杏花村十一组88号") == "东县甲镇****"
    assert mask_address("杏花村十一组88号") == "****" and mask_address("") == ""
    assert mask_address("A市B区人民路市场3号") == "A市B区****"  # a 市 in a street's name shows nothing more

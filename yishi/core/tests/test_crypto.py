"""SM4-GCM tokens and HMAC-SM3 blind indexes (yishi.core.crypto): what goes in comes out
under the same key and column only, and equal numbers index alike however spelled."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.core import crypto

PHONE = "places.PersonalData.phone"
ID_NUMBER = "places.PersonalData.id_number"
OTHER_KEY = "another-data-key-of-at-least-thirty-two-characters"


@given(st.text())
def test_any_text_comes_back_from_its_token(text: str) -> None:
    token = crypto.encrypt(text, context=PHONE)
    assert token.startswith("v1:")
    assert crypto.decrypt(token, context=PHONE) == text


def test_the_same_number_gives_a_new_token_every_time() -> None:
    tokens = {crypto.encrypt("13800138000", context=PHONE) for _ in range(20)}
    assert len(tokens) == 20


def test_the_token_is_version_nonce_ciphertext_and_tag() -> None:
    raw = base64.b64decode(crypto.encrypt("13800138000", context=PHONE)[3:])
    assert len(raw) == crypto.NONCE_BYTES + 11 + crypto.TAG_BYTES


def test_a_token_moved_to_another_column_does_not_decrypt() -> None:
    token = crypto.encrypt("13800138000", context=PHONE)
    with pytest.raises(crypto.DecryptionError, match="copied from another column"):
        crypto.decrypt(token, context=ID_NUMBER)


@pytest.mark.parametrize("position", [3, 10, 30, -3])
def test_an_edited_token_does_not_decrypt(position: int) -> None:
    token = crypto.encrypt("13800138000", context=PHONE)
    raw = bytearray(base64.b64decode(token[3:]))
    raw[position if position > 0 else len(raw) + position] ^= 0x01
    edited = "v1:" + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(edited, context=PHONE)


@pytest.mark.parametrize("broken", ["", "13800138000", "v1:", "v1:not base64!", "v1:AAAA",
                                    "v2:" + "A" * 60])
def test_what_is_not_a_token_does_not_decrypt(broken: str) -> None:
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(broken, context=PHONE)


def test_another_key_does_not_decrypt(settings) -> None:  # type: ignore[no-untyped-def]
    token = crypto.encrypt("11010119900307123X", context=ID_NUMBER)
    settings.YISHI_DATA_KEY = OTHER_KEY
    with pytest.raises(crypto.DecryptionError, match="another YISHI_DATA_KEY"):
        crypto.decrypt(token, context=ID_NUMBER)


def test_the_development_key_is_used_without_a_setting(settings) -> None:  # type: ignore[no-untyped-def]
    settings.YISHI_DATA_KEY = ""
    assert crypto.data_key() == crypto.DEVELOPMENT_DATA_KEY.encode()


def test_encryption_and_indexing_use_separate_subkeys() -> None:
    keys = {crypto._encryption_key(), crypto._index_key("phone"), crypto._index_key("id_number")}
    assert len(keys) == 3 and crypto.data_key() not in keys


# --- Blind indexes --------------------------------------------------------------------------

_digit = st.sampled_from("0123456789")
phones = st.builds(lambda first, rest: "1" + first + "".join(rest),
                   st.sampled_from("3456789"), st.lists(_digit, min_size=9, max_size=9))


def _spell(phone: str, seps: list[str], prefix: str, wide: bool) -> str:
    text = prefix + "".join(c + s for c, s in zip(phone, seps, strict=False))
    return text.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}) if wide else text


@given(phones, st.lists(st.sampled_from(["", "", " ", "-", "."]), min_size=11, max_size=11),
       st.sampled_from(["", "+86", "0086", "86", "+86 "]), st.booleans())
def test_a_phone_indexes_alike_however_it_is_spelled(phone: str, seps: list[str], prefix: str,
                                                     wide: bool) -> None:
    spelled = _spell(phone, seps, prefix, wide)
    assert crypto.normalise_phone(spelled) == phone
    assert crypto.blind_index("phone", spelled) == crypto.blind_index("phone", phone)


@given(st.lists(_digit, min_size=17, max_size=17), st.sampled_from("0123456789Xx"),
       st.sampled_from(["", " ", "  "]))
def test_an_id_number_indexes_alike_in_either_case_and_with_spaces(
        digits: list[str], check: str, space: str) -> None:
    number = "".join(digits) + check
    spelled = space + number[:6] + space + number[6:14] + space + number[14:] + space
    assert crypto.normalise_id_number(spelled) == number.upper()
    assert crypto.blind_index("id_number", spelled) == crypto.blind_index("id_number", number.upper())


@given(phones, phones)
def test_different_phones_index_differently(a: str, b: str) -> None:
    assert (crypto.blind_index("phone", a) == crypto.blind_index("phone", b)) == (a == b)


def test_an_index_is_hex_hmac_sm3_and_names_its_kind(settings) -> None:  # type: ignore[no-untyped-def]
    index = crypto.blind_index("phone", "13800138000")
    assert index is not None and len(index) == 64 and int(index, 16) >= 0
    assert "13800138000" not in index
    # The same characters as another kind index differently (a subkey per kind).
    assert crypto.blind_index("id_number", "13800138000") != index
    settings.YISHI_DATA_KEY = OTHER_KEY
    assert crypto.blind_index("phone", "13800138000") != index


@pytest.mark.parametrize("empty", ["", None, "   "])
def test_no_number_has_no_index(empty: str | None) -> None:
    assert crypto.blind_index("phone", empty) is None
    assert crypto.blind_index("id_number", empty) is None


def test_the_key_fingerprint_names_the_key_without_revealing_it(settings) -> None:  # type: ignore[no-untyped-def]
    first = crypto.key_fingerprint()
    assert len(first) == 16 and crypto.DEVELOPMENT_DATA_KEY not in first
    settings.YISHI_DATA_KEY = OTHER_KEY
    assert crypto.key_fingerprint() != first

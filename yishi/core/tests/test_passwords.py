"""Passwords to GB/T 22239-2019 L2 (issue 11, item 3): at least 8 characters of 3 of the 4
classes on every path that sets one, and every user can change their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.passwords import CharacterClassesValidator, character_classes


@pytest.mark.parametrize("password", ["Gk7mWq2z", "hx9!pz4w", "MZ8#QV2K", "Lu ye 42 Ting",
                                      "议事Ab1!xyz"])
def test_passwords_of_three_classes_and_eight_characters_are_accepted(password: str) -> None:
    validate_password(password)


@pytest.mark.parametrize("password, why", [
    ("Ab1!xyz", "at least 8 characters"),  # seven characters
    ("abcdefgh12", "at least 3"),         # two classes
    ("ABCDEFGH!!", "at least 3"),
    ("12345678", "at least 3"),
])
def test_short_or_simple_passwords_are_refused_with_the_rule_in_words(password: str,
                                                                      why: str) -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert why in " ".join(refused.value.messages)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any("至少" in m for m in refused.value.messages)


@given(st.text(max_size=30))
def test_the_validator_refuses_exactly_the_passwords_of_fewer_than_three_classes(
        password: str) -> None:
    classes = character_classes(password)
    assert classes == character_classes(password * 2) <= 4  # order and length do not count
    assert character_classes(password + "aA1!") == 4
    if classes >= 3:
        CharacterClassesValidator().validate(password)
    else:
        with pytest.raises(ValidationError):
            CharacterClassesValidator().validate(password)


@pytest.mark.django_db
def test_a_user_changes_their_own_password_and_a_simple_one_is_refused(client: Client) -> None:
    user = get_user_model().objects.create_user("resident-p", password="Old-pass-123")
    client.force_login(user)
    page = client.get("/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()

    refused = client.post("/password/", {"old_password": "Old-pass-123",
                                         "new_password1": "simplepass",
                                         "new_password2": "simplepass"})
    assert refused.status_code == 200 and "至少" in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password("Old-pass-123")

    done = client.post("/password/", {"old_password": "Old-pass-123",
                                      "new_password1": "New-Pass-2026",
                                      "new_password2": "New-Pass-2026"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("New-Pass-2026")
    assert "密码已修改" in client.get(done["Location"]).content.decode()


@pytest.mark.django_db
def test_the_admin_refuses_a_simple_password_too(admin_client: Any) -> None:
    user = get_user_model().objects.create_user("resident-q", password="Old-pass-123")
    response = admin_client.post(f"/admin/auth/user/{user.pk}/password/", {
        "password1": "lowercase1", "password2": "lowercase1"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Old-pass-123")

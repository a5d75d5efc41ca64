"""Core asks a registered resolver for phone numbers; it knows no app that stores them."""

from __future__ import annotations

from typing import Any

import pytest

from yishi.core import contacts
from yishi.core.channels import SmsBackend


@pytest.fixture
def no_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contacts, "_phone_resolver", None)


def test_without_a_resolver_nobody_has_a_phone(no_resolver: None) -> None:
    assert contacts.phone_of(object()) == ""
    assert SmsBackend().address(object()) == ""


def test_the_registered_resolver_answers_the_sms_channel(no_resolver: None) -> None:
    seen: list[Any] = []

    def resolver(user: Any) -> str:
        seen.append(user)
        return "13900000001" if user == "someone" else ""

    contacts.register_phone_resolver(resolver)
    contacts.register_phone_resolver(resolver)  # registering the same one again is harmless
    assert SmsBackend().address("someone") == "13900000001"
    assert contacts.phone_of("nobody") == ""
    assert seen == ["someone", "nobody"]
    with pytest.raises(ValueError, match="already registered"):
        contacts.register_phone_resolver(lambda user: "1")

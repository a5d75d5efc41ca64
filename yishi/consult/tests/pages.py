"""What the page tests share: signing a test client in as someone, and reading its messages."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.test import Client

from yishi.places.tests.factories import PASSWORD


def as_user(client: Client, person: Any) -> Client:
    client.logout()
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


def refusals(response: Any) -> list[str]:
    """The refusal messages the page shows (each names its rule and clause)."""
    return [str(m) for m in get_messages(response.wsgi_request) if "refusal" in m.tags]

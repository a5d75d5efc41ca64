"""What the page tests share: signing a test client in as someone, and reading its messages."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.test import Client

from yishi.core.clauses import in_words
from yishi.places.tests.factories import PASSWORD


def as_user(client: Client, person: Any) -> Client:
    client.logout()
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


def refusals(response: Any) -> list[str]:
    """The refusal messages the page shows (each with its seed clause, never the rule code)."""
    return [str(m) for m in get_messages(response.wsgi_request) if "refusal" in m.tags]


def cites(message: str, clause: str) -> bool:
    """The message names the clause in words (the document and its place), not by reference."""
    return in_words(clause) in message and clause not in message


def refusal_codes(response: Any) -> list[str]:
    """The rule codes of those refusals, read from the messages' classes (``rule-<code>``)."""
    return [tag.removeprefix("rule-") for m in get_messages(response.wsgi_request)
            if "refusal" in m.tags for tag in m.tags.split() if tag.startswith("rule-")]

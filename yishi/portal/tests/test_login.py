"""Signing in and out at the same paths as before the portal app held them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yishi.places.tests.factories import PASSWORD


def test_login_and_logout_keep_their_names_and_paths() -> None:
    assert reverse("login") == "/login/"
    assert reverse("logout") == "/logout/"


@pytest.mark.django_db
def test_a_resident_signs_in_lands_home_and_signs_out(
    client: Client, people: dict[str, Any]
) -> None:
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "resident_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    signed_out = client.post(reverse("logout"))
    assert signed_out.status_code == 302 and signed_out["Location"] == reverse("home")
    welcome = client.get(reverse("home")).content.decode()  # signed out: the welcome page
    assert 'data-testid="welcome"' in welcome and "王小明" not in welcome

"""Shared fixtures: a place tree, a resident and staff of each community, a township official."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to
# run from a thread with a running loop unless told it is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def tree(db):  # type: ignore[no-untyped-def]
    from yishi.places.tests.factories import place_tree

    return place_tree()


@pytest.fixture
def people(tree):  # type: ignore[no-untyped-def]
    """Residents and staff of community A and village B, and a street official over both."""
    from yishi.places.models import RoleKind
    from yishi.places.tests.factories import resident, staff

    return {
        "resident_a": resident(tree["a"], username="resident_a", name="王小明"),
        "resident_b": resident(tree["b"], username="resident_b", name="李大山"),
        "staff_a": staff(tree["a"], username="staff_a"),
        "staff_b": staff(tree["b"], username="staff_b"),
        "township": staff(tree["street"], username="township", kind=RoleKind.TOWNSHIP),
        "courier_a": staff(tree["a"], username="courier_a", kind=RoleKind.COURIER),
    }

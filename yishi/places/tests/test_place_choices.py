"""Every select of places lists them as the tree, indented by depth, in one query."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yishi.intake.forms import OpinionForm
from yishi.places.forms import RegisterImportForm
from yishi.places.models import PlaceKind
from yishi.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

OPTION = re.compile(r"<option value=\"(\d+)\"[^>]*>([^<]*)</option>")


def options(html: str) -> list[str]:
    return [label for _, label in OPTION.findall(html)]


def test_the_opinion_form_lists_a_couriers_places_as_an_indented_tree(tree) -> None:  # type: ignore[no-untyped-def]
    # A group made after the village: by path it sorts among its community's places.
    late_group = PlaceFactory(name="第二居民小组", kind=PlaceKind.GROUP, parent=tree["a"])
    form = OpinionForm(communities=[tree["b"], tree["a"]], courier=True)
    with CaptureQueriesContext(connection) as queries:
        html = str(form["place"])
    assert options(html) == [
        "幸福社区", "\u3000第一居民小组", "\u3000\u30001栋", "\u3000第二居民小组",
        "桃园村", "\u3000一组",
    ]
    assert len(queries) == 1  # the whole tree in one query, however many places
    assert "<optgroup" not in html  # one street: nothing to tell apart
    assert late_group.pk  # listed under 幸福社区, not after 桃园村


def test_communities_of_several_streets_are_grouped_under_their_street(tree) -> None:  # type: ignore[no-untyped-def]
    other = PlaceFactory(name="平安街道", kind=PlaceKind.STREET, parent=tree["district"])
    c = PlaceFactory(name="长青社区", kind=PlaceKind.COMMUNITY, parent=other)
    form = RegisterImportForm(communities=[c, tree["a"], tree["b"]])
    with CaptureQueriesContext(connection) as queries:
        html = str(form["community"])
    assert len(queries) == 1
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    assert [(label, options(body)) for label, body in groups] == [
        ("和平街道", ["幸福社区", "桃园村"]), ("平安街道", ["长青社区"])]


def test_a_place_outside_the_list_is_refused(tree) -> None:  # type: ignore[no-untyped-def]
    form = RegisterImportForm({"community": tree["street"].pk}, communities=[tree["a"]])
    assert not form.is_valid() and "community" in form.errors

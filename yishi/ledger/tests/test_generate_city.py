"""``generate_city --small`` writes a small city; ``bench`` prints its figures."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from yishi.consult.models import Meeting, Outcome, Topic
from yishi.disclosure.models import Notice
from yishi.followup.models import EntrustedAnswer, ImplementationTask
from yishi.intake.models import Opinion
from yishi.places.models import Place, PlaceKind

pytestmark = pytest.mark.django_db


def test_generate_city_small_writes_a_city_with_records_and_bench_reports_it() -> None:
    out = io.StringIO()
    call_command("generate_city", "--small", stdout=out)
    assert Place.objects.filter(kind=PlaceKind.COMMUNITY).count() == 20
    assert Opinion.objects.count() == 600
    assert Topic.objects.exists() and Meeting.objects.exists() and Outcome.objects.exists()
    assert ImplementationTask.objects.exists()
    assert EntrustedAnswer.objects.exists()
    # Each published outcome is on its community's board, as publishing puts it there.
    assert Notice.objects.count() == Outcome.objects.count()
    notice = Notice.objects.select_related("community").first()
    outcome = Outcome.objects.select_related("topic").get(topic_id=notice.source_id)
    assert notice.community_id == outcome.topic.community_id and notice.source_type == "consult.topic"
    assert (notice.starts_on, notice.ends_on) == (outcome.published_from, outcome.published_until)
    assert outcome.topic.title in notice.title and notice.search_text
    # Paths are set as Place.save would set them.
    for p in Place.objects.exclude(parent__isnull=True).select_related("parent")[:50]:
        assert p.path == f"{p.parent.path}{p.pk}/"

    bench = io.StringIO()
    call_command("bench", "--repeat", "1", stdout=bench)
    text = bench.getvalue()
    for label in ("city dashboard", "district ledger export", "community ledger page"):
        assert label in text
    assert "queries" in text

    with pytest.raises(CommandError):  # a second city of the same name is refused
        call_command("generate_city", "--small", stdout=io.StringIO())


def test_bench_on_an_empty_database_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="generate_city"):
        call_command("bench", stdout=io.StringIO())

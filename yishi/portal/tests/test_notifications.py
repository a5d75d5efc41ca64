"""The notification list: each user sees their own, and can mark them all as read."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from yishi.core.models import Notification
from yishi.core.notify import notify
from yishi.places.tests.factories import PASSWORD


def login(client: Client, person: Any) -> Client:
    client.logout()
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


def test_the_notification_pages_keep_their_names_and_paths() -> None:
    assert reverse("notifications") == "/notifications/"
    assert reverse("notifications_read") == "/notifications/read/"


@pytest.mark.django_db
def test_a_user_sees_their_own_notifications_and_the_unread_count(
    client: Client, people: dict[str, Any]
) -> None:
    with transaction.atomic():
        notify([people["resident_a"].user], "停水通知")
        notify([people["resident_b"].user], "别人的通知")
    page = login(client, people["resident_a"]).get(reverse("notifications")).content.decode()
    assert "停水通知" in page and "别人的通知" not in page
    assert 'data-testid="unread">1<' in page


@pytest.mark.django_db
def test_marking_all_as_read_touches_only_mine(client: Client, people: dict[str, Any]) -> None:
    with transaction.atomic():
        notify([people["resident_a"].user, people["resident_b"].user], "停水通知")
    login(client, people["resident_a"])
    assert client.get(reverse("notifications_read")).status_code == 405  # POST only
    response = client.post(reverse("notifications_read"))
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    assert list(Notification.objects.filter(read_at__isnull=True)
                .values_list("recipient__username", flat=True)) == ["resident_b"]
    page = client.get(reverse("notifications")).content.decode()
    assert 'data-testid="unread"' not in page


@pytest.mark.django_db
def test_opening_a_message_marks_it_read_and_leads_to_its_page(
    client: Client, people: dict[str, Any]
) -> None:
    with transaction.atomic():
        [mine] = notify([people["resident_a"].user], "停水通知", link="/intake/opinions/mine/")
        [other] = notify([people["resident_a"].user], "会议通知", link="/consult/")
    login(client, people["resident_a"])
    page = client.get(reverse("notifications")).content.decode()
    assert 'data-testid="unread">2<' in page
    assert f'href="/notifications/{mine.pk}/open/"' in page  # through the opening view
    response = client.get(reverse("notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/intake/opinions/mine/"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None
    page = client.get(reverse("notifications")).content.decode()
    assert 'data-testid="unread">1<' in page  # the badge counts one fewer


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["https://example.com/x", "//example.com/x", "", "javascript:alert(1)",
                                  "/\\example.com"])
def test_a_message_leads_only_to_this_sites_pages(
    client: Client, people: dict[str, Any], link: str
) -> None:
    with transaction.atomic():
        [n] = notify([people["resident_a"].user], "通知", link=link)
    login(client, people["resident_a"])
    response = client.get(reverse("notification_open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    n.refresh_from_db()
    assert n.read_at is not None


@pytest.mark.django_db
def test_someone_elses_message_is_not_found_and_stays_unread(
    client: Client, people: dict[str, Any]
) -> None:
    with transaction.atomic():
        [theirs] = notify([people["resident_b"].user], "通知", link="/consult/")
    login(client, people["resident_a"])
    assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notification_open", args=[999999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

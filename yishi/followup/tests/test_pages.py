"""Pages: staff of another community get 404, refusals become messages, never a 500;
progress is public only after the outcome was published."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yishi.followup import services
from yishi.followup.models import EntrustedAnswer, ImplementationTask, TaskProgress

from .factories import png, topic_with_outcome

TODAY = timezone.localdate()


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def topic(tree):  # type: ignore[no-untyped-def]
    return topic_with_outcome(tree["a"])


@pytest.fixture
def task(users, topic):  # type: ignore[no-untyped-def]
    return services.create_task(actor=users["staff_a"], topic=topic, title="更换路灯",
                                owner_body="街道城管科", deadline=TODAY + timedelta(days=30))


def test_staff_of_another_community_get_404_alike(users, topic, task, bodies, entrusted):
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted)
    c = client_for(users["staff_b"])
    urls = [reverse("followup:task", args=[task.pk]),
            reverse("followup:topic", args=[topic.pk]),
            reverse("followup:dissents", args=[topic.pk]),
            reverse("followup:answer", args=[answer.pk])]
    missing = [reverse("followup:task", args=[999999]), reverse("followup:topic", args=[999999]),
               reverse("followup:answer", args=[999999])]
    for url in urls + missing:
        assert c.get(url).status_code == 404, url
    for url in (reverse("followup:task_new", args=[topic.pk]),
                reverse("followup:task", args=[task.pk]),
                reverse("followup:report", args=[entrusted.pk])):
        assert c.post(url, {"title": "x", "owner_body": "y", "deadline": "2030-01-01",
                            "text": "x"}).status_code == 404
    assert ImplementationTask.objects.count() == 1 and TaskProgress.objects.count() == 0
    # The other body can see nothing either.
    assert client_for(bodies["other_user"]).get(urls[3]).status_code == 404


def test_staff_see_their_tasks_and_pages(users, topic, task):
    c = client_for(users["staff_a"])
    r = c.get(reverse("followup:tasks"))
    assert r.status_code == 200 and "更换路灯" in r.content.decode()
    for url in (reverse("followup:task", args=[task.pk]), reverse("followup:topic", args=[topic.pk]),
                reverse("followup:dissents", args=[topic.pk]), reverse("followup:answers")):
        assert c.get(url).status_code == 200, url
    assert client_for(users["township"]).get(reverse("followup:task", args=[task.pk])
                                             ).status_code == 200


def test_a_task_without_owner_is_refused_on_the_page_with_a_message(users, topic):
    c = client_for(users["staff_a"])
    r = c.post(reverse("followup:task_new", args=[topic.pk]),
               {"title": "无人负责", "deadline": "2030-01-01"}, follow=True)
    assert r.status_code == 200
    assert ImplementationTask.objects.count() == 0
    assert [m.level_tag for m in r.context["messages"]] == ["error"]


def test_an_invalid_date_on_the_page_is_a_message_not_an_error(users, topic):
    c = client_for(users["staff_a"])
    for bad in ("2025-02-30", "x" * 300, "\x00", "99999-01-01"):
        r = c.post(reverse("followup:task_new", args=[topic.pk]),
                   {"title": "t", "owner_body": "科室", "deadline": bad})
        assert r.status_code == 302
    r = c.post(reverse("followup:task_new", args=[topic.pk]),
               {"title": "t", "owner_body": "科室", "working_days": "abc"})
    assert r.status_code == 302
    assert ImplementationTask.objects.count() == 0


def test_progress_with_a_photo_from_the_task_page(users, task):
    c = client_for(users["staff_a"])
    r = c.post(reverse("followup:task", args=[task.pk]),
               {"text": "灯具已到货", "photos": [png("a.png"), png("b.png")]})
    assert r.status_code == 302
    assert TaskProgress.objects.get().photos.count() == 2
    r = c.post(reverse("followup:task", args=[task.pk]),
               {"text": "x", "photos": [png("fake.png").__class__("fake.png", b"GIF89anope")]})
    assert r.status_code == 400 and TaskProgress.objects.count() == 1


def test_progress_is_public_only_after_the_outcome_was_published(tree, users, topic, task):
    services.record_progress(actor=users["staff_a"], task=task, text="灯具已到货",
                             photos=[png()])
    photo = TaskProgress.objects.get().photos.get()
    anon = Client()
    url = reverse("followup:public_progress", args=[topic.pk])
    assert anon.get(url).status_code == 404
    assert anon.get(reverse("followup:photo", args=[photo.pk])).status_code == 404
    # Staff may see the photo before publication.
    assert client_for(users["staff_a"]).get(
        reverse("followup:photo", args=[photo.pk])).status_code == 200

    topic.outcome.published_from = TODAY
    topic.outcome.published_until = TODAY + timedelta(days=7)
    topic.outcome.save()
    r = anon.get(url)
    body = r.content.decode()
    assert r.status_code == 200 and "灯具已到货" in body and "更换路灯" in body
    assert anon.get(reverse("followup:photo", args=[photo.pk])).status_code == 200
    # The snippet other pages include renders the same.
    from django.template import Context, Template

    html = Template("{% load followup %}{% public_progress topic %}").render(
        Context({"topic": topic}))
    assert "灯具已到货" in html


def test_a_published_topic_elsewhere_does_not_leak_another_topics_progress(tree, users):
    published = topic_with_outcome(tree["b"], published_from=TODAY, title="B")
    assert Client().get(reverse("followup:public_progress", args=[published.pk])
                        ).status_code == 200
    assert Client().get(reverse("followup:public_progress", args=[10**17])).status_code == 404


def test_the_answer_page_refuses_a_body_not_asked_with_a_message(users, bodies, entrusted):
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted)
    dept = client_for(bodies["asked_user"])
    r = dept.get(reverse("followup:answers"))
    assert r.status_code == 200 and "养老服务站选址" in r.content.decode()
    # Staff of the community see it but cannot answer: a message, nothing written.
    r = client_for(users["staff_a"]).post(reverse("followup:answer", args=[answer.pk]),
                                          {"text": "代答", "adoption": "adopted"})
    assert r.status_code == 400
    assert EntrustedAnswer.objects.get().state == "awaiting"
    r = dept.post(reverse("followup:answer", args=[answer.pk]),
                  {"text": "已研究吸纳", "adoption": "adopted"})
    assert r.status_code == 302 and EntrustedAnswer.objects.get().state == "answered"


def test_dissent_page_records_and_explains(users, people, topic):
    c = client_for(users["staff_a"])
    url = reverse("followup:dissents", args=[topic.pk])
    r = c.post(url, {"person": people["resident_a"].pk, "grounds": "spoke_against"})
    assert r.status_code == 302
    d = topic.dissents.get()
    assert "1" in c.get(url).content.decode()
    r = c.post(reverse("followup:explain", args=[d.pk]), {"text": "已解释"})
    assert r.status_code == 302 and d.__class__.objects.get().explanation.text == "已解释"
    assert c.post(url, {"grounds": "spoke_against"}).status_code == 400


def test_township_marks_and_corrects_from_the_topic_page(users, topic):
    c = client_for(users["township"])
    c.post(reverse("followup:unlawful", args=[topic.pk]), {"reason": "违反法律"})
    corr = topic.corrections.get()
    c.post(reverse("followup:correct", args=[corr.pk]), {"text": "已纠正"})
    corr.refresh_from_db()
    assert corr.corrected
    r = client_for(users["staff_a"]).post(reverse("followup:unlawful", args=[topic.pk]),
                                          {"reason": "x"}, follow=True)
    assert r.status_code == 200 and topic.corrections.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(topic):
    r = Client().get(reverse("followup:topic", args=[topic.pk]))
    assert r.status_code == 302 and "login" in r["Location"]


def test_reporting_from_the_topic_page(users, entrusted):
    c = client_for(users["staff_a"])
    r = c.post(reverse("followup:report", args=[entrusted.pk]), {"text": ""}, follow=True)
    assert r.status_code == 200 and EntrustedAnswer.objects.count() == 1
    r = c.post(reverse("followup:report", args=[entrusted.pk]), {"text": ""}, follow=True)
    assert [m.level_tag for m in r.context["messages"]] == ["error"]
    assert isinstance(EntrustedAnswer.objects.get().due_date, date)


def test_a_department_sees_the_tasks_its_body_owns(users, topic, bodies):
    services.create_task(actor=users["staff_a"], topic=topic, title="民政局的任务",
                         owner_place=bodies["asked"], deadline=TODAY + timedelta(days=3))
    assert "民政局的任务" in client_for(bodies["asked_user"]).get(
        reverse("followup:tasks")).content.decode()
    assert "民政局的任务" not in client_for(bodies["other_user"]).get(
        reverse("followup:tasks")).content.decode()

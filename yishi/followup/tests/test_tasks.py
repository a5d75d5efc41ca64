"""Implementation tasks: owners, deadlines (dates or working days), progress with photos."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent, Reminder
from yishi.followup import selectors, services
from yishi.followup.models import ImplementationTask, ProgressPhoto, TaskProgress
from yishi.followup.sweeps import TASK_DUE_SOON, TASK_OVERDUE, sweep

from .factories import png, topic_with_outcome

TODAY = date(2025, 9, 26)


@pytest.fixture
def topic(tree):  # type: ignore[no-untyped-def]
    return topic_with_outcome(tree["a"])


def _task(users, topic, **kw):  # type: ignore[no-untyped-def]
    values = {"title": "更换路灯", "owner_body": "街道城管科", "deadline": date(2025, 10, 31),
              "today": TODAY}
    values.update(kw)
    return services.create_task(actor=users["staff_a"], topic=topic, **values)


def test_a_task_without_an_owner_is_refused_and_nothing_is_written(users, topic):
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        _task(users, topic, owner_body="  ")
    assert refused.value.rule == "owner"
    assert refused.value.message and refused.value.clause == "000 §(二)(5)"
    assert ImplementationTask.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_task_title_loses_its_invisible_characters(users, topic):
    assert _task(users, topic, title="\u202e更换\u200b路灯\ufeff").title == "更换路灯"
    with pytest.raises(RuleViolation) as refused:
        _task(users, topic, title="\u200b\u2066\u2069")
    assert refused.value.rule == "input"
    assert ImplementationTask.objects.count() == 1


@pytest.mark.parametrize("deadline", ["2025-02-30", "2025-13-01", "next week", "2025/10/01",
                                      "9999999-01-01", "2025-10-01\x00"])
def test_an_invalid_deadline_is_refused(users, topic, deadline):
    with pytest.raises(RuleViolation) as refused:
        _task(users, topic, deadline=deadline)
    assert refused.value.rule in {"date", "deadline"}
    assert ImplementationTask.objects.count() == 0


def test_a_deadline_in_the_past_or_given_twice_or_not_at_all_is_refused(users, topic):
    for kw in ({"deadline": date(2025, 9, 25)}, {"deadline": None},
               {"deadline": date(2025, 10, 31), "working_days": 5},
               {"deadline": None, "working_days": 0}, {"deadline": None, "working_days": 400}):
        with pytest.raises(RuleViolation):
            _task(users, topic, **kw)
    assert ImplementationTask.objects.count() == 0


def test_a_deadline_in_working_days_skips_national_day(users, topic):
    task = _task(users, topic, deadline=None, working_days=5)
    # 09-28 (make-up Sunday), 09-29, 09-30, then 10-09 and 10-10 after the holiday.
    assert task.deadline == date(2025, 10, 10) and not task.deadline_provisional
    assert task.deadline_working_days == 5


def test_a_deadline_past_the_holiday_data_is_provisional(users, topic):
    task = _task(users, topic, deadline=None, working_days=10, today=date(2026, 12, 24))
    assert task.deadline_provisional and task.deadline.year == 2027


def test_owners_may_be_a_person_a_registered_body_or_a_named_department(tree, people, users,
                                                                         topic, bodies):
    by_person = _task(users, topic, owner_body="", owner_person=people["resident_a"])
    by_body = _task(users, topic, owner_body="", owner_place=bodies["asked"])
    assert by_person.owner_label == "王小明" and by_body.owner_label == "区民政局"
    with pytest.raises(RuleViolation):  # a community is not a government body
        _task(users, topic, owner_body="", owner_place=tree["b"])


def test_only_staff_of_the_community_set_tasks(users, topic):
    for outsider in ("staff_b", "resident_a"):
        with pytest.raises(PermissionDenied):
            services.create_task(actor=users[outsider], topic=topic, title="x", owner_body="y",
                                 deadline=date(2025, 10, 31), today=TODAY)


def test_a_topic_without_an_outcome_gets_no_tasks(tree, users):
    from yishi.consult.models import Topic

    bare = Topic.objects.create(community=tree["a"], title="t", text="t", category="other",
                                source="opinion", state="accepted")
    with pytest.raises(RuleViolation) as refused:
        _task(users, bare)
    assert refused.value.rule == "outcome"


def test_progress_moves_the_task_through_its_table_with_photos(users, topic):
    task = _task(users, topic)
    p1 = services.record_progress(actor=users["staff_a"], task=task, text="已采购灯具",
                                  photos=[png()])
    assert (p1.from_state, p1.to_state) == ("open", "in_progress")
    assert ProgressPhoto.objects.get(progress=p1).width == 8
    p2 = services.record_progress(actor=users["staff_a"], task=task, text="已安装", complete=True)
    assert (p2.from_state, p2.to_state) == ("in_progress", "done")
    task.refresh_from_db()
    assert task.state == "done" and task.completed_at is not None
    with pytest.raises(RuleViolation) as refused:
        services.record_progress(actor=users["staff_a"], task=task, text="再报")
    assert refused.value.rule == "transition"


def test_the_owner_reports_progress_and_others_may_not(users, people, topic, bodies):
    task = _task(users, topic, owner_body="", owner_place=bodies["asked"])
    services.record_progress(actor=bodies["asked_user"], task=task, text="部门已立项")
    for outsider in (bodies["other_user"], users["staff_b"], users["resident_a"]):
        with pytest.raises(PermissionDenied):
            services.record_progress(actor=outsider, task=task, text="x")
    assert TaskProgress.objects.count() == 1


def test_a_file_that_is_not_a_photo_is_refused(users, topic):
    task = _task(users, topic)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(RuleViolation) as refused:
        services.record_progress(actor=users["staff_a"], task=task, text="x", photos=[fake])
    assert refused.value.rule == "photo"
    assert TaskProgress.objects.count() == 0 and ImplementationTask.objects.get().state == "open"


def test_a_photo_over_the_size_limit_is_refused(users, topic, settings):
    settings.YISHI_MAX_PHOTO_BYTES = 50
    task = _task(users, topic)
    with pytest.raises(RuleViolation) as refused:
        services.record_progress(actor=users["staff_a"], task=task, text="x",
                                 photos=[png(size=(64, 64))])
    assert refused.value.rule == "photo"
    assert TaskProgress.objects.count() == 0


@pytest.mark.parametrize("claimed", [(7000, 7000), (100_000, 100_000)])
def test_a_photo_declaring_too_many_pixels_is_refused_and_nothing_is_written(
        users, topic, settings, tmp_path, claimed):
    from yishi.core.tests.images import png_claiming, upload

    settings.MEDIA_ROOT = tmp_path
    task = _task(users, topic)
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        services.record_progress(actor=users["staff_a"], task=task, text="x",
                                 photos=[png(), upload(png_claiming(*claimed), "bomb.png")])
    assert refused.value.rule == "photo" and "bomb.png" in refused.value.message
    assert TaskProgress.objects.count() == 0 and ProgressPhoto.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert ImplementationTask.objects.get().state == "open"
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_real_photo_over_a_lowered_pixel_limit_is_refused(users, topic, settings):
    settings.YISHI_MAX_IMAGE_PIXELS = 100
    task = _task(users, topic)
    with pytest.raises(RuleViolation) as refused:
        services.record_progress(actor=users["staff_a"], task=task, text="x",
                                 photos=[png(size=(11, 10))])
    assert refused.value.rule == "photo"
    assert TaskProgress.objects.count() == 0
    services.record_progress(actor=users["staff_a"], task=task, text="x", photos=[png(size=(10, 10))])
    assert ProgressPhoto.objects.count() == 1


def test_overdue_tasks_are_counted_and_reminded_once(tree, users, topic):
    task = _task(users, topic, deadline=date(2025, 9, 30))
    assert sweep(date(2025, 9, 26)) == 0  # three working days away: 09-28, 09-29, 09-30
    assert sweep(date(2025, 9, 28)) == 1  # the make-up Sunday: two working days away
    assert Reminder.objects.filter(kind=TASK_DUE_SOON).count() == 1
    assert selectors.overdue_tasks_count(tree["street"], date(2025, 9, 30)) == 0
    assert selectors.overdue_tasks_count(tree["street"], date(2025, 10, 1)) == 1
    assert selectors.overdue_tasks_count(tree["b"], date(2025, 10, 1)) == 0
    assert sweep(date(2025, 10, 1)) == 1 and sweep(date(2025, 10, 2)) == 0
    assert Reminder.objects.filter(kind=TASK_OVERDUE).count() == 1
    services.record_progress(actor=users["staff_a"], task=task, text="完成", complete=True)
    assert selectors.overdue_tasks_count(tree["street"], date(2025, 10, 2)) == 0


def test_the_staff_list_puts_overdue_tasks_first(users, topic):
    later = _task(users, topic, title="later", deadline=date(2025, 12, 1))
    late = _task(users, topic, title="late", deadline=date(2025, 9, 30))
    done = _task(users, topic, title="done", deadline=date(2025, 9, 27))
    services.record_progress(actor=users["staff_a"], task=done, text="ok", complete=True)
    rows = list(selectors.tasks_for_staff(users["staff_a"], date(2025, 10, 15)))
    assert [t.pk for t in rows] == [late.pk, later.pk, done.pk]
    assert list(selectors.tasks_for_staff(users["staff_b"], date(2025, 10, 15))) == []

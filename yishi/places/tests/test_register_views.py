"""The register import page, its template download, and the committee page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yishi.core.models import AuditEvent
from yishi.places import services
from yishi.places.importers import TEMPLATE_HEADERS
from yishi.places.models import Person, Seat
from yishi.places.tests.factories import id_number_for, register_xlsx

IMPORT = reverse("places:register_import")
TEMPLATE = reverse("places:register_template")

ROWS = [
    ["张三", "男", "1980-05-01", id_number_for(date(1980, 5, 1), 11), "13800000001",
     "第一居民小组", "1栋", "101", "是"],
    ["", "女", "1990-01-01", "", "", "", "", "102", ""],  # line 3: no name
]


def signed_in(client, people, who):  # type: ignore[no-untyped-def]
    client.force_login(people[who].user)
    return client


def post_file(client, tree, content: bytes, name: str = "r.xlsx", community: str = "a"):  # type: ignore[no-untyped-def]
    return client.post(IMPORT, {"community": tree[community].pk,
                                "file": SimpleUploadedFile(name, content)})


def test_staff_see_the_import_page_with_their_communities_only(client, people, tree):
    response = signed_in(client, people, "staff_a").get(IMPORT)

    assert response.status_code == 200
    html = response.content.decode()
    assert tree["a"].name in html and tree["b"].name not in html
    assert TEMPLATE in html
    assert 'enctype="multipart/form-data"' in html


def test_township_staff_choose_among_the_communities_below(client, people, tree):
    html = signed_in(client, people, "township").get(IMPORT).content.decode()

    assert tree["a"].name in html and tree["b"].name in html


@pytest.mark.parametrize("who", ["resident_a", "courier_a"])
def test_residents_and_couriers_get_404(client, people, tree, who):
    assert signed_in(client, people, who).get(IMPORT).status_code == 404
    assert signed_in(client, people, who).get(TEMPLATE).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, tree):
    response = client.get(IMPORT)

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_uploading_shows_the_counts_and_the_rows_to_correct(client, people, tree):
    response = post_file(signed_in(client, people, "staff_a"), tree, register_xlsx(ROWS))

    assert response.status_code == 200
    report = response.context["report"]
    assert report.created == [2] and report.skipped == [3]
    html = response.content.decode()
    assert 'data-testid="row-errors"' in html
    assert "<td>3</td>" in html
    assert Person.objects.filter(name="张三", community=tree["a"]).exists()


def test_a_fake_xlsx_is_refused_with_a_message_and_writes_nothing(client, people, tree):
    before = (Person.objects.count(), AuditEvent.objects.count())

    response = post_file(signed_in(client, people, "staff_a"), tree, "姓名,户号\n".encode(),
                         name="fake.xlsx")

    assert response.status_code == 400
    assert "不是 Excel 工作簿" in response.content.decode()  # zh-hans is the default language
    assert response.context["report"] is None
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_staff_of_b_cannot_import_into_a(client, people, tree):
    before = Person.objects.count()

    response = post_file(signed_in(client, people, "staff_b"), tree, register_xlsx(ROWS))

    assert response.status_code == 400  # A is not among the choices offered
    assert Person.objects.count() == before


def test_the_template_has_the_header_row(client, people, tree):
    response = signed_in(client, people, "staff_a").get(TEMPLATE)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[1]] == TEMPLATE_HEADERS
    assert ws.column_dimensions["D"].number_format == "@"  # ID numbers typed as text


def test_the_template_filled_in_imports(client, people, tree):
    content = signed_in(client, people, "staff_a").get(TEMPLATE).content
    wb = load_workbook(io.BytesIO(content))
    wb.worksheets[0].append(ROWS[0])
    out = io.BytesIO()
    wb.save(out)

    response = post_file(client, tree, out.getvalue())

    assert response.context["report"].created == [2]


# --- The committee page ------------------------------------------------------------------


def committee_url(tree, key: str = "a") -> str:  # type: ignore[no-untyped-def]
    return reverse("places:committee", args=[tree[key].pk])


@pytest.fixture
def committee(people, tree):  # type: ignore[no-untyped-def]
    staff = people["staff_a"].user
    today = timezone.localdate()
    seat = services.appoint_seat(actor=staff, community=tree["a"], seat=Seat.WOMEN,
                                 person=people["resident_a"], term_start=today - timedelta(days=10))
    return {"seat": seat}


@pytest.mark.parametrize("who", ["resident_a", "staff_a", "township"])
def test_residents_and_staff_above_see_the_committee(client, people, tree, committee, who):
    response = signed_in(client, people, who).get(committee_url(tree))

    assert response.status_code == 200
    html = response.content.decode()
    seats = response.context["seats"]
    assert [s.seat for s in seats] == list(Seat.values)
    women = next(s for s in seats if s.seat == Seat.WOMEN)
    assert women.membership == committee["seat"] and not women.upcoming
    assert "王小明" in html
    assert reverse("consult:x_members", args=[tree["a"].pk]) in html
    assert committee["seat"].term_end.strftime("%Y-%m-%d") in html


@pytest.mark.parametrize("who", ["resident_b", "staff_b"])
def test_others_get_404(client, people, tree, committee, who):
    assert signed_in(client, people, who).get(committee_url(tree)).status_code == 404


def test_a_place_that_is_not_a_community_or_does_not_exist_is_404(client, people, tree):
    client = signed_in(client, people, "township")
    assert client.get(committee_url(tree, "street")).status_code == 404
    assert client.get("/places/committee/999999/").status_code == 404
    assert client.get("/places/committee/99999999999999999999999/").status_code == 404

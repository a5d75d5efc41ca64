"""Importing the resident register (居民花名册): rows checked, reported by line, none half-imported."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.places import importers, services
from yishi.places.models import Household, Person, PersonalData, Place, PlaceKind, Role, RoleKind
from yishi.places.tests.factories import id_number_for, register_csv, register_xlsx, resident

ZHANG_ID = id_number_for(date(1980, 5, 1), 11)  # male
LI_ID = id_number_for(date(1992, 2, 29), 22)  # female, born on 29 February
WANG_ID = id_number_for(date(1955, 12, 31), 33)  # male


def good_rows() -> list[list[object]]:
    # 姓名, 性别, 出生日期, 身份证号, 手机号, 居民小组, 楼栋, 户号, 是否居民代表
    return [
        ["张三", "男", "1980-05-01", ZHANG_ID, "13800000001", "第一居民小组", "1栋", "101", "是"],
        ["李四", "女", "", LI_ID, "", "第一居民小组", "1栋", "101", ""],
        ["王五", "", "", WANG_ID, "13900000003", "第二居民小组", "", "201", "否"],
    ]


def upload(content: bytes, name: str = "register.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def do_import(people, tree, content: bytes, name: str = "register.xlsx", who: str = "staff_a"):  # type: ignore[no-untyped-def]
    return services.import_register(actor=people[who].user, community=tree["a"],
                                    file=upload(content, name))


def reasons_by_line(report) -> dict[int, str]:  # type: ignore[no-untyped-def]
    result: dict[int, str] = {}
    for e in report.errors:
        result[e.line] = result.get(e.line, "") + e.reason
    return result


def test_good_rows_land_with_their_groups_buildings_and_households(people, tree):
    report = do_import(people, tree, register_xlsx(good_rows()))

    assert report.errors == []
    assert report.created == [2, 3, 4]
    zhang = PersonalData.objects.with_id_number(ZHANG_ID).get().person
    assert (zhang.name, zhang.gender, zhang.birth_date) == ("张三", "M", date(1980, 5, 1))
    assert zhang.community == tree["a"]
    assert zhang.personal.phone == "13800000001"
    # The existing group and building are reused; the second group is created.
    assert zhang.household.place == tree["a_building"]
    li = PersonalData.objects.with_id_number(LI_ID).get().person
    assert li.household == zhang.household
    assert (li.gender, li.birth_date) == ("F", date(1992, 2, 29))  # both read from the ID
    wang = PersonalData.objects.with_id_number(WANG_ID).get().person
    group2 = Place.objects.get(parent=tree["a"], name="第二居民小组")
    assert group2.kind == PlaceKind.GROUP and wang.household.place == group2
    assert report.groups_created == 1 and report.buildings_created == 0
    assert report.households_created == 2
    assert Role.objects.active().filter(person=zhang, place=tree["a"],
                                        kind=RoleKind.REPRESENTATIVE).exists()
    assert report.representatives_granted == 1


def test_each_bad_row_is_reported_with_its_spreadsheet_line_and_the_good_rows_land(people, tree):
    bad_checksum = ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1")
    rows = [
        good_rows()[0],  # line 2
        ["", "男", "1980-01-01", "", "", "", "", "102", ""],  # 3: no name
        ["赵六", "未知", "1980-01-01", "", "", "", "", "103", ""],  # 4: bad gender
        ["钱七", "男", "", bad_checksum, "", "", "", "104", ""],  # 5: bad check digit
        ["孙八", "男", "1980-01-01", "", "1380000", "", "", "105", ""],  # 6: bad phone
        ["周九", "", "1981-01-01", LI_ID, "", "", "", "106", ""],  # 7: birth ≠ ID
        ["吴十", "", "", ZHANG_ID, "", "", "", "107", ""],  # 8: ID twice in the file
        ["郑一", "女", "1970-03-03", "", "", "", "", "", ""],  # 9: no household number
        ["冯二", "女", "1970-03-03", "", "", "", "", "110", ""],  # 10: good, no ID number
        ["陈三", "男", "", "", "", "", "", "111", ""],  # 11: neither birth date nor ID
    ]
    report = do_import(people, tree, register_xlsx(rows))

    reasons = reasons_by_line(report)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 11]
    assert "name is missing" in reasons[3]
    assert "男 or 女" in reasons[4]
    assert "ID number is not valid" in reasons[5]
    assert "mobile number" in reasons[6]
    assert "does not match the ID" in reasons[7]
    assert "line 2" in reasons[8]
    assert "household number is missing" in reasons[9]
    assert "date of birth or the ID" in reasons[11]
    assert report.created == [2, 10]
    assert report.skipped == [3, 4, 5, 6, 7, 8, 9, 11]
    assert set(Person.objects.filter(community=tree["a"]).values_list("name", flat=True)) == {
        "王小明", "张三", "冯二"}


def test_reasons_are_in_the_users_language(people, tree):
    from django.utils import translation

    rows = [["", "男", "1980-01-01", "", "", "", "", "102", ""]]
    with translation.override("zh-hans"):
        zh = do_import(people, tree, register_xlsx(rows)).errors[0].reason
    with translation.override("en"):
        en = do_import(people, tree, register_xlsx(rows)).errors[0].reason
    assert en == "The name is missing."
    assert zh  # translated when the catalogue has it, the English text otherwise


def test_importing_the_same_file_again_does_not_duplicate_people(people, tree):
    content = register_xlsx(good_rows())
    do_import(people, tree, content)
    count = Person.objects.count()

    again = do_import(people, tree, content)

    assert Person.objects.count() == count
    assert again.created == [] and again.updated == [] and again.unchanged == [2, 3, 4]
    assert Household.objects.filter(community=tree["a"], number="101").count() == 1
    assert Role.objects.filter(kind=RoleKind.REPRESENTATIVE, place=tree["a"]).count() == 1


def test_a_reimport_updates_the_people_it_matches_by_id_number(people, tree):
    do_import(people, tree, register_xlsx(good_rows()))
    rows = good_rows()
    rows[0][0] = "张叁"  # a corrected name
    rows[0][4] = "13800000009"
    rows[0][7] = "102"  # moved to another household
    rows[1][4] = ""  # blank phone: keep what is stored

    report = do_import(people, tree, register_xlsx(rows))

    assert report.updated == [2] and report.unchanged == [3, 4]
    zhang = PersonalData.objects.with_id_number(ZHANG_ID).get().person
    assert zhang.name == "张叁" and zhang.personal.phone == "13800000009"
    assert zhang.household.number == "102"


def test_rows_without_id_number_match_on_household_and_name(people, tree):
    rows = [["冯二", "女", "1970-03-03", "", "", "第一居民小组", "", "110", ""]]
    do_import(people, tree, register_xlsx(rows))
    rows[0][4] = "13700000001"
    rows[0][3] = id_number_for(date(1970, 3, 3), 42)  # the ID number is added later

    report = do_import(people, tree, register_xlsx(rows))

    assert report.updated == [2]
    feng = Person.objects.get(name="冯二")
    assert feng.personal.phone == "13700000001"
    assert feng.personal.id_number == rows[0][3]


def test_an_id_number_registered_in_another_community_is_reported(people, tree):
    other = people["resident_b"].personal.id_number
    rows = good_rows() + [["李大山", "", "", other, "", "", "", "301", ""]]

    report = do_import(people, tree, register_xlsx(rows))

    assert reasons_by_line(report)[5].startswith("This ID number is registered in another")
    assert Person.objects.get(pk=people["resident_b"].pk).community == tree["b"]
    assert report.created == [2, 3, 4]


def test_someone_who_moved_out_elsewhere_can_be_registered_here(people, tree):
    moved = people["resident_b"]
    moved.moved_out_on = timezone.localdate() - timedelta(days=3)
    moved.save()
    rows = [["李大山", "", "", moved.personal.id_number, "", "", "", "301", ""]]

    report = do_import(people, tree, register_xlsx(rows))

    assert report.updated == [2]
    moved.refresh_from_db()
    assert moved.community == tree["a"] and moved.moved_out_on is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(people, tree, encoding):
    content = register_csv(good_rows(), encoding=encoding)

    report = do_import(people, tree, content, name="花名册.csv")

    assert report.format == "csv" and report.errors == [] and report.created == [2, 3, 4]
    assert Person.objects.filter(name="张三", community=tree["a"]).exists()
    assert Place.objects.filter(name="第二居民小组", parent=tree["a"]).exists()


def test_csv_errors_carry_spreadsheet_lines(people, tree):
    rows = good_rows() + [["钱七", "男", "1980-13-01", "", "", "", "", "104", ""]]

    report = do_import(people, tree, register_csv(rows, encoding="gbk"), name="r.csv")

    assert reasons_by_line(report) == {5: "The date of birth is not a date (write it as "
                                          "1980-05-01)."}


def test_english_headers_and_a_title_row_above_them(people, tree):
    headers = ["Name", "Gender", "Date of birth", "ID number", "Mobile", "Group", "Building",
               "Household", "Representative"]
    rows = good_rows() + [["", "", "", "", "", "", "", "9", ""]]

    report = do_import(people, tree, register_xlsx(rows, headers, title_row="幸福社区居民花名册"))

    assert report.created == [3, 4, 5]  # the title is line 1, the header line 2
    assert reasons_by_line(report).keys() == {6}


def test_id_numbers_typed_as_numbers_are_explained(people, tree):
    # Excel keeps 15 significant digits of a number: the last three of the ID are lost.
    rows = [["张三", "男", "", float(ZHANG_ID[:15] + "000"), "", "", "", "101", ""]]

    report = do_import(people, tree, register_xlsx(rows))

    assert "stored as a number" in reasons_by_line(report)[2]


def test_one_household_in_two_places_in_the_file_is_reported(people, tree):
    rows = good_rows()
    rows[1][5] = "第二居民小组"
    rows[1][6] = ""

    report = do_import(people, tree, register_xlsx(rows))

    assert "Household 101 is in another group or building on line 2" in reasons_by_line(report)[3]


def test_representative_no_ends_the_role(people, tree):
    do_import(people, tree, register_xlsx(good_rows()))
    zhang = PersonalData.objects.with_id_number(ZHANG_ID).get().person
    role = Role.objects.get(person=zhang, kind=RoleKind.REPRESENTATIVE)
    role.start = date(2020, 1, 1)
    role.save()
    rows = good_rows()
    rows[0][8] = "否"

    report = do_import(people, tree, register_xlsx(rows))

    assert report.representatives_ended == 1
    assert not Role.objects.active().filter(person=zhang, kind=RoleKind.REPRESENTATIVE).exists()


def test_one_audit_event_with_counts_and_no_personal_data(people, tree):
    before = AuditEvent.objects.count()

    do_import(people, tree, register_xlsx(good_rows()))

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "register.import" and event.actor == people["staff_a"].user
    assert event.after["created"] == 3 and event.after["skipped"] == 0
    text = str(event.after)
    assert ZHANG_ID not in text and "张三" not in text and "13800000001" not in text


# --- Files that are refused write nothing ------------------------------------------------


def _nothing_written(tree, before: tuple[int, int, int]) -> bool:  # type: ignore[no-untyped-def]
    return (Person.objects.count(), Place.objects.count(), AuditEvent.objects.count()) == before


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), Place.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"\xe5\xa7\x93\xe5\x90\x8d,\xe6\x88\xb7\xe5\x8f\xb7\n", "fake.xlsx", "not an Excel workbook"),
    (b"PK\x03\x04 not really a zip", "broken.xlsx", "not an Excel workbook"),
    (b"\x00\x01\x02\x03binary\xff\xfe\x00", "data.csv", "not a text file"),
    (b"\x1b[31mcontrol\x07\n", "bell.csv", "not a text file"),
    (b"name,household\n", "register.txt", ".xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "Old Excel files"),
    (b"", "empty.csv", "empty"),
])
def test_a_file_that_is_not_what_its_name_says_is_refused(people, tree, content, name, message):
    before = _counts()

    with pytest.raises(RuleViolation, match=message):
        do_import(people, tree, content, name=name)

    assert _nothing_written(tree, before)


def test_an_xlsx_named_csv_is_refused(people, tree):
    with pytest.raises(RuleViolation, match="is an Excel workbook"):
        do_import(people, tree, register_xlsx(good_rows()), name="r.csv")


def test_an_oversized_file_is_refused_and_writes_nothing(people, tree, settings):
    content = register_xlsx(good_rows())
    settings.YISHI_MAX_REGISTER_BYTES = len(content) - 1
    before = _counts()

    with pytest.raises(RuleViolation, match="larger than"):
        do_import(people, tree, content)

    assert _nothing_written(tree, before)


def test_a_file_over_the_row_limit_is_refused(people, tree, monkeypatch):
    monkeypatch.setattr(importers, "MAX_ROWS", 2)
    before = _counts()

    with pytest.raises(RuleViolation, match="more than 2 rows"):
        do_import(people, tree, register_xlsx(good_rows()))

    assert _nothing_written(tree, before)


def test_a_file_without_the_required_columns_is_refused(people, tree):
    with pytest.raises(RuleViolation, match="No header row"):
        do_import(people, tree, register_csv([["张三"]], headers=["姓名"]), name="r.csv")


def test_a_database_error_imports_none_of_the_rows(people, tree, monkeypatch):
    def fail(*args: object, **kwargs: object) -> None:
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "_sync_representatives", fail)
    before = _counts()

    with pytest.raises(RuleViolation, match="nothing was imported"):
        do_import(people, tree, register_xlsx(good_rows()))

    assert _nothing_written(tree, before)
    assert not Household.objects.filter(number="201").exists()


def test_a_file_with_only_bad_rows_writes_nothing(people, tree):
    before = _counts()

    report = do_import(people, tree, register_xlsx([["", "", "", "", "", "", "", "", ""],
                                                    ["x", "?", "", "", "", "", "", "", ""]]))

    assert report.imported == 0 and report.skipped == [3]
    assert _nothing_written(tree, before)


# --- Who may import ----------------------------------------------------------------------


def test_staff_of_another_community_cannot_import(people, tree):
    before = _counts()

    with pytest.raises(PermissionDenied):
        do_import(people, tree, register_xlsx(good_rows()), who="staff_b")

    assert _nothing_written(tree, before)


@pytest.mark.parametrize("who", ["resident_a", "courier_a"])
def test_residents_and_couriers_cannot_import(people, tree, who):
    with pytest.raises(PermissionDenied):
        do_import(people, tree, register_xlsx(good_rows()), who=who)


def test_township_staff_may_import_into_a_community_below(people, tree):
    report = do_import(people, tree, register_xlsx(good_rows()), who="township")

    assert report.created == [2, 3, 4]


def test_only_a_community_can_take_a_register(people, tree):
    with pytest.raises(RuleViolation, match="community or village"):
        services.import_register(actor=people["township"].user, community=tree["street"],
                                 file=upload(register_xlsx(good_rows())))


def test_a_resident_already_registered_here_is_matched(people, tree):
    existing = resident(tree["a"], name="周老")
    rows = [["周老", "", "", existing.personal.id_number, "", "", "", "999", ""]]

    report = do_import(people, tree, register_xlsx(rows))

    assert report.updated == [2]
    existing.refresh_from_db()
    assert existing.household.number == "999"


def test_the_register_records_household_registered_and_resident_only_people(people, tree):
    """户籍 or 常住 (000 §(二)(2)); blank keeps what is stored, anything else is refused."""
    rows = [row + [res] for row, res in zip(good_rows(), ["户籍", "常住", ""], strict=True)]
    rows.append(["赵六", "男", "1970-01-01", "", "", "", "", "301", "", "外地"])  # line 5
    report = do_import(people, tree, register_xlsx(rows))
    assert sorted(reasons_by_line(report)) == [5]
    assert "户籍" in reasons_by_line(report)[5] and "常住" in reasons_by_line(report)[5]
    by_id = {pd.id_number: pd.person.residence
             for pd in PersonalData.objects.with_id_numbers([ZHANG_ID, LI_ID, WANG_ID])
             .select_related("person")}
    assert by_id == {ZHANG_ID: "household", LI_ID: "resident", WANG_ID: "household"}
    # Re-imported with the cell blank, 李四 stays resident-only.
    do_import(people, tree, register_xlsx(good_rows()))
    assert PersonalData.objects.with_id_number(LI_ID).get().person.residence == "resident"

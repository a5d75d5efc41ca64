"""Reading a resident register (居民花名册) from XLSX or CSV into checked rows.

Parsing and the checks that need no database live here; ``services.import_register``
adds the checks that do (an ID number registered in another community) and writes.

A file is refused as a whole (``RegisterFileError``, nothing is read further) when it is
too large, has too many rows, is not what its name says (a ``.xlsx`` that is not an Excel
workbook, a ``.csv`` that is binary), or lacks the required columns. Otherwise every row
is checked and each bad row is reported with its spreadsheet line (the header is line 1
when it is the first row) and the reasons, in the user's language.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.utils.translation import gettext as _

from yishi.core import clock
from yishi.core.exceptions import RuleViolation

from .models import Gender
from .rules import birth_date_from_id, is_valid_id_number, is_valid_phone

MAX_ROWS = 20_000
# A zip (xlsx) whose content unpacks to more than this is refused (a "zip bomb").
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 10  # a title row ("幸福社区居民花名册") may sit above the header

# Field → accepted headers, compared after ``_norm_header``. The first is the template's.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name", "fullname"),
    "gender": ("性别", "gender", "sex"),
    "birth_date": ("出生日期", "出生年月日", "birthdate", "dateofbirth", "dob", "birthday"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "idnumber", "id", "idno",
                  "idcard"),
    "phone": ("手机号", "手机号码", "手机", "联系电话", "phone", "mobile", "mobilephone"),
    "group": ("居民小组", "村民小组", "小组", "group", "residentgroup"),
    "building": ("楼栋", "楼号", "楼栋号", "building"),
    "household": ("户号", "门牌号", "household", "householdnumber", "householdno"),
    "representative": ("是否居民代表", "是否村民代表", "居民代表", "村民代表", "representative",
                       "isrepresentative"),
    "residence": ("户籍类型", "户籍", "居住类型", "residence"),
}
REQUIRED = ("name", "household")
TEMPLATE_HEADERS = [aliases[0] for aliases in COLUMNS.values()]

_MALE = {"男", "男性", "m", "male"}
_FEMALE = {"女", "女性", "f", "female"}
_YES = {"是", "y", "yes", "true", "1", "√"}
_NO = {"否", "n", "no", "false", "0", "×"}
_HOUSEHOLD_REGISTERED = {"户籍", "户籍人口", "本地户籍", "household"}
_RESIDENT_ONLY = {"常住", "非户籍", "非户籍常住", "常住人口", "resident"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RegisterFileError(RuleViolation):
    """The file as a whole cannot be read as a register; nothing is imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message, rule="register_file")


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class RegisterRow:
    """One checked row; ``representative`` is None when the cell was left blank."""

    line: int
    name: str
    gender: str
    birth_date: date
    id_number: str
    phone: str
    group: str
    building: str
    household: str
    representative: bool | None
    residence: str | None = None  # "household" (户籍) or "resident" (常住); None: blank


@dataclass
class ParsedRegister:
    format: str
    rows: list[RegisterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    data_rows: int = 0  # non-blank rows below the header, good and bad


def _norm_header(value: Any) -> str:
    text = str(value or "").strip().lower()
    text = re.sub(r"[(（【\[].*?[)）】\]]", "", text)  # "出生日期(YYYY-MM-DD)"
    return re.sub(r"[\s*＊_\-:：]", "", text)


_ALIAS = {_norm_header(a): key for key, aliases in COLUMNS.items() for a in aliases}


# --- Reading the file ------------------------------------------------------------------


def read_register(file: IO[bytes], *, name: str, max_bytes: int,
                  max_rows: int | None = None, today: date | None = None) -> ParsedRegister:
    """Read and check a register file; raise ``RegisterFileError`` when it is refused."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RegisterFileError(
            _("The file is larger than %(mb)d MB. Split it into smaller files.")
            % {"mb": max_bytes // 2**20}
        )
    if not data:
        raise RegisterFileError(_("The file is empty."))
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == "xlsx":
        records: Iterable[tuple[int, list[Any]]] = _xlsx_records(data)
    elif ext == "csv":
        records = _csv_records(data)
    elif ext in ("xls", "et", "wps"):
        raise RegisterFileError(_("Old Excel files (.xls) cannot be read. Save the register as "
                                  "“Excel Workbook (.xlsx)” or as CSV and upload it again."))
    else:
        raise RegisterFileError(_("Upload the register as an Excel workbook (.xlsx) or a CSV "
                                  "file (.csv)."))
    return _check_records(records, fmt=ext, max_rows=max_rows, today=today or clock.localdate())


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl

    not_xlsx = _("The file is named .xlsx but is not an Excel workbook. Open it in Excel or "
                 "WPS and save it as “Excel Workbook (.xlsx)”.")
    if not data.startswith(b"PK\x03\x04"):
        raise RegisterFileError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError) as e:
        raise RegisterFileError(not_xlsx) from e
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise RegisterFileError(not_xlsx)
    if unpacked > MAX_UNPACKED_BYTES:
        raise RegisterFileError(_("The workbook unpacks to more than %(mb)d MB. Remove other "
                                  "sheets, pictures or formatting and try again.")
                                % {"mb": MAX_UNPACKED_BYTES // 2**20})
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged workbook
        raise RegisterFileError(not_xlsx) from e
    try:
        if not wb.worksheets:
            raise RegisterFileError(_("The workbook has no sheet."))
        # The first sheet is the register; read-only rows come in order from line 1.
        for line, values in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
            yield line, list(values)
    except RegisterFileError:
        raise
    except Exception as e:
        raise RegisterFileError(not_xlsx) from e
    finally:
        wb.close()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 as Excel in China saves."""
    not_text = _("The file is named .csv but is not a text file. Save the register from Excel "
                 "or WPS as “CSV” and upload it again.")
    if data.startswith(b"PK\x03\x04"):
        raise RegisterFileError(_("The file is named .csv but is an Excel workbook. Rename it "
                                  "to .xlsx or save it as CSV."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise RegisterFileError(not_text) from e
    else:
        if b"\x00" in data:
            raise RegisterFileError(not_text)
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RegisterFileError(not_text)
    if _CONTROL.search(text):
        raise RegisterFileError(not_text)
    return text


def _csv_records(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = decode_csv(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A record is one spreadsheet row even when a quoted cell holds a line break.
        yield from enumerate(reader, start=1)
    except csv.Error as e:
        raise RegisterFileError(
            _("The CSV file is malformed near line %(line)d.") % {"line": reader.line_num}
        ) from e


# --- Checking the rows -----------------------------------------------------------------


def _blank(values: list[Any]) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def _find_header(records: Iterator[tuple[int, list[Any]]]) -> tuple[int, dict[str, int], list[str]]:
    for _i in range(HEADER_SEARCH_ROWS):
        try:
            line, values = next(records)
        except StopIteration:
            break
        mapping: dict[str, int] = {}
        ignored: list[str] = []
        for col, value in enumerate(values):
            key = _ALIAS.get(_norm_header(value))
            if key and key not in mapping:
                mapping[key] = col
            elif str(value or "").strip():
                ignored.append(str(value).strip())
        if all(k in mapping for k in REQUIRED):
            return line, mapping, ignored
    raise RegisterFileError(
        _("No header row found. The first row must name the columns; 姓名 (name) and 户号 "
          "(household number) are required. Download the template to see them all.")
    )


def _check_records(records: Iterable[tuple[int, list[Any]]], *, fmt: str, max_rows: int,
                   today: date) -> ParsedRegister:
    it = iter(records)
    _header_line, mapping, ignored = _find_header(it)
    parsed = ParsedRegister(format=fmt, ignored_columns=ignored)
    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    household_place: dict[str, tuple[str, str, int]] = {}
    for line, values in it:
        if _blank(values):
            continue
        parsed.data_rows += 1
        if parsed.data_rows > max_rows:
            raise RegisterFileError(
                _("The file has more than %(n)d rows. Split it into smaller files.")
                % {"n": max_rows}
            )
        cells = {key: (values[col] if col < len(values) else None) for key, col in mapping.items()}
        row, reasons = _check_row(line, cells, today)
        if row is not None:
            # Checks across rows: the same person twice, one household in two places.
            if row.id_number:
                if row.id_number in seen_ids:
                    reasons.append(_("The same ID number is already on line %(line)d.")
                                   % {"line": seen_ids[row.id_number]})
                else:
                    seen_ids[row.id_number] = line
            else:
                key = (row.household, row.name)
                if key in seen_names:
                    reasons.append(_("The same name in the same household is already on line "
                                     "%(line)d; give the ID numbers to tell them apart.")
                                   % {"line": seen_names[key]})
                else:
                    seen_names[key] = line
            where = household_place.get(row.household)
            if where is None:
                household_place[row.household] = (row.group, row.building, line)
            elif where[:2] != (row.group, row.building):
                reasons.append(_("Household %(number)s is in another group or building on line "
                                 "%(line)d.") % {"number": row.household, "line": where[2]})
        if reasons:
            parsed.errors.extend(RowError(line, r) for r in reasons)
        elif row is not None:
            parsed.rows.append(row)
    return parsed


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    m = _DATE.match(text) or _DATE_COMPACT.match(text)
    if not m:
        raise ValueError(text)
    return date(int(m[1]), int(m[2]), int(m[3]))


def _check_row(line: int, cells: dict[str, Any], today: date) -> tuple[RegisterRow | None,
                                                                        list[str]]:
    reasons: list[str] = []
    name = _text(cells.get("name"))
    if not name:
        reasons.append(_("The name is missing."))
    elif len(name) > 50:
        reasons.append(_("The name is longer than 50 characters."))

    raw_id = cells.get("id_number")
    id_number = re.sub(r"\s", "", _text(raw_id)).upper()
    id_birth: date | None = None
    # Excel keeps a number as a double with 15 significant digits: an ID typed as a number
    # has lost its last digits, even if what is left happens to pass the check.
    lost_digits = isinstance(raw_id, float) and abs(raw_id) >= 2**53
    if id_number:
        if lost_digits or not is_valid_id_number(id_number):
            if isinstance(raw_id, int | float):
                reasons.append(_("The ID number was stored as a number and lost digits; format "
                                 "the column as text and type it again."))
            else:
                reasons.append(_("The ID number is not valid (18 characters with a correct "
                                 "check digit and date of birth)."))
            id_number = ""
        else:
            id_birth = birth_date_from_id(id_number)

    gender = ""
    g = _text(cells.get("gender")).lower()
    id_gender = ""
    if id_birth is not None:
        id_gender = Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE
    if g in _MALE:
        gender = Gender.MALE
    elif g in _FEMALE:
        gender = Gender.FEMALE
    elif g:
        reasons.append(_("The gender must be 男 or 女."))
    if gender and id_gender and gender != id_gender:
        reasons.append(_("The gender does not match the ID number."))
    gender = gender or id_gender

    birth: date | None = None
    raw_birth = cells.get("birth_date")
    if _text(raw_birth):
        try:
            birth = _parse_date(raw_birth)
        except ValueError:
            reasons.append(_("The date of birth is not a date (write it as 1980-05-01)."))
        if birth is not None and birth > today:
            reasons.append(_("The date of birth is in the future."))
        if birth is not None and id_birth is not None and birth != id_birth:
            reasons.append(_("The date of birth does not match the ID number."))
    birth = birth or id_birth
    if birth is None and not _text(raw_birth) and not _text(raw_id):
        reasons.append(_("Give the date of birth or the ID number."))

    phone = re.sub(r"[\s\-]", "", _text(cells.get("phone")))
    if phone.startswith("+86"):
        phone = phone[3:]
    if phone and not is_valid_phone(phone):
        reasons.append(_("The mobile number is not valid (11 digits starting with 1)."))

    group = _text(cells.get("group"))
    building = _text(cells.get("building"))
    if len(group) > 100 or len(building) > 100:
        reasons.append(_("The group or building name is longer than 100 characters."))
    if building and not group:
        reasons.append(_("A building needs its resident group."))

    household = _text(cells.get("household"))
    if not household:
        reasons.append(_("The household number is missing."))
    elif len(household) > 64:
        reasons.append(_("The household number is longer than 64 characters."))

    representative: bool | None = None
    rep = _text(cells.get("representative")).lower()
    if rep in _YES:
        representative = True
    elif rep in _NO:
        representative = False
    elif rep:
        reasons.append(_("“Representative” must be 是 or 否."))

    residence: str | None = None
    res = _text(cells.get("residence")).lower()
    if res in _HOUSEHOLD_REGISTERED:
        residence = "household"
    elif res in _RESIDENT_ONLY:
        residence = "resident"
    elif res:
        reasons.append(_("“Residence” must be 户籍 or 常住."))

    if birth is None:
        return None, reasons
    return RegisterRow(line=line, name=name, gender=gender, birth_date=birth,
                       id_number=id_number, phone=phone, group=group, building=building,
                       household=household, representative=representative,
                       residence=residence), reasons

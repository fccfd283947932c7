"""Importing a notice's directives from .xlsx: every row checked first; all saved, or nothing.

Idempotent by (notice, item number): a row whose item the notice already has is left as it is, so
importing the same file twice creates nothing the second time and changes nothing.

Nothing in the file is evaluated: a formula cell is imported as its literal text ("=A5+1", not its
result), and a text such as "=1+1" stays that text (the exports then write it as text, never as a
formula). The one change made: the quote our CSV export puts before such a text ("'=1+1") is dropped,
so a CSV export saved as .xlsx imports back as written. Dates outside conference.dates' range are
refused row by row.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from conference.dates import MAX_DATE, MIN_DATE, validate_record_date
from conference.models import Agency
from conference.selectors import agencies_by_name
from conference.text import fold
from directives import services
from directives.models import Directive

from .sheets import looks_like_formula, xlsx_cell

MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 30

# Column key: (header as written in the template, folded header accepted, required)
COLUMNS = {
    "item": ("Mục", "muc", True),
    "text": ("Nội dung nhiệm vụ", "noi dung nhiem vu", True),
    "lead": ("Cơ quan chủ trì", "co quan chu tri", True),
    "coordinating": ("Cơ quan phối hợp", "co quan phoi hop", False),
    "phrase": ("Thời hạn", "thoi han", False),
    "due": ("Hạn xử lý", "han xu ly", False),
    "category": ("Nhóm", "nhom", False),
}
TEMPLATE_HEADERS = [header for header, _folded, _required in COLUMNS.values()]
# Which column a model field's error belongs to.
FIELD_COLUMNS = {
    "item_number": "item",
    "text": "text",
    "lead_agency": "lead",
    "lead_group": "lead",
    "deadline_phrase": "phrase",
    "due_date": "due",
    "category": "category",
}
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
CATEGORY_WORDS = {
    "": "",
    "chua phan loai": "",
    "trong tam": Directive.Category.FOCUS,
    "co lo trinh": Directive.Category.ROADMAP,
    "lo trinh": Directive.Category.ROADMAP,
    "thuong xuyen": Directive.Category.RECURRING,
}


@dataclass
class RowError:
    row: int
    column: str  # the header as written in the file, or "" for the row as a whole
    message: str

    def __str__(self):
        if not self.row:
            return self.message
        if self.column:
            return _("Row %(row)d, column '%(column)s': %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    created: list = field(default_factory=list)  # Directive instances (saved unless dry_run)
    existing: list = field(default_factory=list)  # item numbers the notice already had
    rows: int = 0
    saved: bool = False

    @property
    def ok(self):
        return not self.errors


class ImportFileError(Exception):
    """The file cannot be read as a table at all (not .xlsx, no header row)."""


@dataclass
class ParsedRow:
    number: int
    values: dict
    directive: Directive | None = None
    coordinating_ids: list = field(default_factory=list)


class AgencyIndex:
    """Agencies by folded name and short name (``agencies_by_name``), loaded in one query."""

    def __init__(self):
        self.by_key = agencies_by_name()

    @cached_property
    def names(self):
        # Only an ambiguous name needs them: one more query, the first time one is met.
        return dict(Agency.objects.values_list("pk", "name"))

    def find(self, text):
        """(agency id, None) or (None, error message)."""
        found = self.by_key.get(fold(text), set())
        if len(found) == 1:
            return next(iter(found)), None
        if not found:
            return None, _("no agency is named “%(name)s” (by name or short name)") % {"name": text}
        names = ", ".join(sorted(self.names.get(pk, str(pk)) for pk in found))
        return None, _("“%(name)s” could be any of: %(names)s; write the full name") % {"name": text, "names": names}


def read_rows(upload):
    """(header row number, {column key: header as written}, [(row number, {column key: value})])."""
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula comes back as its own text, never as a result cached by whoever saved it.
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise ImportFileError(_("The file could not be read as an Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_at, headers = None, {}
        for number, values in enumerate(rows, start=1):
            folded = [fold(str(v)) if v is not None else "" for v in values]
            if COLUMNS["text"][1] in folded:
                header_at = number
                for index, cell in enumerate(folded):
                    for key, (_written, wanted, _required) in COLUMNS.items():
                        if cell == wanted and key not in headers:
                            headers[key] = (index, str(values[index]).strip())
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if header_at is None:
            raise ImportFileError(
                _("No header row was found: the first rows must include the column “%(column)s”.")
                % {"column": COLUMNS["text"][0]}
            )
        missing = [COLUMNS[key][0] for key, (_w, _f, required) in COLUMNS.items() if required and key not in headers]
        if missing:
            raise ImportFileError(
                _("Columns missing from the header row: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        data = []
        for number, values in enumerate(rows, start=header_at + 1):
            cells = {key: (values[index] if index < len(values) else None) for key, (index, _h) in headers.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
                continue
            data.append((number, cells))
            if len(data) > MAX_ROWS:
                raise ImportFileError(_("The file has more than %(n)d rows: split it.") % {"n": MAX_ROWS})
        return header_at, {key: written for key, (_i, written) in headers.items()}, data
    finally:
        workbook.close()


def _text(value):
    if value is None:
        return ""
    if isinstance(value, ArrayFormula | DataTableFormula):  # an array formula's own text, as for any formula
        value = getattr(value, "text", "") or ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s+", " ", str(value)).strip()
    if text.startswith("'") and looks_like_formula(text[1:]):
        text = text[1:]  # the escape our CSV export adds, kept by a spreadsheet that reopened it
    return text


def _date(value):
    """(date or None, error message or None)."""
    if value in (None, ""):
        return None, None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        for pattern in DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            return None, _("“%(value)s” is not a date: write it as dd/mm/yyyy") % {"value": text}
    try:
        validate_record_date(day)
    except ValidationError:
        return None, _("%(date)s is outside the accepted range of dates (%(start)s to %(end)s): check the year") % {
            "date": f"{day:%d/%m/%Y}",
            "start": f"{MIN_DATE:%d/%m/%Y}",
            "end": f"{MAX_DATE:%d/%m/%Y}",
        }
    return day, None


def _split_agencies(text):
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def _category(text):
    folded = fold(text)
    if folded in CATEGORY_WORDS:
        return CATEGORY_WORDS[folded], None
    for value, label in Directive.Category.choices:
        if folded in (fold(value), fold(str(label))):
            return value, None
    choices = ", ".join(label for label in ("trọng tâm", "có lộ trình", "thường xuyên"))
    return None, _("“%(value)s” is not a category: write one of %(choices)s, or leave it empty") % {
        "value": text,
        "choices": choices,
    }


def import_directives(*, notice, upload, dry_run=False) -> ImportResult:
    """Check every row of ``upload`` for ``notice``; save the new ones in one transaction if all are valid."""
    _header_at, headers, data = read_rows(upload)
    result = ImportResult(rows=len(data))
    agencies = AgencyIndex()
    existing = set(notice.directives.exclude(item_number="").values_list("item_number", flat=True))
    seen_items = {}
    parsed = []

    def error(number, key, message):
        result.errors.append(RowError(number, headers.get(key, COLUMNS[key][0]) if key else "", message))

    for number, cells in data:
        errors_before = len(result.errors)
        item = _text(cells.get("item"))
        text = _text(cells.get("text"))
        if not item:
            error(number, "item", _("give the item number: it identifies the directive within the notice"))
        elif item in seen_items:
            error(number, "item", _("item %(item)s is also on row %(row)d") % {"item": item, "row": seen_items[item]})
        else:
            seen_items[item] = number
        if not text:
            error(number, "text", _("the directive's text is empty"))
        lead_text = _text(cells.get("lead"))
        lead_id = None
        if not lead_text:
            error(number, "lead", _("name the lead agency"))
        else:
            lead_id, message = agencies.find(lead_text)
            if message:
                error(number, "lead", message)
        coordinating_ids = []
        for name in _split_agencies(_text(cells.get("coordinating"))):
            agency_id, message = agencies.find(name)
            if message:
                error(number, "coordinating", message)
                continue
            try:
                Directive.check_assignment(lead_id, [agency_id])  # the one rule, in its own words
            except ValidationError as exc:
                error(number, "coordinating", exc.messages[0])
                continue
            if agency_id not in coordinating_ids:
                coordinating_ids.append(agency_id)
        due_date, message = _date(cells.get("due"))
        if message:
            error(number, "due", message)
        category, message = _category(_text(cells.get("category")))
        if message:
            error(number, "category", message)
        phrase = _text(cells.get("phrase"))
        if len(result.errors) > errors_before or item in existing:
            if item in existing and len(result.errors) == errors_before:
                result.existing.append(item)
            continue
        directive = Directive(
            notice=notice,
            session=notice.session,
            item_number=item,
            text=text,
            lead_agency_id=lead_id,
            deadline_phrase=phrase,
            due_date=due_date,
            due_rule=_("As written in the imported file") if due_date else "",
            category=category,
        )
        directive.given_on = directive.default_given_on()
        if due_date and directive.given_on and due_date < directive.given_on:
            error(
                number,
                "due",
                _("the due date %(due)s is before the day the directive was given (%(given)s)")
                % {"due": f"{due_date:%d/%m/%Y}", "given": f"{directive.given_on:%d/%m/%Y}"},
            )
            continue
        try:
            directive.full_clean()
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                key = FIELD_COLUMNS.get(field_name) if field_name != NON_FIELD_ERRORS else None
                for message in messages:
                    error(number, key, message)
            continue
        parsed.append(ParsedRow(number, cells, directive, coordinating_ids))

    result.created = [row.directive for row in parsed]
    if result.errors or dry_run:
        return result
    if not parsed:
        result.saved = True  # every row already recorded: nothing to do, and nothing changed
        return result
    try:
        services.directives_create(rows=[(row.directive, row.coordinating_ids) for row in parsed])
    except (IntegrityError, ValidationError) as exc:
        # Another clerk imported the same items at the same moment: nothing of this file was kept.
        result.created = []
        message = _("Nothing was saved: %(error)s. Try again.") % {
            "error": "; ".join(getattr(exc, "messages", [str(exc)]))
        }
        result.errors.append(RowError(0, "", message))
        return result
    result.saved = True
    return result


def template_workbook(stream):
    """The empty import template: the header row, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiệm vụ"
    sheet.append([xlsx_cell(sheet, header) for header in TEMPLATE_HEADERS])
    for i, width in enumerate([7, 70, 34, 44, 24, 12, 16], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.cell(row=1, column=i).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("Hướng dẫn")
    for line in [
        "Mỗi dòng là một nhiệm vụ của thông báo được chọn khi nhập.",
        "Mục: số thứ tự của nhiệm vụ trong thông báo (bắt buộc). Nhập lại cùng tệp không tạo trùng.",
        "Nội dung nhiệm vụ: bắt buộc.",
        "Cơ quan chủ trì: tên đầy đủ hoặc tên viết tắt của một cơ quan đã có trong danh mục (bắt buộc).",
        "Cơ quan phối hợp: các cơ quan, cách nhau bằng dấu ; hoặc dấu ,",
        "Thời hạn: ghi như văn bản, ví dụ 'trước ngày 15/8'.",
        "Hạn xử lý: ngày dd/mm/yyyy, để trống nếu văn bản không nêu ngày.",
        "Nhóm: trọng tâm, có lộ trình, thường xuyên, hoặc để trống.",
        "Tệp chỉ được lưu khi mọi dòng đều hợp lệ; nếu có lỗi, không dòng nào được lưu.",
        "Hệ thống không tính công thức: ô có công thức được nhập nguyên văn công thức (ví dụ '=A5+1'); "
        "hãy dán giá trị (Paste Special → Values) trước khi nhập.",
    ]:
        help_sheet.append([xlsx_cell(help_sheet, line)])
    help_sheet.column_dimensions["A"].width = 110
    workbook.save(stream)

"""Tables written as .xlsx (openpyxl) or .csv: a title, the filters used, then the header and the rows.

Dates are real dates in Excel, shown dd/mm/yyyy; in CSV they are written dd/mm/yyyy.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify

from conference.text import fold

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"
EXPORTED_ON = "Ngày xuất"
FILTERS = "Điều kiện lọc"
NO_FILTER = "không có (tất cả)"


@dataclass
class Table:
    """One sheet: ``filters`` are (label, value) pairs written above the header."""

    title: str
    headers: list
    rows: object  # an iterable of lists (may be a generator: written once)
    filters: list = field(default_factory=list)
    widths: list = field(default_factory=list)
    sheet_name: str = ""
    percent_columns: frozenset = frozenset()

    def preamble(self):
        lines = [[self.title], [f"{EXPORTED_ON}: {timezone.localdate():%d/%m/%Y}"]]
        if self.filters:
            lines.append([f"{FILTERS}:"])
            lines += [[f"- {label}: {value}"] for label, value in self.filters]
        else:
            lines.append([f"{FILTERS}: {NO_FILTER}"])
        return [*lines, []]


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


def write_csv(table, stream):
    """CSV in UTF-8 with a byte-order mark, so Excel shows the Vietnamese letters."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    for line in table.preamble():
        writer.writerow(line)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_cell_text(v) for v in row])


def write_xlsx(tables, stream):
    """One sheet per table, written in openpyxl's write-only mode (constant memory for long lists)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    wrap = Alignment(wrap_text=True, vertical="top")
    used_names = set()
    for table in tables:
        name = _sheet_name(table.sheet_name or table.title, used_names)
        sheet = workbook.create_sheet(name)
        for i, width in enumerate(table.widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        for n, line in enumerate(table.preamble()):
            cells = []
            for value in line:
                cell = WriteOnlyCell(sheet, value=str(value))
                if n == 0:
                    cell.font = Font(bold=True, size=13)
                cells.append(cell)
            sheet.append(cells)
        header = []
        for value in table.headers:
            cell = WriteOnlyCell(sheet, value=str(value))
            cell.font, cell.fill, cell.alignment = bold, header_fill, wrap
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for i, value in enumerate(row):
                if isinstance(value, Promise):  # a lazy translation (status and category labels)
                    value = str(value)
                if isinstance(value, datetime.datetime):
                    value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
                elif i in table.percent_columns and isinstance(value, float):
                    cell.number_format = PERCENT_FORMAT
                elif isinstance(value, str) and len(value) > 60:
                    cell.alignment = wrap
                cells.append(cell)
            sheet.append(cells)
    workbook.save(stream)


def _sheet_name(title, used):
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.casefold())
    return name


def filename(stem, extension):
    return f"{slugify(fold(stem)) or 'export'}-{timezone.localdate():%Y%m%d}.{extension}"


def response(tables, fmt, stem):
    """An attachment response with the tables as .xlsx (every table a sheet) or .csv (the first table)."""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(tables, buffer)
        result = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        buffer = io.StringIO()
        write_csv(tables[0], buffer)
        result = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{filename(stem, fmt)}"'
    return result

"""Tables written as .xlsx (openpyxl) or .csv: a title, the filters used, then the header and the rows.

Dates are real dates in Excel, shown dd/mm/yyyy; in CSV they are written dd/mm/yyyy.

Every cell of every sheet goes through ``xlsx_cell`` or ``csv_cell``: a text that a spreadsheet would
read as a formula ("=HYPERLINK(...)", "+1", "-", "@SUM", a leading tab or CR) is typed in as text.
In .xlsx it is an explicit string cell (never ``<f>``), shown exactly as written; in .csv it gets a
leading single quote, as OWASP's CSV-injection guidance says. Numbers and dates stay numbers and dates.
"""

import csv
import datetime
import decimal
import io
import re
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl.cell import WriteOnlyCell

from conference.text import fold

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
# Rates are reported to a hundredth of a percent (98.62%), rounded down by ``selectors.rate``.
PERCENT_FORMAT = "0.00%"
EXPORTED_ON = "Ngày xuất"
FILTERS = "Điều kiện lọc"
NO_FILTER = "không có (tất cả)"
# The first characters that make Excel, LibreOffice or Google Sheets evaluate a cell (OWASP; ASVS 1.2.10).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
# Control characters an .xlsx cell cannot hold (openpyxl refuses them): dropped, they are invisible anyway.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
NUMBERS = (int, float, decimal.Decimal, datetime.date, datetime.time)  # bool and datetime are among them


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
            # A bullet, not "- ": a line of our own should not need escaping as a formula.
            lines += [[f"• {label}: {value}"] for label, value in self.filters]
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
        return f"{value:.2%}".replace(".", ",")  # a rate, written as the dashboard writes it: "98,62%"
    return str(value)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def csv_cell(value) -> str:
    """One CSV cell: a number or a date as written, a text a spreadsheet would evaluate behind a quote."""
    text = _cell_text(value)
    if not isinstance(value, NUMBERS) and looks_like_formula(text):
        return "'" + text
    return text


def xlsx_cell(sheet, value):
    """One .xlsx cell: numbers and dates typed as such, any other value an explicit string, never a formula."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, NUMBERS):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        return cell
    text = XLSX_ILLEGAL.sub("", str(value))  # str() also resolves a lazy translation
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl reads "=..." as a formula and "#REF!" as an error: force the string type, and mark a
    # formula-like text with Excel's quote prefix so that editing the cell does not turn it into one.
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def write_csv(table, stream):
    """CSV in UTF-8 with a byte-order mark, so Excel shows the Vietnamese letters."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    for line in table.preamble():
        writer.writerow([csv_cell(v) for v in line])
    writer.writerow([csv_cell(v) for v in table.headers])
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])


def write_xlsx(tables, stream):
    """One sheet per table, written in openpyxl's write-only mode (constant memory for long lists)."""
    from openpyxl import Workbook
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
                cell = xlsx_cell(sheet, value)
                if n == 0:
                    cell.font = Font(bold=True, size=13)
                cells.append(cell)
            sheet.append(cells)
        header = []
        for value in table.headers:
            cell = xlsx_cell(sheet, value)
            cell.font, cell.fill, cell.alignment = bold, header_fill, wrap
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for i, value in enumerate(row):
                cell = xlsx_cell(sheet, value)
                if i in table.percent_columns and isinstance(value, float):
                    cell.number_format = PERCENT_FORMAT
                elif cell.data_type == "s" and len(cell.value) > 60:
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

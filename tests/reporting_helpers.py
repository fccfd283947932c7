"""Helpers for the reporting tests: a frozen day, mixed states on the seeds, sheets read back."""

import datetime
import io
import zoneinfo

from openpyxl import Workbook, load_workbook

from directives.models import Directive

TODAY = datetime.date(2024, 9, 15)
NOW = datetime.datetime(2024, 9, 15, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


def many_directives(session, lead_agency, count, due_date, **fields):
    """``count`` directives of one session and lead at once: past 999 of a kind without ~10 queries
    each through the services (the database's triggers keep the assignments and the tally exact)."""
    Directive.objects.bulk_create(
        Directive(session=session, lead_agency=lead_agency, due_date=due_date, text=f"Nhiệm vụ số {n}", **fields)
        for n in range(count)
    )


def vary_states(directives):
    """Give the (all open) seed directives every kind of status, deterministically by id."""
    for n, directive in enumerate(directives.order_by("pk")):
        kind = n % 6
        base = directive.due_date or directive.given_on or TODAY - datetime.timedelta(days=60)
        if kind == 1:
            directive.state = Directive.State.COMPLETED
            directive.completed_on = max(base - datetime.timedelta(days=2), directive.given_on or base)
        elif kind == 2 and directive.due_date:
            directive.state = Directive.State.COMPLETED
            directive.completed_on = min(directive.due_date + datetime.timedelta(days=5), TODAY)
            if directive.completed_on <= directive.due_date:
                directive.completed_on = directive.due_date + datetime.timedelta(days=1)
        elif kind == 3:
            directive.state = Directive.State.AWAITING_CONFIRMATION
        elif kind == 4:
            directive.state = Directive.State.CANCELLED
        else:
            continue
        directive.save()


def read_xlsx(content):
    """(preamble lines, header, rows, sheet) of the first sheet of an exported workbook."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows())
    for index, row in enumerate(rows):
        if row[0].value == "STT" or row[0].value == "Chỉ tiêu" or row[0].value == "Tháng":
            preamble = [r[0].value for r in rows[:index] if r and r[0].value]
            header = [c.value for c in row]
            return preamble, header, rows[index + 1 :], sheet
    raise AssertionError("no header row")


def xlsx_file(rows, headers=None, name="nhiem-vu.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["THÔNG BÁO KẾT LUẬN — danh sách nhiệm vụ"])
    sheet.append([])
    sheet.append(
        headers or ["Mục", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn", "Hạn xử lý", "Nhóm"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")

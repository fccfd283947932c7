"""The rest of the isolation matrix (tests/test_offices.py has the admin's model pages): every other
path by which a clerk might read or change another office's records, both ways — the sheets in both
formats, the dashboard's sheets, the notice's PDF, the cascade pages and their forms, the national
office's implementation page — each a 404, an absence, or nothing changed."""

import io

import openpyxl
import pytest
from django.urls import reverse

from directives.models import Directive, ProgressReport
from directives.reporting.views import TABLES

from .test_offices import clerks, records, world  # noqa: F401 (fixtures and the records of each side)

PAIRS = [("national", "province"), ("province", "national")]


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("viewer,owner", PAIRS)
def test_no_sheet_or_page_outside_the_model_admin_shows_another_offices_records(world, clerks, viewer, owner):  # noqa: F811
    theirs, mine = records(world, owner), records(world, viewer)
    client = clerks[viewer]
    their_text, my_text = theirs["directive"].text, mine["directive"].text

    # The directive list as an Excel sheet.
    sheet = client.get(reverse("admin:directives_directive_export_xlsx"))
    assert sheet.status_code == 200
    text = _xlsx_text(_body(sheet))
    assert their_text not in text and my_text in text
    assert (
        client.get(reverse("admin:directives_directive_export_xlsx"), {"notice": theirs["notice"].pk}).status_code
        == 404
    )

    # The dashboard's sheets (every table in one workbook; each table as CSV).
    book = client.get(reverse("admin:dashboard_export", args=["all", "xlsx"]))
    assert book.status_code == 200
    text = _xlsx_text(_body(book))
    assert theirs["session"].title not in text and mine["session"].title in text
    for table in TABLES:
        csv = client.get(reverse("admin:dashboard_export", args=[table, "csv"]))
        assert csv.status_code == 200, table
        assert theirs["session"].title.encode() not in _body(csv), table

    # The notice's summary and its PDF.
    for name in ("conference_conclusionnotice_summary", "conference_conclusionnotice_summary_pdf"):
        assert client.get(reverse(f"admin:{name}", args=[theirs["notice"].pk])).status_code == 404, name

    # The dashboard's page: neither their sessions nor their notices named.
    page = client.get(reverse("admin:dashboard")).content.decode()
    assert theirs["session"].title not in page

    # The national office's implementation page and its sheet: only the viewer's own directives.
    implementation = client.get(reverse("admin:directives_directive_implementation"))
    assert implementation.status_code == 200
    assert theirs["directive"].pk not in {r.directive.pk for r in implementation.context["rows"]}
    sheet = client.get(reverse("admin:directives_directive_implementation"), {"format": "csv"})
    assert their_text.encode() not in _body(sheet)

    # The cascade's detail page and its two forms, on a directive not given to the viewer: 404, nothing
    # made. (The national directive led by the province is given to it: read only, its own test.)
    stranger = theirs["directive"] if owner == "province" else world.to_ministry
    detail = reverse("admin:directives_directive_from_centre_detail", args=[stranger.pk])
    assert client.get(detail).status_code == 404
    implement = client.post(
        detail,
        {
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "0",
            "rows-0-text": "Nhiệm vụ lạ",
            "rows-0-lead_agency": world.department.pk,
            "session": mine["session"].pk,
            "_implement": "1",
        },
    )
    assert implement.status_code == 404
    assert not Directive.objects.filter(implements=stranger).exists()
    reports_before = ProgressReport.objects.filter(directive=stranger).count()
    assert client.post(detail, {"_report": "1", "note": "Báo cáo lạ"}).status_code == 404
    assert ProgressReport.objects.filter(directive=stranger).count() == reports_before

    # The history of their directive, and the change of their progress report.
    assert client.get(reverse("admin:directives_directive_history", args=[theirs["directive"].pk])).status_code == 404
    assert client.post(
        reverse("admin:directives_progressreport_change", args=[theirs["report"].pk]), {"note": "sửa"}
    ).status_code in (403, 404)

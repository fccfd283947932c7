"""An attachment's type is what its bytes are, and must agree with its name; stored files are served as downloads."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives.models import ProgressReport, ReportAttachment

from . import attachment_samples as files

pytestmark = pytest.mark.django_db

ACCEPTED = [
    ("bao-cao.pdf", files.PDF, "application/pdf"),
    ("bao-cao.docx", files.ooxml("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("so-lieu.xlsx", files.ooxml("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("trinh-bay.pptx", files.ooxml("ppt"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("van-ban.odt", files.odf("text"), "application/vnd.oasis.opendocument.text"),
    ("bang.ods", files.odf("spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("cu.doc", files.DOC, "application/msword"),
    ("anh.png", files.png(), "image/png"),
    ("ANH.JPG", files.JPEG, "image/jpeg"),
    ("anh.jpeg", files.JPEG, "image/jpeg"),
    ("anh.gif", files.GIF, "image/gif"),
    ("anh.webp", files.WEBP, "image/webp"),
    ("quet.tiff", files.TIFF, "image/tiff"),
]

# (file name, bytes, the Content-Type the client claims)
REFUSED = [
    ("setup.exe", files.EXE, "application/pdf"),
    ("bao-cao.pdf", files.EXE, "application/pdf"),
    ("bao-cao.pdf", files.EXE, "application/octet-stream"),
    ("anh.png", files.HTML, "image/png"),
    ("bao-cao.pdf", files.HTML, "application/pdf"),
    ("anh.png", files.SVG, "image/png"),
    ("anh.svg", files.SVG, "image/svg+xml"),
    ("anh.png", files.ELF, "image/png"),
    ("bao-cao.docx", files.PDF, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("anh.jpg", files.png(), "image/jpeg"),
    ("bao-cao.pdf", files.png(), "application/pdf"),
    ("so-lieu.xlsx", files.ooxml("word"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("bao-cao.docx", files.zipped({"a.txt": "x"}), "application/zip"),
    ("bao-cao.docx", files.zipped({"[Content_Types].xml": "<x/>", "word/a": "", "xl/b": ""}), "application/zip"),
    ("bao-cao.docx", files.ooxml("word")[:40], "application/zip"),  # a truncated archive
    ("bang.ods", files.odf("text"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("van-ban.odt", files.zipped({"mimetype": "text/html", "x": ""}), "application/vnd.oasis.opendocument.text"),
    ("bao-cao.zip", files.zipped({"a.pdf": files.PDF}), "application/zip"),
    ("bao-cao", files.PDF, "application/pdf"),
    ("bao-cao.pdf.exe", files.PDF, "application/pdf"),
    ("ghi-chu.txt", b"plain text", "text/plain"),
]


def url(directive):
    return f"/api/v1/directives/{directive.pk}/reports/"


def upload(client, directive, *uploads):
    return client.post(url(directive), {"note": "Kèm tệp", "files": list(uploads)}, HTTP_ACCEPT_LANGUAGE="vi")


@pytest.mark.parametrize(("name", "data", "sniffed"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_a_file_whose_bytes_and_name_agree_is_stored_with_the_sniffed_type(world, name, data, sniffed):
    # The client's Content-Type is not believed, so a wrong one changes nothing.
    sent = SimpleUploadedFile(name, data, content_type="text/html")
    response = upload(world["a"].client, world["d_a"], sent)
    assert response.status_code == 201, response.content
    assert response.json()["attachments"][0]["content_type"] == sniffed
    assert ReportAttachment.objects.get().content_type == sniffed


@pytest.mark.parametrize(("name", "data", "claimed"), REFUSED, ids=[f"{i}-{row[0]}" for i, row in enumerate(REFUSED)])
def test_a_file_whose_bytes_are_not_allowed_or_disagree_with_its_name_is_415(world, name, data, claimed):
    response = upload(world["a"].client, world["d_a"], SimpleUploadedFile(name, data, content_type=claimed))
    assert response.status_code == 415, response.content
    body = response.json()
    assert body["status"] == 415
    assert name in body["detail"]
    assert ProgressReport.objects.count() == ReportAttachment.objects.count() == 0


def test_an_empty_file_is_refused_and_nothing_is_saved(world):
    empty = SimpleUploadedFile("rong.pdf", b"", content_type="application/pdf")
    response = upload(world["a"].client, world["d_a"], empty)
    assert response.status_code == 400
    assert "files" in response.json()["errors"]
    assert ProgressReport.objects.count() == ReportAttachment.objects.count() == 0


def test_one_refused_file_among_good_ones_saves_nothing(world):
    good = SimpleUploadedFile("bao-cao.pdf", files.PDF, content_type="application/pdf")
    bad = SimpleUploadedFile("anh.png", files.HTML, content_type="image/png")
    response = upload(world["a"].client, world["d_a"], good, bad)
    assert response.status_code == 415
    assert "anh.png" in response.json()["detail"]
    assert "tệp" in response.json()["detail"] or "nội dung" in response.json()["detail"]
    assert ProgressReport.objects.count() == ReportAttachment.objects.count() == 0


def test_a_stored_file_is_a_download_of_its_sniffed_type_that_the_browser_must_not_sniff(world, admin_client):
    sent = SimpleUploadedFile("anh.png", files.png(), content_type="text/html")
    assert upload(world["a"].client, world["d_a"], sent).status_code == 201
    attachment = ReportAttachment.objects.get()
    response = admin_client.get(reverse("admin:directives_reportattachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == files.png()


def test_a_row_stored_before_sniffing_with_a_dangerous_type_is_served_as_opaque_bytes(world, admin_client):
    sent = SimpleUploadedFile("bao-cao.pdf", files.PDF, content_type="application/pdf")
    assert upload(world["a"].client, world["d_a"], sent).status_code == 201
    ReportAttachment.objects.update(content_type="text/html")
    attachment = ReportAttachment.objects.get()
    response = admin_client.get(reverse("admin:directives_reportattachment_download", args=[attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("lon.pdf", files.PDF + b"%" + b"0" * (3 * 1024 * 1024)),
        (
            "lon.docx",
            files.zipped(
                {
                    **dict.fromkeys(["[Content_Types].xml", "word/document.xml"], "<x/>"),
                    "word/media/a.bin": random.Random(9).randbytes(3 * 1024 * 1024),
                }
            ),
        ),
    ],
)
def test_files_larger_than_the_memory_threshold_are_sniffed_from_their_temporary_file(world, name, data):
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) Django keeps the upload on disk.
    assert len(data) > 2.5 * 1024 * 1024
    response = upload(world["a"].client, world["d_a"], SimpleUploadedFile(name, data, content_type="text/html"))
    assert response.status_code == 201, response.content
    assert ReportAttachment.objects.get().size == len(data)

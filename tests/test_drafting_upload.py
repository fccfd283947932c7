"""The drafting page given a whole notice: its header proposed as a notice, saved with the drafts or not at all."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conference.models import Agency, ConclusionNotice, Participation, Person, Session
from directives.drafting import documents
from directives.models import Directive

from .document_samples import docx_bytes, encrypted_pdf, fixture_text, pdf_bytes, scanned_pdf
from .factories import AgencyFactory, NoticeFactory

pytestmark = pytest.mark.django_db

URL = "admin:directives_directive_draft"
NOTICE = "tb-281-ubnd-bac-giang.txt"


@pytest.fixture(scope="module")
def files():
    text = fixture_text(NOTICE)
    return {"pdf": pdf_bytes(text), "docx": docx_bytes(text)}


@pytest.fixture
def province():
    ubnd = AgencyFactory(
        code="ubnd-tinh-bac-giang",
        name="Ủy ban nhân dân tỉnh Bắc Giang",
        short_name="UBND tỉnh Bắc Giang",
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        level="province",
    )
    for code, name in [
        ("so-tttt-bac-giang", "Sở Thông tin và Truyền thông tỉnh Bắc Giang"),
        ("cong-an-tinh-bac-giang", "Công an tỉnh Bắc Giang"),
        ("so-khcn-bac-giang", "Sở Khoa học và Công nghệ tỉnh Bắc Giang"),
    ]:
        AgencyFactory(code=code, name=name, short_name="", kind=Agency.Kind.DEPARTMENT, level="province", parent=ubnd)
    return ubnd


def _upload(client, data, name, **extra):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse(URL), {"document": upload, "text": "", "issued_on": "", "_draft": "1", **extra})


def _confirm_data(response):
    """What the browser sends back when the clerk confirms the page as proposed."""
    data = {"_save": "1"}
    source, header, formset = response.context["source_form"], response.context["header_form"], None
    formset = response.context["formset"]
    for form in (source, header):
        for field in form:
            if field.name == "document":
                continue
            value = field.value()
            if isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            if value not in (None, ""):
                data[field.html_name] = str(value)
    data.update(
        {
            "drafts-TOTAL_FORMS": str(formset.total_form_count()),
            "drafts-INITIAL_FORMS": "0",
            "drafts-MIN_NUM_FORMS": "0",
            "drafts-MAX_NUM_FORMS": "1000",
        }
    )
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form.initial.get(name)
            key = f"drafts-{i}-{name}"
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list):
                data[key] = [str(v) for v in value]
            elif isinstance(value, datetime.date):
                data[key] = value.strftime("%d/%m/%Y")
            elif value is not None:
                data[key] = str(value)
    return data


def _counts():
    return (
        ConclusionNotice.objects.count(),
        Session.objects.count(),
        Person.objects.count(),
        Directive.objects.count(),
    )


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_an_upload_proposes_the_notice_and_its_drafts(clerk_client, province, files, kind):
    response = _upload(clerk_client, files[kind], f"tb-281.{kind}")
    assert response.status_code == 200
    header = response.context["header_form"]
    assert header is not None, response.context["source_form"].errors
    assert header.initial["number"] == "281/TB-UBND"
    assert header.initial["issued_on"] == datetime.date(2024, 6, 24)
    assert header.initial["issuer"] == province.pk
    assert header.initial["signer_name"] == "Phan Thế Tuấn"
    assert header.initial["signer_title"] == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert header.initial["session_title"] == "Cuộc họp về tiến độ chuyển đổi số và Đề án 06 năm 2024"
    assert header.initial["session_held_on"] == datetime.date(2024, 6, 20)
    formset = response.context["formset"]
    leads = [form.initial["lead_agency"] for form in formset.forms]
    codes = ("so-tttt-bac-giang", "cong-an-tinh-bac-giang", "so-khcn-bac-giang")
    assert leads == [Agency.objects.get(code=code).pk for code in codes]
    assert [form.initial["due_date"] for form in formset.forms] == [
        datetime.date(2024, 7, 14),
        datetime.date(2024, 9, 30),
        datetime.date(2024, 8, 29),
    ]
    # The text read from the file stands in the text box, and the deadlines count from the header's date.
    source = response.context["source_form"]
    assert "281/TB-UBND" in source["text"].value()
    assert source["issued_on"].value() == "24/06/2024"
    page = response.content.decode()
    assert "Thông báo đề xuất" in page and 'enctype="multipart/form-data"' in page
    assert _counts() == (0, 0, 0, 0)


def test_confirming_saves_the_notice_its_session_and_directives(clerk_client, province, files):
    response = _upload(clerk_client, files["pdf"], "tb-281.pdf")
    saved = clerk_client.post(reverse(URL), _confirm_data(response))
    assert saved.status_code == 302, saved.context and saved.context["source_form"].errors
    notice = ConclusionNotice.objects.get()
    assert saved["Location"] == reverse("admin:conference_conclusionnotice_change", args=[notice.pk])
    assert (notice.number, notice.issued_on, notice.issuer, notice.kind) == (
        "281/TB-UBND",
        datetime.date(2024, 6, 24),
        province,
        ConclusionNotice.Kind.CONCLUSION_NOTICE,
    )
    assert (notice.signer.full_name, notice.signer_title) == ("Phan Thế Tuấn", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    assert notice.subject.startswith("Kết luận của Chủ tịch UBND tỉnh Nguyễn Văn Gấu")
    assert "1. Sở Thông tin và Truyền thông" in notice.text
    session = notice.session
    assert (session.title, session.held_on, session.convened_by) == (
        "Cuộc họp về tiến độ chuyển đổi số và Đề án 06 năm 2024",
        datetime.date(2024, 6, 20),
        province,
    )
    chair = Participation.objects.get(session=session)
    assert (chair.person.full_name, chair.role, chair.title_as_stated) == (
        "Nguyễn Văn Gấu",
        Participation.Role.CHAIR,
        "Chủ tịch UBND tỉnh",
    )
    directives = list(Directive.objects.order_by("item_number"))
    assert [d.item_number for d in directives] == ["1", "2", "3"]
    assert all(d.notice_id == notice.pk and d.session_id == session.pk for d in directives)


def test_one_wrong_draft_saves_nothing_not_even_the_notice(clerk_client, province, files):
    response = _upload(clerk_client, files["docx"], "tb-281.docx")
    data = _confirm_data(response)
    data.pop("drafts-1-lead_agency")  # kept but without a lead: refused
    refused = clerk_client.post(reverse(URL), data)
    assert refused.status_code == 200
    assert "Chưa có gì được lưu" in refused.content.decode()
    assert _counts() == (0, 0, 0, 0)


def test_a_header_without_issuer_saves_nothing(clerk_client, province, files):
    response = _upload(clerk_client, files["pdf"], "tb-281.pdf")
    data = _confirm_data(response)
    data.pop("header-issuer")
    refused = clerk_client.post(reverse(URL), data)
    assert refused.status_code == 200
    assert refused.context["header_form"].errors["issuer"]
    assert _counts() == (0, 0, 0, 0)


def test_a_notice_already_recorded_gets_the_directives(clerk_client, province, files):
    existing = NoticeFactory(number="281/TB-UBND", issuer=province, issued_on=datetime.date(2024, 6, 24))
    response = _upload(clerk_client, files["pdf"], "tb-281.pdf")
    assert response.context["existing_notice"] == existing
    assert "Thông báo đã có trong hệ thống" in response.content.decode()
    data = _confirm_data(response)
    saved = clerk_client.post(reverse(URL), data)
    assert saved.status_code == 302
    assert ConclusionNotice.objects.get() == existing
    assert Directive.objects.filter(notice=existing).count() == 3


def test_pasting_the_whole_notice_proposes_it_too(clerk_client, province):
    response = clerk_client.post(reverse(URL), {"text": fixture_text(NOTICE), "issued_on": "", "_draft": "1"})
    assert response.context["header_form"].initial["number"] == "281/TB-UBND"
    assert response.context["formset"].total_form_count() == 3


def _big_pdf():
    return b"%PDF-1.7\n" + b"0" * documents.MAX_DOCUMENT_BYTES


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (scanned_pdf, "scan.pdf", "không có lớp văn bản"),
        (lambda: b"MZ\x90\x00" + b"\x00" * 500, "tb-281.pdf", "không phải văn bản PDF hoặc DOCX"),
        (lambda: b"PK\x03\x04broken", "tb-281.docx", "không phải văn bản PDF hoặc DOCX"),
        (_big_pdf, "big.pdf", "lớn hơn 10 MB"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(clerk_client, province, make, name, message):
    response = _upload(clerk_client, make(), name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["formset"] is None and response.context["header_form"] is None
    assert _counts() == (0, 0, 0, 0)


def test_a_damaged_docx_is_refused(clerk_client, province, files):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><broken>")
    response = _upload(clerk_client, out.getvalue(), "tb-281.docx")
    assert "bị hỏng" in response.content.decode()
    assert _counts() == (0, 0, 0, 0)


def test_with_a_notice_picked_no_other_is_proposed(clerk_client, province, files):
    picked = NoticeFactory(number="7/TB-UBND", issuer=province, issued_on=datetime.date(2024, 6, 24))
    response = _upload(clerk_client, files["docx"], "tb-281.docx", notice=str(picked.pk))
    assert response.context["header_form"] is None
    assert response.context["formset"].total_form_count() == 3
    assert ConclusionNotice.objects.count() == 1


def test_an_issuer_not_in_the_registry_is_pointed_out(clerk_client, files):
    response = _upload(clerk_client, files["pdf"], "tb-281.pdf")
    header = response.context["header_form"]
    assert header.initial["issuer"] is None and header.initial["issuer_as_written"] == "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"
    assert "chưa có trong danh mục" in response.content.decode()
    assert _counts() == (0, 0, 0, 0)


def _docx_bomb():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "x" * (documents.MAX_UNPACKED_BYTES + 1))
    return out.getvalue()


@pytest.mark.parametrize(
    ("hostile", "name", "message"),
    [
        ("encrypted", "tb-281.pdf", "bảo vệ bằng mật khẩu"),
        ("truncated", "tb-281.pdf", "bị hỏng"),
        ("bomb", "tb-281.docx", "lớn hơn 10 MB"),
        ("fifty_mb", "tb-281.pdf", "lớn hơn 10 MB"),
    ],
)
def test_a_hostile_file_gets_a_clear_message_not_an_error(clerk_client, province, files, hostile, name, message):
    data = {
        "encrypted": lambda: encrypted_pdf(files["pdf"]),
        "truncated": lambda: files["pdf"][: len(files["pdf"]) // 3],
        "bomb": _docx_bomb,
        "fifty_mb": lambda: b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024),
    }[hostile]()
    response = _upload(clerk_client, data, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page or (hostile == "truncated" and "không có lớp văn bản" in page)
    assert response.context["formset"] is None and response.context["header_form"] is None
    assert _counts() == (0, 0, 0, 0)


# Both kinds in one test: the fresh install's registry they need takes 5-10 s to record.
def test_a_real_notice_uploaded_gives_its_header(clerk_client):
    from django.core.management import call_command

    call_command("load_reference_agencies", stdout=io.StringIO())
    for kind in ("pdf", "docx"):
        _check_uploaded_header(clerk_client, kind)


def _check_uploaded_header(clerk_client, kind):
    text = fixture_text("tb-vpcp-631-2025.txt")
    response = _upload(clerk_client, pdf_bytes(text) if kind == "pdf" else docx_bytes(text), f"tb-631.{kind}")
    header = response.context["header_form"]
    assert header is not None, response.context["source_form"].errors
    assert header.initial["number"] == "631/TB-VPCP"
    assert header.initial["issued_on"] == datetime.date(2025, 11, 19)
    assert header.initial["issuer"] == Agency.objects.get(code="van-phong-chinh-phu").pk
    assert (header.initial["signer_title"], header.initial["signer_name"]) == (
        "KT. BỘ TRƯỞNG, CHỦ NHIỆM / PHÓ CHỦ NHIỆM",
        "Phạm Mạnh Cường",
    )
    assert header.initial["session_held_on"] == datetime.date(2025, 11, 18)
    assert header.initial["session_chair"] == "Nguyễn Hòa Bình"
    assert response.context["formset"].total_form_count() >= 1
    assert _counts() == (0, 0, 0, 0)

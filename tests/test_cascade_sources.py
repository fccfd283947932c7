"""The cascade as Bắc Ninh's clerk lives it since the 2025 merges: the implementing directives made
today are Bắc Ninh's office's records (never Bắc Giang's, whose 2024 session the national one was
followed by), from a session or plan of that office, proposed or created on the page; and the
report on the national directive proposed from the implementing directives, editable. Both write
paths refuse a stale copy and a second writer at once with a Vietnamese message, changing nothing."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conference.models import ConclusionNotice
from conference.selectors import office_answering, offices_answering
from directives import services
from directives.cascade import implementation_of, proposed_report
from directives.models import Directive, ProgressReport

from .office_helpers import create_clerk, make_world

MADE = "Sở Khoa học và Công nghệ mở 2 lớp kỹ năng số cho cán bộ xã"


def signed_in(username, office):
    password = create_clerk(username, office)
    client = Client()
    answer = client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})
    assert answer.status_code == 302
    return client


@pytest.fixture
def world(transactional_db):
    world = make_world()
    # Bắc Giang's afternoon session followed the national one it was given at (as in the seeds).
    world.old_province_session.follows = world.to_old_province.session
    world.old_province_session.save()
    return world


@pytest.fixture
def province(world):
    return signed_in("bacninh", "UBND tỉnh Bắc Ninh")


def detail_url(directive):
    return reverse("admin:directives_directive_from_centre_detail", args=[directive.pk])


def new_plan_post(world, page, **extra):
    """The page's implement form as the clerk sends it: a new plan of the office, one row."""
    source = page.context["source_form"]
    return {
        "etag": source.initial["etag"],
        "source": "new",
        "new_kind": "plan",
        "new_number": "15/KH-UBND",
        "new_issued_on": timezone.localdate().strftime("%d/%m/%Y"),
        "new_subject": source.initial.get("new_subject", "Kế hoạch triển khai"),
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-0-text": MADE,
        "rows-0-lead_agency": world.department.pk,
        "_implement": "1",
        **extra,
    }


def test_the_office_answering_today_is_the_successors_from_the_merger_date(world):
    old = world.old_province_office
    assert office_answering(old, datetime.date(2025, 6, 30)) == old
    assert office_answering(old, datetime.date(2025, 7, 1)) == world.province_office
    answering = offices_answering([old, world.province_office, world.national_office])
    assert answering == {
        old.pk: world.province_office,
        world.province_office.pk: world.province_office,
        world.national_office.pk: world.national_office,
    }


def test_directives_cascaded_today_are_filed_under_the_office_answering_today(world, province):
    national = world.to_old_province  # given to Bắc Giang in 2024, followed by Bắc Ninh's office now
    page = province.get(detail_url(national))
    source = page.context["source_form"]
    # Not Bắc Giang's 2024 session, though it followed the national one: a new plan of Bắc Ninh's.
    assert source.initial["source"] == "new" and "session" not in source.initial
    assert source.initial["new_issued_on"] == timezone.localdate()
    assert "Văn phòng Chính phủ" in source.initial["new_subject"]
    offered = set(source.fields["session"].queryset)
    assert world.province_session in offered and world.old_province_session not in offered
    body = page.content.decode()
    assert "kế hoạch hoặc văn bản triển khai mới của văn phòng" in body
    assert "Do Ủy ban nhân dân tỉnh Bắc Ninh ban hành" in body

    sent = province.post(detail_url(national), new_plan_post(world, page))
    assert sent.status_code == 302, sent.context["source_form"].errors
    made = Directive.objects.get(implements=national)
    plan = made.notice
    assert plan.kind == ConclusionNotice.Kind.PLAN and plan.number == "15/KH-UBND"
    assert plan.issuer == world.province and plan.office == world.province_office
    assert made.office == world.province_office and made.given_on == timezone.localdate()
    assert made.due_date == national.due_date

    # The next visit proposes that plan, so a second batch joins it.
    again = province.get(detail_url(national)).context["source_form"]
    assert again.initial["source"] == "existing" and again.initial["notice"] == plan


def test_a_source_of_the_office_taken_over_is_refused_and_nothing_is_made(world, province):
    national = world.to_old_province
    page = province.get(detail_url(national))
    picked = new_plan_post(world, page, source="existing", session=world.old_province_session.pk)
    refused = province.post(detail_url(national), picked)
    assert refused.status_code == 200
    assert "session" in refused.context["source_form"].errors  # not one of the choices
    # The service holds the rule for every caller, saying which office answers and since when.
    row = {"text": MADE, "lead_agency": world.department, "item_number": ""}
    with pytest.raises(ValidationError) as caught:
        services.directives_implement(national=national, source=world.old_province_session, rows=[row])
    message = caught.value.message_dict["source"][0]
    assert "Văn phòng UBND tỉnh Bắc Giang" in message and "Văn phòng UBND tỉnh Bắc Ninh" in message
    assert "01/07/2025" in message
    assert not Directive.objects.filter(implements=national).exists()
    # Before the merger it was Bắc Giang's own session: its directives were its records then.
    made = services.directives_implement(
        national=national, source=world.old_province_session, rows=[row], today=datetime.date(2025, 6, 30)
    )
    assert made[0].office == world.old_province_office
    # ...and Bắc Ninh's office, following them, does not make the same one again today.
    with pytest.raises(ValidationError) as caught:
        services.directives_implement(national=national, source=world.province_session, rows=[row])
    assert caught.value.message_dict["0"] == ["Nhiệm vụ triển khai này đã được tạo."]


def test_a_plan_number_the_province_already_used_is_refused_with_nothing_saved(world, province):
    ConclusionNotice.objects.create(
        kind="plan", number="15/KH-UBND", issued_on=datetime.date(2026, 1, 5), issuer=world.province
    )
    page = province.get(detail_url(world.to_province))
    refused = province.post(detail_url(world.to_province), new_plan_post(world, page))
    assert refused.status_code == 200
    assert "Cơ quan này đã ban hành một văn bản có số, ký hiệu này." in refused.content.decode()
    assert ConclusionNotice.objects.filter(number="15/KH-UBND").count() == 1
    assert not Directive.objects.filter(implements=world.to_province).exists()


def test_a_cascade_from_a_stale_copy_is_refused_with_nothing_saved(world, province):
    page = province.get(detail_url(world.to_province))
    # Meanwhile the Government Office brings the national due date forward.
    world.to_province.due_date = datetime.date(2027, 1, 31)
    services.directive_save(directive=world.to_province)
    refused = province.post(detail_url(world.to_province), new_plan_post(world, page))
    assert refused.status_code == 200
    assert "Nhiệm vụ đã thay đổi từ khi mở trang này" in refused.content.decode()
    assert not Directive.objects.filter(implements=world.to_province).exists()
    assert not ConclusionNotice.objects.filter(number="15/KH-UBND").exists()
    # The page shown is the directive as it is now, with what the clerk typed and the current version:
    # sent again after checking it, it is made, due by the new national date.
    assert "31/01/2027" in refused.content.decode()
    assert refused.context["formset"].forms[0]["text"].value() == MADE
    again = new_plan_post(world, page, etag=refused.context["source_form"]["etag"].value())
    assert province.post(detail_url(world.to_province), again).status_code == 302
    assert Directive.objects.get(implements=world.to_province).due_date == datetime.date(2027, 1, 31)


def test_a_cancelled_national_directive_takes_no_implementing_directive(world, province):
    page = province.get(detail_url(world.to_province))
    world.to_province.state = Directive.State.CANCELLED
    services.directive_save(directive=world.to_province)
    fresh = services.directive_etag(Directive.objects.get(pk=world.to_province.pk))
    refused = province.post(detail_url(world.to_province), new_plan_post(world, page, etag=fresh))
    assert refused.status_code == 200
    assert "Nhiệm vụ này đã bị hủy" in refused.content.decode()
    assert not Directive.objects.filter(implements=world.to_province).exists()


def _at_once(clients, url, posts):
    """Each client posts its form at the same moment; their status codes, in order."""
    barrier, statuses = threading.Barrier(len(clients)), {}

    def send(i):
        try:
            barrier.wait()
            statuses[i] = clients[i].post(url, posts[i])
        finally:
            connection.close()  # each thread's own connection, or the test database cannot be dropped

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [statuses[i] for i in range(len(clients))]


def test_two_clerks_cascading_the_same_plan_at_once_make_it_once(world, province):
    other = signed_in("bacninh2", "UBND tỉnh Bắc Ninh")
    url = detail_url(world.to_province)
    posts = [new_plan_post(world, client.get(url)) for client in (province, other)]
    answers = _at_once([province, other], url, posts)
    assert sorted(a.status_code for a in answers) == [200, 302]
    loser = next(a for a in answers if a.status_code == 200).content.decode()
    assert (
        "Nhiệm vụ triển khai này đã được tạo." in loser
        or "Cơ quan này đã ban hành một văn bản có số, ký hiệu này." in loser
    )
    assert Directive.objects.filter(implements=world.to_province).count() == 1
    assert ConclusionNotice.objects.filter(number="15/KH-UBND").count() == 1


def test_two_reports_from_the_same_copy_at_once_keep_one(world, province):
    other = signed_in("bacninh2", "UBND tỉnh Bắc Ninh")
    url = detail_url(world.to_province)
    posts = [
        {"_report": "1", "etag": client.get(url).context["report_form"].initial["etag"], "note": note}
        for client, note in ((province, "Đã ban hành kế hoạch"), (other, "Đã giao Sở KH&CN"))
    ]
    answers = _at_once([province, other], url, posts)
    assert sorted(a.status_code for a in answers) == [200, 302]
    loser = next(a for a in answers if a.status_code == 200)
    assert "Nhiệm vụ đã thay đổi từ khi mở trang này" in loser.content.decode()
    assert ProgressReport.objects.filter(directive=world.to_province).count() == 1
    # Its note is kept, with the directive's version now: sent again, both reports are kept.
    resent = {**posts[answers.index(loser)], "etag": loser.context["report_form"]["etag"].value()}
    assert loser.context["report_form"]["note"].value() == resent["note"]
    client = (province, other)[answers.index(loser)]
    assert client.post(url, resent).status_code == 302
    assert ProgressReport.objects.filter(directive=world.to_province).count() == 2


# -- the report proposed from the implementing directives ------------------------------------------


def _five_implementing(world):
    rows = [
        {"text": f"Nhiệm vụ triển khai số {n}", "lead_agency": world.department, "item_number": ""} for n in range(1, 6)
    ]
    made = services.directives_implement(national=world.to_province, source=world.province_notice, rows=rows)
    for directive in made[:4]:
        directive.state, directive.completed_on = Directive.State.COMPLETED, datetime.date(2026, 11, 20)
        services.directive_save(directive=directive)
    ProgressReport.objects.create(
        directive=made[4], agency=world.department, note="Đã mở 1 trong 2 lớp.", percent_complete=50
    )
    return made


def test_the_report_is_proposed_from_the_implementing_directives(world, province):
    made = _five_implementing(world)
    page = province.get(detail_url(world.to_province))
    initial = page.context["report_form"].initial
    lines = initial["note"].splitlines()
    assert lines[0] == "4/5 nhiệm vụ triển khai đã hoàn thành."
    assert lines[1].startswith("- Sở KH&CN: Đã mở 1 trong 2 lớp (50%, báo cáo ngày ")
    assert len(lines) == 2
    assert initial["percent_complete"] == (4 * 100 + 50) // 5
    assert initial["claims_completion"] is False
    body = page.content.decode()
    assert "Đề xuất từ tình hình 5 nhiệm vụ triển khai" in body
    assert "4/5 nhiệm vụ triển khai đã hoàn thành." in body  # in the textarea, to edit
    # The fifth done too: completion is proposed (the clerk still gives the proving document).
    made[4].state, made[4].completed_on = Directive.State.COMPLETED, datetime.date(2026, 11, 30)
    services.directive_save(directive=made[4])
    initial = province.get(detail_url(world.to_province)).context["report_form"].initial
    assert initial["note"] == "5/5 nhiệm vụ triển khai đã hoàn thành."
    assert (initial["percent_complete"], initial["claims_completion"]) == (100, True)
    # What the clerk edits is what is sent.
    sent = province.post(
        detail_url(world.to_province),
        {
            "_report": "1",
            "etag": page.context["report_form"].initial["etag"],
            "note": "Sửa lại",
            "percent_complete": 95,
        },
    )
    assert sent.status_code == 302
    report = ProgressReport.objects.get(directive=world.to_province)
    assert (report.note, report.percent_complete) == ("Sửa lại", 95)


def test_an_implementing_directive_not_reported_is_named_with_its_due_date(world):
    services.directives_implement(
        national=world.to_province,
        source=world.province_notice,
        rows=[{"text": "Nhiệm vụ chưa báo cáo", "lead_agency": world.department, "due_date": None}],
    )
    proposal = proposed_report(implementation_of(world.to_province, None))
    assert proposal.initial["note"].splitlines() == [
        "0/1 nhiệm vụ triển khai đã hoàn thành.",
        "- Sở KH&CN: chưa báo cáo (hạn 30/06/2027).",
    ]
    assert proposal.initial["percent_complete"] == 0
    # Not below what the office last told the centre (30%), so accepting it never shows a regression.
    told = ProgressReport(directive=world.to_province, agency=world.province, note="Đã giao", percent_complete=30)
    assert proposed_report(implementation_of(world.to_province, None), told).initial["percent_complete"] == 30


def test_without_implementing_directives_the_last_report_is_proposed(world, province):
    url = detail_url(world.to_province)
    assert province.get(url).context["report_form"].initial.get("note") is None  # nothing to propose
    etag = province.get(url).context["report_form"].initial["etag"]
    province.post(url, {"_report": "1", "etag": etag, "note": "Đã ban hành kế hoạch", "percent_complete": 20})
    page = province.get(url)
    initial = page.context["report_form"].initial
    assert (initial["note"], initial["percent_complete"]) == ("Đã ban hành kế hoạch", 20)
    assert "Đề xuất từ báo cáo gần nhất (" in page.content.decode()


def test_the_list_shows_the_offices_own_part_of_each_directive(world, province):
    """A group directive every province reports on: the latest report shown is Bắc Ninh's own, never
    Sơn La's; and how many directives Bắc Ninh made to implement each."""
    ProgressReport.objects.create(
        directive=world.to_group, agency=world.other_province, note="Sơn La", percent_complete=90
    )
    rows = [{"text": f"Triển khai {n}", "lead_agency": world.department, "item_number": ""} for n in (1, 2)]
    services.directives_implement(national=world.to_province, source=world.province_notice, rows=rows)
    listed = {d.pk: d for d in province.get(reverse("admin:directives_directive_from_centre")).context["rows"]}
    assert listed[world.to_group.pk].latest_report_at is None
    assert (listed[world.to_province.pk].implementing_count, listed[world.to_group.pk].implementing_count) == (2, None)
    ProgressReport.objects.create(directive=world.to_group, agency=world.province, note="Bắc Ninh", percent_complete=40)
    page = province.get(reverse("admin:directives_directive_from_centre"))
    assert {d.pk: d for d in page.context["rows"]}[world.to_group.pk].latest_report_percent == 40
    assert "báo cáo đã gửi gần nhất" in page.content.decode().lower()


def test_a_group_directive_shows_the_provinces_own_part(world, province):
    url = detail_url(world.to_group)
    page = province.get(url)
    assert page.context["own_part"] == "overdue"  # due 31/12/2025, nothing reported
    assert "Phần của UBND tỉnh Bắc Ninh" in page.content.decode()
    etag = page.context["report_form"].initial["etag"]
    claim = {"_report": "1", "etag": etag, "note": "Hoàn thành rà soát", "claims_completion": "on"}
    sent = province.post(url, {**claim, "document_number": "12/BC-UBND", "document_date": "01/12/2025"})
    assert sent.status_code == 302
    page = province.get(url)
    # Its part completed on time (the document's date); the national directive still open for the others.
    assert page.context["own_part"] == "completed_on_time"
    assert page.context["national"].current_status == "overdue"
    # A directive the province leads alone has no "part".
    assert province.get(detail_url(world.to_province)).context["own_part"] is None

"""The drafting page: paste a notice, review the drafts, save them all at once or not at all."""

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from directives.models import Directive, DirectiveChange

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory

pytestmark = pytest.mark.django_db

URL = "admin:directives_directive_draft"

TEXT = """THÔNG BÁO
Kết luận của Thủ tướng Chính phủ tại hội nghị

Sau khi nghe báo cáo, Thủ tướng Chính phủ kết luận như sau:
1. Bộ Lao động – Thương binh và Xã hội chủ trì, thống nhất với Bộ Công an, Bộ Tài chính ban hành kế hoạch thu mẫu ADN cho thân nhân liệt sĩ vào ngày 27/7.
2. Bộ Công an khẩn trương hoàn thiện ứng dụng VNeID, hoàn thành trong quý IV/2024.
3. Bộ Tài chính chủ trì, phối hợp với Bộ Hàng hải Vũ trụ nghiên cứu cơ chế tài chính, báo cáo Thủ tướng Chính phủ trước Tết Nguyên đán.

Văn phòng Chính phủ thông báo để các cơ quan biết, thực hiện./.
"""  # noqa: E501


@pytest.fixture
def agencies():
    return {
        "ldtbxh": AgencyFactory(code="bo-ldtbxh", name="Bộ Lao động – Thương binh và Xã hội", short_name=""),
        "bca": AgencyFactory(code="bo-cong-an", name="Bộ Công an", short_name="BCA"),
        "btc": AgencyFactory(code="bo-tai-chinh", name="Bộ Tài chính", short_name="BTC"),
    }


@pytest.fixture
def notice():
    return NoticeFactory(
        number="99/TB-VPCP",
        issued_on=datetime.date(2024, 7, 12),
        session=SessionFactory(held_on=datetime.date(2024, 7, 10)),
    )


def _draft(client, notice, text=TEXT, issued="12/07/2024"):
    return client.post(
        reverse(URL), {"notice": notice.pk, "issued_on": issued, "text": text, "_draft": "1"}, follow=False
    )


def _post_data(response, notice, issued="12/07/2024"):
    """What the browser sends back when the clerk saves the drafts as shown."""
    formset = response.context["formset"]
    data = {
        "notice": notice.pk if notice else "",
        "issued_on": issued,
        "text": TEXT,
        "_save": "1",
        "drafts-TOTAL_FORMS": str(formset.total_form_count()),
        "drafts-INITIAL_FORMS": "0",
        "drafts-MIN_NUM_FORMS": "0",
        "drafts-MAX_NUM_FORMS": "1000",
    }
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


def test_the_page_opens_with_the_notices_issue_date(clerk_client, notice):
    response = clerk_client.get(reverse(URL), {"notice": notice.pk})
    assert response.status_code == 200
    form = response.context["source_form"]
    assert form.initial["notice"] == notice
    assert form.initial["issued_on"] == datetime.date(2024, 7, 12)
    assert response.context["formset"] is None


def test_pasting_shows_drafts_and_saves_nothing(clerk_client, notice, agencies):
    response = _draft(clerk_client, notice)
    assert response.status_code == 200
    rows = [form.initial for form in response.context["formset"].forms]
    assert [row["item_number"] for row in rows] == ["1", "2", "3"]
    first = rows[0]
    assert first["lead_agency"] == agencies["ldtbxh"].pk
    assert set(first["coordinating_agencies"]) == {agencies["bca"].pk, agencies["btc"].pk}
    assert first["due_date"] == datetime.date(2024, 7, 27)
    assert first["deadline_phrase"] == "vào ngày 27/7"
    assert rows[1]["due_date"] == datetime.date(2024, 12, 31)
    assert rows[2]["due_date"] is None
    content = response.content.decode()
    assert "Không đọc được thời hạn" in content  # flagged, with the warning style
    assert "draft-flags" in content
    assert "Bộ Hàng hải Vũ trụ" in content and "Chưa có trong danh mục" in content  # never dropped
    assert reverse("admin:conference_agency_add") + "?name=" in content
    assert Directive.objects.count() == 0


def test_saving_creates_every_directive_with_its_history(clerk_client, clerk, notice, agencies):
    data = _post_data(_draft(clerk_client, notice), notice)
    data["drafts-2-due_date"] = "31/01/2025"  # the clerk enters the date the parser could not read
    response = clerk_client.post(reverse(URL), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:conference_conclusionnotice_change", args=[notice.pk])
    saved = {d.item_number: d for d in Directive.objects.filter(notice=notice)}
    assert set(saved) == {"1", "2", "3"}
    adn = saved["1"]
    assert adn.lead_agency == agencies["ldtbxh"]
    assert set(adn.coordinating_agencies.all()) == {agencies["bca"], agencies["btc"]}
    assert (adn.deadline_phrase, adn.due_date) == ("vào ngày 27/7", datetime.date(2024, 7, 27))
    assert adn.due_rule.startswith("Ngày cụ thể")
    assert adn.session == notice.session and adn.given_on == datetime.date(2024, 7, 10)
    assert saved["3"].due_date == datetime.date(2025, 1, 31)
    created = DirectiveChange.objects.filter(action=DirectiveChange.Action.CREATED)
    assert created.count() == 3
    assert set(created.values_list("actor", flat=True)) == {clerk.pk}


def test_drafts_without_a_lead_start_unticked(clerk_client, notice, agencies):
    # A task that names no one (praise, "Đánh giá cao ...", gives no draft at all since parse16).
    text = (
        "1. Khẩn trương rà soát, hoàn thiện hồ sơ các dự án chuyển đổi số, báo cáo trước ngày 30/9/2024.\n"
        "2. Bộ Công an hoàn thiện ứng dụng VNeID.\n"
    )
    response = _draft(clerk_client, notice, text=text)
    assert [form.initial["keep"] for form in response.context["formset"].forms] == [False, True]


def test_unticked_drafts_are_not_saved(clerk_client, notice, agencies):
    data = _post_data(_draft(clerk_client, notice), notice)
    del data["drafts-0-keep"]
    assert clerk_client.post(reverse(URL), data).status_code == 302
    assert sorted(Directive.objects.values_list("item_number", flat=True)) == ["2", "3"]


def test_one_invalid_draft_saves_nothing_and_says_which(clerk_client, notice, agencies):
    data = _post_data(_draft(clerk_client, notice), notice)
    data["drafts-1-coordinating_agencies"] = [str(agencies["bca"].pk)]  # the lead cannot also coordinate
    response = clerk_client.post(reverse(URL), data)
    assert response.status_code == 200
    assert Directive.objects.count() == 0
    assert DirectiveChange.objects.count() == 0
    forms = response.context["formset"].forms
    assert forms[0].save_errors == [] and forms[2].save_errors == []
    assert "không thể đồng thời là cơ quan phối hợp" in " ".join(forms[1].save_errors)
    assert "Chưa có gì được lưu" in response.content.decode()


def test_a_draft_without_lead_is_refused(clerk_client, notice, agencies):
    data = _post_data(_draft(clerk_client, notice), notice)
    data.pop("drafts-0-lead_agency", None)
    data["drafts-0-lead_group"] = ""
    response = clerk_client.post(reverse(URL), data)
    assert response.status_code == 200
    assert Directive.objects.count() == 0
    errors = " ".join(response.context["formset"].forms[0].save_errors)
    assert "Hãy chọn một cơ quan chủ trì hoặc nhập một nhóm chủ trì" in errors


def test_item_numbers_must_be_new_for_the_notice(clerk_client, notice, agencies):
    DirectiveFactory(notice=notice, session=notice.session, item_number="2", due_date=None)
    data = _post_data(_draft(clerk_client, notice), notice)
    data["drafts-2-item_number"] = "1"
    response = clerk_client.post(reverse(URL), data)
    assert response.status_code == 200
    assert Directive.objects.count() == 1
    forms = response.context["formset"].forms
    assert forms[1].save_errors, "item 2 is already used in this notice"
    assert any("xuất hiện hai lần" in e for e in forms[2].save_errors)


def test_a_session_without_a_notice(clerk_client, agencies):
    session = SessionFactory(held_on=datetime.date(2024, 7, 10))
    response = clerk_client.get(reverse(URL), {"session": session.pk})
    assert response.context["source_form"].initial["issued_on"] == datetime.date(2024, 7, 10)
    response = clerk_client.post(
        reverse(URL), {"session": session.pk, "issued_on": "10/07/2024", "text": TEXT, "_draft": "1"}
    )
    data = _post_data(response, notice=None)
    data.pop("notice")
    data["session"] = session.pk
    response = clerk_client.post(reverse(URL), data)
    assert response.status_code == 302
    assert Directive.objects.filter(session=session, notice=None).count() == 3


def test_source_is_required(clerk_client):
    response = clerk_client.post(reverse(URL), {"issued_on": "12/07/2024", "text": TEXT, "_draft": "1"})
    assert response.status_code == 200
    assert "Hãy chọn thông báo kết luận hoặc hội nghị/phiên họp giao các nhiệm vụ." in response.content.decode()
    assert response.context["formset"] is None


def test_only_staff_who_may_change_directives(client, django_user_model, notice):
    user = django_user_model.objects.create_user(username="reader", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_directive"))
    client.force_login(user)
    assert client.get(reverse(URL)).status_code == 403
    client.logout()
    assert client.get(reverse(URL)).status_code == 302  # to the login page


def test_linked_from_the_directive_list_and_the_notice(clerk_client, notice):
    draft_url = reverse(URL)
    assert draft_url in clerk_client.get(reverse("admin:directives_directive_changelist")).content.decode()
    page = clerk_client.get(reverse("admin:conference_conclusionnotice_change", args=[notice.pk])).content.decode()
    assert f"{draft_url}?notice={notice.pk}" in page


def test_an_issue_date_other_than_the_notices_is_pointed_out(clerk_client, notice, agencies):
    def warnings(response):
        return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]

    assert warnings(_draft(clerk_client, notice, issued="12/07/2024")) == []
    shown = warnings(_draft(clerk_client, notice, issued="01/01/2020"))
    assert shown == [
        "Ngày ban hành đã nhập (01/01/2020) khác ngày ban hành của thông báo (12/07/2024): "
        "thời hạn sẽ được tính theo ngày đã nhập."
    ]


def test_a_reporting_schedule_and_its_recipient_are_saved_with_the_directive(clerk_client, notice, agencies):
    text = "1. Bộ Công an theo dõi tình hình, định kỳ hằng tháng, trước ngày 20 báo cáo Thủ tướng Chính phủ.\n"
    response = _draft(clerk_client, notice, text=text)
    initial = response.context["formset"].forms[0].initial
    assert (initial["report_every"], initial["report_day"], initial["report_to"]) == (
        "monthly",
        20,
        "Thủ tướng Chính phủ",
    )
    data = _post_data(response, notice)
    data["text"] = text
    assert clerk_client.post(reverse(URL), data).status_code == 302
    saved = Directive.objects.get()
    assert (saved.report_every, saved.report_day, saved.report_to) == ("monthly", 20, "Thủ tướng Chính phủ")


STEPS = "1. Bộ Công an thí điểm trong quý I/2025, triển khai toàn quốc trong năm 2025.\n"  # the issue's example


def _drafted_steps(clerk_client, notice, text=STEPS):
    response = _draft(clerk_client, notice, text=text)
    data = _post_data(response, notice)
    data["text"] = text
    return response, data


def test_several_dated_steps_are_proposed_as_milestones_and_saved_with_the_directive(clerk_client, notice, agencies):
    response, data = _drafted_steps(clerk_client, notice)
    form = response.context["formset"].forms[0]
    assert form.initial["milestones"].splitlines() == [
        "31/03/2025 | Bộ Công an thí điểm | trong quý I/2025",
        "31/12/2025 | Triển khai toàn quốc | trong năm 2025",
    ]
    # The directive is due by its last step, and the page says why instead of "the first was taken".
    assert form.initial["due_date"] == datetime.date(2025, 12, 31)
    flags = json.loads(form.initial["flags"])
    assert "milestones" in flags and "several_deadlines" not in flags
    page = response.content.decode()
    assert "mỗi bước là một mốc" in page and "Các mốc" in page
    data["drafts-0-milestones"] = data["drafts-0-milestones"].replace("Bộ Công an thí điểm", "Thí điểm tại 5 tỉnh")
    assert clerk_client.post(reverse(URL), data).status_code == 302
    directive = Directive.objects.get()
    assert [(m.position, m.text, m.due_date) for m in directive.milestones.all()] == [
        (1, "Thí điểm tại 5 tỉnh", datetime.date(2025, 3, 31)),
        (2, "Triển khai toàn quốc", datetime.date(2025, 12, 31)),
    ]
    assert directive.due_date == datetime.date(2025, 12, 31)
    assert directive.changes.filter(action=DirectiveChange.Action.MILESTONES_CHANGED).exists()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("31/13/2025 | Thí điểm", "không phải là ngày"),
        ("Thí điểm trong quý I", "“|”"),
        ("31/03/2025 | Thí điểm\n31/03/2025 | Triển khai", "cùng ngày"),
    ],
)
def test_a_wrong_milestone_line_saves_nothing_and_says_which_line(clerk_client, notice, agencies, lines, message):
    _response, data = _drafted_steps(clerk_client, notice)
    data["drafts-0-milestones"] = lines
    response = clerk_client.post(reverse(URL), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Directive.objects.exists()


def test_a_milestone_the_service_refuses_takes_back_every_draft(clerk_client, notice, agencies):
    text = STEPS + "2. Bộ Tài chính rà soát quy định về phí, hoàn thành trong quý IV/2024.\n"
    _response, data = _drafted_steps(clerk_client, notice, text=text)
    # Due before the directive was given (the session of 10/07/2024): the service refuses it.
    data["drafts-0-milestones"] = "01/01/2024 | Thí điểm\n31/12/2025 | Triển khai toàn quốc"
    response = clerk_client.post(reverse(URL), data)
    assert response.status_code == 200
    assert "10/07/2024" in response.content.decode()
    assert not Directive.objects.exists()

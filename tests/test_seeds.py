"""The five seed articles, recorded as data, load completely and idempotently."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from conference.models import (
    Agency,
    AgencyContact,
    ConclusionNotice,
    Figure,
    Participation,
    Person,
    Session,
    Site,
    SourceDocument,
)
from directives.models import Directive, DirectiveChange

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    Agency,
    AgencyContact,
    Person,
    Session,
    Site,
    Participation,
    Figure,
    SourceDocument,
    ConclusionNotice,
    Directive,
    DirectiveChange,
]


def counts():
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def test_loading_twice_changes_nothing(seeded):
    first = counts()
    stamps = list(Directive.objects.order_by("pk").values_list("pk", "updated_at"))
    out = io.StringIO()
    report = call_command("load_seeds", stdout=out)
    assert counts() == first
    assert list(Directive.objects.order_by("pk").values_list("pk", "updated_at")) == stamps
    assert report is None
    # Nothing was written again, the offices neither (they were "updated" on every load).
    assert "nothing changed" in out.getvalue(), out.getvalue()


def test_every_article_is_recorded(seeded):
    references = set(SourceDocument.objects.values_list("reference", flat=True))
    assert {ref[:3] for ref in references} == {"000", "001", "002", "003", "004"}
    assert Directive.objects.count() > 40
    # National and provincial directives both.
    assert Directive.objects.filter(lead_agency__level="central").exists()
    assert Directive.objects.filter(lead_agency__level="province").exists()
    assert Directive.objects.filter(lead_agency__isnull=True).exclude(lead_group="").exists()


def test_every_seed_record_passes_the_models_own_validation(seeded):
    for model in (Agency, Session, Site, Participation, Figure, ConclusionNotice, Directive):
        for obj in model.objects.all():
            obj.full_clean()
    for directive in Directive.objects.prefetch_related("coordinating_agencies"):
        assert directive.lead_agency not in directive.coordinating_agencies.all()


def test_adn_directive_has_its_lead_four_coordinators_and_due_date(seeded):
    directive = Directive.objects.get(text__contains="ADN")
    assert directive.lead_agency.name == "Bộ Lao động – Thương binh và Xã hội"
    assert {a.name for a in directive.coordinating_agencies.all()} == {
        "Bộ Công an",
        "Bộ Tài chính",
        "Bộ Quốc phòng",
        "Bộ Thông tin và Truyền thông",
    }
    assert directive.deadline_phrase == "vào ngày 27/7"
    assert directive.due_date == datetime.date(2024, 7, 27)
    assert directive.given_on == datetime.date(2024, 7, 10)


def test_admin_search_for_adn_finds_that_directive(seeded, clerk_client):
    response = clerk_client.get(reverse("admin:directives_directive_changelist"), {"q": "ADN"})
    results = list(response.context["cl"].result_list)
    assert [d.text for d in results] == [Directive.objects.get(text__contains="ADN").text]
    assert "27/07/2024" in response.content.decode()


def test_bac_giang_site_of_the_10_july_conference_shows_its_two_local_chairs(seeded, clerk_client):
    site = Site.objects.get(session__held_on=datetime.date(2024, 7, 10), name__contains="Bắc Giang")
    chairs = site.participations.filter(role=Participation.Role.CHAIR)
    assert {p.person.full_name for p in chairs} == {"Lê Ánh Dương", "Mai Sơn"}
    titles = {p.person.full_name: p.title_as_stated for p in chairs}
    assert titles["Mai Sơn"].startswith("Phó Chủ tịch Thường trực UBND tỉnh")
    page = clerk_client.get(reverse("admin:conference_site_change", args=[site.pk])).content.decode()
    assert "Lê Ánh Dương" in page and "Mai Sơn" in page
    listing = clerk_client.get(reverse("admin:conference_site_changelist")).content.decode()
    assert "Lê Ánh Dương, Mai Sơn" in listing or "Mai Sơn, Lê Ánh Dương" in listing


def test_a_date_the_source_does_not_give_is_unknown(seeded):
    undated = Session.objects.filter(held_on__isnull=True)
    assert undated.exists()
    for session in undated:
        assert session.date_note


def test_eighth_meeting_and_its_deadlines(seeded):
    meeting = Session.objects.get(sequence_number=8)
    assert meeting.held_on == datetime.date(2024, 4, 24)
    assert meeting.kind == Session.Kind.MEETING
    seven = meeting.directives.get(lead_group__contains="7 địa phương")
    assert seven.due_date == datetime.date(2024, 5, 31)
    assert meeting.directives.filter(deadline_phrase__contains="trước tháng 12/2024").first().due_date == (
        datetime.date(2024, 11, 30)
    )


def test_notice_243_is_recorded_with_its_date_and_issuer(seeded):
    notice = ConclusionNotice.objects.get(number="243/TB-UBND")
    assert notice.issued_on == datetime.date(2024, 6, 24)
    assert notice.issuer.name == "Ủy ban nhân dân tỉnh Bắc Giang"


# Where an article says which recorded notice gave a directive (seeds/README.md, "Which notice gave
# which directive"): (the notice's number or subject, the directive's session, its item).
NOTICE_LINKS = {
    ("06/QĐ-TTg", "2024-04-24-uy-ban-cds-phien-8", "38"),
    ("206/QĐ-TTg", "2024-04-24-uy-ban-cds-phien-8", "39"),
    ("Kế hoạch hoạt động của Ủy ban Quốc gia về chuyển đổi số năm 2022", "tong-ket-2022-de-an-06-cds", "33"),
}


def _notice_links():
    return {
        (d.notice.number or d.notice.subject, d.session.code, d.item_number)
        for d in Directive.objects.filter(notice__isnull=False).select_related("notice", "session")
    }


def test_seed_notices_hold_the_directives_their_articles_say_they_gave(seeded):
    assert _notice_links() == NOTICE_LINKS
    twelve = Directive.objects.get(notice__number="06/QĐ-TTg")
    assert "12/53 dịch vụ công thiết yếu" in twelve.text and "422/QĐ-TTg" in twelve.text
    assert "206/QĐ-TTg" in Directive.objects.get(notice__number="206/QĐ-TTg").text
    # Each keeps the session where it was given, and the day.
    assert twelve.session.sequence_number == 8 and twelve.given_on == datetime.date(2024, 4, 24)


def test_a_database_seeded_before_the_links_gains_them_in_place(seeded):
    before = counts()
    Directive.objects.filter(notice__isnull=False).update(notice=None)  # as the earlier seed files left it
    call_command("load_seeds")
    assert counts()["Directive"] == before["Directive"]
    assert _notice_links() == NOTICE_LINKS
    stamps = list(Directive.objects.order_by("pk").values_list("pk", "notice_id", "updated_at"))
    call_command("load_seeds")
    assert list(Directive.objects.order_by("pk").values_list("pk", "notice_id", "updated_at")) == stamps


def test_figures_reported_are_kept_as_stated(seeded):
    assert Figure.objects.filter(as_stated="42%").exists()
    nine_of_twelve = Figure.objects.get(as_stated__startswith="9/12")
    assert (nine_of_twelve.numerator, nine_of_twelve.denominator) == (9, 12)


def test_titles_are_kept_per_session(seeded):
    quang = Person.objects.get(full_name="Trần Lưu Quang")
    titles = set(quang.participations.values_list("title_as_stated", flat=True))
    assert len(titles) >= 1
    assert all("Phó Thủ tướng" in t for t in titles)


def test_seed_history_is_attributed_to_the_loader(seeded):
    assert set(DirectiveChange.objects.values_list("actor_label", flat=True)) == {"Dữ liệu mẫu (load_seeds)"}


def test_a_bad_seed_file_loads_nothing(tmp_path, settings):
    import shutil

    shutil.copytree(settings.BASE_DIR / "seeds", tmp_path / "seeds")
    broken = sorted((tmp_path / "seeds" / "articles").glob("*.yaml"))[-1]
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  - key: [unclosed\n", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_seeds", path=str(tmp_path / "seeds"))
    assert Agency.objects.count() == 0
    assert Directive.objects.count() == 0

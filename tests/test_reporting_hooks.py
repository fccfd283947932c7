"""The ready-made templates for the links into the reporting pages (wired in by one line each)."""

from django.contrib import admin

from conference.models import ConclusionNotice
from directives.models import Directive

from .factories import NoticeFactory


def test_directive_list_template_links_to_exports_with_the_current_filters(clerk_client, monkeypatch):
    monkeypatch.setattr(
        admin.site._registry[Directive], "change_list_template", "admin/directives/reporting/directive_change_list.html"
    )
    html = clerk_client.get("/admin/directives/directive/", {"status": "overdue"}).content.decode()
    assert "/admin/directives/directive/export.xlsx?status=overdue" in html
    assert "/admin/directives/directive/export.csv?status=overdue" in html
    assert "/admin/directives/directive/import/" in html and "/admin/dashboard/" in html


def test_notice_page_template_links_to_its_summary_and_import(clerk_client, monkeypatch):
    notice = NoticeFactory()
    monkeypatch.setattr(
        admin.site._registry[ConclusionNotice],
        "change_form_template",
        "admin/directives/reporting/notice_change_form.html",
    )
    html = clerk_client.get(f"/admin/conference/conclusionnotice/{notice.pk}/change/").content.decode()
    assert f"/admin/conference/conclusionnotice/{notice.pk}/summary/" in html
    assert f"/admin/directives/directive/import/?notice={notice.pk}" in html


def test_index_template_links_to_the_dashboard(clerk_client, monkeypatch):
    monkeypatch.setattr(admin.site, "index_template", "admin/dashboard_index.html")
    assert "/admin/dashboard/" in clerk_client.get("/admin/").content.decode()

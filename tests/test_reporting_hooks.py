"""The links into the reporting and drafting pages, from the list, a notice's page and the home page."""

from .factories import NoticeFactory


def test_directive_list_links_to_exports_with_the_current_filters_and_to_drafting(clerk_client):
    html = clerk_client.get("/admin/directives/directive/", {"status": "overdue"}).content.decode()
    assert "/admin/directives/directive/export.xlsx?status=overdue" in html
    assert "/admin/directives/directive/export.csv?status=overdue" in html
    assert "/admin/directives/directive/import/" in html and "/admin/dashboard/" in html
    assert "/admin/directives/directive/draft/" in html


def test_notice_page_links_to_its_summary_import_and_drafting(clerk_client):
    notice = NoticeFactory()
    html = clerk_client.get(f"/admin/conference/conclusionnotice/{notice.pk}/change/").content.decode()
    assert f"/admin/conference/conclusionnotice/{notice.pk}/summary/" in html
    assert f"/admin/directives/directive/import/?notice={notice.pk}" in html
    assert f"/admin/directives/directive/draft/?notice={notice.pk}" in html


def test_index_links_to_the_dashboard(clerk_client):
    assert "/admin/dashboard/" in clerk_client.get("/admin/").content.decode()

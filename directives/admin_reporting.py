"""The reporting pages in the admin: the dashboard, Excel/CSV exports and import, notice summaries.

Their URLs are put in front of the admin site's own (``AdminSite.get_urls`` is wrapped once, here),
so config/urls.py stays as it is and every page goes through ``admin_view``: staff only, with the
admin's login, CSRF protection and no caching.
"""

from django.contrib import admin
from django.urls import path

from .reporting import views


def reporting_urls(site):
    wrap = site.admin_view
    return [
        path("dashboard/", wrap(views.dashboard), name="dashboard"),
        path("dashboard/export/<str:table>.<str:fmt>", wrap(views.dashboard_export), name="dashboard_export"),
        path(
            "directives/directive/export.xlsx",
            wrap(views.directive_export),
            {"fmt": "xlsx"},
            name="directives_directive_export_xlsx",
        ),
        path(
            "directives/directive/export.csv",
            wrap(views.directive_export),
            {"fmt": "csv"},
            name="directives_directive_export_csv",
        ),
        path("directives/directive/import/", wrap(views.directive_import), name="directives_directive_import"),
        path(
            "directives/directive/import/template.xlsx",
            wrap(views.import_template),
            name="directives_directive_import_template",
        ),
        path(
            "conference/conclusionnotice/<int:notice_id>/summary/",
            wrap(views.notice_summary),
            name="conference_conclusionnotice_summary",
        ),
    ]


def install(site=admin.site):
    """Prepend the reporting URLs to ``site``'s (before its catch-all and the model admins' patterns)."""
    if getattr(site, "_reporting_installed", False):
        return
    original = site.get_urls

    def get_urls():
        return [*reporting_urls(site), *original()]

    site.get_urls = get_urls
    site._reporting_installed = True


install()

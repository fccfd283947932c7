"""The reporting pages in the admin: the dashboard, Excel/CSV exports and import, notice summaries.

The project's admin site (config/admin_site.py) puts these URLs before its own in ``get_urls``, so
every page goes through ``admin_view``: staff only, with the admin's login, CSRF protection and no
caching.
"""

from django.urls import path

from .reporting import summary, views


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
            wrap(summary.notice_summary),
            name="conference_conclusionnotice_summary",
        ),
        path(
            "conference/conclusionnotice/<int:notice_id>/summary.pdf",
            wrap(summary.notice_summary_pdf),
            name="conference_conclusionnotice_summary_pdf",
        ),
    ]

"""A notice's printable summary: the document an office attaches to a report, as HTML and as PDF.

One page, two renderings of the same template: the HTML prints from the browser (``@media print``,
A4); the PDF is drawn on the server by WeasyPrint with a font that has every Vietnamese letter
(``PDF_FONT``, from the Debian package ``fonts-dejavu-core`` that ``make setup`` installs).
"""

import re

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from conference.models import Agency, ConclusionNotice
from conference.selectors import records_of_office
from conference.text import fold
from directives.models import Directive, Status
from directives.selectors import directive_status_counts, latest_report_annotations

TEMPLATE = "admin/directives/reporting/notice_summary.html"
# Named first in the PDF's font stack: fontconfig may map "Times New Roman" to a font without the
# Vietnamese letters (Liberation 1.x), and WeasyPrint would then mix fonts within a word.
PDF_FONT = "DejaVu Serif"
PERMISSIONS = ("conference.view_conclusionnotice", "directives.view_directive")


def _natural(item):
    """Item numbers in reading order: "2" before "10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", item or "")]


def summary_context(request, notice_id):
    if not all(request.user.has_perm(p) for p in PERMISSIONS):
        raise PermissionDenied
    notices = records_of_office(ConclusionNotice.objects.all(), request.user)  # another office's: a 404
    notice = get_object_or_404(notices.select_related("issuer", "session", "signer"), pk=notice_id)
    today = timezone.localdate()
    of_notice = Directive.objects.filter(notice=notice).with_status(today)
    directives = (
        of_notice.select_related("lead_agency")
        .prefetch_related(Prefetch("coordinating_agencies", Agency.objects.only("id", "name", "short_name")))
        .annotate(**latest_report_annotations())
    )
    counts = directive_status_counts(of_notice)
    return {
        "notice": notice,
        "directives": sorted(directives, key=lambda d: (_natural(d.item_number), d.pk)),
        "counts": counts,
        # Every status in its order, so a status added to ``Status`` shows without touching this page.
        "status_rows": [(status.label, counts.get(status.value, 0)) for status in Status],
        "today": today,
        "title": _("Summary of %(notice)s") % {"notice": notice},
        "site_header": admin.site.site_header,
        "back": reverse("admin:conference_conclusionnotice_change", args=[notice.pk]),
        "pdf_url": reverse("admin:conference_conclusionnotice_summary_pdf", args=[notice.pk]),
    }


def notice_summary(request, notice_id):
    """The summary as a page the browser prints."""
    return TemplateResponse(request, TEMPLATE, summary_context(request, notice_id))


def pdf_filename(notice):
    # "06/QĐ-TTg" → "tom-tat-06-qd-ttg.pdf": no slash, no diacritic a mail client may garble ("đ"
    # folded to "d" by the project's folding, which slugify alone would drop).
    label = _("summary")
    return f"{slugify(fold(f'{label} {notice.number or notice.pk}').replace('/', ' '))}.pdf"


def _refuse_fetch(url, *args, **kwargs):
    # The page carries its styles inline and shows no image: the server never fetches anything
    # while drawing it (no request to itself or elsewhere on a clerk's behalf).
    raise ValueError(f"the summary fetches no resource ({url})")


def notice_summary_pdf(request, notice_id):
    """The same summary as a PDF drawn on the server (A4, the Vietnamese font embedded)."""
    # Imported here: WeasyPrint loads Pango through cffi, which no other page needs.
    from weasyprint import HTML

    context = summary_context(request, notice_id)
    html = render_to_string(TEMPLATE, {**context, "for_pdf": True, "pdf_font": PDF_FONT}, request=request)
    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(context["notice"])}"'
    return response

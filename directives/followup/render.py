"""The emails themselves, in Vietnamese, as text and HTML, built from the outbox rows at send time."""

import datetime
import re
import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from directives.models import Directive, ExtensionRequest, OutboxMessage, Status

Kind = OutboxMessage.Kind

SUBJECTS = {
    Kind.BEFORE_DUE: "[Nhắc hạn] Nhiệm vụ sắp đến hạn: {short}",
    Kind.DUE_TODAY: "[Nhắc hạn] Nhiệm vụ đến hạn hôm nay: {short}",
    Kind.OVERDUE: "[Quá hạn] Nhiệm vụ quá hạn {overdue} ngày: {short}",
    Kind.STATUS_REQUEST: "[Đề nghị báo cáo] Tình hình thực hiện nhiệm vụ: {short}",
}


SUBJECT_LENGTH = 200
_SPACES = re.compile(r"\s+")  # in str patterns \s takes \r, \n, \t, \v, \f, \x1c-\x1f, \x85, \u2028, \u2029...


def header_text(value, limit=SUBJECT_LENGTH):
    """``value`` fit for a mail header: one line, no control characters, at most ``limit`` characters.

    Every header built from what people typed (a directive's text, an agency's name) goes through
    here: a line break in it would make the email unbuildable (BadHeaderError), at every retry.
    """
    text = _SPACES.sub(" ", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def message_id(row):
    """Stable across retries, so a mail system that sees it twice can tell it is the same email."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">").strip() or "localhost"
    return f"<outbox-{row.pk}@{domain}>"


def _item_context(item, today):
    directive = item.directive
    days = directive.days_left(today)
    return {
        "row": item,
        "directive": directive,
        "kind": item.kind,
        "role": item.role,
        "status": directive.status_on(today),
        "days_left": days,
        "overdue_days": -days if days is not None and days < 0 else 0,
        "source": _source(directive),
        "report_url": f"{settings.SITE_URL}/api/v1/directives/{directive.pk}/reports/",
    }


def _source(directive):
    parts = []
    if directive.notice_id:
        notice = directive.notice
        label = f"{notice.get_kind_display()} số {notice.number}" if notice.number else notice.get_kind_display()
        if notice.issued_on:
            label += f" ngày {notice.issued_on:%d/%m/%Y}"
        parts.append(str(label))
    if directive.session_id:
        session = directive.session
        when = f" ngày {session.held_on:%d/%m/%Y}" if session.held_on else ""
        parts.append(f"{session.title}{when}")
    return "; ".join(parts)


def _addresses(agency, today, *, heads=False):
    return agency.current(today).addresses(heads=heads) if agency else []


def _clerk_addresses(items):
    return sorted(
        {
            i.directive.responsible_clerk.email
            for i in items
            if i.escalated and i.directive.responsible_clerk_id and i.directive.responsible_clerk.email
        }
    )


def build(envelope, items, now=None):
    """The email for ``envelope`` (a single reminder, a digest with ``items``, or a clerks' digest)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with translation.override("vi"):
        if envelope.kind == Kind.CLERK_DIGEST:
            return _clerk_digest(envelope, today)
        contexts = [_item_context(item, today) for item in items]
        agency = envelope.agency.current(today)
        to = _addresses(envelope.agency, today)
        cc = []
        if any(item.escalated and item.role == OutboxMessage.Role.TO for item in items):
            cc = sorted(set(_addresses(envelope.agency, today, heads=True) + _clerk_addresses(items)) - set(to))
        context = {
            "agency": agency,
            "items": contexts,
            "today": today,
            "site_url": settings.SITE_URL,
            "reply_to": settings.FOLLOWUP_REPLY_TO,
        }
        if envelope.kind == Kind.DIGEST:
            subject = f"[Nhắc hạn] Tổng hợp nhiệm vụ cần theo dõi ngày {today:%d/%m/%Y} ({len(items)} nhiệm vụ)"
            template = "followup/digest"
        else:
            first = contexts[0]
            short = header_text(first["directive"].text, 71)
            subject = SUBJECTS[envelope.kind].format(short=short, overdue=first["overdue_days"])
            template = "followup/reminder"
        return _email(envelope, subject, template, context, to, cc)


def _clerk_digest(envelope, today):
    next_week_end = today + datetime.timedelta(days=7)
    open_directives = (
        Directive.objects.open()
        .with_status(today)
        .filter(Q(status=Status.OVERDUE) | Q(due_date__range=(today, next_week_end)))
        .select_related("lead_agency")
        .order_by("lead_agency__name", "due_date", "pk")
    )
    by_agency = {}
    for directive in open_directives:
        name = directive.lead_display
        group = by_agency.setdefault(name, {"agency": name, "overdue": [], "due_soon": []})
        (group["overdue"] if directive.status == Status.OVERDUE else group["due_soon"]).append(
            {"directive": directive, "days_left": directive.days_left(today)}
        )
    claims, extensions = _awaiting_clerks(today)
    context = {
        "groups": list(by_agency.values()),
        "claims": claims,
        "extensions": extensions,
        "today": today,
        "until": next_week_end,
        "site_url": settings.SITE_URL,
    }
    subject = f"[Tổng hợp tuần] Nhiệm vụ quá hạn và đến hạn tuần tới ({today:%d/%m/%Y})"
    if claims or extensions:
        waiting = f"{len(claims)} báo cáo hoàn thành chờ xác nhận, {len(extensions)} đề nghị gia hạn"
        subject = f"[Tổng hợp tuần] {waiting}; nhiệm vụ quá hạn và đến hạn tuần tới ({today:%d/%m/%Y})"
    return _email(envelope, subject, "followup/clerk_digest", context, [envelope.recipient_user.email], [])


# A digest lists at most this many of each decision; the admin's lists have them all.
AWAITING_SHOWN = 50


def _awaiting_clerks(today):
    """What agencies asked of the clerks and is not decided yet, each with the page to decide it:
    completion claims to confirm, extension requests to approve or refuse."""
    claims = [
        {
            "directive": directive,
            "url": settings.SITE_URL + reverse("admin:directives_directive_review", args=[directive.pk]),
        }
        for directive in Directive.objects.with_status_in([Status.AWAITING_CONFIRMATION], today)
        .select_related("lead_agency")
        .order_by("updated_at", "pk")[:AWAITING_SHOWN]
    ]
    extensions = [
        {
            "request": request,
            "url": settings.SITE_URL + reverse("admin:directives_extensionrequest_decide", args=[request.pk]),
        }
        for request in ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
        .select_related("directive", "agency")
        .order_by("created_at", "pk")[:AWAITING_SHOWN]
    ]
    return claims, extensions


def _email(envelope, subject, template, context, to, cc):
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    email = EmailMultiAlternatives(
        subject=header_text(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        cc=cc,
        reply_to=[settings.FOLLOWUP_REPLY_TO] if settings.FOLLOWUP_REPLY_TO else None,
        headers={"Message-ID": message_id(envelope), "X-Outbox-Key": envelope.dedupe_key},
    )
    email.attach_alternative(html, "text/html")
    return email

"""The emails themselves, in Vietnamese, as text and HTML, built from the outbox rows at send time."""

import datetime
import functools
import re
import unicodedata
from email.headerregistry import Address
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation

from conference.models import AgencyChange
from conference.numbers import grouped
from directives.models import (
    AgencyLink,
    Directive,
    ExtensionRequest,
    FollowUpSettings,
    Milestone,
    OutboxMessage,
    Status,
)

from .schedule import milestone_of_key

Kind = OutboxMessage.Kind


def _reminder_subject(kind, item):
    """The subject says what the email is before it is opened: "[Quá hạn 12 ngày]", "[Nhắc hạn 3 ngày]",
    "[Quá hạn 1.072 ngày]" (grouped as a Vietnamese reader writes it: ``conference.numbers``).

    Counted on the day it goes out, so a reminder a clerk sends again later never says "3 days left"
    of a directive now overdue. A milestone's reminder names the milestone, counted on its own date.
    """
    short = header_text(item["directive"].text, 71)
    days = item["days_left"]
    if item.get("milestone") is not None:
        step = header_text(item["milestone"].text, 60)
        if days > 0:
            return f"[Nhắc hạn mốc {grouped(days)} ngày] Mốc “{step}” sắp đến hạn: {short}"
        if days == 0:
            return f"[Mốc đến hạn hôm nay] Mốc “{step}” đến hạn hôm nay: {short}"
        return f"[Mốc quá hạn {grouped(-days)} ngày] Mốc “{step}” đã quá hạn: {short}"
    if kind == Kind.STATUS_REQUEST or days is None:
        return f"[Đề nghị báo cáo] Tình hình thực hiện nhiệm vụ: {short}"
    if days > 0:
        return f"[Nhắc hạn {grouped(days)} ngày] Nhiệm vụ sắp đến hạn: {short}"
    if days == 0:
        return f"[Đến hạn hôm nay] Nhiệm vụ đến hạn hôm nay: {short}"
    return f"[Quá hạn {grouped(-days)} ngày] Nhiệm vụ đã quá hạn: {short}"


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


def _milestones_of(items):
    """The milestones that the milestone reminders among ``items`` name (one query), by id."""
    ids = {milestone_of_key(item.dedupe_key) for item in items} - {None}
    return {m.pk: m for m in Milestone.objects.filter(pk__in=ids)} if ids else {}


def _item_context(item, today, token="", milestones=None):
    directive = item.directive
    milestone = (milestones or {}).get(milestone_of_key(item.dedupe_key))
    # A milestone's reminder counts the days to the milestone, not to the directive's last date.
    days = (milestone.due_date - today).days if milestone is not None else directive.days_left(today)
    return {
        "milestone": milestone,
        "row": item,
        "directive": directive,
        "kind": item.kind,
        "role": item.role,
        "status": directive.status_on(today),
        "days_left": days,
        "overdue_days": -days if days is not None and days < 0 else 0,
        "source": _source(directive),
        "report_url": f"{settings.SITE_URL}/api/v1/directives/{directive.pk}/reports/",
        "link_url": _link_url(token, directive) if token else "",
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


def build(envelope, items, now=None, *, conf=None, save_link=True):
    """The email for ``envelope`` (a single reminder, a digest with ``items``, a clerks' digest, a
    receipt or a new link). An email to an agency carries its personal link (``email.link``); the
    raw token is in ``email.secrets``, for the stored copy to leave out. ``conf``: the envelope's
    office's settings, when the caller has them (a delivery round reads them once). ``save_link=False``:
    the link is left unsaved, for the caller to insert with the email's hand-over."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    conf = conf or FollowUpSettings.load(envelope.office_id)  # the email goes in its office's name
    with translation.override("vi"):
        if envelope.kind == Kind.CLERK_DIGEST:
            return _clerk_digest(envelope, today, conf)
        agency = envelope.agency.current(today)
        if envelope.recipient_email:  # a receipt or a new link: to the one address that asked
            to, cc = [envelope.recipient_email], []
        else:
            to = _addresses(envelope.agency, today)
            cc = []
            if any(item.escalated and item.role == OutboxMessage.Role.TO for item in items):
                cc = sorted(set(_addresses(envelope.agency, today, heads=True) + _clerk_addresses(items)) - set(to))
        link, token = None, ""
        if to and envelope.kind != Kind.RECEIPT:
            link, token = AgencyLink.issue(
                agency=agency,
                email=to[0],
                valid_days=conf.link_valid_days,
                message=envelope,
                now=now,
                replace=False,
                save=save_link,
            )
        if envelope.kind in (Kind.RECEIPT, Kind.NEW_LINK):
            items = []  # about what the agency did, or about its link: no reminder in it
        steps = _milestones_of(items)
        contexts = [_item_context(item, today, token, steps) for item in items]
        context = {
            "agency": agency,
            "answering_for": _answering_for(agency, items),
            "items": contexts,
            "today": today,
            "site_url": settings.SITE_URL,
            "reply_to": _reply_to(items, conf),
            "home_url": _link_url(token) if token else "",
            "link": link,
        }
        if envelope.kind == Kind.RECEIPT:
            return _receipt(envelope, context, to, conf)
        if envelope.kind == Kind.NEW_LINK:
            subject = "[Đường dẫn mới] Đường dẫn báo cáo tình hình thực hiện nhiệm vụ"
            template = "followup/new_link"
        elif envelope.kind == Kind.DIGEST:
            overdue = sum(1 for c in contexts if c["overdue_days"])
            late = f", {grouped(overdue)} nhiệm vụ quá hạn" if overdue else ""
            subject = f"[Nhắc hạn] Tổng hợp {grouped(len(items))} nhiệm vụ cần theo dõi ngày {today:%d/%m/%Y}{late}"
            template = "followup/digest"
        else:
            subject = _reminder_subject(envelope.kind, contexts[0])
            template = "followup/reminder"
        email = _email(envelope, subject, template, context, to, cc, conf)
        email.link, email.secrets = link, [token] if token else []
        return email


def _link_url(token, directive=None):
    home, directive_page = _link_paths(settings.SITE_URL, get_script_prefix(), get_urlconf())
    if directive is None:
        return home.format(token=token)
    return directive_page.format(token=token, pk=directive.pk)


_PLACEHOLDER = "TOKENPLACEHOLDER"


@functools.lru_cache(maxsize=16)
def _link_paths(site_url, script_prefix, urlconf):
    """The two personal-link URLs as format strings, reversed once (``reverse`` twice per email was a
    tenth of building it). A token is URL-safe base64, which ``reverse`` leaves as it is; the
    arguments key the cache so that another URLconf or prefix reverses again."""
    home = reverse("agency-home", args=[_PLACEHOLDER], urlconf=urlconf)
    page = reverse("agency-directive", args=[_PLACEHOLDER, 987654321], urlconf=urlconf)
    return (
        site_url + home.replace(_PLACEHOLDER, "{token}"),
        site_url + page.replace(_PLACEHOLDER, "{token}").replace("987654321", "{pk}"),
    )


def _answering_for(current, items):
    """The dissolved agencies whose directives in this email ``current`` now answers for."""
    found = {}
    for item in items:
        directive = item.directive
        if directive is None:
            continue
        lead = item.role == OutboxMessage.Role.TO
        assigned = [directive.lead_agency] if lead else directive.coordinating_agencies.all()
        for agency in assigned:
            if agency is None or agency.pk in found:
                continue  # a digest names the same dissolved agency for many directives: one look-up
            if agency.pk != current.pk and agency.dissolved_on is not None:
                change = AgencyChange.objects.filter(predecessor=agency).only("kind").first()
                verb = CEASED_WORDS.get(change.kind if change else "", "đã giải thể")
                found[agency.pk] = {"agency": agency, "since": agency.dissolved_on, "verb": verb}
    return list(found.values())


# How the email words an agency that ceased, by the kind of its change (conference.AgencyChange).
CEASED_WORDS = {"merge": "đã hợp nhất", "split": "đã chia tách", "rename": "đã đổi tên"}


def _reply_to(items, conf):
    """Replies go to the directive's responsible clerk when one email is about one directive (or
    all its directives share that clerk), else to the office's follow-up mailbox."""
    clerks = {
        item.directive.responsible_clerk.email
        for item in items
        if item.directive_id and item.directive.responsible_clerk_id and item.directive.responsible_clerk.email
    }
    if len(clerks) == 1 and all(item.directive.responsible_clerk_id for item in items):
        return clerks.pop()
    return conf.reply_to or settings.FOLLOWUP_REPLY_TO


# What a receipt acknowledges, by the first part of its key ("receipt:claim:<report id>").
RECEIPT_WHAT = {
    "report": "Báo cáo tiến độ",
    "claim": "Báo cáo hoàn thành",
    "extension": "Đề nghị gia hạn",
    "milestone": "Báo cáo hoàn thành mốc",
}


def receipt_key(what, record_id):
    """The outbox key of the receipt for one report or request: one receipt each, however often asked."""
    return f"receipt:{what}:{record_id}"


def _receipt(envelope, context, to, conf):
    directive = envelope.directive
    what = RECEIPT_WHAT.get(envelope.dedupe_key.split(":")[1], "Báo cáo")
    context = {**context, "directive": directive, "source": _source(directive), "what": what}
    subject = f"[Đã nhận] {what}: {header_text(directive.text, 71)}"
    return _email(envelope, subject, "followup/receipt", context, to, [], conf)


def _clerk_digest(envelope, today, conf):
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
        waiting = f"{grouped(len(claims))} báo cáo hoàn thành chờ xác nhận, {grouped(len(extensions))} đề nghị gia hạn"
        subject = f"[Tổng hợp tuần] {waiting}; nhiệm vụ quá hạn và đến hạn tuần tới ({today:%d/%m/%Y})"
    return _email(envelope, subject, "followup/clerk_digest", context, [envelope.recipient_user.email], [], conf)


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


def _sender(conf):
    """The From header: the office's name in Vietnamese, with diacritics, and the server's address."""
    return _sender_of(conf.sender_name, settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=256)
def _sender_of(sender_name, from_email):
    """``_sender``, once per office's name (parsing the address and cleaning the name each time was
    a twentieth of building an email)."""
    address = parseaddr(from_email)[1] or from_email
    if not sender_name:
        return address
    # Unencoded here: Django encodes the name (RFC 2047) when it builds the message.
    return str(Address(display_name=header_text(sender_name, 120), addr_spec=address))


@functools.lru_cache(maxsize=256)
def _from_header(sender, encoding):
    """The From header of ``sender`` as Django encodes it when it builds a message, once per office
    rather than in every email (an ASCII header goes into the message as it is)."""
    if sender.isascii():
        return sender
    return ", ".join(sanitize_address(address, encoding) for address in getaddresses((sender,)))


def _email(envelope, subject, template, context, to, cc, conf):
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    reply_to = context.get("reply_to") if "reply_to" in context else (conf.reply_to or settings.FOLLOWUP_REPLY_TO)
    sender = _sender(conf)
    email = EmailMultiAlternatives(
        subject=header_text(subject),
        body=text,
        from_email=sender,
        to=to,
        cc=cc,
        reply_to=[reply_to] if reply_to else None,
        headers={
            "From": _from_header(sender, settings.DEFAULT_CHARSET),
            "Message-ID": message_id(envelope),
            "X-Outbox-Key": envelope.dedupe_key,
        },
    )
    email.attach_alternative(html, "text/html")
    return email

"""The agencies' pages, opened by the personal link in every email: no account, no password.

The link (``AgencyLink``) stands for one agency at one address. Its pages show the directives that
agency leads or coordinates (``directives_visible_to``, the API's own rule) and take its reports
through the API's services, so validation, history, the ETag check and the throttling are the same.
Any other directive, and any token that never existed, is a 404.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods
from rest_framework.throttling import SimpleRateThrottle

from . import services
from .agency_forms import FORMS, CompletionClaimForm, ExtensionForm, MilestoneDoneForm, ProgressForm
from .api.throttling import CacheHealth, FailedAuthentications
from .audit import Actor, client_address
from .followup import schedule
from .followup.render import receipt_key
from .models import AgencyLink, Directive, DirectiveChange, ExtensionRequest, Milestone, OutboxMessage
from .selectors import caller_agency_ids, directive_role, directives_visible_to
from .tasks import enqueue_delivery

SENT_MESSAGES = {
    "report": _("Your report has been recorded. The office follows it up; you will receive a receipt by email."),
    "claim": _(
        "Your completion report has been recorded. The office will check the document and confirm the "
        "completion, or send it back with its reasons; you will be told by email."
    ),
    "extension": _(
        "Your request for an extension has been recorded. The office will decide on it; until then the "
        "current due date stands. You will be told of the decision by email."
    ),
    "milestone": _("The milestone has been recorded as done. Its reminders stop; you will receive a receipt by email."),
}


class LinkRateThrottle(SimpleRateThrottle):
    """The API's rate (API_THROTTLE_RATE), counted per personal link."""

    scope = "agency-link"

    def __init__(self, link):
        self.link = link
        super().__init__()

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": f"link-{self.link.pk}"}

    def allows(self, request):
        if not CacheHealth.usable():
            return True
        try:
            return self.allow_request(request, None)
        except Exception as exc:  # the cache is down: reports must still get through
            CacheHealth.failed(exc)
            return True


def _render(request, template, context, status=200):
    return TemplateResponse(request, f"agency/{template}", context, status=status)


def _too_many(request, wait):
    response = _render(request, "throttled.html", {"wait": int(wait or 60)}, status=429)
    response["Retry-After"] = str(int(wait or 60))
    return response


def _link_or_response(request, token):
    """The valid link of ``token``; or the response to give instead (404, 410 with a way out, 429)."""
    if (wait := FailedAuthentications.retry_after(request)) is not None:
        return None, _too_many(request, wait)
    link = AgencyLink.find(token)
    if link is None:
        FailedAuthentications.record(request)  # tokens cannot be guessed at speed
        raise Http404
    throttle = LinkRateThrottle(link)
    if not throttle.allows(request):
        return None, _too_many(request, throttle.wait())
    if (ending := link.ending()) is not None:
        return None, _render(request, "ended.html", {"link": link, "ending": ending, "token": token}, status=410)
    return link, None


HOME_PAGE_SIZE = 50


def _directives(link):
    return directives_visible_to(caller_agency_ids(link.agency)).with_status(timezone.localdate())


@never_cache
@require_http_methods(["GET", "HEAD"])
def agency_home(request, token):
    """The agency's open directives, led and coordinated, each a link to its page."""
    link, response = _link_or_response(request, token)
    if response is not None:
        return response
    link.record_open()
    directives = (
        _directives(link)
        .open()
        .select_related("lead_agency", "notice", "session")
        # The assignment's copy of the due date ("none" last): a province's thousands of
        # directives are read a page at a time along its index, overdue first.
        .order_by("due_sort", "pk")
    )
    page = Paginator(directives, HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    # ``your_role`` comes with the scope (the caller's assignment row): no query per row.
    rows = [{"directive": d, "role": d.your_role, "url": _page_url(token, d)} for d in page]
    return _render(request, "home.html", {"link": link, "rows": rows, "page": page, "token": token})


def _page_url(token, directive):
    return reverse("agency-directive", args=[token, directive.pk])


def _latest_word_of_the_office(directive):
    """What a clerk last said on this directive (a claim sent back, an extension decided), if anything."""
    return (
        directive.changes.filter(actor__isnull=False)
        .exclude(reason="")
        .filter(
            action__in=[
                DirectiveChange.Action.COMPLETION_RETURNED,
                DirectiveChange.Action.EXTENSION_APPROVED,
                DirectiveChange.Action.EXTENSION_REFUSED,
            ]
        )
        .order_by("-at", "-pk")
        .first()
    )


def _offered_forms(directive, role):
    """Which forms this agency may use on this directive now (the services decide in the end)."""
    if directive.state in (Directive.State.COMPLETED, Directive.State.CANCELLED):
        return []
    offered = [ProgressForm]
    if role == "lead" and directive.state == Directive.State.OPEN:
        offered.append(CompletionClaimForm)
        today = timezone.localdate()
        pending = directive.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists()
        if directive.due_date is not None and directive.due_date >= today and not pending:
            offered.append(ExtensionForm)
    if role == "lead" and directive.milestones.filter(done_on__isnull=True).exists():
        offered.append(MilestoneDoneForm)  # shown beside each milestone not done, not as a section
    return offered


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def directive_page(request, token, directive_id):
    link, response = _link_or_response(request, token)
    if response is not None:
        return response
    directive = get_object_or_404(
        _directives(link).select_related("lead_agency", "notice", "session").prefetch_related("coordinating_agencies"),
        pk=directive_id,
    )
    agency_ids = caller_agency_ids(link.agency)
    role = directive_role(directive, agency_ids)
    offered = _offered_forms(directive, role)
    version = services.directive_etag(directive)
    bound = None
    if request.method == "POST":
        form_class = FORMS.get(request.POST.get("action"))
        if form_class is None or form_class not in offered:
            bound = None
            error = gettext("This form cannot be sent for this directive now.")
            return _directive_response(request, link, token, directive, role, offered, version, None, error, 400)
        bound = form_class(request.POST, request.FILES)
        if bound.is_valid():
            try:
                # The report and its receipt commit together: a crash between them cannot lose the receipt.
                with transaction.atomic():
                    saved = _submit(bound, directive, link, request, agency_ids)
                    _owe_receipt(link, directive, form_class.action, saved)
            except services.StaleVersion:
                bound.add_error(
                    None,
                    gettext(
                        "The directive was updated while you were writing: read it again above, then send once more."
                    ),
                )
                bound.data = bound.data.copy()
                bound.data["version"] = version
            except ValidationError as exc:
                _add_errors(bound, exc)
            except (services.NotAllowed, services.WrongState) as exc:
                bound.add_error(None, str(exc))
            except (services.AttachmentTooLarge, services.AttachmentTypeRefused) as exc:
                bound.add_error("files", str(exc))
            except Directive.DoesNotExist:
                raise Http404 from None
            except Milestone.DoesNotExist:
                bound.add_error(
                    None, gettext("This directive has no such milestone: open the page again from the link.")
                )
            else:
                link.record_use()
                return HttpResponseRedirect(f"{_page_url(token, directive)}?sent={form_class.action}")
        return _directive_response(request, link, token, directive, role, offered, version, bound, None, 400)
    link.record_open()
    return _directive_response(request, link, token, directive, role, offered, version, None, None, 200)


def _directive_response(request, link, token, directive, role, offered, version, bound, error, status):
    forms = [
        bound if bound is not None and type(bound) is form_class else form_class(initial={"version": version})
        for form_class in offered
        if form_class is not MilestoneDoneForm
    ]
    milestones = list(directive.milestones.all())
    if MilestoneDoneForm in offered:
        today = timezone.localdate()
        sent_for = bound.data.get("position") if isinstance(bound, MilestoneDoneForm) else None
        open_positions = {str(step.position) for step in milestones if step.done_on is None}
        if sent_for is not None and sent_for not in open_positions and error is None:
            # A position no open milestone has (done meanwhile, or typed in): say it above the page.
            if "position" in bound.errors or "version" in bound.errors:
                error = gettext("The form is incomplete: open the directive again from the link and send once more.")
            else:
                error = " ".join(bound.non_field_errors()) or gettext(
                    "This directive has no such milestone: open the page again from the link."
                )
        for step in milestones:
            if step.done_on is None:
                # The form that was sent keeps what was typed and its errors; the others offer today.
                step.done_form = (
                    bound
                    if sent_for == str(step.position)
                    else MilestoneDoneForm(
                        initial={"version": version, "position": step.position, "done_on": today},
                        auto_id=f"id_m{step.position}_%s",
                    )
                )
    context = {
        "link": link,
        "token": token,
        "directive": directive,
        "role": role,
        "status": directive.current_status,
        "days_left": directive.days_left(),
        "coordinating": [a.name for a in directive.coordinating_agencies.all()],
        "milestones": milestones,
        "today": timezone.localdate(),
        "latest_report": directive.reports.select_related("agency").order_by("-created_at", "-pk").first(),
        "office_word": _latest_word_of_the_office(directive),
        "pending_extension": directive.extension_requests.filter(state=ExtensionRequest.State.PENDING).first(),
        "forms": forms,
        "error": error,
        "sent": SENT_MESSAGES.get(request.GET.get("sent", "")) if status == 200 else None,
        "home_url": reverse("agency-home", args=[token]),
    }
    return _render(request, "directive.html", context, status=status)


def _actor(link, request):
    label = gettext("%(agency)s, through the personal link sent to %(email)s") % {
        "agency": link.agency.name,
        "email": link.email,
    }
    return Actor(label=label[:200], address=client_address(request), link=link)


def _submit(form, directive, link, request, agency_ids):
    values, by, version = form.cleaned_data, _actor(link, request), form.cleaned_data["version"]
    if isinstance(form, MilestoneDoneForm):
        return services.directive_mark_milestone_done(
            directive_id=directive.pk,
            position=values["position"],
            done_on=values["done_on"],
            by=by,
            agency_ids=agency_ids,
            expected_etag=version,
        )
    if isinstance(form, ExtensionForm):
        return services.directive_request_extension(
            directive_id=directive.pk,
            by=by,
            agency_ids=agency_ids,
            proposed_due_date=values["proposed_due_date"],
            reason=values["reason"],
            expected_etag=version,
        )
    claim = isinstance(form, CompletionClaimForm)
    return services.directive_report_progress(
        directive_id=directive.pk,
        by=by,
        agency_ids=agency_ids,
        note=values["note"],
        percent_complete=100 if claim else values.get("percent_complete"),
        claims_completion=claim,
        document_number=values.get("document_number", ""),
        document_date=values.get("document_date"),
        files=values.get("files", []),
        expected_etag=version,
    )


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _owe_receipt(link, directive, action, saved):
    """The receipt the agency is promised, to the address the link was sent to, once per record."""
    schedule.owe_to_address(
        kind=OutboxMessage.Kind.RECEIPT,
        agency=link.agency,
        email=link.email,
        directive=directive,
        key=receipt_key(action, saved.pk),
    )
    transaction.on_commit(enqueue_delivery)


@never_cache
@csrf_protect
@require_http_methods(["POST"])
def ask_for_a_new_link(request, token):
    """From an expired or replaced link: email a fresh one to the same address (once per old link).

    A revoked link gets nothing: a clerk ended it on purpose. The page never says more than the
    address the link was sent to, which whoever holds the link already knows.
    """
    if (wait := FailedAuthentications.retry_after(request)) is not None:
        return _too_many(request, wait)
    link = AgencyLink.find(token)
    if link is None:
        FailedAuthentications.record(request)
        raise Http404
    throttle = LinkRateThrottle(link)
    if not throttle.allows(request):
        return _too_many(request, throttle.wait())
    ending = link.ending()
    if ending == AgencyLink.Ending.REVOKED:
        return _render(request, "ended.html", {"link": link, "ending": ending, "token": token}, status=410)
    schedule.owe_to_address(
        kind=OutboxMessage.Kind.NEW_LINK, agency=link.agency.current(), email=link.email, key=f"new-link:{link.pk}"
    )
    transaction.on_commit(enqueue_delivery)
    return _render(request, "new_link_sent.html", {"link": link})

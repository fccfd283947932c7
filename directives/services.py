"""Every change to a directive's progress goes through these functions, whoever asks for it.

The API, the admin and commands call them, so each rule (who may claim completion, when an
extension may be asked, how a confirmation is judged on time or late) is written once. Each
function locks the directive row, so two reports at once are both kept and neither overwrites the
other's state change.
"""

import contextlib
import hashlib
import os
import zipfile

import filetype
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import ConclusionNotice, Session

from .audit import Actor, as_actor
from .groups import given_by_centre, group_members
from .history import record_change, record_coordinators, record_fields, snapshot
from .models import (
    CalendarFeed,
    Coordination,
    Directive,
    DirectiveChange,
    ExtensionRequest,
    GroupMembership,
    Milestone,
    ProgressReport,
    ReportAttachment,
)
from .selectors import directive_role

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# What a stored file may be, as its bytes say, and the file names each type may carry.
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": (".pdf",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.ms-powerpoint": (".ppt",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/tiff": (".tif", ".tiff"),
}
# The sniffer reads this much of the head of a file.
SNIFF_BYTES = 8192
# OOXML and ODF files are ZIP archives; the sniffer judges them from the first entries it sees,
# so their type is settled from the archive's own table of contents.
ZIP_FAMILY = {"application/zip"} | {
    mime for mime in ALLOWED_ATTACHMENT_TYPES if "openxmlformats" in mime or "oasis" in mime
}
OOXML_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


# Sent after a service saved a change to a directive that existed: ``directive`` as saved and
# ``before``, the tracked fields as they were stored (``history.snapshot``), and ``milestones``,
# whether its milestones changed too (set, re-dated, one marked done). The follow-up engine listens
# (it withdraws reminders that went out of date); the records layer knows nothing of it.
directive_changed = Signal()


class NotAllowed(Exception):
    """The caller's role on the directive does not allow this (e.g. a coordinator claiming completion)."""


class WrongState(Exception):
    """The directive is not in a state where this can happen (e.g. confirming what was never claimed)."""


class StaleVersion(Exception):
    """The caller's copy of the directive (its ETag) is out of date."""


class AttachmentTooLarge(Exception):
    pass


class AttachmentTypeRefused(Exception):
    pass


def directive_etag(directive: Directive) -> str:
    """A tag that changes with every write to the directive (its ``version`` counter)."""
    return f'"{directive.pk}-{directive.version}"'


# -- writes -------------------------------------------------------------------------------------


def _save(directive, *, milestones=False):
    """Save a directive the caller has locked (or is creating), with its history row and the event.

    The stored row is read again under the caller's lock, so ``before`` is what the database held.
    ``milestones``: the directive's milestones changed too (the event says so, for their reminders).
    """
    stored = Directive.objects.filter(pk=directive.pk).first() if directive.pk else None
    before = snapshot(stored)
    directive.save()
    if _group_may_have_changed(stored, directive):
        _fill_group_members(directive)
    record_fields(directive, before)
    if stored is not None:
        directive_changed.send(sender=Directive, directive=directive, before=before, milestones=milestones)
    return directive


def _group_may_have_changed(stored, directive) -> bool:
    """Whether the lead group's members are to be read again: a new group, another group, or (a
    numbered group names its provinces in the text) another text or day given."""
    if stored is None or not (stored.lead_group or directive.lead_group):
        return bool(directive.lead_group)
    return any(
        getattr(stored, name) != getattr(directive, name)
        for name in ("lead_group", "text", "given_on", "notice_id", "session_id")
    )


def _fill_group_members(directive):
    """A centre's group directive reaches every agency it names (``groups.group_members``): the
    provinces listed ("7 địa phương: ..."), else the tier ("UBND các tỉnh, thành phố"). A directive
    led by one agency, or given by a province, has no members; the members' reports stay on record."""
    members = group_members(directive) if directive.lead_group and given_by_centre(directive) else []
    GroupMembership.objects.filter(directive=directive).exclude(agency_id__in=members).delete()
    if members:
        GroupMembership.objects.bulk_create(
            [GroupMembership(directive=directive, agency_id=pk) for pk in members], ignore_conflicts=True
        )


def _set_coordinating(directive, wanted, *, phase):
    """Bring the coordinating agencies to ``wanted`` (ids), recording what changed.

    In two phases so the database's rule (a lead never coordinates) holds at every step when the
    lead changes too: "remove" before the directive's own fields are saved, "add" after.
    """
    current = set(Coordination.objects.filter(directive=directive).values_list("agency_id", flat=True))
    if phase == "remove":
        removed = current - wanted
        if removed:
            Coordination.objects.filter(directive=directive, agency_id__in=removed).delete()
            record_coordinators(directive, removed=removed)
    else:
        added = wanted - current
        if added:
            Coordination.objects.bulk_create([Coordination(directive=directive, agency_id=pk) for pk in sorted(added)])
            record_coordinators(directive, added=added)


def _ids(agencies):
    return {a if isinstance(a, int) else a.pk for a in agencies}


def directive_save(*, directive: Directive, coordinating=None, by: Actor | None = None) -> Directive:
    """Create or update one directive as a clerk (a form) or the loader set it, with its history.

    ``directive`` carries the new values (unsaved); ``coordinating`` (agencies or ids), when given,
    replaces the coordinating agencies. The row is locked first, so a report or a decision arriving
    at the same moment is either before this change or after it, never lost in it.
    """
    actor = as_actor(by) if by is not None else contextlib.nullcontext()  # keep the caller's actor
    with transaction.atomic(), actor:
        if directive.pk is not None:
            Directive.objects.select_for_update().filter(pk=directive.pk).first()
        wanted = _ids(coordinating) if coordinating is not None else None
        if wanted is not None:
            Directive.check_assignment(directive.lead_agency_id, wanted)
            if directive.pk is not None:
                _set_coordinating(directive, wanted, phase="remove")
        _save(directive)
        if wanted is not None:
            _set_coordinating(directive, wanted, phase="add")
    return directive


def directive_set_coordinating(*, directive: Directive, coordinating, by: Actor | None = None) -> Directive:
    """Replace a directive's coordinating agencies (agencies or ids), recording who was added and removed."""
    actor = as_actor(by) if by is not None else contextlib.nullcontext()  # keep the caller's actor
    with transaction.atomic(), actor:
        locked = Directive.objects.select_for_update().get(pk=directive.pk)
        wanted = _ids(coordinating)
        Directive.check_assignment(locked.lead_agency_id, wanted)
        _set_coordinating(locked, wanted, phase="remove")
        _set_coordinating(locked, wanted, phase="add")
    return directive


def directives_create(*, rows, by: Actor | None = None) -> list[Directive]:
    """Create several directives, all or none: the one path of drafting, the Excel import and the seeds.

    ``rows`` are ``(directive, coordinating)`` pairs of unsaved directives and their coordinating
    agencies. Every row is checked by the model's own rules first (``full_clean``, including the
    database's constraints, and ``Directive.check_assignment``); a ``ValidationError`` maps each
    failing row's index to its messages, and nothing is saved.
    """
    rows = list(rows)
    errors = {}
    for index, (directive, coordinating) in enumerate(rows):
        try:
            directive.full_clean()
            Directive.check_assignment(directive.lead_agency_id, _ids(coordinating))
        except ValidationError as exc:
            errors[index] = exc.messages
    if errors:
        raise ValidationError({str(index): messages for index, messages in errors.items()})
    with transaction.atomic():
        return [directive_save(directive=d, coordinating=c, by=by) for d, c in rows]


def directives_implement(
    *, national: Directive, source, rows, by: Actor | None = None, expected_etag: str | None = None, today=None
) -> list[Directive]:
    """An office's directives that implement ``national``, all or none (``directives_create``).

    ``source`` is the office's notice or session that gives them, or a new, unsaved notice (the
    office's implementing plan), saved with them; ``rows`` are dicts of ``text``, ``lead_agency``,
    ``coordinating``, ``due_date``, ``item_number`` and ``later_accepted``. A due date later than the
    national one is refused unless the clerk accepted it, and then flagged in its rule, so the office
    sees it. ``expected_etag``: the national directive as the clerk read it (a stale copy: ``StaleVersion``).

    What is created today belongs to the office answering today (``office_answering``): a source kept
    by an office whose body has since been merged (Bắc Giang's 2024 session, for Bắc Ninh's clerk) is
    refused, so new directives are never filed under an office that no longer answers.
    """
    from conference.selectors import office_answering, offices_kept_by

    rows = list(rows)
    today = today or timezone.localdate()
    with transaction.atomic():
        # The national row is locked and read again, so a second click (or a second clerk) waits and
        # then finds the directives the first made, and the dates are judged against its due date now.
        national = _locked(national.pk, expected_etag)
        if national.state == Directive.State.CANCELLED:
            raise WrongState(_("This directive was cancelled: it takes no implementing directives."))
        office = _source_office(source)
        answering = office_answering(office, today) if office is not None else None
        if answering is not None and answering.pk != office.pk:
            raise ValidationError(
                {
                    "source": _(
                        "%(source)s is a record of %(office)s, which %(answering)s has answered for since "
                        "%(date)s: directives created today are %(answering)s's. Choose or create a session "
                        "or plan of %(answering)s."
                    )
                    % {
                        "source": source,
                        "office": office,
                        "answering": answering,
                        "date": office.agency.dissolved_on.strftime("%d/%m/%Y"),
                    }
                }
            )
        planned, errors = [], {}
        for index, row in enumerate(rows):
            due = row.get("due_date")
            rule = ""
            if due and national.due_date and due > national.due_date:
                if not row.get("later_accepted"):
                    errors[str(index)] = [
                        _("The due date is later than the national directive's (%(date)s): tick to accept it.")
                        % {"date": national.due_date.strftime("%d/%m/%Y")}
                    ]
                    continue
                rule = _("Later than the national directive's due date (%(date)s), accepted by the office.") % {
                    "date": national.due_date.strftime("%d/%m/%Y")
                }
            elif due is None and national.due_date:
                due, rule = national.due_date, _("The national directive's due date.")
            planned.append((row, due, rule))
        # Once for the office and those it took over: Bắc Giang's 2024 implementing directive is not made again.
        kept = sorted(offices_kept_by(office, today)) if office is not None else []
        existing = {
            (text.strip(), lead_id)
            for text, lead_id in Directive.objects.filter(implements=national, office_id__in=kept).values_list(
                "text", "lead_agency_id"
            )
        }
        for index, row in enumerate(rows):
            if (row["text"].strip(), getattr(row["lead_agency"], "pk", None)) in existing:
                errors[str(index)] = [_("This implementing directive has already been created.")]
        if errors:
            raise ValidationError(errors)
        if source.pk is None:
            _save_new_source(source)
        made = [
            (
                Directive(
                    notice=source if isinstance(source, ConclusionNotice) else None,
                    session=source if isinstance(source, Session) else getattr(source, "session", None),
                    item_number=row.get("item_number") or "",
                    text=row["text"],
                    lead_agency=row["lead_agency"],
                    due_date=due,
                    due_rule=rule,
                    category=national.category,
                    implements=national,
                ),
                row.get("coordinating") or [],
            )
            for row, due, rule in planned
        ]
        return directives_create(rows=made, by=by)


def _source_office(source):
    """The office keeping what a session or notice gives (``Directive.source_office_id``'s rule)."""
    if source.office_id:
        return source.office
    session = getattr(source, "session", None)  # a notice without an office: its session's
    return session.office if session is not None else None


def _save_new_source(notice):
    """The office's new implementing plan, checked by the model's rules (its number unique for its
    issuer); two clerks saving the same number at once: the second is told so, as by the check."""
    try:
        notice.full_clean()
        with transaction.atomic():
            notice.save()
    except ValidationError as exc:
        raise ValidationError({"source": exc.messages}) from exc
    except IntegrityError as exc:
        raise ValidationError({"source": [_("This agency has already issued a document with this number.")]}) from exc


def _milestone_label(milestone) -> str:
    done = f", {_('done on')} {milestone.done_on:%d/%m/%Y}" if milestone.done_on else ""
    return f"{milestone.text} ({milestone.due_date:%d/%m/%Y}{done})"


def directive_set_milestones(*, directive_id: int, milestones, by: Actor | None = None) -> Directive:
    """Replace a directive's milestones, all or none; its due date becomes the last milestone's.

    ``milestones`` are dicts with ``text``, ``due_date``, optional ``deadline_phrase``, ``done_on``
    and ``id`` (an existing milestone of this directive, kept so its reminders keep their keys). An
    empty list removes them all and leaves the due date as it is. Two milestones may not share a
    date: one step per date is what a clerk can chase.
    """
    actor = as_actor(by) if by is not None else contextlib.nullcontext()
    with transaction.atomic(), actor:
        directive = Directive.objects.select_for_update().get(pk=directive_id)
        existing = {m.pk: m for m in directive.milestones.all()}
        wanted = sorted(milestones, key=lambda m: m["due_date"])
        dates = [m["due_date"] for m in wanted]
        if len(set(dates)) != len(dates):
            raise ValidationError(_("Two milestones have the same due date: merge them into one."))
        if directive.given_on and dates and dates[0] < directive.given_on:
            raise ValidationError(
                _("A milestone is due before the directive was given (%(day)s).")
                % {"day": directive.given_on.strftime("%d/%m/%Y")}
            )
        before = [_milestone_label(m) for m in existing.values()]
        kept = {m.get("id") for m in wanted} & set(existing)
        directive.milestones.exclude(pk__in=kept).delete()
        # Positions first out of the way, so the unique (directive, position) holds at every step.
        directive.milestones.update(position=models.F("position") + 1000)
        saved = []
        for position, values in enumerate(wanted, start=1):
            milestone = existing.get(values.get("id")) or Milestone(directive=directive)
            milestone.position = position
            milestone.text = values["text"].strip()
            milestone.deadline_phrase = values.get("deadline_phrase", "") or ""
            milestone.due_date = values["due_date"]
            milestone.done_on = values.get("done_on")
            milestone.full_clean(exclude=["directive"])
            milestone.save()
            saved.append(milestone)
        after = [_milestone_label(m) for m in saved]
        if after != before:
            record_change(
                directive, DirectiveChange.Action.MILESTONES_CHANGED, {"milestones": {"from": before, "to": after}}
            )
        if saved and directive.due_date != saved[-1].due_date:
            directive.due_date = saved[-1].due_date
            directive.due_rule = _("The due date of the last milestone")
        if after != before:
            _save(directive, milestones=True)  # a new version: a page read before this change is stale now
    return directive


def directive_mark_milestone_done(
    *,
    directive_id: int,
    position: int,
    done_on,
    by: Actor,
    agency_ids: list[int] | None,
    expected_etag: str | None = None,
) -> Milestone:
    """The lead agency (or a clerk, ``agency_ids`` None) records that one milestone was done, and on which day.

    Like a report: the directive is locked and its version checked, so a stale page is refused and
    two marks at once make one change (the second finds the milestone done). The history row is the
    milestones' own (before and after), the directive gets a new version, and the follow-up engine
    hears of it (``directive_changed`` with ``milestones=True``): the milestone's reminders stop.
    """
    with transaction.atomic(), as_actor(by):
        directive = _locked(directive_id, expected_etag)
        role = directive_role(directive, agency_ids) if agency_ids is not None else "clerk"
        if role is None:
            raise Directive.DoesNotExist
        if role not in ("lead", "clerk"):
            raise NotAllowed(_("Only the lead agency can mark a milestone done."))
        if directive.state in (Directive.State.COMPLETED, Directive.State.CANCELLED):
            raise WrongState(
                _("This directive is %(state)s: its milestones are not changed any more.")
                % {"state": directive.get_state_display().lower()}
            )
        steps = list(directive.milestones.all())
        milestone = next((m for m in steps if m.position == position), None)
        if milestone is None:
            raise Milestone.DoesNotExist
        if milestone.done_on is not None:
            day = milestone.done_on.strftime("%d/%m/%Y")
            raise WrongState(_("This milestone was already marked done on %(day)s.") % {"day": day})
        if done_on is None:
            raise ValidationError({"done_on": _("Give the day the milestone was done.")})
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": _("The day a milestone was done cannot be in the future.")})
        if directive.given_on and done_on < directive.given_on:
            raise ValidationError(
                {
                    "done_on": _("The day a milestone was done cannot be before the directive was given (%(day)s).")
                    % {"day": directive.given_on.strftime("%d/%m/%Y")}
                }
            )
        before = [_milestone_label(m) for m in steps]
        milestone.done_on = done_on
        try:
            milestone.full_clean(exclude=["directive"])
        except ValidationError as exc:
            raise ValidationError({"done_on": exc.message_dict.get("done_on", exc.messages)}) from None
        milestone.save(update_fields=["done_on"])
        record_change(
            directive,
            DirectiveChange.Action.MILESTONES_CHANGED,
            {
                "milestones": {"from": before, "to": [_milestone_label(m) for m in steps]},
                "milestone_done": _milestone_label(milestone),
            },
        )
        _save(directive, milestones=True)  # a new version: a page read before this mark is stale now
    return milestone


def _move_last_milestone(directive, due_date):
    """An approved extension moves the whole directive: its last milestone carries its due date."""
    last = directive.milestones.order_by("-position").first()
    if last is not None and last.due_date != due_date:
        if directive.milestones.filter(due_date=due_date).exclude(pk=last.pk).exists():
            return  # another milestone is already due that day; the clerk sorts the steps out
        last.due_date = due_date
        last.save(update_fields=["due_date"])


def _locked(directive_id, expected_etag):
    directive = Directive.objects.select_for_update().get(pk=directive_id)
    if expected_etag is not None and expected_etag.strip() not in ("*", directive_etag(directive)):
        raise StaleVersion(_("The directive has changed since you read it: fetch it again and retry."))
    return directive


def _zip_document_type(upload) -> str | None:
    """The OOXML or ODF type of a ZIP archive, from its members; None for any other archive."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:  # ODF names its own type in its first member
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return declared if declared.startswith("application/vnd.oasis.opendocument.") else None
            if "[Content_Types].xml" in names:
                parts = {prefix for prefix in OOXML_PARTS for name in names if name.startswith(prefix)}
                if len(parts) == 1:
                    return OOXML_PARTS[parts.pop()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def attachment_sniff_type(upload) -> str | None:
    """What the file's bytes say it is (a MIME type), whatever the client or the file name claim."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else None
    if mime in ZIP_FAMILY:
        mime = _zip_document_type(upload)
    return mime


def _check_attachment(upload):
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise AttachmentTooLarge(_("%(name)s is larger than 20 MB.") % {"name": upload.name})
    # The client's Content-Type is not asked: it is whatever the sender says. The bytes decide,
    # and the file name must agree with them, so that what a clerk opens is what its name says.
    sniffed = attachment_sniff_type(upload)
    extension = os.path.splitext(upload.name or "")[1].lower()
    if sniffed not in ALLOWED_ATTACHMENT_TYPES:
        raise AttachmentTypeRefused(
            _("%(name)s is not a PDF, Office document or image (judged from its content).") % {"name": upload.name}
        )
    if extension not in ALLOWED_ATTACHMENT_TYPES[sniffed]:
        raise AttachmentTypeRefused(
            _("%(name)s is named as %(extension)s but its content is %(kind)s: rename it or send the right file.")
            % {"name": upload.name, "extension": extension or "—", "kind": ALLOWED_ATTACHMENT_TYPES[sniffed][0]}
        )
    return sniffed


def directive_report_progress(
    *,
    directive_id: int,
    by: Actor,
    agency_ids: list[int] | None,
    note: str,
    percent_complete: int | None = None,
    claims_completion: bool = False,
    document_number: str = "",
    document_date=None,
    files=(),
    expected_etag: str | None = None,
) -> ProgressReport:
    """Record a progress report; a completion claim puts the directive awaiting confirmation.

    ``agency_ids`` is the reporting agency with its predecessors, or None for a clerk.
    """
    checked_types = [_check_attachment(upload) for upload in files]
    with transaction.atomic(), as_actor(by):
        directive = _locked(directive_id, expected_etag)
        role = directive_role(directive, agency_ids) if agency_ids is not None else "clerk"
        if role is None:
            raise Directive.DoesNotExist
        if directive.state in (Directive.State.COMPLETED, Directive.State.CANCELLED):
            raise WrongState(
                _("This directive is %(state)s: it takes no more reports.")
                % {"state": directive.get_state_display().lower()}
            )
        # A member of a lead group answers for its own part: its claim is its own (the national
        # office's table of members shows it), the directive's state stays the office's.
        own_part = role == "member"
        if claims_completion:
            if role == "coordinating":
                raise NotAllowed(_("Only the lead agency can report that the directive is completed."))
            if directive.state == Directive.State.AWAITING_CONFIRMATION and not own_part:
                raise WrongState(_("Completion has already been reported and awaits a clerk's confirmation."))
            _check_completion_document(directive, document_number, document_date)
        if percent_complete is not None and not 0 <= percent_complete <= 100:
            raise ValidationError({"percent_complete": _("The percentage must be between 0 and 100.")})

        report = ProgressReport.objects.create(
            directive=directive,
            agency=by.agency,
            api_key=by.api_key,
            link=by.link,
            user=by.user if by.agency is None or by.acting_for is not None else None,
            note=note,
            percent_complete=percent_complete,
            claims_completion=claims_completion,
            document_number=document_number if claims_completion else "",
            document_date=document_date if claims_completion else None,
            client_address=by.address,
        )
        for upload, content_type in zip(files, checked_types, strict=True):
            _store_attachment(report, upload, content_type)
        record_change(
            directive,
            DirectiveChange.Action.PROGRESS_REPORTED,
            {
                "report": report.pk,
                "role": role,
                "percent_complete": percent_complete,
                "claims_completion": claims_completion,
                "attachments": len(checked_types),
            },
        )
        if claims_completion and not own_part:
            directive.state = Directive.State.AWAITING_CONFIRMATION
        # Saving bumps updated_at, so the directive's ETag changes with every report.
        _save(directive)
    return report


def _check_completion_document(directive, number, date):
    errors = {}
    if not (number or "").strip():
        errors["document_number"] = _("Give the number of the document that proves completion.")
    if date is None:
        errors["document_date"] = _("Give the date of the document that proves completion.")
    elif date > timezone.localdate():
        errors["document_date"] = _("The document date cannot be in the future.")
    elif directive.given_on and date < directive.given_on:
        errors["document_date"] = _("The document date cannot be before the directive was given.")
    if errors:
        raise ValidationError(errors)


def _store_attachment(report, upload, content_type):
    """Save one uploaded file (a Django ``UploadedFile``) with its size and SHA-256."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = ReportAttachment(
        report=report,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    attachment.file.save(os.path.basename(upload.name)[-100:], upload, save=False)
    attachment.save()
    return attachment


def directive_request_extension(
    *,
    directive_id: int,
    by: Actor,
    agency_ids: list[int],
    proposed_due_date,
    reason: str,
    expected_etag: str | None = None,
) -> ExtensionRequest:
    """The lead agency asks for a later due date, before the current one has passed."""
    with transaction.atomic(), as_actor(by):
        directive = _locked(directive_id, expected_etag)
        role = directive_role(directive, agency_ids)
        if role is None:
            raise Directive.DoesNotExist
        if role != "lead":
            raise NotAllowed(_("Only the lead agency can ask for an extension."))
        if directive.state != Directive.State.OPEN:
            raise WrongState(_("Only an open directive can be extended."))
        if directive.due_date is None:
            raise WrongState(_("This directive has no due date to extend."))
        today = timezone.localdate()
        if directive.due_date < today:
            raise WrongState(_("The deadline has passed: an extension must be asked before it."))
        if proposed_due_date < today:
            raise ValidationError({"proposed_due_date": _("The new due date cannot be in the past.")})
        if proposed_due_date <= directive.due_date:
            raise ValidationError({"proposed_due_date": _("The new due date must be later than the current one.")})
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for the extension.")})
        if directive.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists():
            raise WrongState(_("An extension request for this directive already awaits a decision."))
        request = ExtensionRequest.objects.create(
            directive=directive,
            agency=by.agency or directive.lead_agency,
            api_key=by.api_key,
            link=by.link,
            current_due_date=directive.due_date,
            proposed_due_date=proposed_due_date,
            reason=reason,
        )
        record_change(
            directive,
            DirectiveChange.Action.EXTENSION_REQUESTED,
            {
                "request": request.pk,
                "due_date": {"from": directive.due_date.isoformat(), "to": proposed_due_date.isoformat()},
            },
        )
        _save(directive)
    return request


def extension_decide(*, request_id: int, by: Actor, approve: bool, note: str = "") -> ExtensionRequest:
    """A clerk approves (the due date moves) or refuses (with a reason) a pending request."""
    with transaction.atomic():
        request = ExtensionRequest.objects.select_for_update().get(pk=request_id)
        if request.state != ExtensionRequest.State.PENDING:
            raise WrongState(_("This request has already been decided."))
        if not approve and not note.strip():
            raise ValidationError({"decision_note": _("Give the reason for refusing.")})
        directive = Directive.objects.select_for_update().get(pk=request.directive_id)
        request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
        request.decided_by = by.user
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save()
        dates = {"from": request.current_due_date.isoformat(), "to": request.proposed_due_date.isoformat()}
        with as_actor(Actor(user=by.user, label=by.label, address=by.address, reason=note or request.reason)):
            action = DirectiveChange.Action.EXTENSION_APPROVED if approve else DirectiveChange.Action.EXTENSION_REFUSED
            record_change(directive, action, {"request": request.pk, "due_date": dates})
            if approve:
                directive.due_date = request.proposed_due_date
                _move_last_milestone(directive, request.proposed_due_date)
                directive.due_rule = _("Extended from %(old)s at the lead agency's request") % {
                    "old": request.current_due_date.strftime("%d/%m/%Y")
                }
            _save(directive)
    return request


def directive_confirm_completion(*, directive_id: int, by: Actor) -> Directive:
    """Confirm the pending completion claim: on time or late is judged by the claim's document date."""
    with transaction.atomic(), as_actor(by):
        directive = Directive.objects.select_for_update().get(pk=directive_id)
        claim = _pending_claim(directive)
        directive.state = Directive.State.COMPLETED
        directive.completed_on = claim.document_date
        directive.completion_document = f"{claim.document_number} ({claim.document_date:%d/%m/%Y})"
        record_change(directive, DirectiveChange.Action.COMPLETION_CONFIRMED, {"report": claim.pk})
        _save(directive)
    return directive


def directive_return_completion(*, directive_id: int, by: Actor, reason: str) -> Directive:
    """Send a completion claim back to the agency, with the reason; the directive is open again."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for sending the claim back.")})
    with transaction.atomic(), as_actor(Actor(user=by.user, label=by.label, address=by.address, reason=reason)):
        directive = Directive.objects.select_for_update().get(pk=directive_id)
        claim = _pending_claim(directive)
        directive.state = Directive.State.OPEN
        record_change(directive, DirectiveChange.Action.COMPLETION_RETURNED, {"report": claim.pk})
        _save(directive)
    return directive


def directive_reassign_lead(*, directive_id: int, lead_agency, by: Actor, reason: str) -> Directive:
    """Hand a directive still to be done to another lead agency, with the reason, in its history.

    The directive's history row of the change carries the reason (as a send-back does); the
    follow-up engine hears of it through ``directive_changed`` like any other change.
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reassigning the lead agency.")})
    lead_id = getattr(lead_agency, "pk", lead_agency)
    with transaction.atomic(), as_actor(Actor(user=by.user, label=by.label, address=by.address, reason=reason)):
        directive = Directive.objects.select_for_update().get(pk=directive_id)
        if directive.state in (Directive.State.COMPLETED, Directive.State.CANCELLED):
            raise WrongState(
                _("This directive is %(state)s: its lead agency is not reassigned.")
                % {"state": directive.get_state_display().lower()}
            )
        if directive.lead_agency_id == lead_id:
            raise WrongState(_("This agency already leads the directive."))
        coordinating = Coordination.objects.filter(directive=directive).values_list("agency_id", flat=True)
        Directive.check_assignment(lead_id, set(coordinating))
        directive.lead_agency_id = lead_id
        directive.lead_group = ""
        _save(directive)
    return directive


def _pending_claim(directive):
    if directive.state != Directive.State.AWAITING_CONFIRMATION:
        raise WrongState(_("This directive has no completion claim awaiting confirmation."))
    return directive.reports.filter(claims_completion=True).order_by("-created_at", "-id").first()


def directive_cancel(*, directive_id: int, by: Actor, reason: str = "") -> Directive:
    """Cancel a directive that was handed out: it stays on record, with its history, and is chased no more.

    Locks the row like every other change of state, so a report or a confirmation arriving at the
    same moment is either before the cancellation (and kept) or refused after it.
    """
    with transaction.atomic(), as_actor(Actor(user=by.user, label=by.label, address=by.address, reason=reason)):
        directive = Directive.objects.select_for_update().get(pk=directive_id)
        if directive.state == Directive.State.CANCELLED:
            raise WrongState(_("This directive is already cancelled."))
        if directive.state == Directive.State.COMPLETED:
            raise WrongState(_("A completed directive cannot be cancelled."))
        directive.state = Directive.State.CANCELLED
        directive.completed_on = None
        _save(directive)
    return directive


def calendar_feed_reissue(*, feed: CalendarFeed) -> CalendarFeed:
    """Revoke ``feed`` and issue a new address for the same agency and label; the new raw token is on ``.token``.

    The only way to hand out an address again: it is stored as a digest and cannot be shown twice.
    """
    with transaction.atomic():
        locked = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        locked.revoke()
        return CalendarFeed.objects.create(agency_id=locked.agency_id, label=locked.label)

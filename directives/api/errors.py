"""Every API error is JSON of one shape: status, code, a message to act on, and field errors."""

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from directives import services


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The directive is not in a state that allows this.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The directive has changed since you read it: fetch it again and retry.")
    default_code = "precondition_failed"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request is too large.")
    default_code = "payload_too_large"


def _translate(exc, view=None):
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        # Views say what they hold ("No such directive, or it is not assigned to you.").
        return exceptions.NotFound(getattr(view, "not_found_message", None) or _("No such object."))
    if isinstance(exc, services.NotAllowed):
        return exceptions.PermissionDenied(str(exc))
    if isinstance(exc, services.WrongState):
        return Conflict(str(exc))
    if isinstance(exc, services.StaleVersion):
        return PreconditionFailed(str(exc))
    if isinstance(exc, (services.AttachmentTooLarge, RequestDataTooBig)):
        return PayloadTooLarge(str(exc) or None)
    if isinstance(exc, SuspiciousOperation):
        # Django's own refusals of a body (too many fields or files, a malformed multipart part):
        # the client's fault, so a 400 in the envelope rather than Django's HTML page.
        return exceptions.ParseError(_("The request body cannot be read: it has too many fields or is malformed."))
    if isinstance(exc, services.AttachmentTypeRefused):
        return exceptions.UnsupportedMediaType(media_type="", detail=str(exc))
    return exc


def api_exception_handler(exc, context):
    # Imported here: rest_framework.views loads the parser classes of the settings, and ours import
    # this module (PayloadTooLarge), so a top-level import is a cycle when this module loads first.
    from rest_framework.views import exception_handler as drf_exception_handler

    exc = _translate(exc, context.get("view"))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    body = {"status": response.status_code, "code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            body["code"] = codes
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        body["detail"] = str(detail["detail"])
    elif isinstance(detail, dict):
        body["detail"] = str(_("The request has errors: see the fields listed."))
        body["errors"] = {key: [str(m) for m in _as_list(value)] for key, value in detail.items()}
    else:
        body["detail"] = " ".join(str(m) for m in _as_list(detail))
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
    response.data = body
    return response


def _as_list(value):
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(_as_list(item))
        return out
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _as_list(v)]
    return [value]

"""OpenAPI details drf-spectacular cannot infer: the API key scheme and the errors every call may get."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.plumbing import force_instance

ERROR_REF = {"$ref": "#/components/schemas/Error"}

_COMMON = {
    "401": (
        "No credentials, or an API key that is not valid or was revoked, or the key of an agency dissolved "
        "on or before today (code agency_dissolved; the detail names the agency that took over its work)."
    ),
    "403": "The caller may not do this (e.g. a coordinating agency claiming completion).",
    "404": "No such object, or a directive not assigned to the caller.",
    "406": "The Accept header asks for a format the API cannot give (it speaks JSON).",
    "429": (
        "Too many requests for this key, or too many wrong keys from the caller's address: "
        "wait and retry (see Retry-After)."
    ),
}
_WITH_INPUT = {
    "400": (
        "Bad input: unknown fields, impossible values (the fields are listed in errors), or a body that "
        "cannot be parsed (invalid or too deeply nested JSON, invalid UTF-8)."
    ),
}
_WRITES = {
    "409": "The directive is not in a state that allows this (closed, already claimed, deadline passed).",
    "412": "If-Match named a stale ETag: fetch the directive again and retry.",
    "413": (
        "The request, or one attachment, is too large (20 MB per file; JSON and form bodies "
        "API_MAX_JSON_BYTES, 1 MB by default)."
    ),
    "415": (
        "The body's content type is not accepted, or an attachment's content (judged from its bytes, "
        "not its declared type) is not a PDF, Office document or image, or does not match its file name."
    ),
}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "directives.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Send "Api-Key <key>". Keys are issued by the clerks (or `manage.py issue_api_key`).',
        }


class StrictInputScheme(OpenApiSerializerExtension):
    """Input serializers refuse unknown fields (``StrictInputMixin``): the schema says so."""

    target_class = "directives.api.serializers.StrictInputMixin"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(force_instance(self.target), direction)
        schema["additionalProperties"] = False
        return schema


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}


def add_error_responses(result, generator, request, public):
    """Document the JSON error body for every status an operation can answer with."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "required": ["status", "code", "detail"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        },
    )
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            wanted = dict(_COMMON)
            wanted.update(_WITH_INPUT)  # query parameters can be malformed on reads too
            if method in ("post", "put", "patch"):
                wanted.update(_WRITES)
            for code, description in wanted.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}
                )
            responses["429"].setdefault("headers", RETRY_AFTER)
    return result

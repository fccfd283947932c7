"""The drafting matcher built from the database: drafting's Django side (``directives.drafting`` is plain Python)."""

from conference.models import Agency

from .drafting import AgencyMatcher


def agency_matcher(*, context=None, on_date=None) -> AgencyMatcher:
    """An ``AgencyMatcher`` over the whole registry, in one query; ``context`` (an Agency or its code) is the issuer."""
    agencies = list(
        Agency.objects.only(
            "pk", "code", "name", "short_name", "kind", "level", "parent_id", "dissolved_on", "successor_id"
        )
    )
    if isinstance(context, str):
        context = next((a for a in agencies if a.code == context), None)
    elif context is not None:
        context = next((a for a in agencies if a.pk == context.pk), context)
    return AgencyMatcher(agencies, context=context, on_date=on_date)

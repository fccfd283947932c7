"""Who is in a lead group: "UBND các tỉnh, thành phố trực thuộc trung ương", "các bộ, ngành, địa phương".

A group given by the centre names whole tiers of the registry: the provinces' People's Committees,
the ministries and Government agencies in being on the day the directive was given. Each becomes a
member (``GroupMembership``) followed for its own part. A group a province gives ("các sở, ngành,
địa phương" of the province) or a numbered one ("7 địa phương") names no tier: its members are the
clerk's to list.
"""

from django.db.models import Q

from conference.models import Agency, Level
from conference.text import fold

# Folded words that name the provinces, or the ministries and central agencies, in a group's name.
PROVINCE_WORDS = ("dia phuong", "cac tinh", "tinh, thanh pho", "tinh, thanh")
MINISTRY_WORDS = ("cac bo", "bo, nganh", "bo nganh", "bo, co quan")
CENTRAL_KINDS = (Agency.Kind.MINISTRY, Agency.Kind.MINISTRY_LEVEL, Agency.Kind.GOVERNMENT_AGENCY)


def _in_being(on):
    return Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on) if on else Q(dissolved_on__isnull=True)


def tier_members(lead_group: str, on) -> list[int]:
    """The agencies a centre's group names by tier, in being on ``on``; [] when it names none."""
    words = fold(lead_group or "")
    if not words or any(ch.isdigit() for ch in words):
        return []  # "7 địa phương": the seven are named in the text, not by a tier
    wanted = Q(pk__in=[])
    if any(w in words for w in PROVINCE_WORDS):
        wanted |= Q(level=Level.PROVINCE, kind=Agency.Kind.PEOPLES_COMMITTEE)
    if any(w in words for w in MINISTRY_WORDS):
        wanted |= Q(level=Level.CENTRAL, kind__in=CENTRAL_KINDS)
    return list(Agency.objects.filter(wanted).filter(_in_being(on)).values_list("pk", flat=True))


def given_by_centre(directive) -> bool:
    source = directive.notice.issuer if directive.notice_id else None
    if source is None and directive.session_id:
        source = directive.session.convened_by
    if source is None and directive.office_id:  # no convener recorded: the office's own body
        source = directive.office.agency
    return source is not None and source.level == Level.CENTRAL

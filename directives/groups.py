"""Who is in a lead group: "UBND các tỉnh, thành phố trực thuộc trung ương", "các bộ, ngành, địa phương".

A group given by the centre names whole tiers of the registry: the provinces' People's Committees,
the ministries and Government agencies in being on the day the directive was given. Each becomes a
member (``GroupMembership``) followed for its own part. A numbered group ("7 địa phương") or a
listed one ("các tỉnh: Lào Cai, Yên Bái, Sơn La") names its provinces instead: in the group itself,
or (numbered, naming none there) in the directive's text; the named provinces are its members, and
a number that disagrees with the names is the clerk's to correct (``check_named_group``). A group a
province gives ("các sở, ngành, địa phương" of the province) names no tier of the centre's.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from conference.models import Agency, Level
from conference.text import fold

# Folded words that name the provinces, or the ministries and central agencies, in a group's name.
PROVINCE_WORDS = ("dia phuong", "cac tinh", "tinh, thanh pho", "tinh, thanh")
MINISTRY_WORDS = ("cac bo", "bo, nganh", "bo nganh", "bo, co quan")
CENTRAL_KINDS = (Agency.Kind.MINISTRY, Agency.Kind.MINISTRY_LEVEL, Agency.Kind.GOVERNMENT_AGENCY)


def _in_being(on):
    return Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on) if on else Q(dissolved_on__isnull=True)


# A province's People's Committee is named by its place: "Ủy ban nhân dân tỉnh Lào Cai" -> "lao cai".
COMMITTEE_PREFIX = re.compile(r"^(uy ban nhan dan|ubnd) (tinh|thanh pho|tp) ")
# Names a text may use for a place besides the registry's (the province before it became a city).
PLACE_ALIASES = {"thua thien hue": "hue", "tp hcm": "ho chi minh", "tphcm": "ho chi minh"}
NOT_PLACES = re.compile(r" (tu tuong|chu tich|bac|lang) ho chi minh(?= )")
NUMBER = re.compile(r"\b(\d{1,3})\b")


def _words(text: str) -> str:
    """Folded, with every run of punctuation a single space: names compare word for word."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text or "")).split())


def stated_number(lead_group: str) -> int | None:
    """The number a group states ("7 địa phương" -> 7), or None."""
    found = NUMBER.search(fold(lead_group or ""))
    return int(found.group(1)) if found else None


def _provinces_by_place(on):
    """{folded place: [province committee ids]}, those in being on ``on`` first (one query)."""
    places: dict[str, list[tuple[bool, int]]] = {}
    rows = Agency.objects.filter(level=Level.PROVINCE, kind=Agency.Kind.PEOPLES_COMMITTEE)
    for pk, name, dissolved_on in rows.values_list("pk", "name", "dissolved_on"):
        place = COMMITTEE_PREFIX.sub("", _words(name))
        gone = dissolved_on is not None and (on is None or dissolved_on <= on)
        places.setdefault(place, []).append((gone, pk))
    for alias, place in PLACE_ALIASES.items():
        if place in places:
            places.setdefault(alias, places[place])
    return {place: [pk for _gone, pk in sorted(ids)] for place, ids in places.items()}


def named_provinces(text: str, on) -> list[int]:
    """The province committees ``text`` names by place ("Lào Cai, Yên Bái và Sơn La"), in the order
    named: the one in being on ``on`` when two share a name. The longest names are read first, and
    a stretch of text names one province only ("Hà Nam" is not read again inside a longer name)."""
    # "Tư tưởng Hồ Chí Minh", "Chủ tịch Hồ Chí Minh" name a person, not the city.
    words = NOT_PLACES.sub(" ", f" {_words(text)} ")
    if not words.strip():
        return []
    places = _provinces_by_place(on)
    found: list[tuple[int, int]] = []
    for place in sorted(places, key=len, reverse=True):
        needle = f" {place} "
        start = words.find(needle)
        while start != -1:
            found.append((start, places[place][0]))
            words = words[:start] + " " + "#" * (len(needle) - 2) + " " + words[start + len(needle) :]
            start = words.find(needle)
    ordered = []
    for _start, pk in sorted(found):
        if pk not in ordered:
            ordered.append(pk)
    return ordered


def named_members(lead_group: str, text: str, on) -> list[int] | None:
    """The provinces a numbered or listed group names (None: it names none, read it by tier).

    In the group itself ("các tỉnh: Lào Cai, Yên Bái"); for a numbered group that names none there
    ("7 địa phương"), in the directive's text. A numbered group naming nobody has no members yet.
    """
    in_group = named_provinces(lead_group, on)
    if in_group:
        return in_group
    if stated_number(lead_group) is None:
        return None
    return named_provinces(text, on)


def check_named_group(lead_group: str, text: str, on) -> None:
    """A numbered group whose names do not add up ("7 địa phương" naming five) is refused, in words."""
    number = stated_number(lead_group)
    if number is None:
        return
    named = named_members(lead_group, text, on) or []
    if named and len(named) != number:
        by_pk = dict(Agency.objects.filter(pk__in=named).values_list("pk", "name"))
        names = ", ".join(_words_name(by_pk[pk]) for pk in named)  # in the order the text names them
        raise ValidationError(
            {
                "lead_group": _(
                    "The lead group says %(number)d but %(found)d provinces are named (%(names)s): name each of "
                    'them, e.g. "%(number)d địa phương: Lào Cai, Yên Bái, ...", or correct the number.'
                )
                % {"number": number, "found": len(named), "names": names}
            },
            code="group_count",
        )


def _words_name(name: str) -> str:
    return re.sub(r"^(Ủy ban nhân dân|UBND) ", "", name)


def group_members(directive) -> list[int]:
    """The members of ``directive``'s lead group: the provinces it names (with the ministries, when
    it names them too: "Bộ, ngành và các tỉnh: Lào Cai, Yên Bái"), else the tiers it names."""
    named = named_members(directive.lead_group, directive.text, directive.given_on)
    if named is None:
        return tier_members(directive.lead_group, directive.given_on)
    ministries = tier_members(directive.lead_group, directive.given_on, provinces=False)
    return named + [pk for pk in ministries if pk not in named]


def tier_members(lead_group: str, on, *, provinces=True) -> list[int]:
    """The agencies a centre's group names by tier, in being on ``on``; [] when it names none."""
    words = fold(lead_group or "")
    if not words or any(ch.isdigit() for ch in words):
        return []  # "7 địa phương": the seven are named in the text, not by a tier
    wanted = Q(pk__in=[])
    if provinces and any(w in words for w in PROVINCE_WORDS):
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

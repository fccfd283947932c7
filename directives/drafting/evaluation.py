"""How far drafts agree with directives a clerk entered by hand.

Each recorded directive is paired with the draft whose text is closest to it (one draft per
directive at most), and the pair is compared on the lead (agency code, or group name), the
coordinating agencies (codes, group names and names not in the registry) and the due date. A
recorded directive with no draft close enough counts as wrong on all three.
"""

import datetime
import re
from dataclasses import dataclass, field

from .agencies import Group, Unmatched
from .textutil import fold_key

_MIN_SIMILARITY = 0.25
_GROUP_WORDS = [(r"\btp\b", "thanh pho"), (r"\bubnd\b", "uy ban nhan dan"), (r"\bco lien quan\b", "lien quan")]


def group_key(name: str) -> str:
    """ "Các huyện, thị xã, TP" and "các huyện, thị xã, thành phố" compare equal."""
    key = fold_key(name)
    for pattern, replacement in _GROUP_WORDS:
        key = re.sub(pattern, replacement, key)
    return key


@dataclass
class Expected:
    """A directive as a clerk recorded it."""

    key: str
    text: str
    lead: str | None = None  # agency code
    lead_group: str = ""
    lead_unmatched: str = ""
    coordinating: frozenset = frozenset()  # agency codes
    coordinating_groups: tuple = ()
    coordinating_unmatched: tuple = ()
    due_date: datetime.date | None = None
    item: str = ""


@dataclass
class Comparison:
    expected: Expected
    draft: object  # Draft or None
    lead: bool = False
    coordinating: bool = False
    due: bool = False

    @property
    def all(self):
        return self.lead and self.coordinating and self.due


@dataclass
class Agreement:
    comparisons: list = field(default_factory=list)
    extra_drafts: int = 0

    @property
    def total(self):
        return len(self.comparisons)

    def share(self, what: str) -> float:
        if not self.comparisons:
            return 1.0
        return sum(1 for c in self.comparisons if getattr(c, what)) / len(self.comparisons)

    def summary(self) -> str:
        return (
            f"{self.total} directives: lead {self.share('lead'):.0%}, coordinating {self.share('coordinating'):.0%}, "
            f"due date {self.share('due'):.0%}, all three {self.share('all'):.0%}; {self.extra_drafts} extra drafts"
        )

    def __add__(self, other):
        return Agreement(self.comparisons + other.comparisons, self.extra_drafts + other.extra_drafts)


def _words(text: str) -> set[str]:
    return set(fold_key(text).split())


def similarity(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


def _contained(part: str, whole: str) -> bool:
    """Whether most of a draft's words come from the item's text."""
    words = _words(part)
    return bool(words) and len(words & _words(whole)) >= 0.5 * len(words)


def _lead_matches(expected: Expected, draft) -> bool:
    lead = draft.lead
    if expected.lead:
        return lead is not None and not isinstance(lead, (Group, Unmatched)) and lead.code == expected.lead
    if expected.lead_group:
        return isinstance(lead, Group) and group_key(lead.name) == group_key(expected.lead_group)
    if expected.lead_unmatched:
        return isinstance(lead, Unmatched) and fold_key(lead.name) == fold_key(expected.lead_unmatched)
    return lead is None


def _coordinating_matches(expected: Expected, draft) -> bool:
    codes = {c.code for c in draft.coordinating_agencies}
    groups = group_key(", ".join(draft.coordinating_groups))
    unmatched = sorted(fold_key(u.name) for u in draft.coordinating if isinstance(u, Unmatched))
    return (
        codes == set(expected.coordinating)
        and groups == group_key(", ".join(expected.coordinating_groups))
        and unmatched == sorted(fold_key(u) for u in expected.coordinating_unmatched)
    )


def compare(drafts, expected: list[Expected], by_item: bool = False) -> Agreement:
    """Pair each expected directive with a draft (by item number, or by closest text) and compare."""
    pairs: dict[int, object] = {}
    used: set[int] = set()
    if by_item:
        index = {d.item: i for i, d in enumerate(drafts)}
        for n, exp in enumerate(expected):
            if exp.item in index:
                pairs[n] = drafts[index[exp.item]]
                used.add(index[exp.item])
    elif len(expected) > 1 and len({e.text for e in expected}) == 1:
        # Several drafts expected of one pasted item (bullets under a heading, joint leads): every draft
        # is compared with the same text, so text says nothing about which is which. Pair them in
        # order instead, the right lead first: the n-th task of the item with the n-th draft.
        last = -1
        for n, exp in enumerate(expected):
            free = [i for i, d in enumerate(drafts) if i not in used and _contained(d.text, exp.text)]
            pick = next((i for i in free if i > last and _lead_matches(exp, drafts[i])), None)
            if pick is None:
                pick = next((i for i in free if i > last), None)
            if pick is None:
                continue
            pairs[n] = drafts[pick]
            used.add(pick)
            last = pick
    else:
        scored = []
        for n, exp in enumerate(expected):
            for i, draft in enumerate(drafts):
                score = similarity(exp.text, draft.text)
                if _lead_matches(exp, draft):
                    score += 0.05  # the same words given to the right agency break ties
                scored.append((score, n, i))
        for score, n, i in sorted(scored, key=lambda t: -t[0]):
            if score < _MIN_SIMILARITY or n in pairs or i in used:
                continue
            pairs[n] = drafts[i]
            used.add(i)
    comparisons = []
    for n, exp in enumerate(expected):
        draft = pairs.get(n)
        if draft is None:
            comparisons.append(Comparison(exp, None))
            continue
        comparisons.append(
            Comparison(
                exp,
                draft,
                lead=_lead_matches(exp, draft),
                coordinating=_coordinating_matches(exp, draft),
                due=draft.deadline.due_date == exp.due_date,
            )
        )
    return Agreement(comparisons, extra_drafts=len(drafts) - len(used))


def expected_from_seed_record(record) -> Expected:
    """A seed directive (seeds/articles/*.yaml) as an ``Expected``."""
    groups = record.get("coordinating_groups") or ""
    return Expected(
        key=record["key"],
        item=str(record.get("item") or ""),
        text=record["text"],
        lead=record.get("lead"),
        lead_group=record.get("lead_group") or "",
        coordinating=frozenset(record.get("coordinating") or []),
        coordinating_groups=(groups,) if groups else (),
        due_date=record.get("due_date"),
    )

"""The drafter on held-out notices written in the style of real conclusion notices and telegrams.

tests/fixtures/drafting_heldout.yaml (3 notices, 25 directives) was written before the drafter and
used while building it. tests/fixtures/drafting_heldout_2.yaml (3 notices, 21 directives, one typed
without diacritics) was written afterwards and run once, unchanged: the first run had 18/21 (86%)
fully right (lead 100%, coordinating 95%, due date 90%); the misses were a list of months
("trong tháng 6 và tháng 7/2024", read as June, unflagged) and companies named without a head word
("Viettel Sơn La"). Both were fixed in general. tests/fixtures/drafting_heldout_3.yaml (one notice,
10 directives) was written and run once after that: 9/10; the miss, a name outside the registry read
too long ("Bảo hiểm xã hội Việt Nam chi trả trợ"), was fixed too. drafting_heldout_4.yaml (a provincial
notice, 6 directives), written and run once after that: 4/6 (a verb read into a name, and a "X phối hợp
thực hiện" sentence made a directive instead of a coordinator); fixed. drafting_heldout_5.yaml (6
directives): 5/6 first time (two ministries that "phối hợp chặt chẽ với" the lead made directives of
their own); fixed. drafting_heldout_6.yaml (10 directives): 10/10 first time. Over the five blind
first runs: 46/53 (87%) fully right; the measure below is after the fixes, on all six files.

A name expected "unmatched" that the registry has since gained counts as that agency.
"""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from directives.drafting import AgencyMatcher, parse_directives
from directives.drafting.deadlines import UNREADABLE, VAGUE
from directives.drafting.evaluation import Agreement, Expected, compare
from directives.drafting_registry import registry_from_records

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(settings.BASE_DIR) / "seeds"
FILES = [f"drafting_heldout{suffix}.yaml" for suffix in ("", "_2", "_3", "_4", "_5", "_6")]


def _load(name):
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registry():
    records = yaml.safe_load((SEEDS / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    known = {r["code"] for r in records}
    for name in FILES:
        for record in _load(name).get("extra_agencies") or []:
            if record["code"] not in known:
                records.append(record)
                known.add(record["code"])
    return registry_from_records(records)


def _expected(directive, registry):
    """What the clerk would enter; a name the registry has since gained counts as that agency."""
    codes = {a.name: a.code for a in registry}
    directive = dict(directive)
    unmatched = []
    for name in directive.get("coordinating_unmatched") or []:
        if name in codes:
            directive["coordinating"] = [*(directive.get("coordinating") or []), codes[name]]
        else:
            unmatched.append(name)
    directive["coordinating_unmatched"] = unmatched
    if directive.get("lead_unmatched") in codes:
        directive["lead"] = codes[directive.pop("lead_unmatched")]
    return Expected(
        key=directive["item"],
        item=directive["item"],
        text="",
        lead=directive.get("lead"),
        lead_group=directive.get("lead_group") or "",
        lead_unmatched=directive.get("lead_unmatched") or "",
        coordinating=frozenset(directive.get("coordinating") or []),
        coordinating_groups=tuple(directive.get("coordinating_groups") or []),
        coordinating_unmatched=tuple(directive.get("coordinating_unmatched") or []),
        due_date=directive.get("due"),
    )


def _run(registry, notice):
    issuer = next((a for a in registry if a.code == notice.get("issuer")), None)
    matcher = AgencyMatcher(registry, context=issuer, on_date=notice["issued"])
    drafts = parse_directives(notice["text"], notice["issued"], matcher=matcher)
    return drafts, compare(drafts, [_expected(d, registry) for d in notice["directives"]], by_item=True)


def _notices():
    return [(name, notice) for name in FILES for notice in _load(name)["notices"]]


def test_at_least_nine_in_ten_directives_come_out_right(registry, capsys):
    total = Agreement()
    lines = []
    for name, notice in _notices():
        _drafts, agreement = _run(registry, notice)
        lines.append(f"  held-out {name}:{notice['key']}: {agreement.summary()}")
        total = total + agreement
    with capsys.disabled():
        print()
        print("\n".join(lines))
        print(f"  HELD-OUT NOTICES: {total.summary()}")
    assert total.total >= 50
    assert total.share("all") >= 0.9


@pytest.mark.parametrize(("name", "notice"), _notices(), ids=[n["key"] for _f, n in _notices()])
def test_a_wrong_date_is_never_silent(registry, name, notice):
    """Where the due date is not the expected one, the draft carries a flag asking the clerk to check."""
    drafts, agreement = _run(registry, notice)
    for comparison in agreement.comparisons:
        assert comparison.draft is not None, f"no draft for item {comparison.expected.item}"
        if not comparison.due:
            assert comparison.draft.all_flags, comparison.draft.to_json()


@pytest.mark.parametrize(("name", "notice"), _notices(), ids=[n["key"] for _f, n in _notices()])
def test_flags_where_the_notice_asks_for_them(registry, name, notice):
    drafts, _agreement = _run(registry, notice)
    by_item = {d.item: d for d in drafts}
    for expected in notice["directives"]:
        draft = by_item[expected["item"]]
        if expected.get("unreadable"):
            assert draft.deadline.due_date is None
            assert UNREADABLE in draft.all_flags, draft.to_json()
        if expected.get("vague"):
            assert VAGUE in draft.all_flags, draft.to_json()
        assert draft.deadline.recurring is bool(expected.get("recurring")), draft.to_json()


def test_preamble_closing_and_recipients_give_no_drafts(registry):
    notice = _load("drafting_heldout.yaml")["notices"][0]
    drafts, _agreement = _run(registry, notice)
    texts = " ".join(d.text for d in drafts)
    assert "Tham dự cuộc họp" not in texts
    assert "thông báo để" not in texts
    assert "Lưu: VT" not in texts
    # Item 1 ("Đánh giá cao các bộ, ngành đã tích cực triển khai ...") is praise: no draft (parse16's rule;
    # before, a draft with no lead, left unticked).
    assert [d.item for d in drafts] == ["2.a", "2.b", "2.c", "2.d", "2.đ", "3", "4", "5"]

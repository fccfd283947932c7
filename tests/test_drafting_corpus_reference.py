"""``score_drafting --registry reference``: the corpus scored over the registry a fresh install has.

A small corpus in a temporary folder: one item whose agencies the reference data holds, one naming a
provincial department it lacks, one whose expected lead is in the registry but is not the one the text
gives (the parser's miss, whatever the registry). Adding the department to the records moves its item
from "not in the registry" to right; the parser's miss stays where it is.
"""

import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from directives.drafting_corpus import ABSENT, load_corpus, score_corpus
from directives.drafting_registry import fresh_install_records

# The parser over the corpus, no database: CI runs it once (the SQLite pass), not again on PostgreSQL.
pytestmark = pytest.mark.no_database

DEPARTMENT = "Sở Ngoại vụ tỉnh Quảng Trị"  # a department some provinces have: not in the reference data

ITEMS = [
    {
        "text": (
            "1. Giao Bộ Xây dựng chủ trì, phối hợp với Bộ Tài chính rà soát quy hoạch, hoàn thành trước ngày 30/6/2024."
        ),
        "expected": [{"lead": "Bộ Xây dựng", "coordinating": ["Bộ Tài chính"], "due": "2024-06-29"}],
    },
    {
        "text": "2. Giao Sở Ngoại vụ chủ trì thẩm định dự thảo quy chế, hoàn thành trước ngày 15/7/2024.",
        "expected": [{"lead": DEPARTMENT, "due": "2024-07-14"}],
    },
    {
        # The clerk's record names another ministry than the text: no registry makes this right.
        "text": "3. Giao Bộ Y tế chủ trì hướng dẫn việc phòng, chống dịch, hoàn thành trước ngày 30/8/2024.",
        "expected": [{"lead": "Bộ Công an", "due": "2024-08-29"}],
    },
]


@pytest.fixture
def corpus(tmp_path):
    document = {
        "source": {
            "kind": "provincial letter",
            "number": "1/UBND-TEST",
            "date": "2024-05-20",
            "issuer": "Ủy ban nhân dân tỉnh Quảng Trị",
            "address": "https://example.org/1-ubnd-test",
        },
        "issued": "2024-05-20",
        "context": "Ủy ban nhân dân tỉnh Quảng Trị",
        "items": ITEMS,
    }
    (tmp_path / "test-1-2024.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _right(score):
    return [r.right for r in score.results]


def test_over_the_reference_registry_a_lacking_agency_is_a_miss_of_its_own_class(corpus):
    score = score_corpus(load_corpus(corpus), registry="reference")
    figures = score.figures()
    registry = figures["registry"]
    assert _right(score) == [True, False, False]
    assert registry["name"] == "reference" and registry["agencies"] == len(fresh_install_records())
    assert registry["misses"]["items"] == {"not_in_registry": 1, "parser_wrong": 1}
    assert registry["misses"]["lead"] == {"not_in_registry": 1, "parser_wrong": 1}
    assert registry["absent"] == [{"name": DEPARTMENT, "drafts": 1, "lead": 1, "outcomes": {"offered": 1}}]
    assert score.results[1].agreement.comparisons[0].expected.lead == ABSENT + DEPARTMENT
    assert "not in the registry: " + DEPARTMENT in figures["failures"][0]["reasons"]


def test_the_department_in_the_records_moves_its_item_to_right_and_the_parsers_miss_stays(corpus):
    records = fresh_install_records() + [
        {
            "code": "so-ngoai-vu-tinh-quang-tri",
            "name": DEPARTMENT,
            "kind": "department",
            "level": "province",
            "parent": "ubnd-tinh-quang-tri",
        }
    ]
    score = score_corpus(load_corpus(corpus), registry="reference", reference_records=records)
    registry = score.figures()["registry"]
    assert _right(score) == [True, True, False]
    assert registry["misses"]["items"] == {"not_in_registry": 0, "parser_wrong": 1}
    assert registry["absent"] == []


def test_the_corpus_registry_stays_the_default_and_knows_every_expected_agency(corpus):
    score = score_corpus(load_corpus(corpus))
    registry = score.figures()["registry"]
    assert registry["name"] == "corpus" and _right(score) == [True, True, False]
    assert registry["misses"]["items"] == {"not_in_registry": 0, "parser_wrong": 1}


def test_the_command_reports_both_causes_and_the_lacking_names(corpus):
    out = StringIO()
    call_command("score_drafting", "--corpus", str(corpus), "--registry", "reference", stdout=out)
    text = out.getvalue()
    assert "Over a fresh install's registry" in text
    assert f"1 drafts (1 as lead)  {DEPARTMENT}  [1 offered]" in text
    out = StringIO()
    call_command("score_drafting", "--corpus", str(corpus), "--json", stdout=out)
    assert json.loads(out.getvalue())["registry"]["name"] == "corpus"

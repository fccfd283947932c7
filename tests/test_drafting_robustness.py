"""The drafter reads a pasted text the same however its characters came (issue 13, "one item is fed in
decomposed Unicode"): every corpus item, transformed the way copies from PDFs, web pages and word processors
transform it, gives the same drafts as the clean text (the same leads, coordinators, dates, flags and, folded,
the same words)."""

import re
import unicodedata

import pytest

from directives.drafting import AgencyMatcher, parse_directives
from directives.drafting.agencies import describe
from directives.drafting.textutil import fold_key
from directives.drafting_corpus import DEFAULT_CORPUS, corpus_registry, load_corpus

# The parser over the corpus, no database: CI runs it once (the SQLite pass), not again on PostgreSQL.
pytestmark = pytest.mark.no_database

_SPACE = re.compile(r" ")
_LONG_WORD = re.compile(r"\w{6,}")
# A name the page wraps: a head word and two more ("Bộ Tài nguyên và ...", "Ủy ban nhân dân tỉnh ...").
_NAME = re.compile(r"\b(?:Bộ|Sở|Ủy ban nhân dân|UBND|Ban|Cục|Văn phòng) \w+( )\w+")


def _nfd(text):
    return unicodedata.normalize("NFD", text)


def _nbsp(text):
    # Every other space a non-breaking one (a web page's or a word processor's copy).
    count = iter(range(10**9))
    return _SPACE.sub(lambda m: "\u00a0" if next(count) % 2 else " ", text)


def _zero_width(text):
    # Zero-width spaces and joiners after some words, a byte-order mark in front (copies from web pages).
    count = iter(range(10**9))
    return "\ufeff" + _SPACE.sub(
        lambda m: " \u200b" if next(count) % 3 == 0 else (" \u200c" if next(count) % 5 else " "), text
    )


def _soft_hyphens(text):
    # Hyphenation points a word processor leaves inside long words.
    return _LONG_WORD.sub(lambda m: m.group(0)[:3] + "\u00ad" + m.group(0)[3:], text)


def _pdf_wrap(text):
    # The first agency's name broken by the page's line end, as PDF text layers give it.
    return _NAME.sub(
        lambda m: m.group(0)[: m.start(1) - m.start()] + "\n" + m.group(0)[m.end(1) - m.start() :], text, count=1
    )


def _uy_spelling(text):
    # "Ủy" and "Uỷ" (the old placement of the tone mark) are one word; swap them both ways.
    return text.replace("Ủy", "\0").replace("Uỷ", "Ủy").replace("\0", "Uỷ").replace("ủy", "uỷ")


def _quotes(text):
    # Curly quotes straight and straight ones curly, in pairs.
    text = text.replace("“", "\0").replace("”", "\1")
    parts = text.split('"')
    text = "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]
    return text.replace("\0", '"').replace("\1", '"')


TRANSFORMS = {
    "nfd": _nfd,
    "nbsp": _nbsp,
    "zero_width": _zero_width,
    "soft_hyphens": _soft_hyphens,
    "pdf_wrap": _pdf_wrap,
    "uy_spelling": _uy_spelling,
    "quotes": _quotes,
}


@pytest.fixture(scope="module")
def corpus():
    documents = load_corpus(DEFAULT_CORPUS)
    registry, codes = corpus_registry(documents)
    by_code = {a.code: a for a in registry}
    cases = []
    for document in documents:
        context = by_code.get(codes.get(fold_key(document.context))) if document.context else None
        for item in document.items:
            matcher = AgencyMatcher(registry, context=context, on_date=document.issued)
            clean = _folded_names(_seen(parse_directives(item.text, document.issued, matcher=matcher)))
            cases.append((f"{document.path.stem}#{item.index}", item.text, document.issued, context, clean))
    return registry, cases


def _seen(drafts):
    """What a clerk sees of the drafts: every field, the text compared folded (its spelling may differ)."""
    return [
        (
            d.item,
            describe(d.lead) if d.lead is not None else None,
            [describe(c) for c in d.coordinating],
            d.deadline.due_date,
            d.deadline.starts_on,
            d.deadline.report_every,
            d.all_flags,
            fold_key(d.text),
        )
        for d in drafts
    ]


def _folded_names(seen):
    return [(*row[:1], fold_key(str(row[1])), [fold_key(str(c)) for c in row[2]], *row[3:]) for row in seen]


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
def test_every_corpus_item_gives_the_same_drafts_however_it_was_copied(corpus, transform):
    registry, cases = corpus
    different = []
    changed = 0
    for key, text, issued, context, clean in cases:
        variant = TRANSFORMS[transform](text)
        changed += variant != text
        copied = parse_directives(variant, issued, matcher=AgencyMatcher(registry, context=context, on_date=issued))
        if _folded_names(_seen(copied)) != clean:
            different.append(key)
    assert changed >= 5, "the transform must change the texts it is tried on"
    assert different == []

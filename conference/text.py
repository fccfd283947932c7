"""Folding Vietnamese text so that a search typed without diacritics still finds it.

Plain Python (no Django): the drafting package folds with the same ``fold_char``.
"""

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character, lower-cased and without its diacritics ("Đ" -> "d", "ệ" -> "e", a lone mark -> "").

    "đ" is a letter of its own, not a "d" with a combining mark, so Unicode decomposition leaves it
    alone: it is mapped by hand.
    """
    if ch in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its diacritics: "Chuyển đổi số" -> "chuyen doi so".

    Works on composed and decomposed input alike: a combining mark folds to nothing on its own.
    """
    stripped = "".join(fold_char(ch) for ch in text or "")
    return _SPACES.sub(" ", stripped).strip().casefold()


def fold_all(*parts: str) -> str:
    """Fold several fields into one search index, separated so terms never run together."""
    return " | ".join(fold(part) for part in parts if part)


# Vietnamese alphabetical order: ă and â follow a, đ follows d, ê e, ô and ơ o, ư u; the tones only
# break ties (none, huyền, hỏi, ngã, sắc, nặng). Code-point order put every "Đ..." after "X...".
_ALPHABET = {letter: rank for rank, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz", start=1000)}
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(text: str) -> tuple:
    """A key that orders Vietnamese words as a dictionary does: "Cơ quan", "Đầu mối", "Điểm cầu", "Hội nghị"."""
    letters, tones = [], []
    for ch in unicodedata.normalize("NFD", (text or "").lower()):
        if ch in _SHAPE_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
        elif ch in _TONES and tones:
            tones[-1] = _TONES[ch]
        elif not unicodedata.combining(ch):
            letters.append(ch)
            tones.append(0)
    return tuple(_ALPHABET.get(letter, ord(letter)) for letter in letters), tuple(tones)

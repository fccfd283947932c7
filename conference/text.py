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

"""Folding Vietnamese text so that a search typed without diacritics still finds it."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its diacritics: "Chuyển đổi số" -> "chuyen doi so".

    Works on composed and decomposed input alike. "đ" is a letter of its own, not a "d" with a
    combining mark, so Unicode decomposition leaves it alone: it is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().casefold()


def fold_all(*parts: str) -> str:
    """Fold several fields into one search index, separated so terms never run together."""
    return " | ".join(fold(part) for part in parts if part)

"""Folded text with a map back to the original, so a match found without diacritics can be cut
out of the text as the clerk wrote it.

Each character is folded on its own by ``conference.text.fold_char`` (the project's one folding,
plain Python) so every folded position knows the original position it came from. The input is
made NFC first, so decomposed text (a letter followed by combining marks) folds the same as
composed text.
"""

import re
import unicodedata
from functools import lru_cache

from conference.text import fold_char as fold_letter

# Dashes and quotes come in many shapes in pasted documents; one shape each is enough to match.
_CHAR_MAP = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2012": "-",
    "\u2212": "-",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u2026": ".",
    "\u00a0": " ",
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


# Characters a copy from a PDF, a web page or a word processor leaves in a text that no reader sees: soft
# hyphens, zero-width spaces and joiners, word joiners, byte-order marks.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Spaces of other widths (non-breaking, thin, narrow, ideographic): one plain space; line ends stay.
_OTHER_SPACES = re.compile(r"[^\S\n\r]")


def clean_pasted(text: str) -> str:
    """A pasted text as the drafter reads it: composed (NFC), without invisible characters, with one kind of
    space; line ends kept (they make the document's structure)."""
    text = _INVISIBLE.sub("", nfc(text))
    return _OTHER_SPACES.sub(" ", text)


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """``conference.text.fold_char``, with every space a plain space, one shape of each dash and quote."""
    if ch.isspace():
        return " "
    return fold_letter(_CHAR_MAP.get(ch, ch))


def fold_text(text: str) -> str:
    """Fold a whole string the way ``Folded`` does (spaces kept, not collapsed)."""
    return "".join(fold_char(ch) for ch in nfc(text))


def fold_aligned(text: str) -> str:
    """Fold ``text`` one character for one character, so positions in both strings agree."""
    out = []
    for ch in text:
        folded = fold_char(ch)
        out.append(folded[0] if folded else " ")
    return "".join(out)


def fold_key(text: str) -> str:
    """A comparison key: folded, punctuation dropped, spaces collapsed ("Các bộ, ngành" -> "cac bo nganh")."""
    folded = fold_text(text).replace("&", " & ")
    return " ".join(re.findall(r"[a-z0-9]+|&", folded))


class Folded:
    """``text`` (NFC) and its folded form ``folded``, with ``origin[i]`` the index in ``text`` of folded[i]."""

    __slots__ = ("text", "folded", "origin")

    def __init__(self, text: str):
        self.text = nfc(text)
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(self.text):
            for c in fold_char(ch):
                chars.append(c)
                origin.append(i)
        self.folded = "".join(chars)
        self.origin = origin

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``text`` that produced ``folded[start:end]``."""
        if start >= end:
            pos = self.origin[start] if start < len(self.origin) else len(self.text)
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1

    def original(self, start: int, end: int) -> str:
        s, e = self.to_original(start, end)
        return self.text[s:e]


def clean_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text

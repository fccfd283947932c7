"""The text of an uploaded notice: a PDF with a text layer, or a DOCX. Plain Python, no Django.

What a file is is judged from its bytes, never from its name or the browser's word; the name must
agree. A PDF whose pages carry no text (a scan) is refused: this module does no OCR, and a clerk
is better told to paste the text or ask for the digital file than handed an empty draft.

Errors are ``DocumentError`` with a ``code`` (one of the constants below), so the admin can say
each in Vietnamese and the command in English.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 300
# A DOCX is a ZIP archive: refuse one that unpacks to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Fewer letters than this in the whole file: no text layer worth drafting from.
MIN_LETTERS = 40

PDF, DOCX = "pdf", "docx"
EXTENSIONS = {PDF: (".pdf",), DOCX: (".docx",)}

TOO_LARGE = "too_large"
EMPTY = "empty"
UNSUPPORTED = "unsupported"
LEGACY_DOC = "legacy_doc"
NAME_MISMATCH = "name_mismatch"
BROKEN = "broken"
ENCRYPTED = "encrypted"
TOO_MANY_PAGES = "too_many_pages"
NO_TEXT = "no_text"

MESSAGES = {
    TOO_LARGE: "The file is larger than 10 MB.",
    EMPTY: "The file is empty.",
    UNSUPPORTED: "The file is not a PDF or DOCX document (judged from its content).",
    LEGACY_DOC: "The file is an old Word document (.doc): save it as .docx or PDF and upload it again.",
    NAME_MISMATCH: "The file's name does not match its content.",
    BROKEN: "The file is damaged and cannot be read.",
    ENCRYPTED: "The file is protected by a password.",
    TOO_MANY_PAGES: "The PDF has more than 300 pages.",
    NO_TEXT: "The PDF has no text layer (a scanned image): paste the text, or ask for the digital file.",
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocumentError(ValueError):
    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(MESSAGES[code] + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class DocumentText:
    kind: str  # PDF or DOCX
    text: str
    pages: int | None = None  # PDFs only


def sniff(data: bytes) -> str | None:
    """PDF, DOCX, or None, from the bytes alone."""
    # A PDF's header may follow a little junk; readers accept it within the first kilobyte.
    if b"%PDF-" in data[:1024]:
        return PDF
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def read_document(data: bytes, filename: str = "") -> DocumentText:
    """The text of a PDF or DOCX given as bytes; ``filename`` (if given) must agree with the bytes."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(TOO_LARGE)
    if not data:
        raise DocumentError(EMPTY)
    kind = sniff(data)
    if kind is None:
        raise DocumentError(LEGACY_DOC if data.startswith(_OLE_MAGIC) else UNSUPPORTED)
    if filename and not filename.lower().endswith(EXTENSIONS[kind]):
        raise DocumentError(NAME_MISMATCH, f"{filename}: {kind.upper()}")
    if kind == PDF:
        text, pages = _pdf_text(data)
    else:
        text, pages = _docx_text(data), None
    text = tidy(text)
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        raise DocumentError(NO_TEXT if kind == PDF else EMPTY)
    return DocumentText(kind=kind, text=text, pages=pages)


def tidy(text: str) -> str:
    """NFC, one kind of line end and space, no trailing spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\x00", "")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    # pypdf raises many kinds of error on a damaged or hostile file (its own, but also KeyError,
    # TypeError, RecursionError ...): any of them means "cannot be read", never a crash.
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs are "encrypted" with an empty password
            except Exception as exc:  # a missing AES backend is a refusal too
                raise DocumentError(ENCRYPTED) from exc
            if not opened:
                raise DocumentError(ENCRYPTED)
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise DocumentError(TOO_MANY_PAGES)
        texts = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as exc:  # see above
        raise DocumentError(BROKEN, type(exc).__name__) from exc
    return "\n".join(texts), count


def _docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise DocumentError(TOO_LARGE)
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        # Body paragraphs and tables in the order they stand: the header block and the signature
        # of a Vietnamese document are usually two-column tables, read left cell then right.
        for child in document.element.body.iterchildren():
            if child.tag == f"{_W_NS}p":
                lines.append(Paragraph(child, document).text)
            elif child.tag == f"{_W_NS}tbl":
                lines.extend(_table_lines(Table(child, document)))
    except DocumentError:
        raise
    except Exception as exc:  # a damaged archive or XML raises many kinds of error
        raise DocumentError(BROKEN, type(exc).__name__) from exc
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    lines, seen = [], set()
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once per column it spans. The set holds the elements
            # themselves, not their id(): a proxy freed after the first row may hand its id to a
            # cell of the next one, which was then dropped (the number under the issuer).
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            lines.extend(p.text for p in cell.paragraphs)
            for inner in cell.tables:
                lines.extend(_table_lines(inner))
            lines.append("")
    return lines


__all__ = ["DocumentError", "DocumentText", "MAX_DOCUMENT_BYTES", "read_document", "sniff", "tidy"]

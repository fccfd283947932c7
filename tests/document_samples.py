"""PDF and DOCX files made from the plain text of a notice, laid out as such documents are.

The issuer and number top left, the motto, place and date top right (a two-column table, as in
Word templates of Nghị định 30/2020/NĐ-CP), the title centred, the body, then the distribution list
beside the signature. The PDF is rendered by WeasyPrint from HTML (it has a text layer); the
DOCX is written by python-docx. ``scanned_pdf`` is an image only, as a scanner makes.

    python -m tests.document_samples tests/fixtures/documents/tb-281-ubnd-bac-giang.txt /tmp/out
writes out.pdf and out.docx beside each other, to look at them.
"""

import html
import io
import re
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "documents"

_MOTTO = re.compile(r"^(CỘNG HÒA XÃ HỘI|Độc lập)")
_DATE = re.compile(r"ngày \d+ tháng \d+ năm \d{4}")
_CLOSING = re.compile(r"^(Nơi nhận:|TM\.|KT\.|TL\.|Q\.)")
_KIND = re.compile(r"^(THÔNG BÁO|CÔNG ĐIỆN|CHỈ THỊ|QUYẾT ĐỊNH|KẾ HOẠCH|NGHỊ QUYẾT)$")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parts(text: str) -> dict:
    """The notice's text cut into the blocks of its layout.

    The header is the first block: its left column (issuer, then from "Số:" the number and a
    letter's "V/v ...") and its right column (motto, place and date), in two rows as Word's
    templates lay them out. A title block follows only when it opens with the document's kind
    ("THÔNG BÁO", "CÔNG ĐIỆN"); a letter has none. The signature is the run of lines in capitals
    that ends the text, over the signer's name; the distribution list ("Nơi nhận:") is beside it.
    """
    lines = [line.rstrip() for line in text.strip().split("\n")]
    head_end = lines.index("")
    head = [line for line in lines[:head_end] if not set(line) <= set("-–_ ")]
    right = [line for line in head if _MOTTO.match(line) or _DATE.search(line)]
    left = [line for line in head if line not in right]
    number_at = next((i for i, line in enumerate(left) if line.startswith("Số")), len(left))
    rest = lines[head_end + 1 :]
    title = []
    if rest and _KIND.match(rest[0]):
        title_end = rest.index("")
        title, rest = rest[:title_end], rest[title_end + 1 :]
    while rest and not rest[-1]:
        rest.pop()
    sign_at = len(rest) - 1  # the name
    while sign_at > 0 and _is_caps(rest[sign_at - 1]):
        sign_at -= 1
    if sign_at == len(rest) - 1:  # no title in capitals over the last line: no signature (an excerpt)
        sign_at = len(rest)
    closing_at = next((i for i, line in enumerate(rest[:sign_at]) if _CLOSING.match(line)), sign_at)
    return {
        "left": left[:number_at],
        "right": [line for line in right if not _DATE.search(line)],
        "number": left[number_at:],
        "date": [line for line in right if _DATE.search(line)],
        "title": title,
        "body": [line for line in rest[:closing_at] if line],
        "distribution": [line for line in rest[closing_at:sign_at] if line],
        "signature": rest[sign_at:],
    }


def _is_caps(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _cells(lines):
    return "<br>".join(html.escape(line) for line in lines)


def pdf_bytes(text: str) -> bytes:
    from weasyprint import HTML

    p = parts(text)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in p["body"])
    signature = p["signature"]
    page = f"""<html><head><meta charset="utf-8"><style>
      @page {{ size: A4; margin: 2cm 1.5cm 2cm 3cm; }}
      body {{ font-family: "DejaVu Serif", serif; font-size: 12pt; }}
      table {{ width: 100%; border-collapse: collapse; }} td {{ vertical-align: top; text-align: center; }}
      .title {{ text-align: center; font-weight: bold; margin: 1.2em 0; }}
      p {{ text-align: justify; text-indent: 1cm; margin: .3em 0; }}
      .dist {{ text-align: left; font-size: 10pt; width: 50%; }}
    </style></head><body>
      <table><tr><td style="width:40%"><b>{_cells(p["left"])}</b></td>
      <td><b>{_cells(p["right"])}</b></td></tr>
      <tr><td>{_cells(p["number"])}</td><td><i>{_cells(p["date"])}</i></td></tr></table>
      <div class="title">{_cells(p["title"])}</div>
      {body}
      <table style="margin-top:1em"><tr><td class="dist">{_cells(p["distribution"])}</td>
      <td><b>{_cells(signature[:-1])}</b><br><br><br><b>{_cells(signature[-1:])}</b></td></tr></table>
    </body></html>"""
    return HTML(string=page).write_pdf()


def docx_bytes(text: str) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = parts(text)
    document = docx.Document()

    def fill(cell, lines, bold=True):
        cell.paragraphs[0].text = ""
        for index, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(line).bold = bold

    top = document.add_table(rows=2, cols=2)
    fill(top.cell(0, 0), p["left"])
    fill(top.cell(0, 1), p["right"])
    fill(top.cell(1, 0), p["number"], bold=False)
    fill(top.cell(1, 1), p["date"], bold=False)
    for line in p["title"]:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(line).bold = True
    for line in p["body"]:
        document.add_paragraph(line)
    closing = document.add_table(rows=1, cols=2)
    fill(closing.cell(0, 0), p["distribution"], bold=False)
    fill(closing.cell(0, 1), p["signature"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_pdf(pdf: bytes) -> bytes:
    """The same PDF protected by a password (RC4, so no AES library is needed to write or refuse it)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A one-page PDF that is only a picture of a page: no text layer, as a scanner makes it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    for row in range(12):
        draw.rectangle((150, 200 + row * 90, 1090, 230 + row * 90), fill="black")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=150)
    return out.getvalue()


def _main():
    if sys.argv[1] == "--score":  # python -m tests.document_samples --score [--split=tuning|heldout] [file ...]
        import logging

        import django

        logging.disable(logging.CRITICAL)  # WeasyPrint's progress lines
        django.setup()
        split = next((arg.split("=", 1)[1] for arg in sys.argv[2:] if arg.startswith("--split=")), None)
        names = [arg for arg in sys.argv[2:] if not arg.startswith("--")]
        _print_score(score(names=names or None, split=split))
        return
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    content = source.read_text(encoding="utf-8")
    target.with_suffix(".pdf").write_bytes(pdf_bytes(content))
    target.with_suffix(".docx").write_bytes(docx_bytes(content))


# Scoring the header reader on the whole documents of headers.yaml (README.md there has the sources).

FIELDS = (
    "number",
    "issued_on",
    "place",
    "issuer",
    "kind",
    "subject",
    "signer",
    "signer_title",
    "session.held_on",
    "session.chair_name",
    "addressees",
    "body",
)
FORMATS = ("pasted", "pasted-nfd", "docx", "pdf")


def expected_headers() -> list[dict]:
    import yaml

    return yaml.safe_load((FIXTURES / "headers.yaml").read_text(encoding="utf-8"))["documents"]


def document_text(name: str, form: str) -> str:
    """The text the reader gets for a fixture in one format (a file's text as the upload reads it)."""
    import unicodedata

    from directives.drafting.documents import read_document

    text = fixture_text(name)
    if form == "pasted":
        return text
    if form == "pasted-nfd":
        return unicodedata.normalize("NFD", text)
    data = pdf_bytes(text) if form == "pdf" else docx_bytes(text)
    return read_document(data, f"notice.{form}").text


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def field_results(header, expected: dict, text: str) -> dict:
    """{field: True/False} for the fields this document's expectation names."""
    got = header.to_json()
    results = {}
    for name in FIELDS:
        if name == "body":
            p = parts(text)
            body = _squash(header.body)
            results[name] = (
                bool(p["body"])
                and body.startswith(expected.get("body_starts") or _squash(p["body"][0])[:60])
                and _squash(p["body"][-1])[-40:] in body[-400:]
                and "Nơi nhận" not in body
                and not (expected.get("signer") and expected["signer"] in body[-300:])
            )
        elif name == "addressees":
            start = expected.get("addressees_start", "")
            addressees = getattr(header, "addressees", "")  # a reader without the field scores as one that finds none
            results[name] = _squash(addressees).startswith(start) and bool(start) == bool(addressees)
        elif name.startswith("session."):
            if "session" not in expected or name[8:] not in expected["session"]:
                continue
            session = got.get("session") or {}
            results[name] = _squash(session.get(name[8:])) == _squash(str(expected["session"][name[8:]]))
        elif name in expected:
            results[name] = _squash(str(got.get(name) or "")) == _squash(str(expected[name]))
    return results


def score(forms=FORMATS, names=None, split=None) -> dict:
    """{form: {field: (right, total)}} and the failures, over every document of headers.yaml."""
    from directives.drafting.header import read_header

    table: dict = {form: {} for form in forms}
    failures = []
    for document in expected_headers():
        if names and document["file"] not in names:
            continue
        if split and document.get("split") != split:
            continue
        for form in forms:
            header = read_header(document_text(document["file"], form))
            text = fixture_text(document["file"])
            for name, right in field_results(header, document["expected"], text).items():
                done, total = table[form].get(name, (0, 0))
                table[form][name] = (done + right, total + 1)
                if not right:
                    got = header.to_json()
                    value = (got.get("session") or {}).get(name[8:]) if name.startswith("session.") else got.get(name)
                    failures.append((document["file"], form, name, value if name != "body" else header.body[:80]))
    return {"table": table, "failures": failures}


def _print_score(result):
    forms = list(result["table"])
    print("| field | " + " | ".join(forms) + " |")
    print("| --- |" + " --- |" * len(forms))
    for name in FIELDS:
        cells = []
        for form in forms:
            done, total = result["table"][form].get(name, (0, 0))
            cells.append(f"{done}/{total}" if total else "-")
        print(f"| {name} | " + " | ".join(cells) + " |")
    for failure in result["failures"]:
        print("FAIL", *failure, sep="\t")


if __name__ == "__main__":
    _main()

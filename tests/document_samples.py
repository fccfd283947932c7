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
_CLOSING = re.compile(r"^(Nơi nhận:|TM\.|KT\.|TL\.)")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parts(text: str) -> dict:
    """The notice's text cut into the blocks of its layout."""
    lines = [line.rstrip() for line in text.strip().split("\n")]
    head_end = lines.index("")
    head = [line for line in lines[:head_end] if not set(line) <= set("-–_ ")]
    right = [line for line in head if _MOTTO.match(line) or _DATE.search(line)]
    left = [line for line in head if line not in right]
    rest = lines[head_end + 1 :]
    title_end = rest.index("")
    title, rest = rest[:title_end], rest[title_end + 1 :]
    closing_at = next((i for i, line in enumerate(rest) if _CLOSING.match(line)), len(rest))
    body, closing = rest[:closing_at], rest[closing_at:]
    sign_at = next((i for i, line in enumerate(closing) if re.match(r"^(TM\.|KT\.|TL\.)", line)), 0)
    return {
        "left": left,
        "right": right,
        "title": title,
        "body": [line for line in body if line],
        "distribution": closing[:sign_at],
        "signature": closing[sign_at:],
    }


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
      <td><b>{_cells(p["right"])}</b></td></tr></table>
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

    top = document.add_table(rows=1, cols=2)
    fill(top.cell(0, 0), p["left"])
    fill(top.cell(0, 1), p["right"])
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


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    content = source.read_text(encoding="utf-8")
    target.with_suffix(".pdf").write_bytes(pdf_bytes(content))
    target.with_suffix(".docx").write_bytes(docx_bytes(content))

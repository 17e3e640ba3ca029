"""Thai PDFs with WeasyPrint and the vendored Sarabun fonts.

Two things need care (see STYLE.md, "Thai PDF typography"):
- a missing glyph draws a box; WeasyPrint only logs it, so rendering fails instead;
- HarfBuzz draws SARA AM (ำ) as NIKHAHIT + SARA AA, and WeasyPrint maps the SARA AA glyph to ำ
  when ำ came first, so every า then extracts as ำ (ทำงาน → ทำงำน). The fix rewrites the fonts'
  ToUnicode maps after rendering: the SARA AA glyph reads า and the NIKHAHIT glyph ํ. Extracted
  text is then ทํางาน, which is ทำงาน after NFKC normalisation, and line breaking, which works on
  the HTML, is untouched.
"""

import io
import logging
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from core.thai import document_digits

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "sarabun"
SARA_AA, NIKHAHIT, SARA_AM = 0x0E32, 0x0E4D, 0x0E33


class MissingGlyphError(RuntimeError):
    """The PDF would show a box where a character should be."""


class _NotdefCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if ".notdef" in message or ("glyph" in message.lower() and "missing" in message.lower()):
            self.messages.append(message)


def render_pdf(template: str, context: dict, *, thai_digits: bool = False) -> bytes:
    """Render a template of `templates/pdf/` to PDF bytes with a correct Thai text layer.

    `thai_digits` is the office's choice: the `doc` filters and the page numbers then use ๐–๙."""
    html = render_html(template, context, thai_digits=thai_digits)
    return html_to_pdf(html)


def render_html(template: str, context: dict, *, thai_digits: bool = False) -> str:
    with document_digits(thai=thai_digits):
        return render_to_string(
            template,
            {**context, "font_dir": FONT_DIR.as_uri(), "page_counter_style": "thai" if thai_digits else "decimal"},
        )


def html_to_pdf(html: str) -> bytes:
    """The PDF of a rendered document, failing on missing glyphs, with the Thai text layer fixed."""
    from weasyprint import HTML  # imported here: loading Pango is slow and only workers need it

    catcher = _NotdefCatcher()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(catcher)
    try:
        pdf = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
    finally:
        logger.removeHandler(catcher)
    if catcher.messages:
        raise MissingGlyphError("; ".join(catcher.messages))
    return fix_thai_text_layer(pdf)


@cache
def _thai_glyph_ids() -> tuple[int, int]:
    """The glyph ids of SARA AA and NIKHAHIT, the same in every vendored Sarabun face."""
    from fontTools.ttLib import TTFont

    ids = set()
    for path in sorted(FONT_DIR.glob("*.ttf")):
        font = TTFont(path, lazy=True)
        cmap, order = font.getBestCmap(), font.getGlyphOrder()
        ids.add((order.index(cmap[SARA_AA]), order.index(cmap[NIKHAHIT])))
    if len(ids) != 1:
        raise RuntimeError("The Sarabun faces disagree on Thai glyph ids; the text-layer fix needs one pair.")
    return ids.pop()


_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")


def fix_thai_text_layer(pdf: bytes) -> bytes:
    """Make the SARA AA glyph extract as า and the NIKHAHIT glyph as ํ in every embedded font."""
    from pypdf import PdfReader, PdfWriter  # imported here, like WeasyPrint: only workers need them
    from pypdf.generic import DecodedStreamObject, NameObject

    sara_aa, nikhahit = _thai_glyph_ids()
    wanted = {sara_aa: f"{SARA_AA:04x}".encode(), nikhahit: f"{NIKHAHIT:04x}".encode()}
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    changed = False
    seen = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font_ref in fonts.values():
            font = font_ref.get_object()
            to_unicode = font.get("/ToUnicode")
            if to_unicode is None or id(to_unicode.get_object()) in seen:
                continue
            stream = to_unicode.get_object()
            seen.add(id(stream))
            data = stream.get_data()

            def rewrite(match: re.Match) -> bytes:
                glyph = int(match.group(1), 16)
                if glyph in wanted and match.group(2).lower() != wanted[glyph]:
                    return b"<" + match.group(1) + b"> <" + wanted[glyph] + b">"
                return match.group(0)

            fixed = _BFCHAR.sub(rewrite, data)
            if fixed != data:
                replacement = DecodedStreamObject()
                replacement.set_data(fixed)
                font[NameObject("/ToUnicode")] = writer._add_object(replacement)
                changed = True
    if not changed:
        return pdf
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()

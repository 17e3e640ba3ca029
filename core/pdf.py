"""Thai PDFs with WeasyPrint, the vendored Sarabun fonts and the installed fallback fonts.

Three things need care (see STYLE.md, "Thai PDF typography", and docs/pdf-text-layer.md):
- A missing glyph draws a box, and WeasyPrint only logs it. People type what they like (emoji,
  other scripts, private-use characters), so before rendering, a character in their text that no
  font can draw is replaced, and the job says which record and field held it. A missing glyph
  anywhere else is in our own templates, and the render fails (MissingGlyphError).
- WeasyPrint writes each glyph's text as the text of the first cluster it was drawn in. HarfBuzz
  draws SARA AM (ำ) as NIKHAHIT + SARA AA, so SARA AA read as ำ (ทำงาน → ทำงำน), and Sarabun's
  tone + NIKHAHIT ligatures read as nothing (น้ำ → นา). After rendering, the ToUnicode maps
  of all embedded fonts are rewritten from what each glyph is in its font (core.fonts): text
  read back equals the source after NFKC normalisation (ทำงาน reads ทํางาน, its NFKC form),
  and line breaking, which works on the HTML, is untouched.
- Pango falls back on installed fonts for what Sarabun lacks; templates/pdf/includes/fonts.css
  names the preferred ones.
"""

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core import fonts
from core.thai import official_document_html

FONT_DIR = fonts.SARABUN_DIR
REPLACEMENTS = ("\ufffd", "?")  # what an undrawable character shows as: the first a font has

logger = logging.getLogger(__name__)

# The warnings of the renders in progress (see `collect_pdf_warnings`).
_warnings: ContextVar[list[str] | None] = ContextVar("pdf_warnings", default=None)


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


@contextmanager
def collect_pdf_warnings() -> Iterator[list[str]]:
    """Within this block, what `render_pdf` had to change in people's text (readable, in Thai)
    is added to the list it yields; report jobs keep it for the people who asked."""
    collected: list[str] = []
    token = _warnings.set(collected)
    try:
        yield collected
    finally:
        _warnings.reset(token)


def render_pdf(template: str, context: dict, *, thai_digits: bool = False) -> bytes:
    """Render a template of `templates/pdf/` to PDF bytes with a correct Thai text layer.

    `thai_digits` is the office's choice: every digit of the text and the page numbers then use ๐–๙."""
    html = render_html(template, context, thai_digits=thai_digits)
    html, warnings = replace_undrawable(html, context)
    collected = _warnings.get()
    for warning in warnings:
        if collected is None:
            logger.warning("%s (%s)", warning, template)
        elif warning not in collected:
            collected.append(warning)
    return html_to_pdf(html)


def render_html(template: str, context: dict, *, thai_digits: bool = False) -> str:
    html = render_to_string(
        template,
        {**context, "font_dir": FONT_DIR.as_uri(), "page_counter_style": "thai" if thai_digits else "decimal"},
    )
    return official_document_html(html, thai_digits=thai_digits)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a rendered document, failing on missing glyphs, with the text layer fixed."""
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
    return fix_text_layer(pdf)


# People's text that no font can draw


def replace_undrawable(html: str, context: dict) -> tuple[str, list[str]]:
    """The HTML with the characters no font can draw replaced, when they come from people's text
    in `context`, and a warning naming each record and field they were in. An undrawable
    character found in no text of the context is the template's own: it stays, and the render
    fails on it."""
    undrawable = sorted(char for char in set(html) if not fonts.is_drawable(char))
    if not undrawable:
        return html, []
    replacement = next((char for char in REPLACEMENTS if fonts.is_drawable(char)), "?")
    found: dict[str, set[str]] = {}  # where → the undrawable characters in it
    replaced: set[str] = set()
    for obj, field, value in _people_text(context):
        # A character named in a record's field is not named again where it was copied to.
        chars = {char for char in undrawable if char in value and (obj is not None or char not in replaced)}
        if chars:
            found.setdefault(_where(obj, field), set()).update(chars)
            replaced |= chars
    if not replaced:
        return html, []
    with translation.override("th"):  # the job page shows them to Thai offices
        warnings = [
            _("%(source)s: the character %(characters)s is in no font, so it shows as %(replacement)s")
            % {
                "source": where or _("Text in the report"),
                "characters": ", ".join(f"U+{ord(char):04X}" for char in sorted(chars)),
                "replacement": replacement,
            }
            for where, chars in found.items()
        ]
    return html.translate({ord(char): replacement for char in replaced}), warnings


def _where(obj, field) -> str:
    """Where people's text is, for the job page: "OIT item O5 … · summary of contents"."""
    if obj is None:
        return ""
    with translation.override("th"):
        return f"{capfirst(obj._meta.verbose_name)} {obj} · {capfirst(field.verbose_name)}"


def _people_text(context: dict, depth: int = 6, limit: int = 50_000) -> Iterator[tuple]:
    """(instance, field, text) for the text reachable from a template context: the text fields
    of model instances, then other strings (instance and field None).
    Follows what is already loaded (related objects, prefetched and evaluated querysets,
    attributes set on instances) and never queries the database."""
    from django.db import models

    seen: set[int] = set()
    strings: list[str] = []

    def walk(value, depth: int) -> Iterator[tuple]:
        if isinstance(value, str):
            strings.append(value)
            return
        if depth < 0 or id(value) in seen or len(seen) > limit:
            return
        seen.add(id(value))
        if isinstance(value, models.Model):
            yield from instance(value, depth)
        elif isinstance(value, models.QuerySet):
            for item in value._result_cache or ():  # only what the template already read
                yield from walk(item, depth - 1)
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item, depth - 1)
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                yield from walk(item, depth - 1)
        elif hasattr(value, "__dict__") and not isinstance(value, type) and _is_project_object(value):
            for item in vars(value).values():
                yield from walk(item, depth - 1)

    def instance(obj: "models.Model", depth: int) -> Iterator[tuple]:
        attnames = set()
        for field in obj._meta.concrete_fields:
            attnames.add(field.attname)
            text = obj.__dict__.get(field.attname)  # a deferred field is not loaded, and not shown
            if isinstance(field, models.CharField | models.TextField) and isinstance(text, str):
                yield obj, field, text
        for related in obj._state.fields_cache.values():
            yield from walk(related, depth - 1)
        for related in getattr(obj, "_prefetched_objects_cache", {}).values():
            yield from walk(related, depth - 1)
        for name, item in obj.__dict__.items():
            if not name.startswith("_") and name not in attnames:
                yield from walk(item, depth - 1)  # annotations and what builders attached

    yield from walk(context, depth)
    for text in strings:
        yield None, None, text


def _is_project_object(value) -> bool:
    """Plain objects of the project's own (summaries, analyses), not Django's or a library's."""
    module = type(value).__module__.split(".")[0]
    return module in {app.split(".")[0] for app in settings.INSTALLED_APPS} and module != "django"


# The text layer

_BFCHAR_BLOCK = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")


def fix_text_layer(pdf: bytes) -> bytes:
    """Rewrite the ToUnicode entries WeasyPrint left empty or wrong, in every embedded font,
    from what each glyph is in the font file it came from (core.fonts.glyph_texts).

    The character codes WeasyPrint writes are the glyph ids of the original font: it draws
    HarfBuzz's glyph ids as two-byte codes through Identity-H (or a CMap mapping each code to
    itself), with CIDToGIDMap /Identity, and subsets with HarfBuzz's RETAIN_GIDS."""
    from pypdf import PdfReader, PdfWriter  # imported here, like WeasyPrint: only workers need them

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    changed = False
    for font in _type0_fonts(writer):
        source = _font_file(font)
        to_unicode = font.get("/ToUnicode")
        if source is None or to_unicode is None:
            continue
        stream = to_unicode.get_object()
        data = stream.get_data()
        fixed = _rewrite_to_unicode(data, fonts.glyph_texts(source))
        if fixed != data:
            stream.set_data(fixed)
            changed = True
    if not changed:
        return pdf
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _rewrite_to_unicode(data: bytes, texts: "fonts.GlyphTexts") -> bytes:
    def rewrite(match: re.Match) -> bytes:
        glyph = int(match.group(1), 16)
        if glyph >= texts.glyph_count or glyph not in texts.text:
            return match.group(0)  # a glyph WeasyPrint made up for a missing character, or unknown
        written = bytes.fromhex(match.group(2).decode()).decode("utf-16-be", errors="replace")
        if written in texts.accepted[glyph]:
            return match.group(0)
        return b"<%s> <%s>" % (match.group(1), texts.text[glyph].encode("utf-16-be").hex().encode())

    return _BFCHAR_BLOCK.sub(lambda block: _BFCHAR.sub(rewrite, block.group(0)), data)


def _type0_fonts(writer) -> Iterator:
    """The composite fonts of all pages and of the forms drawn on them, each once."""
    seen: set[int] = set()

    def resources(holder) -> Iterator:
        found = holder.get("/Resources")
        if found is None:
            return
        found = found.get_object()
        for font in (found.get("/Font") or {}).values():
            font = font.get_object()
            if id(font) not in seen and font.get("/Subtype") == "/Type0":
                seen.add(id(font))
                yield font
        for name in ("/XObject", "/Pattern"):
            for child in (found.get(name) or {}).values():
                child = child.get_object()
                if id(child) not in seen:
                    seen.add(id(child))
                    yield from resources(child)

    for page in writer.pages:
        yield from resources(page)


def _font_file(font) -> "fonts.FontFile | None":
    """The installed font file an embedded font was cut from, by the PostScript name its
    subset keeps in its name table (the PDF's BaseFont is WeasyPrint's own name for it)."""
    from fontTools.ttLib import TTFont

    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    embedded = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    if embedded is None:
        return None
    try:
        name = TTFont(io.BytesIO(embedded.get_object().get_data()), lazy=True)["name"].getDebugName(6)
    except Exception:  # a font without a readable name keeps WeasyPrint's map
        logger.warning("Cannot read the name of the embedded font %s.", font.get("/BaseFont"), exc_info=True)
        return None
    return fonts.font_files().get(name)

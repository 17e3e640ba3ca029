"""The fonts behind the PDFs: what each glyph stands for, which fonts a PDF was cut from, what
can be drawn, and what happens to a character nothing can draw."""

import io
import re
import unicodedata

import pytest
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from accounts.models import Office
from core import fonts
from core.pdf import FONT_DIR, MissingGlyphError, _type0_fonts, html_to_pdf, replace_undrawable

FACES = ("Regular", "Bold", "Italic", "BoldItalic")
PEOPLES_TEXT = "น้ำ ✅🙏👍🇹🇭 中文 日本語 한국어 ★→∑ （ok） Ωğ"


def sarabun(face: str) -> tuple[fonts.GlyphTexts, TTFont]:
    path = FONT_DIR / f"Sarabun-{face}.ttf"
    return fonts.glyph_texts(fonts.FontFile(str(path))), TTFont(path, lazy=True)


def document(body: str) -> str:
    css = render_to_string("pdf/includes/fonts.css", {"font_dir": FONT_DIR.as_uri()})
    return f'<html lang="th"><style>{css}</style><body>{body}</body></html>'


@pytest.fixture(scope="module")
def mixed_pdf() -> bytes:
    return html_to_pdf(document(f"<p>{PEOPLES_TEXT}</p><p><b>{PEOPLES_TEXT}</b></p>"))


@pytest.mark.parametrize("face", FACES)
def test_the_tone_and_nikhahit_ligatures_read_tone_first(face):
    texts, font = sarabun(face)
    for tone in "\u0e48\u0e49\u0e4a\u0e4b":
        for suffix in ("", ".narrow"):
            name = f"uni0E4D{ord(tone):04X}{suffix}"
            if name in font.getGlyphOrder():
                assert texts.text[font.getGlyphID(name)] == tone + "\u0e4d", name


@pytest.mark.parametrize("face", FACES)
def test_sara_aa_and_nikhahit_read_as_themselves(face):
    texts, font = sarabun(face)
    cmap = font.getBestCmap()
    assert texts.text[font.getGlyphID(cmap[0x0E32])] == "\u0e32"  # า, never ำ
    assert texts.text[font.getGlyphID(cmap[0x0E4D])] == "\u0e4d"
    assert "\u0e33" not in texts.accepted[font.getGlyphID(cmap[0x0E32])]


@pytest.mark.parametrize("face", FACES)
def test_a_glyph_reached_by_substitution_reads_as_its_source(face):
    texts, font = sarabun(face)
    variants = [name for name in font.getGlyphOrder() if name.startswith("uni0E") and "." in name]
    assert len(variants) > 20  # small and narrow marks, ฤ and ฦ without their tail
    for name in variants:
        base = "".join(chr(int(name[i : i + 4], 16)) for i in range(3, name.index("."), 4))
        assert texts.text[font.getGlyphID(name)] == fonts.logical_thai_order(base), name
    assert texts.text[font.getGlyphID("uni0E240E45")] == "ฤๅ"


def test_every_embedded_font_is_matched_to_its_file(mixed_pdf):
    names = []
    for font in _type0_fonts(PdfReader(io.BytesIO(mixed_pdf))):
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        embedded = (descriptor.get("/FontFile2") or descriptor.get("/FontFile3")).get_object().get_data()
        name = TTFont(io.BytesIO(embedded), lazy=True)["name"].getDebugName(6)
        names.append(name)
        assert name in fonts.font_files(), name
    assert any(name.startswith("Sarabun-") for name in names)
    assert any("CJK" in name for name in names)
    assert any("Emoji" in name for name in names)


def test_the_character_codes_are_the_original_fonts_glyph_ids(mixed_pdf):
    """WeasyPrint subsets keeping glyph ids, and draws them as the codes: an embedded glyph has
    the outline of the glyph with the same id in the font file."""
    checked = 0
    for font in _type0_fonts(PdfReader(io.BytesIO(mixed_pdf))):
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        if "/FontFile2" not in descriptor:
            continue  # CFF (the CJK font) has no glyf table to compare
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        source = fonts.font_files()[embedded["name"].getDebugName(6)]
        original = TTFont(source.path, fontNumber=source.index)
        if {"CBDT", "COLR", "SVG "} & set(original.keys()):
            continue  # WeasyPrint empties a colour font's outlines: it draws the emoji as images
        codes = [int(code, 16) for code in _codes(font["/ToUnicode"].get_object().get_data())]
        for code in codes:
            ours = embedded["glyf"][embedded.getGlyphOrder()[code]]
            theirs = original["glyf"][original.getGlyphOrder()[code]]
            if theirs.numberOfContours > 0:
                assert ours.getCoordinates(embedded["glyf"])[0] == theirs.getCoordinates(original["glyf"])[0]
                checked += 1
    assert checked > 10


def _codes(to_unicode: bytes) -> list[str]:
    blocks = re.findall(rb"beginbfchar(.*?)endbfchar", to_unicode, re.DOTALL)
    return [code for block in blocks for code in re.findall(rb"<([0-9a-f]{4})>\s*<[0-9a-f]*>", block)]


def test_emoji_cjk_and_symbols_are_drawn_and_read_back(mixed_pdf):
    text = unicodedata.normalize(
        "NFKC", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(mixed_pdf)).pages)
    )
    for word in PEOPLES_TEXT.split():
        assert text.count(unicodedata.normalize("NFKC", word)) == 2, word


@pytest.mark.parametrize("char", ["ก", "中", "한", "✅", "🇹", "★", "∑", "（", "\u200d", "\ufe0f", "\n"])
def test_characters_some_font_has_are_drawable(char):
    assert fonts.is_drawable(char)


@pytest.mark.parametrize("char", ["\ue000", "\U000f0000", "\x01", "\u0378"])
def test_private_use_control_and_unassigned_characters_are_not(char):
    assert not fonts.is_drawable(char)


def test_an_undrawable_character_in_the_templates_own_text_fails_the_render():
    html = document("<p>ตัวอย่าง \ue000</p>")
    assert replace_undrawable(html, {"office": "สำนักงาน"}) == (html, [])
    with pytest.raises(MissingGlyphError):
        html_to_pdf(html)


@pytest.mark.django_db
def test_an_undrawable_character_in_a_record_is_replaced_and_named(django_assert_num_queries):
    office = Office(name="สำนักงาน \ue000 ทดสอบ", short_name="สพม.ทดสอบ")
    html = document(f"<h1>{office.name}</h1>")
    with django_assert_num_queries(0):
        replaced, warnings = replace_undrawable(html, {"office": office, "offices": [office]})
    assert "\ue000" not in replaced and "สำนักงาน \ufffd ทดสอบ" in replaced
    assert len(warnings) == 1
    assert "สพม.ทดสอบ" in warnings[0] and "U+E000" in warnings[0] and "\ufffd" in warnings[0]
    html_to_pdf(replaced)  # draws


def test_an_undrawable_character_in_other_text_is_replaced_with_a_general_warning():
    html = document("<p>ok \U000f0001</p>")
    replaced, warnings = replace_undrawable(html, {"links": ["ok \U000f0001"]})
    assert "\U000f0001" not in replaced and len(warnings) == 1 and "U+F0001" in warnings[0]

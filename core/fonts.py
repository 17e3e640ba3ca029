"""The fonts PDFs are drawn with, what they can draw, and what each of their glyphs stands for.

WeasyPrint draws with the vendored Sarabun faces (`@font-face` in templates/pdf/includes/fonts.css)
and, for characters Sarabun lacks, with the fallback families named there or any other font
fontconfig knows (Pango falls back to those by itself). So a character can be drawn when Sarabun
or an installed font has it; fontconfig's own list of fonts and their character sets tells which.

A PDF's text layer maps each glyph to text. WeasyPrint writes the text of the first cluster a
glyph was drawn in, which goes wrong for Thai (see core/pdf.py); `glyph_texts` instead reads
what a glyph is from the font itself: its character map, and the GSUB substitutions and
ligatures that lead to it.
"""

import bisect
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

SARABUN_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "sarabun"

NIKHAHIT = "\u0e4d"
# HarfBuzz draws SARA AM (ำ) as NIKHAHIT + SARA AA and moves the NIKHAHIT before the tone mark
# above the same consonant (น้ำ is drawn น ํ ้ า); a font's tone + NIKHAHIT ligature then lists
# its parts in that drawn order. Text reads the tone mark first, as it was typed.
_DRAWN_THAI_ORDER = re.compile("\u0e4d([\u0e48-\u0e4b]+)")


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int = 0  # the face in a collection (.ttc)


@dataclass(frozen=True)
class GlyphTexts:
    """What a font's glyphs stand for, by glyph id: `text` is the one to write into a text
    layer; `accepted` also holds the other texts a glyph may stand for (a space glyph is also
    the no-break space; a localised form is also the letter it replaces)."""

    text: dict[int, str]
    accepted: dict[int, frozenset[str]]
    glyph_count: int


def _fc_list(*fields: str) -> list[list[str]]:
    """fontconfig's list of installed fonts, one row of `fields` each; none without fontconfig."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        logger.warning("fc-list is not installed: PDFs can only use the vendored Sarabun fonts.")
        return []
    pattern = "\t".join(f"%{{{field}}}" for field in fields) + "\n"
    output = subprocess.run(  # noqa: S603 -- a fixed command, no input from anyone
        [fc_list, "--format", pattern], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return [line.split("\t") for line in output.splitlines() if line.count("\t") == len(fields) - 1]


@cache
def font_files() -> dict[str, FontFile]:
    """The font files PDFs may be drawn with, by PostScript name (as written in their name
    table, and so in the subsets WeasyPrint embeds): Sarabun first, then every installed font."""
    from fontTools.ttLib import TTFont  # imported here, like WeasyPrint: only workers need it

    files = {}
    for path in sorted(SARABUN_DIR.glob("*.ttf")):
        files[TTFont(path, lazy=True)["name"].getDebugName(6)] = FontFile(str(path))
    for name, index, path in _fc_list("postscriptname", "index", "file"):
        if name and index.isdigit():
            files.setdefault(name, FontFile(path, int(index)))
    return files


@cache
def _drawable_ranges() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The code points some font has, as sorted, merged ranges (starts, ends)."""
    from fontTools.ttLib import TTFont

    ranges = []
    for path in sorted(SARABUN_DIR.glob("*.ttf")):
        ranges += [(code, code) for code in TTFont(path, lazy=True).getBestCmap()]
    for (charset,) in _fc_list("charset"):
        for part in charset.split():
            start, _, end = part.partition("-")
            ranges.append((int(start, 16), int(end or start, 16)))
    starts, ends = [], []
    for start, end in sorted(ranges):
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return tuple(starts), tuple(ends)


def needs_glyph(char: str) -> bool:
    """Whether Pango draws a glyph for the character: format characters (zero-width joiner,
    soft hyphen, variation selectors) and the white space HTML collapses are never drawn."""
    import unicodedata

    if char in " \t\n\r\f":
        return False
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return False
    return unicodedata.category(char) != "Cf"


def is_drawable(char: str) -> bool:
    """Whether the PDF can show the character: no glyph is needed, or a font has one."""
    if not needs_glyph(char):
        return True
    starts, ends = _drawable_ranges()
    position = bisect.bisect_right(starts, ord(char)) - 1
    return position >= 0 and ord(char) <= ends[position]


def logical_thai_order(text: str) -> str:
    """`text` read from glyphs in drawn order, with NIKHAHIT put back after the tone mark."""
    return _DRAWN_THAI_ORDER.sub(lambda match: match.group(1) + NIKHAHIT, text)


@cache
def glyph_texts(font: FontFile) -> GlyphTexts:
    """What each glyph of the font stands for: the characters the font's cmap maps to it; for
    a glyph the cmap leaves out, what the GSUB substitutions leading to it stand for (a
    single or alternate substitution: its source glyph's text; a ligature: its components'
    texts joined, in the order they are typed), repeated until nothing new is learned."""
    from fontTools.ttLib import TTFont

    ttfont = TTFont(font.path, fontNumber=font.index, lazy=True)
    order = ttfont.getGlyphOrder()
    text: dict[str, str] = {}
    accepted: dict[str, set[str]] = {}
    cmap = ttfont.getBestCmap() or {}
    for code in sorted(cmap):  # the lowest code point of a shared glyph (space, not no-break space)
        text.setdefault(cmap[code], chr(code))
        accepted.setdefault(cmap[code], set()).add(chr(code))

    rules = _substitutions(ttfont) if "GSUB" in ttfont else []
    learned = True
    while learned:
        learned = False
        for target, sources in rules:
            if not all(source in text for source in sources):
                continue
            if len(sources) == 1:
                texts = accepted[sources[0]]
                first = text[sources[0]]
            else:
                first = logical_thai_order("".join(text[source] for source in sources))
                texts = {first}
            if target not in text:
                text[target] = first
                learned = True
            known = accepted.setdefault(target, set())
            if not texts <= known:
                known |= texts
                learned = True

    index = {name: number for number, name in enumerate(order)}
    return GlyphTexts(
        text={index[name]: value for name, value in text.items() if name in index},
        accepted={index[name]: frozenset(values) for name, values in accepted.items() if name in index},
        glyph_count=len(order),
    )


def _substitutions(ttfont) -> list[tuple[str, tuple[str, ...]]]:
    """(glyph, the glyphs it replaces) for the font's GSUB single, alternate and ligature
    substitutions, in lookup order. Contextual lookups only apply these, so they add nothing.
    Lookups used by no feature but `aalt` (a list of alternates for font menus, never applied
    by shaping) are left out."""
    table = ttfont["GSUB"].table
    if not table.LookupList:
        return []
    used, aalt = set(), set()
    for record in table.FeatureList.FeatureRecord if table.FeatureList else []:
        (aalt if record.FeatureTag == "aalt" else used).update(record.Feature.LookupListIndex)
    rules = []
    for number, lookup in enumerate(table.LookupList.Lookup):
        if number in aalt and number not in used:
            continue
        for subtable in lookup.SubTable:
            kind = lookup.LookupType
            if kind == 7:  # an extension: the real subtable is inside
                subtable, kind = subtable.ExtSubTable, subtable.ExtensionLookupType
            if kind == 1:
                rules += [(target, (source,)) for source, target in subtable.mapping.items()]
            elif kind == 3:
                rules += [(target, (source,)) for source, targets in subtable.alternates.items() for target in targets]
            elif kind == 4:
                rules += [
                    (ligature.LigGlyph, (first, *ligature.Component))
                    for first, ligatures in subtable.ligatures.items()
                    for ligature in ligatures
                ]
    return rules

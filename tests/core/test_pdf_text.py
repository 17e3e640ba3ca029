"""The PDF text layer: Thai text read back from a PDF, with pypdf and with poppler's pdftotext,
equals its source after NFKC normalisation, in every face of Sarabun, word by word.

Two reading habits of the extractors (not of the PDF) are undone before comparing, and only
those; docs/pdf-text-layer.md shows the evidence:
- pypdf adds a space wherever the pen moves right by more than half a space inside a TJ array,
  and a mark Sarabun moves left (above ป ฝ ฟ) is followed by such a move back: ฟื้น reads ฟื้ น.
  White space inside a word is therefore ignored.
- pdftotext, in the bold and italic faces only, may read a mark after the letter that follows
  it (ผู้ตอบ reads ผูต้อบ, ปฏิบัติ reads ปฏิบตัิ): those faces' anchors place some marks one font
  unit (1/1000 em) right of where that letter starts, and poppler orders characters that start
  at nearly the same place by where they start.
"""

import io
import itertools
import re
import shutil
import subprocess
import unicodedata

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from core.pdf import FONT_DIR, html_to_pdf
from tests.conftest import unavailable

TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
UPPER_VOWELS = "\u0e34\u0e35\u0e36\u0e37\u0e31\u0e47"  # ิ ี ึ ื ั ็
LOWER_VOWELS = "\u0e38\u0e39"  # ุ ู
WORDS_IN_USE = (
    "น้ำ",
    "น้ำหนัก",
    "ต่ำ",
    "ซ้ำ",
    "ค่ำ",
    "ก๋ำ",
    "ผู้ตอบ",
    "กลุ่มอำนวยการ",
    "ทำงาน",
    "สำนักงาน",
    "ปั้น",
    "ฟื้นฟู",
    "ฝั่ง",
    "ป่า",
    "ญี่ปุ่น",
    "การ์ตูน",
    "ศักดิ์",
    "จันทร์",
    "ฯ",
    "ๆ",
    "ฯลฯ",
    "๐๑๒๓๔๕๖๗๘๙",
    "ฤๅษี",
    "ภูมิใจ",
    "ฎีกา",
    "ปฏิบัติ",
)
WORDS = list(
    dict.fromkeys(
        [
            *(consonant + tone + "ำ" for tone in TONES for consonant in "กนตซคปฟท"),
            *(consonant + vowel + tone for vowel in UPPER_VOWELS for tone in TONES for consonant in "กป"),
            *(consonant + vowel for vowel in UPPER_VOWELS for consonant in "กฟ"),
            *(consonant + vowel + tone for vowel in LOWER_VOWELS for tone in TONES for consonant in "กผญฐ"),
            *WORDS_IN_USE,
        ]
    )
)
FACES = {
    "regular": "",
    "bold": "font-weight: 700",
    "italic": "font-style: italic",
    "bold-italic": "font-weight: 700; font-style: italic",
}
MARKER = re.compile(r"\[([a-z-]+)-(\d+)\]")
# A Thai mark (above or below, no width of its own) right before a letter.
MARK_BEFORE_LETTER = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e](?=[\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e46])")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module")
def corpus_pdf() -> bytes:
    fonts = render_to_string("pdf/includes/fonts.css", {"font_dir": FONT_DIR.as_uri()})
    paragraphs = "".join(
        f'<p style="{style}">[{face}-{number}] {word}</p>'
        for face, style in FACES.items()
        for number, word in enumerate(WORDS)
    )
    return html_to_pdf(
        f'<html lang="th"><style>{fonts} p {{ margin: 0; font-size: 9pt; }}</style><body>{paragraphs}</body></html>'
    )


def by_marker(text: str) -> dict[tuple[str, int], str]:
    """What follows each `[face-number]` marker, up to the next, without white space."""
    parts = MARKER.split(text)
    return {
        (face, int(number)): re.sub(r"\s", "", nfkc(value))
        for face, number, value in zip(parts[1::3], parts[2::3], parts[3::3], strict=True)
    }


@pytest.fixture(scope="module")
def pypdf_words(corpus_pdf) -> dict:
    return by_marker("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(corpus_pdf)).pages))


@pytest.fixture(scope="module")
def pdftotext_words(corpus_pdf, tmp_path_factory) -> dict:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        unavailable("pdftotext is not installed: apt-get install poppler-utils")
    path = tmp_path_factory.mktemp("pdf") / "corpus.pdf"
    path.write_bytes(corpus_pdf)
    return by_marker(subprocess.run([pdftotext, "-enc", "UTF-8", path, "-"], capture_output=True, text=True).stdout)


def poppler_readings(word: str) -> set[str]:
    """The word as pdftotext may read it in the bold and italic faces: each mark right before a
    letter either in place or after that letter."""
    places = [match.start() for match in MARK_BEFORE_LETTER.finditer(word)]
    readings = set()
    for swapped in itertools.product((False, True), repeat=len(places)):
        letters = list(word)
        for place, swap in zip(places, swapped, strict=True):
            if swap:
                letters[place], letters[place + 1] = letters[place + 1], letters[place]
        readings.add("".join(letters))
    return readings


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize("word", WORDS)
def test_pypdf_reads_the_source(pypdf_words, face, word):
    read = pypdf_words[face, WORDS.index(word)]
    assert read == nfkc(word), f"{word} reads {read}"


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize("word", WORDS)
def test_pdftotext_reads_the_source(pdftotext_words, face, word):
    read = pdftotext_words[face, WORDS.index(word)]
    if face == "regular":
        assert read == nfkc(word), f"{word} reads {read}"
    else:
        assert read in poppler_readings(nfkc(word)), f"{word} reads {read}"


def test_the_corpus_covers_every_tone_mark_before_sara_am_in_every_face():
    assert {word[1] for word in WORDS if len(word) == 3 and word.endswith("ำ")} == set(TONES)


def test_poppler_readings_only_move_stacked_marks():
    assert poppler_readings(nfkc("ผู้ตอบ")) == {nfkc("ผู้ตอบ"), nfkc("ผูต้อบ")}
    assert {"ปฏิบัติ", "ปฏิบตัิ"} <= poppler_readings("ปฏิบัติ")
    assert poppler_readings("ตอบ") == {"ตอบ"}

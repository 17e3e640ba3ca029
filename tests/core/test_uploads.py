import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation

from core.uploads import OLE_SIGNATURE, check_upload, clean_original_name

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
OLE = OLE_SIGNATURE + b"\x00" * 504  # a compound-file header block, as Word 97-2003 starts
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
DOCX_PARTS = ("_rels/.rels", "word/document.xml")
PPTX_PARTS = ("_rels/.rels", "ppt/presentation.xml", "ppt/slides/slide1.xml")


def office_zip(*parts: str, content_types: bool = True) -> bytes:
    """An Office Open XML package (a ZIP) holding the given parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for part in parts:
            archive.writestr(part, '<?xml version="1.0" encoding="UTF-8"?><root/>')
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "งบประมาณ 2566"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refused(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload(name, content))
    return excinfo.value


# --- accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        ("คำสั่ง.pdf", PDF, ".pdf", "application/pdf"),
        ("ผังองค์กร.png", PNG, ".png", "image/png"),
        ("ภาพกิจกรรม.jpg", JPEG, ".jpg", "image/jpeg"),
        ("ภาพกิจกรรม.jpeg", JPEG, ".jpeg", "image/jpeg"),
        ("ภาพ.gif", GIF, ".gif", "image/gif"),
        ("ภาพ.gif", b"GIF87a" + GIF[6:], ".gif", "image/gif"),
        ("ภาพ.webp", WEBP, ".webp", "image/webp"),
        ("บันทึก.doc", OLE, ".doc", "application/msword"),
        ("งบ.xls", OLE, ".xls", "application/vnd.ms-excel"),
        ("สไลด์.ppt", OLE, ".ppt", "application/vnd.ms-powerpoint"),
        (
            "รายงาน.docx",
            office_zip(*DOCX_PARTS),
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("งบ.xlsx", xlsx(), ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "สไลด์.pptx",
            office_zip(*PPTX_PARTS),
            ".pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    ],
)
def test_it_accepts_the_listed_types_by_their_content(name, content, extension, content_type):
    checked = check_upload(upload(name, content))
    assert checked.original_name == name
    assert checked.extension == extension
    assert checked.content_type == content_type
    assert checked.size == len(content)


def test_it_takes_the_content_type_from_the_extension_not_from_the_browser():
    file = SimpleUploadedFile("คำสั่ง.pdf", PDF, content_type="text/html")
    assert check_upload(file).content_type == "application/pdf"


def test_it_accepts_an_upper_case_extension_and_records_it_in_lower_case():
    checked = check_upload(upload("SCAN 0001.PDF", PDF))
    assert checked.original_name == "SCAN 0001.PDF"
    assert checked.extension == ".pdf"


def test_it_records_the_sha256_of_the_whole_file():
    content = PDF + b"%" + b"x" * 200_000  # larger than one upload chunk
    checked = check_upload(upload("ใหญ่.pdf", content))
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)


def test_it_leaves_the_file_ready_to_be_read_from_the_start():
    file = upload("รายงาน.docx", office_zip(*DOCX_PARTS))
    check_upload(file)
    assert file.tell() == 0


def test_it_checks_an_upload_spooled_to_disk_like_a_small_one():
    content = office_zip(*DOCX_PARTS)
    file = TemporaryUploadedFile("รายงาน.docx", "application/octet-stream", len(content), None)
    try:
        file.write(content)
        file.seek(0)
        checked = check_upload(file)
    finally:
        file.close()
    assert checked.extension == ".docx"
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_it_accepts_a_file_of_exactly_the_limit(settings):
    settings.OIT_UPLOAD_MAX_BYTES = 1000
    content = PDF + b"x" * (1000 - len(PDF))
    assert check_upload(upload("คำสั่ง.pdf", content)).size == 1000


# --- refused -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("คำสั่ง.pdf", HTML),  # a web page renamed
        ("คำสั่ง.pdf", b"  %PDF-1.4 not at the start"),
        ("ภาพ.png", JPEG),
        ("ภาพ.jpg", PNG),
        ("ภาพ.gif", b"GIF90a" + GIF[6:]),
        ("ภาพ.webp", b"RIFF\x1a\x00\x00\x00WAVEfmt "),  # a RIFF file, but sound
        ("บันทึก.doc", PDF),
        ("บันทึก.doc", office_zip(*DOCX_PARTS)),  # the legacy name on a new-format file
        ("งบ.xls", HTML),
        ("รายงาน.docx", office_zip("_rels/.rels", "readme.txt")),  # a ZIP without word/document.xml
        ("รายงาน.docx", office_zip(*DOCX_PARTS, content_types=False)),  # not an Office package
        ("รายงาน.docx", b"PK\x03\x04" + b"\x00" * 60),  # a broken ZIP
        ("รายงาน.docx", PDF),
        ("งบ.xlsx", office_zip(*DOCX_PARTS)),  # a Word document called a workbook
        ("สไลด์.pptx", xlsx()),
    ],
)
def test_it_refuses_content_that_does_not_match_the_extension(name, content):
    error = refused(name, content)
    assert error.code == "content"


@pytest.mark.parametrize(
    "name",
    [
        "setup.exe",
        "หน้าเว็บ.html",
        "หน้าเว็บ.htm",
        "ภาพ.svg",
        "เอกสาร.zip",
        "script.js",
        "คำสั่ง.pdf.exe",
        "README",
    ],
)
def test_it_refuses_other_types_whatever_their_content(name):
    error = refused(name, PDF)
    assert error.code == "type"


def test_it_refuses_svg_even_when_named_as_an_image():
    assert refused("ผัง.png", SVG).code == "content"


def test_it_refuses_an_empty_file():
    error = refused("คำสั่ง.pdf", b"")
    assert error.code == "empty"


def test_it_refuses_a_file_over_the_limit_and_names_both_sizes(settings):
    settings.OIT_UPLOAD_MAX_BYTES = 1000
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        check_upload(upload("คำสั่ง.pdf", PDF + b"x" * (3072 - len(PDF))))
    assert excinfo.value.code == "too_large"
    assert excinfo.value.messages == ["The file is 3.0\xa0KB; the largest accepted is 1000\xa0bytes."]


def test_it_refuses_a_file_one_byte_over_the_limit(settings):
    settings.OIT_UPLOAD_MAX_BYTES = 1000
    content = PDF + b"x" * (1001 - len(PDF))
    assert refused("คำสั่ง.pdf", content).code == "too_large"


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("คำสั่งแต่งตั้ง.pdf", "คำสั่งแต่งตั้ง.pdf"),
        ("คำสั่งแต่งตั้งคณะทำงาน ITA 2566.pdf", "คำสั่งแต่งตั้งคณะทำงาน ITA 2566.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("a\\b\\c.pdf", "c.pdf"),
        ("C:\\Users\\ครู\\Desktop\\รายงาน.docx", "รายงาน.docx"),
        ("ราย\x00งาน\n.pdf", "รายงาน.pdf"),
        ("\tรายงาน\r.pdf\x1b", "รายงาน.pdf"),
        ("\u202efdp.exe", "fdp.exe"),  # the right-to-left override that disguises an extension
        ("  รายงาน.pdf  ", "รายงาน.pdf"),
        ("", "file"),
        ("\x00\x01", "file"),
    ],
)
def test_it_keeps_a_displayable_name_without_path_or_control_characters(name, clean):
    assert clean_original_name(name) == clean


def test_it_truncates_a_long_name_but_keeps_the_extension():
    name = "ก" * 300 + ".docx"
    clean = clean_original_name(name)
    assert len(clean) == 255
    assert clean == "ก" * 250 + ".docx"


def test_it_truncates_a_long_name_without_an_extension():
    assert clean_original_name("ก" * 300) == "ก" * 255


def test_a_name_of_exactly_255_characters_is_kept():
    name = "ก" * 251 + ".pdf"
    assert clean_original_name(name) == name


def test_the_checked_upload_carries_the_clean_name():
    checked = check_upload(upload("../../สำนักงาน/คำสั่ง\x00แต่งตั้ง.pdf", PDF))
    assert checked.original_name == "คำสั่งแต่งตั้ง.pdf"


def test_a_picture_only_upload_refuses_documents():
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("หน้าสุดท้าย.pdf", b"%PDF-1.4 x"), images_only=True)
    assert error.value.code == "type"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    assert check_upload(SimpleUploadedFile("หน้าสุดท้าย.png", png), images_only=True).content_type == "image/png"

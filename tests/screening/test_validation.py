import io
import zipfile

import docx
import pytest

from screening.parsing import UploadLimits, UploadRejected, parse_resume, validate_upload
from screening.parsing.extraction import ANTIWORD_MISSING_MESSAGE, NO_TEXT, extract_text

LIMITS = UploadLimits(max_bytes=1024 * 1024, max_uncompressed_bytes=5 * 1024 * 1024, max_compression_ratio=100)


def make_docx(text="Jane Doe\njane@example.com\nSkills: Python") -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, content in replace.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return buffer.getvalue()


def test_real_type_wins_over_extension():
    assert validate_upload(make_docx(), limits=LIMITS).kind == "docx"
    assert validate_upload(b"%PDF-1.7\n...", limits=LIMITS).kind == "pdf"
    assert validate_upload(b"{\\rtf1\\ansi Jane}", limits=LIMITS).kind == "rtf"
    assert validate_upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, limits=LIMITS).kind == "doc"
    assert validate_upload("Jürgen Müller\nSkills: Python".encode(), limits=LIMITS).kind == "txt"
    assert validate_upload("Jürgen Müller".encode("cp1252"), limits=LIMITS).kind == "txt"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 4, "not a supported document type"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not a supported document type"),
        (b"x" * (1024 * 1024 + 1), "the limit is 1 MB"),
    ],
)
def test_rejections_have_clear_messages(data, message):
    with pytest.raises(UploadRejected) as caught:
        validate_upload(data, limits=LIMITS)
    assert message in caught.value.message


def test_plain_zip_is_not_a_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UploadRejected, match="not a supported document"):
        validate_upload(buffer.getvalue(), limits=LIMITS)


def test_zip_bomb_is_refused_by_total_size():
    bomb = rezip(make_docx(), {"word/media/padding.bin": b"\0" * (6 * 1024 * 1024)})
    assert len(bomb) < LIMITS.max_bytes
    with pytest.raises(UploadRejected, match="expands to"):
        validate_upload(bomb, limits=LIMITS)


def test_zip_bomb_is_refused_by_ratio():
    bomb = rezip(make_docx(), {"word/media/padding.bin": b"\0" * (3 * 1024 * 1024)})
    with pytest.raises(UploadRejected, match="zip bomb"):
        validate_upload(bomb, limits=LIMITS)


def test_xml_entities_are_refused():
    original = zipfile.ZipFile(io.BytesIO(make_docx())).read("word/document.xml")
    evil = original.replace(
        b"<w:document",
        b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:document',
        1,
    )
    with pytest.raises(UploadRejected, match="entity"):
        validate_upload(rezip(make_docx(), {"word/document.xml": evil}), limits=LIMITS)


def test_damaged_docx_is_refused():
    data = make_docx()
    with pytest.raises(UploadRejected):
        validate_upload(data[: len(data) // 2], limits=LIMITS)


def test_size_limit_comes_from_settings(settings):
    settings.RESUME_MAX_UPLOAD_BYTES = 100
    with pytest.raises(UploadRejected, match="limit is 1 KB"):
        validate_upload(b"Jane Doe " * 20)


def test_docx_headers_footers_and_tables_are_extracted():
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Jane Header"
    document.sections[0].footer.paragraphs[0].text = "jane@example.com"
    document.add_paragraph("Experience")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Python developer"
    table.cell(0, 1).text = "Jan 2020 – Dec 2020"
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text(buffer.getvalue(), "docx").text
    assert text.index("Jane Header") < text.index("Python developer") < text.index("jane@example.com")
    assert "Jan 2020 – Dec 2020" in text


def test_pdf_without_text_layer_gets_a_clear_status():
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    outcome = parse_resume(buffer.getvalue(), today=__import__("datetime").date(2026, 1, 1))
    assert outcome.status == NO_TEXT
    assert "scanned document" in outcome.message


def test_legacy_doc_without_antiword_gets_a_clear_status(monkeypatch):
    monkeypatch.setattr("screening.parsing.extraction.shutil.which", lambda name: None)
    extraction = extract_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "doc")
    assert extraction.status == "unsupported"
    assert extraction.message == ANTIWORD_MISSING_MESSAGE


def test_encrypted_pdf_gets_a_clear_status():
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "data" / "resumes" / "encrypted.pdf"
    if not sample.exists():
        pytest.skip("generated encrypted sample missing; run tests/data/make_resumes.py")
    outcome = parse_resume(sample.read_bytes(), today=__import__("datetime").date(2026, 1, 1))
    assert outcome.status == "encrypted"


def test_password_protected_office_file_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 200
    with pytest.raises(UploadRejected, match="password-protected"):
        validate_upload(ole, limits=LIMITS)

"""Hostile resume uploads: every input ends in a clear status, never a crash, a hang or a
file outside the media folder."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.models import Resume, resume_upload_path
from screening.parsing import UploadRejected, parse_resume, validate_upload

TODAY = date(2026, 11, 23)
KINDS = ("pdf", "docx", "doc", "rtf", "txt", "odt")
MAGIC_PREFIXES = {
    "pdf": b"%PDF-1.7\n",
    "docx": b"PK\x03\x04",
    "odt": b"PK\x03\x04",
    "doc": bytes.fromhex("D0CF11E0A1B11AE1"),
    "rtf": b"{\\rtf1\\ansi ",
    "txt": b"",
}


def outcome_of(data: bytes):
    """Either a clean rejection or a parse outcome; anything else is a bug."""
    started = time.monotonic()
    try:
        outcome = parse_resume(data, today=TODAY)
    except UploadRejected as rejection:
        assert str(rejection), "a rejection must say why"
        outcome = rejection
    assert time.monotonic() - started < 10, "parsing must stay bounded in time"
    return outcome


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), body=st.binary(min_size=0, max_size=4096))
def test_random_bytes_under_every_accepted_type_never_crash(kind, body):
    outcome_of(MAGIC_PREFIXES[kind] + body)


@pytest.mark.parametrize("data", [b"", b"%PDF", b"%PDF-1.4\n1 0 obj<<>>", b"PK\x03\x04", b"\x00" * 100])
def test_empty_and_truncated_files_get_a_clear_status(data):
    outcome = outcome_of(data)
    assert isinstance(outcome, UploadRejected) or not outcome.ok


def _minimal_pdf(extra_catalog: str = "", trailer_extra: str = "") -> bytes:
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {extra_catalog} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /S /JavaScript /JS (app.alert\\('pwned'\\)) >>",
    ]
    stream = b"BT /F1 12 Tf 72 720 Td (Jane Doe jane@example.com Python developer) Tj ET"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        if body is None:
            out.write(
                f"{number} 0 obj\n<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream\nendobj\n"
            )
        else:
            out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def test_pdf_with_javascript_is_read_as_text_and_the_script_never_runs():
    outcome = outcome_of(_minimal_pdf(extra_catalog="/OpenAction 6 0 R"))
    assert not isinstance(outcome, UploadRejected)
    assert outcome.ok and "jane@example.com" in outcome.text


def test_encrypted_pdf_gets_a_clear_status():
    encrypted = _minimal_pdf(trailer_extra="/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>")
    outcome = outcome_of(encrypted)
    assert not isinstance(outcome, UploadRejected)
    assert outcome.status == "encrypted"
    assert "unprotected copy" in outcome.message


def _docx_with(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_docx_zip_bomb_is_refused():
    bomb = _docx_with(b"<w:document/>", {"word/media/huge.bin": b"\0" * (300 * 1024 * 1024)})
    with pytest.raises(UploadRejected, match="(?i)zip bomb|expands|compressed"):
        validate_upload(bomb)


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&d;&d;&d;</w:document>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&x;</w:document>',
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_xml_entities_in_docx_are_refused(payload):
    outcome = outcome_of(_docx_with(payload))
    assert isinstance(outcome, UploadRejected) or not outcome.ok
    if not isinstance(outcome, UploadRejected):
        assert "root:" not in outcome.text


def test_xml_entities_in_odt_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">&x;</office:document-content>',
        )
    outcome = outcome_of(buffer.getvalue())
    assert isinstance(outcome, UploadRejected) or not outcome.ok
    assert isinstance(outcome, UploadRejected) or "root:" not in outcome.text


def test_huge_file_is_refused_by_size(settings):
    settings.RESUME_MAX_UPLOAD_BYTES = 1024 * 1024
    with pytest.raises(UploadRejected, match="limit"):
        validate_upload(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))


def test_executable_renamed_to_pdf_is_refused():
    with pytest.raises(UploadRejected):
        validate_upload(b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(UploadRejected):
        validate_upload(b"\x7fELF\x02\x01\x01" + b"\x00" * 200)


@pytest.mark.parametrize(
    "filename",
    [
        "../../../etc/passwd",
        "..\\..\\boot.ini",
        "/etc/shadow",
        "resume.pdf\x00.exe",
        "ré‮fdp.exe",
        "CON.pdf",
        "a" * 400 + ".pdf",
    ],
)
def test_stored_names_never_come_from_the_uploaded_name(filename):
    resume = Resume(org_id=7)
    stored = resume_upload_path(resume, filename)
    assert stored.startswith("resumes/org_7/")
    assert ".." not in stored and "\\" not in stored and "\x00" not in stored
    assert len(stored) < 100
    assert stored.count("/") == 2

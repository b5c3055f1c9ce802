"""Upload validation: size, real type by content, zip-bomb and XML-entity refusal.

Everything here runs before a file is stored, so a rejected upload leaves nothing behind.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

MB = 1024 * 1024

PDF, DOCX, DOC, RTF, TXT, ODT = "pdf", "docx", "doc", "rtf", "txt", "odt"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DOC: "application/msword",
    RTF: "application/rtf",
    TXT: "text/plain",
    ODT: "application/vnd.oasis.opendocument.text",
}
ACCEPTED_DESCRIPTION = "PDF, DOCX, DOC, RTF, TXT or ODT"

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE2_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ZIP_MAGIC = b"PK\x03\x04"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class UploadRejected(ValueError):
    """The upload cannot be accepted; ``message`` is safe to show to the person uploading."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 10 * MB
    max_uncompressed_bytes: int = 50 * MB
    max_compression_ratio: int = 100
    max_archive_entries: int = 2000

    @classmethod
    def from_settings(cls) -> UploadLimits:
        from django.conf import settings

        if not settings.configured:
            return cls()
        defaults = cls()
        return cls(
            max_bytes=getattr(settings, "RESUME_MAX_UPLOAD_BYTES", defaults.max_bytes),
            max_uncompressed_bytes=getattr(settings, "RESUME_MAX_UNCOMPRESSED_BYTES", defaults.max_uncompressed_bytes),
            max_compression_ratio=getattr(settings, "RESUME_MAX_COMPRESSION_RATIO", defaults.max_compression_ratio),
            max_archive_entries=getattr(settings, "RESUME_MAX_ARCHIVE_ENTRIES", defaults.max_archive_entries),
        )


@dataclass(frozen=True)
class ValidatedUpload:
    kind: str
    content_type: str
    size: int


def _human_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(size // 1024, 1)} KB"


def check_size(size: int, limits: UploadLimits) -> None:
    if size <= 0:
        raise UploadRejected("The file is empty.")
    if size > limits.max_bytes:
        raise UploadRejected(f"The file is {_human_size(size)}; the limit is {_human_size(limits.max_bytes)}.")


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        text = decode_text(data[:65536], strict=True)
    except UnicodeDecodeError:
        return False
    if not text.strip():
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t\f")
    return printable / len(text) >= 0.97


def decode_text(data: bytes, *, strict: bool = False) -> str:
    """Plain-text resumes arrive as UTF-8, UTF-16 with a BOM, or a Windows code page."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict" if strict else "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="strict" if strict else "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample cut mid-character is still UTF-8.
        if strict and exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return data[: exc.start].decode("utf-8")
        return data.decode("cp1252", errors="strict" if strict else "replace")


def _check_archive(data: bytes, limits: UploadLimits) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UploadRejected("The file looks like a DOCX or ODT document but is damaged.") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_archive_entries:
            raise UploadRejected("The document contains too many parts to be a resume.")
        total = sum(entry.file_size for entry in entries)
        compressed = sum(entry.compress_size for entry in entries) or 1
        if total > limits.max_uncompressed_bytes:
            raise UploadRejected(
                f"The document expands to {_human_size(total)} when unpacked; "
                f"the limit is {_human_size(limits.max_uncompressed_bytes)}."
            )
        if total / compressed > limits.max_compression_ratio:
            raise UploadRejected("The document is compressed suspiciously well (possible zip bomb) and was refused.")
        names = {entry.filename for entry in entries}
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise UploadRejected("The document is password-protected; please upload an unprotected copy.")
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            kind = DOCX
        elif "mimetype" in names and archive.read("mimetype").strip() == _ODT_MIMETYPE:
            kind = ODT
        else:
            raise UploadRejected(f"The archive is not a supported document; accepted types: {ACCEPTED_DESCRIPTION}.")
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")):
                content = archive.read(entry)
                # Without "<!" a UTF-8 part cannot declare a DTD or entity; only parts that
                # might (or that use another encoding) pay for a full defusedxml parse.
                if b"<!" not in content and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
                    continue
                try:
                    SafeElementTree.fromstring(content)
                except DefusedXmlException as exc:
                    raise UploadRejected(
                        "The document contains XML entity declarations, which are refused for safety."
                    ) from exc
                except SafeElementTree.ParseError as exc:
                    raise UploadRejected("The document is damaged (its XML cannot be read).") from exc
    return kind


def detect_kind(data: bytes, limits: UploadLimits | None = None) -> str:
    """The document's real type judged by its content; the file name is never trusted."""
    limits = limits or UploadLimits()
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(_ZIP_MAGIC):
        return _check_archive(data, limits)
    if data.startswith(_OLE2_MAGIC):
        if _OLE2_ENCRYPTED_PACKAGE in data:
            # Office stores a password-protected DOCX inside an OLE2 container.
            raise UploadRejected("The document is password-protected; please upload an unprotected copy.")
        return DOC
    if data.lstrip()[:5] == b"{\\rtf":
        return RTF
    if _looks_like_text(data):
        return TXT
    raise UploadRejected(f"This is not a supported document type; accepted types: {ACCEPTED_DESCRIPTION}.")


def validate_upload(data: bytes, *, limits: UploadLimits | None = None) -> ValidatedUpload:
    limits = limits or UploadLimits.from_settings()
    check_size(len(data), limits)
    kind = detect_kind(data, limits)
    return ValidatedUpload(kind=kind, content_type=CONTENT_TYPES[kind], size=len(data))

"""Real files of each kind an office receives, and the bad ones, made here with the libraries that
write them (pypdf, Pillow) or, for office documents, as the zip archives they are."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

# The EICAR test string: every virus scanner reports it, it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def _zip(entries: list[tuple[str, bytes]], *, first_stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, data) in enumerate(entries):
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED if first_stored and i == 0 else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def docx(*extra: tuple[str, bytes], body: str = "请求修复村道") -> bytes:
    """A Word document: the parts Word itself writes first, then ``extra`` entries."""
    return _zip([
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'),
        ("_rels/.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                        b'relationships"/>'),
        ("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                              f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body>'
                              f'</w:document>'.encode()),
        *extra,
    ])


def xlsx() -> bytes:
    return _zip([
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
        ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
        ("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>'),
    ])


def odt() -> bytes:
    """OpenDocument: the ``mimetype`` entry first and stored, as the format requires."""
    return _zip([("mimetype", ODT.encode()), ("content.xml", "<office:document-content>请求</office:document-content>".encode()),
                 ("META-INF/manifest.xml", b"<manifest/>")], first_stored=True)


def exe() -> bytes:
    """The start of a Windows program: the DOS header, its stub, the PE signature."""
    dos = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 56)
    dos[0x3C:0x40] = (0x80).to_bytes(4, "little")
    stub = b"This program cannot be run in DOS mode.\r\r\n$".ljust(0x80 - len(dos), b"\x00")
    return bytes(dos) + stub + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")

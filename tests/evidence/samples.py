"""Small but real files of every accepted kind, and the bad inputs of issue 4, as bytes.

Shared by the evidence and claims tests: `sample_upload("pdf")` gives an upload ready for
`evidence.services.store_upload` or a test client POST.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.enums import CONTENT_TYPES


def pdf_bytes(text: str = "evidence") -> bytes:
    """A one-page PDF with a valid cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 10 50 Td ({text}) Tj ET".encode()
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int = 2, height: int = 2, seed: int = 0) -> bytes:
    """A valid RGB PNG; `seed` changes the pixels (and so the hash)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(
        b"\x00" + bytes((seed + x + y) % 256 for x in range(width) for _ in range(3))
        for y in range(height)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A minimal JFIF header (SOI, APP0, a comment, EOI): enough for any magic-byte check."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"evidence"
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + b"\xff\xd9"
    )


def mp4_header(brand: bytes = b"isom") -> bytes:
    """An `ftyp` box as MP4 files begin, followed by an empty `free` box."""
    ftyp = b"ftyp" + brand + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 8) + b"free"


def mp4_bytes(padding: int = 1024) -> bytes:
    """An MP4-looking file: the `ftyp` header then an `mdat` box of zeros."""
    return mp4_header() + struct.pack(">I", padding + 8) + b"mdat" + b"\x00" * padding


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCX_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes(text: str = "佐证材料") -> bytes:
    """A minimal Word document (opens in Word and LibreOffice)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", _DOCX_DOCUMENT.format(text=text))
    return out.getvalue()


@functools.cache
def xlsx_bytes(value: str = "佐证材料") -> bytes:
    """A real workbook written by openpyxl; cached, because openpyxl stamps the current time
    into the file and tests compare the bytes of two calls."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bomb_docx(unpacked_bytes: int = 64 * 1024 * 1024) -> bytes:
    """A DOCX-looking archive whose one extra entry inflates to `unpacked_bytes` of zeros.

    Written in 1 MB chunks, so building it needs no large buffer; ~64 KB on disk for 64 MB.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", _DOCX_DOCUMENT.format(text="x"))
        block = b"\x00" * (1024 * 1024)
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as entry:
            for _ in range(unpacked_bytes // len(block)):
                entry.write(block)
    return out.getvalue()


def many_entries_docx(entries: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("word/document.xml", _DOCX_DOCUMENT.format(text="x"))
        for n in range(entries):
            archive.writestr(f"word/media/{n}.txt", b"")
    return out.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows executable (MZ header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240


def html_bytes() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


SAMPLES = {
    "pdf": (pdf_bytes, "检查记录.pdf"),
    "jpeg": (jpeg_bytes, "现场照片.jpg"),
    "png": (png_bytes, "截图.png"),
    "docx": (docx_bytes, "情况说明.docx"),
    "xlsx": (xlsx_bytes, "统计表.xlsx"),
    "mp4": (mp4_bytes, "练兵视频.mp4"),
}


def sample_bytes(kind: str) -> bytes:
    return SAMPLES[kind][0]()


def sample_upload(
    kind: str, name: str | None = None, content: bytes | None = None
) -> SimpleUploadedFile:
    """An upload of a valid file of `kind` (bytes and name overridable)."""
    factory, default_name = SAMPLES[kind]
    return SimpleUploadedFile(
        name or default_name,
        factory() if content is None else content,
        content_type=CONTENT_TYPES[kind],
    )

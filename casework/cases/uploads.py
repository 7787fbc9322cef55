"""Attachments: which files are taken, how they are kept, who gets them back.

Every place that takes files (the staff intake desk, the portal, Open311) hands them to
``case_register``, which runs ``attachments_accept`` before it writes anything: a file is refused
with a message naming the rule, and then nothing of the submission is stored. A file is typed by
its content, not its name (``filetype``: magic bytes), and its name's extension must say the same;
office documents are zip archives and are opened to check their entries; a virus scanner (ClamAV's
clamd) sees each file when one is configured, and when it is configured but cannot be reached,
nothing is taken. Files are stored under random names below MEDIA_ROOT, which no URL serves; they go
back out only through ``attachment_get`` (the case scope, and never to the unit complained about,
Art 30 ¶3) as downloads (docs/security.md "Uploads").
"""

from __future__ import annotations

import codecs
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterable

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .access import case_get, case_view
from .errors import InvalidInput, NotFound
from .models import Attachment, Case

FIELD = "attachments"
MB = 1024 * 1024
RULE = "附件按文件内容识别类型，只接受 PDF、JPEG/PNG 图片、Word/Excel/OpenDocument 文档和纯文本"

# What a content type is called in a refusal.
LABELS = {
    "application/pdf": "PDF 文件",
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "application/msword": "Word 文档",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
    "application/vnd.oasis.opendocument.text": "OpenDocument 文本",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument 表格",
    "text/plain": "纯文本",
    "application/x-msdownload": "Windows 可执行程序",
    "application/x-executable": "可执行程序",
    "application/x-sh": "脚本",
    "application/zip": "ZIP 压缩包",
    "application/x-rar-compressed": "RAR 压缩包",
    "application/x-7z-compressed": "7z 压缩包",
}
ZIPPED = {  # office documents that are zip archives: their entries are checked
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}
# Entries that carry macros (OOXML's vbaProject.bin, OpenDocument's Basic/ and Scripts/): not taken.
MACRO_FILE = "vbaproject.bin"
MACRO_FOLDERS = ("basic/", "scripts/")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEAD = 8192  # what filetype reads


@dataclass(frozen=True)
class AcceptedFile:
    upload: UploadedFile
    name: str  # the name as the person gave it, made safe to show and to send back
    content_type: str
    suffix: str  # of the stored file, from the extension that matched the content


def attachments_accept(files: Iterable[UploadedFile], *, field: str = FIELD) -> list[AcceptedFile]:
    """Check a submission's files; the first that breaks a rule raises ``InvalidInput`` naming it (on ``field``)."""
    try:
        return _accept_all(files)
    except InvalidInput as e:
        if field != FIELD:
            raise InvalidInput(e.message, field) from None
        raise


def _accept_all(files: Iterable[UploadedFile]) -> list[AcceptedFile]:
    files = [f for f in files if f is not None]
    limit = settings.CASEWORK_ATTACHMENT_MAX_FILES
    if len(files) > limit:
        raise InvalidInput(f"每次最多上传 {limit} 个附件，本次 {len(files)} 个", FIELD)
    total = sum(f.size or 0 for f in files)
    if total > settings.CASEWORK_ATTACHMENT_MAX_TOTAL_BYTES:
        raise InvalidInput(f"附件合计不得超过 {_mb(settings.CASEWORK_ATTACHMENT_MAX_TOTAL_BYTES)}，"
                           f"本次 {_mb(total)}", FIELD)
    accepted = [_accept_one(f) for f in files]
    scan = virus_scanner()
    if scan is not None:
        for a in accepted:
            scan(a)
    return accepted


def attachment_store(case: Case, accepted: AcceptedFile) -> Attachment:
    """Write the file under a random name (the case's folder, below MEDIA_ROOT) and its row."""
    a = Attachment(case=case, jurisdiction_id=case.jurisdiction_id, original_name=accepted.name,
                   content_type=accepted.content_type, size=accepted.upload.size)
    accepted.upload.seek(0)
    a.file.save(f"{secrets.token_urlsafe(24)}{accepted.suffix}", accepted.upload, save=False)
    a.save()
    return a


def attachment_get(who, *, case_id: int, attachment_id: int) -> Attachment:
    """An attachment of a case the person may see, and whose materials they may see (Art 30 ¶3);
    ``NotFound`` otherwise, whether or not it exists."""
    case = case_get(who, case_id=case_id)
    if not case_view(who, case).attachments:
        raise NotFound("没有找到该附件")
    try:
        return Attachment.objects.get(pk=int(attachment_id), case=case)
    except (Attachment.DoesNotExist, TypeError, ValueError):
        raise NotFound("没有找到该附件") from None


# -- one file ---------------------------------------------------------------------------------------


def _accept_one(f: UploadedFile) -> AcceptedFile:
    name = safe_name(f.name)
    suffix = PurePath(name).suffix.lower()
    allowed = settings.CASEWORK_ATTACHMENT_TYPES
    if suffix not in allowed:
        raise InvalidInput(f"附件 {name} 的类型不支持，可上传：{'、'.join(sorted(allowed))}", FIELD)
    if not f.size:
        raise InvalidInput(f"附件 {name} 是空文件", FIELD)
    if f.size > settings.CASEWORK_ATTACHMENT_MAX_BYTES:
        raise InvalidInput(f"附件 {name} 超过 {_mb(settings.CASEWORK_ATTACHMENT_MAX_BYTES)}", FIELD)
    expected = allowed[suffix]
    f.seek(0)
    if expected == "text/plain":
        if not _is_text(f.read()):
            raise InvalidInput(f"附件 {name} 的内容不是纯文本，与扩展名 {suffix} 不符（{RULE}）", FIELD)
    else:
        found = content_type_of(f)
        if found != expected:
            what = LABELS.get(found, f"{found} 格式" if found else "不能识别的格式")
            raise InvalidInput(f"附件 {name} 的内容是{what}，不是扩展名 {suffix} 所说的{LABELS.get(expected, expected)}"
                               f"，未接收（{RULE}）", FIELD)
        if found in ZIPPED:
            _check_archive(f, name)
    f.seek(0)
    return AcceptedFile(f, name, expected, suffix)


def content_type_of(f: UploadedFile) -> str | None:
    """The content type the file's bytes show (``filetype``'s magic numbers), or None."""
    f.seek(0)
    head = f.read(_HEAD)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    # filetype knows a Word 97-2003 file only by bytes at fixed offsets, where a file saved by another
    # program may have other data; the compound file's directory names its WordDocument stream.
    if head.startswith(OLE_MAGIC):
        f.seek(0)
        if "WordDocument".encode("utf-16-le") in f.read():
            return "application/msword"
    return None


def _check_archive(f: UploadedFile, name: str) -> None:
    """A document that is a zip: a bounded number of entries, none outside it, none encrypted or with
    macros, and no more uncompressed bytes than the limit, counted while inflating (the sizes a zip
    declares may lie)."""
    max_entries = settings.CASEWORK_ARCHIVE_MAX_ENTRIES
    budget = settings.CASEWORK_ARCHIVE_MAX_UNCOMPRESSED_BYTES
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as z:
            entries = z.infolist()
            if len(entries) > max_entries:
                raise InvalidInput(f"附件 {name} 内含 {len(entries)} 个文件，超过 {max_entries} 个，未接收", FIELD)
            for entry in entries:
                lowered = entry.filename.lower().replace("\\", "/")
                if lowered.startswith("/") or ".." in PurePath(lowered).parts:
                    raise InvalidInput(f"附件 {name} 内含指向文档之外的路径，未接收", FIELD)
                if entry.flag_bits & 0x1:
                    raise InvalidInput(f"附件 {name} 已加密，无法检查，未接收；请去掉密码后再上传", FIELD)
                if lowered.endswith(MACRO_FILE) or lowered.startswith(MACRO_FOLDERS):
                    raise InvalidInput(f"附件 {name} 含有宏，未接收；请另存为不含宏的文档后再上传", FIELD)
                budget -= entry.file_size
                if budget < 0:
                    raise _too_big(name)
            budget = settings.CASEWORK_ARCHIVE_MAX_UNCOMPRESSED_BYTES
            for entry in entries:
                with z.open(entry) as data:
                    while chunk := data.read(MB):
                        budget -= len(chunk)
                        if budget < 0:
                            raise _too_big(name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError, OSError):
        raise InvalidInput(f"附件 {name} 的文档已损坏，无法打开，未接收", FIELD) from None


def _too_big(name: str) -> InvalidInput:
    limit = _mb(settings.CASEWORK_ARCHIVE_MAX_UNCOMPRESSED_BYTES)
    return InvalidInput(f"附件 {name} 解压后超过 {limit}，未接收（可能是压缩炸弹）", FIELD)


def _is_text(raw: bytes) -> bool:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030, with no control characters but
    tabs and line ends."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text)
    return False


def safe_name(name: str | None) -> str:
    """The base name, without control or format characters (a line break in a header, a right-to-left
    override that shows ``exe.pdf`` as ``fdp.exe``), at most 200 characters with its extension kept."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf")).strip() or "附件"
    if len(base) > 200:
        suffix = PurePath(base).suffix[:20]
        base = base[: 200 - len(suffix)] + suffix
    return base


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} 字节"


# -- the virus scanner ------------------------------------------------------------------------------


def virus_scanner():
    """A function that scans one accepted file, or None when no scanner is configured (CASEWORK_CLAMD:
    ``tcp://host:port`` or ``unix:///path/to/clamd.ctl``)."""
    address = settings.CASEWORK_CLAMD
    if not address:
        return None
    from .virus_scan import clamd_scanner

    return clamd_scanner(address, timeout=settings.CASEWORK_CLAMD_TIMEOUT)

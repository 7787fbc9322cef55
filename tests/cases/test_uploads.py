"""Uploads (docs/security.md "Uploads"): typed by content, limited, archives opened and bounded,
scanned when a scanner is configured; a refusal names its rule and stores nothing.

The files are real (tests/cases/files.py). The virus scanner is ClamAV's daemon, an outside service:
here a small server on the loopback speaks its INSTREAM protocol and knows the EICAR test string.
"""

from __future__ import annotations

import socket
import struct
import threading

import pytest

from casework.cases.errors import InvalidInput
from casework.cases.models import Attachment
from casework.cases.uploads import safe_name
from tests.cases import files as F
from tests.cases.casekit import counts
from tests.conftest import register


def refused_upload(world, media_root, *uploads) -> str:
    """Register with ``uploads``: refused on the attachments field, nothing written anywhere."""
    before = counts()
    with pytest.raises(InvalidInput) as err:
        register(world, attachments=list(uploads))
    assert err.value.field == "attachments"
    assert counts() == before
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    return err.value.message


# -- typed by content ----------------------------------------------------------------------------------


def test_an_exe_named_pdf_is_refused_naming_the_rule_and_nothing_is_stored(world, media_root):
    # given: a Windows program renamed 发票.pdf, with a real PDF beside it in the same submission
    # when / then
    message = refused_upload(world, media_root, F.upload("申请书.pdf", F.pdf()), F.upload("发票.pdf", F.exe()))
    assert message == ("附件 发票.pdf 的内容是Windows 可执行程序，不是扩展名 .pdf 所说的PDF 文件，未接收"
                       "（附件按文件内容识别类型，只接受 PDF、JPEG/PNG 图片、Word/Excel/OpenDocument 文档和纯文本）")


@pytest.mark.parametrize("name, make, content_type", [
    ("申请书.pdf", F.pdf, "application/pdf"),
    ("现场.jpg", lambda: F.image("JPEG"), "image/jpeg"),
    ("现场.JPEG", lambda: F.image("JPEG"), "image/jpeg"),
    ("截图.png", lambda: F.image("PNG"), "image/png"),
    ("情况说明.docx", F.docx, F.DOCX),
    ("名单.xlsx", F.xlsx, F.XLSX),
    ("说明.odt", F.odt, F.ODT),
    ("说明.txt", lambda: "村道损坏两年，雨天无法通行。\n".encode(), "text/plain"),
    ("说明-gbk.txt", lambda: "村道损坏两年，雨天无法通行。\r\n".encode("gb18030"), "text/plain"),
])
def test_each_kind_an_office_receives_is_stored_under_a_random_name(world, media_root, name, make, content_type):
    # given
    data = make()
    # when
    case = register(world, attachments=[F.upload(name, data)]).case
    # then: the row names the person's file and the type its content showed; the file on disk has a
    # random name below MEDIA_ROOT and the very bytes
    a = Attachment.objects.get(case=case)
    assert (a.original_name, a.content_type, a.size) == (name, content_type, len(data))
    stored = a.file.path
    assert stored.startswith(str(media_root)) and name.rsplit(".", 1)[0] not in stored
    assert len(a.file.name.rsplit("/", 1)[1].split(".")[0]) >= 32  # 24 random bytes, base64
    with open(stored, "rb") as f:
        assert f.read() == data


@pytest.mark.parametrize("name, make, said", [
    ("照片.jpg", lambda: F.image("PNG"), "PNG 图片"),
    ("说明.docx", F.pdf, "PDF 文件"),
    ("名单.xlsx", F.docx, "Word 文档"),
    ("扫描.pdf", lambda: b"just some words, no PDF at all", "不能识别的格式"),
    ("压缩.docx", lambda: F._zip([("a.txt", b"x")]), "ZIP 压缩包"),
])
def test_content_that_is_not_what_the_name_says_is_refused(world, media_root, name, make, said):
    message = refused_upload(world, media_root, F.upload(name, make()))
    assert f"附件 {name} 的内容是{said}" in message and "附件按文件内容识别类型" in message


@pytest.mark.parametrize("data", [F.exe(), b"\x00\x01\x02binary\xff\xfe", F.image("PNG")])
def test_a_txt_that_is_not_text_is_refused(world, media_root, data):
    assert "的内容不是纯文本" in refused_upload(world, media_root, F.upload("说明.txt", data))


@pytest.mark.parametrize("name", ["setup.exe", "run.bat", "page.html", "no-extension", "archive.zip"])
def test_a_name_whose_type_is_not_taken_is_refused(world, media_root, name):
    assert f"附件 {name} 的类型不支持" in refused_upload(world, media_root, F.upload(name, F.pdf()))


# -- limits -------------------------------------------------------------------------------------------------


def test_per_submission_count_and_total_are_limited(world, media_root, settings):
    settings.CASEWORK_ATTACHMENT_MAX_FILES = 2
    message = refused_upload(world, media_root, *[F.upload(f"{i}.pdf", F.pdf()) for i in range(3)])
    assert message == "每次最多上传 2 个附件，本次 3 个"
    settings.CASEWORK_ATTACHMENT_MAX_FILES = 10
    settings.CASEWORK_ATTACHMENT_MAX_TOTAL_BYTES = 2 * len(F.pdf()) - 1
    message = refused_upload(world, media_root, F.upload("1.pdf", F.pdf()), F.upload("2.pdf", F.pdf()))
    assert message.startswith("附件合计不得超过")


def test_a_file_over_the_per_file_limit_is_refused(world, media_root, settings):
    settings.CASEWORK_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = F.image("PNG") + b"\x00" * (1024 * 1024)
    assert refused_upload(world, media_root, F.upload("大图.png", big)) == "附件 大图.png 超过 1 MB"


# -- archives ----------------------------------------------------------------------------------------------


def test_a_zip_bomb_dressed_as_a_word_document_is_refused(world, media_root, settings):
    # given: a .docx of ~20 KB that inflates to 20 MB, with the limit at 5 MB
    settings.CASEWORK_ARCHIVE_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    bomb = F.docx(("word/media/padding.bin", b"\x00" * (20 * 1024 * 1024)))
    assert len(bomb) < 100 * 1024
    # when / then
    message = refused_upload(world, media_root, F.upload("情况说明.docx", bomb))
    assert message == "附件 情况说明.docx 解压后超过 5 MB，未接收（可能是压缩炸弹）"


def test_an_archive_with_too_many_entries_is_refused(world, media_root, settings):
    settings.CASEWORK_ARCHIVE_MAX_ENTRIES = 50
    crowded = F.docx(*[(f"word/media/{i}.xml", b"<x/>") for i in range(60)])
    assert "内含 63 个文件，超过 50 个" in refused_upload(world, media_root, F.upload("多.docx", crowded))


@pytest.mark.parametrize("entry, problem", [
    (("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macros"), "含有宏"),
    (("../../evil.sh", b"rm -rf /"), "指向文档之外"),
])
def test_a_document_with_macros_or_a_path_out_of_it_is_refused(world, media_root, entry, problem):
    assert problem in refused_upload(world, media_root, F.upload("文档.docx", F.docx(entry)))


def test_a_damaged_document_is_refused(world, media_root):
    cut = F.docx(("word/media/1.xml", b"<x/>" * 2000))[:-200]  # the central directory cut off
    assert "已损坏" in refused_upload(world, media_root, F.upload("坏.docx", cut))


# -- names ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("given, kept", [
    ("C:\\Users\\张三\\申请书.pdf", "申请书.pdf"),
    ("../../etc/申请书.pdf", "申请书.pdf"),
    ("bad\r\nX-Injected: 1.pdf", "badX-Injected: 1.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override would show it as "invoiceexe.pdf"
    ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
])
def test_the_name_kept_is_the_base_name_without_control_characters(given, kept):
    assert safe_name(given) == kept


# -- the virus scanner ---------------------------------------------------------------------------------


class LoopbackClamd:
    """ClamAV's INSTREAM protocol on 127.0.0.1: length-prefixed chunks in, one verdict line out."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.scanned: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return  # closed
            with conn:
                conn.settimeout(5)
                command = b""
                while not command.endswith(b"\n"):
                    command += conn.recv(1)
                data = b""
                while True:
                    (size,) = struct.unpack("!L", self._exactly(conn, 4))
                    if size == 0:
                        break
                    data += self._exactly(conn, size)
                self.scanned.append(data)
                verdict = b"stream: Eicar-Test-Signature FOUND\n" if F.EICAR in data else b"stream: OK\n"
                conn.sendall(verdict if command == b"nINSTREAM\n" else b"UNKNOWN COMMAND\n")

    @staticmethod
    def _exactly(conn, n: int) -> bytes:
        got = b""
        while len(got) < n:
            chunk = conn.recv(n - len(got))
            if not chunk:
                raise OSError("closed")
            got += chunk
        return got

    def close(self) -> None:
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture
def clamd(settings):
    server = LoopbackClamd()
    settings.CASEWORK_CLAMD = f"tcp://127.0.0.1:{server.port}"
    settings.CASEWORK_CLAMD_TIMEOUT = 5
    yield server
    server.close()


def test_with_a_scanner_configured_every_file_is_scanned_and_a_clean_one_kept(world, media_root, clamd):
    data = "村道损坏情况说明".encode()
    case = register(world, attachments=[F.upload("说明.txt", data), F.upload("申请书.pdf", F.pdf())]).case
    assert clamd.scanned == [data, F.pdf()]
    assert Attachment.objects.filter(case=case).count() == 2


def test_a_file_the_scanner_finds_infected_is_refused_and_nothing_stored(world, media_root, clamd):
    message = refused_upload(world, media_root, F.upload("申请书.pdf", F.pdf()), F.upload("说明.txt", F.EICAR))
    assert message == "附件 说明.txt 含有病毒或恶意代码（Eicar-Test-Signature），未接收"


def test_a_scanner_configured_but_unreachable_refuses_every_upload(world, media_root, settings):
    # given: a port nothing listens on
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    settings.CASEWORK_CLAMD = f"tcp://127.0.0.1:{port}"
    # when / then
    message = refused_upload(world, media_root, F.upload("申请书.pdf", F.pdf()))
    assert message.startswith("病毒扫描服务暂时无法使用，附件未接收")


def test_without_files_the_scanner_is_not_needed(world, settings):
    settings.CASEWORK_CLAMD = "tcp://127.0.0.1:9"  # nothing there; no file to scan
    assert register(world).case.pk

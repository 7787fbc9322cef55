"""The virus scan of uploads: ClamAV's daemon (clamd) over its INSTREAM command (``clamdpy``).

Configured (CASEWORK_CLAMD) but not answering is not "clean": the upload is refused, so that a
scanner that is down never waves files through.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from clamdpy import ClamdNetworkSocket, ClamdUnixSocket
from clamdpy.exceptions import ClamdException
from django.core.exceptions import ImproperlyConfigured

from .errors import InvalidInput

UNAVAILABLE = "病毒扫描服务暂时无法使用，附件未接收（已配置病毒扫描的系统不接收未经扫描的附件），请稍后再试"
CHUNK = 64 * 1024


def clamd_scanner(address: str, *, timeout: float):
    """``address``: ``tcp://host:port`` or ``unix:///path``. Returns ``scan(accepted_file)``."""
    parts = urlsplit(address)
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        clamd = ClamdNetworkSocket(parts.hostname, parts.port, timeout=timeout, max_chunk_size=CHUNK)
    elif parts.scheme == "unix" and parts.path:
        clamd = ClamdUnixSocket(parts.path, timeout=timeout, max_chunk_size=CHUNK)
    else:
        raise ImproperlyConfigured(f"CASEWORK_CLAMD: tcp://host:port or unix:///path, not {address!r}")

    def scan(accepted) -> None:
        accepted.upload.seek(0)
        try:
            result = clamd.instream(accepted.upload)
        except (ClamdException, OSError):
            raise InvalidInput(UNAVAILABLE, "attachments") from None
        finally:
            accepted.upload.seek(0)
        if result.status == "FOUND":
            raise InvalidInput(f"附件 {accepted.name} 含有病毒或恶意代码（{result.reason}），未接收", "attachments")
        if result.status != "OK":
            raise InvalidInput(UNAVAILABLE, "attachments")

    return scan

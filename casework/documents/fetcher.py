"""What WeasyPrint may read while it renders a notice: the project's own files, nothing else.

A notice carries text that people typed (a title, facts, a unit's name). Should any of it ever reach the
HTML as markup, an <img src="http://..."> or a url() would have the server fetch an address of the
attacker's choosing (SSRF), or read a file such as /etc/passwd into the PDF. So every fetch is refused
except a file:// path inside the documents' templates, the project's static files or the font
directories; fonts themselves come through fontconfig, not through URLs.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher


def allowed_roots() -> list[Path]:
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    roots = [Path(__file__).resolve().parent / "templates", Path(settings.STATIC_ROOT)]
    for finder in get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    roots += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
    return [r.resolve() for r in roots]


class ProjectFilesFetcher(URLFetcher):
    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"not fetched (only the project's own files): {url[:80]}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in allowed_roots()):
            raise ValueError(f"not fetched (outside the project's files): {url[:80]}")
        return super().fetch(url, headers)

"""The CI's dependency check (scripts/dependencies.py; docs/security.md "Dependencies")."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("casework_dependency_check", ROOT / "scripts" / "dependencies.py")
deps = importlib.util.module_from_spec(spec)
sys.modules["casework_dependency_check"] = deps  # its dataclasses look their module up
spec.loader.exec_module(deps)


def test_every_dependency_is_pinned_exactly():
    pinned, loose = deps.pins()
    assert loose == []
    assert pinned["Django"].startswith("5.2.")  # the LTS line (docs/ARCHITECTURE.md)
    assert {"filetype", "clamdpy", "pip-audit"} <= set(pinned)


@pytest.mark.parametrize("pinned, available, newer", [
    ("5.2.19", ["5.2.20", "5.2.19", "6.1.3", "5.2.21rc1"], "5.2.20"),
    ("5.2.20", ["5.2.20", "6.1.3", "5.3.0"], None),
    ("6.170.15", ["6.170.29", "6.170.27", "6.171.0"], "6.170.29"),
    ("0.109", ["0.110", "0.109"], None),  # no patch line
    ("2.9.0.post0", ["2.9.1", "not-a-version"], "2.9.1"),
])
def test_a_newer_patch_release_is_one_of_the_same_major_and_minor(pinned, available, newer):
    assert deps.newer_patch(pinned, available) == newer


# PyPI's JSON document of a project, as it serves it: "vulnerabilities" are those of the newest release.
ADVISORY = {"id": "PYSEC-2026-1", "aliases": ["CVE-2026-0001"], "fixed_in": ["1.0.1"], "withdrawn": None,
            "details": "...", "summary": None, "link": "https://osv.dev/vulnerability/PYSEC-2026-1"}


def document(version: str, vulnerabilities: list[dict]) -> dict:
    return {"info": {"version": version}, "releases": {version: []}, "vulnerabilities": vulnerabilities}


def test_the_newest_releases_vulnerabilities_are_ours_only_when_we_run_it():
    withdrawn = dict(ADVISORY, id="PYSEC-2026-2", withdrawn="2026-06-01T00:00:00Z")
    assert deps.newest_release_vulnerabilities("1.0.0", document("1.0.0", [ADVISORY, withdrawn])) == [ADVISORY]
    assert deps.newest_release_vulnerabilities("1.0.0", document("1.0.0", [])) == []
    assert deps.newest_release_vulnerabilities("0.9.0", document("1.0.0", [ADVISORY])) is None


class Index(BaseHTTPRequestHandler):
    """A package index's JSON API on the loopback: every installed package at its installed version,
    with no vulnerability, but ``filetype``, with one."""

    installed = {deps.canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()
                 if d.metadata["Name"]}

    def do_GET(self):  # noqa: N802
        name = self.path.strip("/").split("/")[0]
        if name not in self.installed:
            self.send_error(404)
            return
        body = json.dumps(document(self.installed[name], [ADVISORY] if name == "filetype" else [])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_known_vulnerability_fails_the_check_naming_it():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {**os.environ, "CASEWORK_PYPI_JSON": f"http://127.0.0.1:{server.server_port}"}
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "dependencies.py"), "--no-pip-audit"], env=env,
                              capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"VULNERABLE: filetype {Index.installed['filetype']}: PYSEC-2026-1 (CVE-2026-0001) fixed in 1.0.1" in done.stdout
    assert "none: every pin is on its newest patch release" in done.stdout
    assert "not audited here" not in done.stdout  # every package was at its newest release on this index

"""scripts/system-packages.sh, which both README commands run first (issue 11 item 1).

The script runs for real; only the machine around it is made up: a PATH of its own where `dpkg-query` answers
from a list of installed packages, `id` says who we are, and `apt-get` writes down how it was called.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages.sh"
RUN = ["fonts-noto-cjk", "fonts-arphic-ukai", "fontconfig", "libpango-1.0-0", "libpangoft2-1.0-0",
       "libharfbuzz-subset0"]
TEST = RUN + ["postgresql", "chromium", "chromium-driver", "poppler-utils", "gettext"]
TOOLS = ["bash", "grep", "dirname", "mkdir", "tail", "env", "cat"]


def machine(tmp_path: Path, *, installed: list[str], uid: int, npm: bool) -> tuple[dict, Path]:
    """A PATH with the tools the script uses and made-up dpkg-query, id, apt-get (and npm when ``npm``)."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in TOOLS:
        (bin_ / tool).symlink_to(shutil.which(tool))
    (bin_ / "python3").symlink_to(os.path.realpath(sys.executable))  # a python with ensurepip (python3-venv)
    calls = tmp_path / "apt-calls"
    stubs = {
        "dpkg-query": "#!/bin/bash\npkg=${@: -1}\ngrep -qx \"$pkg\" %s && printf 'install ok installed'\nexit 0\n"
                      % (tmp_path / "installed"),
        "id": f"#!/bin/bash\necho {uid}\n",
        "apt-get": f"#!/bin/bash\necho \"$*\" >> {calls}\n",
    }
    if npm:
        stubs["npm"] = "#!/bin/bash\nexit 0\n"
    for name, body in stubs.items():
        (bin_ / name).write_text(body)
        (bin_ / name).chmod(0o755)
    (tmp_path / "installed").write_text("".join(f"{p}\n" for p in installed))
    return {"PATH": str(bin_), "HOME": str(tmp_path)}, calls


def run(tmp_path: Path, what: str, **kw) -> tuple[subprocess.CompletedProcess, str]:
    env, calls = machine(tmp_path, **kw)
    copy = tmp_path / "scripts" / SCRIPT.name  # it writes var/log/apt.log beside scripts/: in tmp_path, not here
    copy.parent.mkdir()
    shutil.copy(SCRIPT, copy)
    done = subprocess.run(["bash", str(copy), what], env=env, capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    return done, calls.read_text() if calls.exists() else ""


@pytest.fixture(autouse=True)
def _tools():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"not on PATH: {missing}")


def test_a_machine_that_has_everything_costs_no_apt_call(tmp_path):
    # given: every package installed, npm there; when: the test set is checked
    done, calls = run(tmp_path, "test", installed=TEST, uid=1000, npm=True)
    # then: nothing to do, nothing said
    assert done.returncode == 0, done.stderr
    assert calls == "" and done.stdout == "" and done.stderr == ""


def test_without_root_or_sudo_it_stops_at_once_with_the_one_command_to_run(tmp_path):
    # given: a user without sudo on a machine without the CJK fonts and without npm
    done, calls = run(tmp_path, "test", installed=[p for p in TEST if p != "fonts-noto-cjk"], uid=1000, npm=False)
    # then: a non-zero exit, the one command naming exactly what is missing, and no apt call
    assert done.returncode == 1
    assert "sudo apt-get install -y --no-install-recommends fonts-noto-cjk npm\n" in done.stderr
    assert calls == ""


def test_make_run_does_not_ask_for_what_only_the_tests_need(tmp_path):
    # given: only what make run needs is installed, no npm, no PostgreSQL, no Chromium
    done, calls = run(tmp_path, "run", installed=RUN, uid=1000, npm=False)
    assert done.returncode == 0, done.stderr
    assert calls == ""


def test_as_root_it_installs_what_is_missing_with_apt_get(tmp_path):
    # given: root, the fonts missing
    done, calls = run(tmp_path, "run", installed=[p for p in RUN if not p.startswith("fonts-")], uid=0, npm=True)
    # then: apt-get update, then one install of exactly the missing packages, said on the terminal
    assert done.returncode == 0, done.stderr
    assert calls.splitlines() == ["update", "install -y --no-install-recommends fonts-noto-cjk fonts-arphic-ukai"]
    assert "==> installed fonts-noto-cjk fonts-arphic-ukai" in done.stdout


def test_an_npm_from_another_nodejs_is_enough(tmp_path):
    # given: Debian's npm package is not installed but an npm command is (nodesource's nodejs bundles one)
    done, calls = run(tmp_path, "test", installed=TEST, uid=0, npm=True)
    assert done.returncode == 0 and calls == ""

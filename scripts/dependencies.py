#!/usr/bin/env python3
"""The CI's dependency check (scripts/test.sh runs it under CI=true; docs/security.md "Dependencies").

1. Every dependency in pyproject.toml is pinned exactly (``name==version``): else it fails.
2. Pinned packages with a newer patch release on the index (same major.minor): reported, not failing.
3. Known vulnerabilities of every installed package, the transitive ones too: failing.
   First pip-audit, against PyPI's per-release vulnerability data (OSV's, as PyPI serves it). Where
   that cannot be reached (from the project's machines only the index and each project's JSON
   document answer), the project's JSON document: PyPI lists there the vulnerabilities of the
   project's newest release, so a package installed at its newest release is audited exactly. Any
   other is named as not audited, with the reason; it does not fail the build, because nothing
   reachable knows.

Usage: .venv/bin/python scripts/dependencies.py [--no-pip-audit]
       (exit 1: a pin not exact, or a known vulnerability; CASEWORK_PYPI_JSON: another JSON API's root)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
PYPI = os.environ.get("CASEWORK_PYPI_JSON", "https://pypi.org/pypi")
TIMEOUT = 20


# -- pins -----------------------------------------------------------------------------------------------


def pins(pyproject: Path = ROOT / "pyproject.toml") -> tuple[dict[str, str], list[str]]:
    """({name: pinned version}, [requirements that are not pinned exactly])."""
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    pinned, loose = {}, []
    for text in requirements:
        req = Requirement(text)
        specs = list(req.specifier)
        if len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version:
            pinned[req.name] = specs[0].version
        else:
            loose.append(text)
    return pinned, loose


def newer_patch(pinned: str, available: list[str]) -> str | None:
    """The newest release of the pin's major.minor line above it, if any (pre-releases left out). A
    version with fewer than three parts (holidays 0.109) has no patch line."""
    current = Version(pinned)
    if len(current.release) < 3:
        return None
    line = current.release[:2]
    newer = []
    for text in available:
        try:
            v = Version(text)
        except InvalidVersion:
            continue
        if not v.is_prerelease and v.release[:2] == line and v > current:
            newer.append(v)
    return str(max(newer)) if newer else None


# -- the index --------------------------------------------------------------------------------------------


def project_json(name: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{PYPI}/{canonicalize_name(name)}/json", timeout=TIMEOUT) as r:
            return json.load(r)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def newest_release_vulnerabilities(installed: str, document: dict) -> list[dict] | None:
    """The vulnerabilities PyPI lists for the project's newest release, when that is the version
    installed (then they are exactly ours); None when it is another version (then PyPI's project
    document says nothing about ours). Withdrawn ones are left out."""
    try:
        if Version(document["info"]["version"]) != Version(installed):
            return None
    except (KeyError, InvalidVersion):
        return None
    return [v for v in document.get("vulnerabilities") or [] if not v.get("withdrawn")]


# -- the check -----------------------------------------------------------------------------------------------


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failed: bool = False

    def say(self, line: str = "") -> None:
        self.lines.append(line)


def installed_packages() -> dict[str, str]:
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and canonicalize_name(name) not in ("casework", "pip", "setuptools", "wheel"):
            found[canonicalize_name(name)] = dist.version
    return found


def pip_audit() -> tuple[dict[str, list[dict]], dict[str, str]]:
    """({package: vulnerabilities} audited by pip-audit, {package: why not} for the rest)."""
    tool = Path(sys.executable).with_name("pip-audit")
    try:
        done = subprocess.run([str(tool), "--local", "--skip-editable", "--format", "json", "--progress-spinner",
                               "off", "--vulnerability-service", "pypi"], capture_output=True, text=True,
                              timeout=600)
        result = json.loads(done.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError) as e:
        return {}, {name: f"pip-audit did not run ({type(e).__name__})" for name in installed_packages()}
    audited, skipped = {}, {}
    for dep in result.get("dependencies", []):
        name = canonicalize_name(dep["name"])
        if "skip_reason" in dep:
            skipped[name] = dep["skip_reason"]
        else:
            audited[name] = dep.get("vulns", [])
    return audited, skipped


def check(*, use_pip_audit: bool = True) -> Report:
    report = Report()
    pinned, loose = pins()
    report.say(f"==> dependencies: {len(pinned)} pinned in pyproject.toml")
    for text in loose:
        report.say(f"    NOT PINNED exactly: {text}")
        report.failed = True

    installed = installed_packages()
    names = sorted(set(installed) | {canonicalize_name(n) for n in pinned})
    with ThreadPoolExecutor(max_workers=8) as pool:
        documents = dict(zip(names, pool.map(project_json, names)))

    report.say("==> newer patch releases on the index (reported, not failing)")
    newer = []
    for name, version in sorted(pinned.items(), key=lambda kv: kv[0].lower()):
        document = documents.get(canonicalize_name(name))
        if document is None:
            report.say(f"    {name}: the index did not answer")
            continue
        found = newer_patch(version, list(document.get("releases", {})))
        if found:
            newer.append(f"{name} {version} -> {found}")
    report.say("\n".join(f"    {line}" for line in newer) if newer else "    none: every pin is on its newest patch release")

    report.say("==> known vulnerabilities of the installed packages (failing)")
    if use_pip_audit:
        audited, skipped = pip_audit()
    else:
        audited, skipped = {}, {name: "pip-audit not run" for name in installed}
    skipped = {name: why for name, why in skipped.items() if name in installed}  # not the project itself
    report.say(f"    pip-audit (PyPI's per-release data): {len(audited)} audited, {len(skipped)} not reachable")
    vulnerable = {n: v for n, v in audited.items() if v}
    by_newest, unaudited = 0, []
    for name in sorted(skipped):
        document = documents.get(name)
        vulns = newest_release_vulnerabilities(installed.get(name, ""), document) if document else None
        if vulns is None:
            newest = (document or {}).get("info", {}).get("version", "?")
            unaudited.append(f"{name} {installed.get(name, '?')} (newest {newest})")
            continue
        by_newest += 1
        if vulns:
            vulnerable[name] = vulns
    if skipped:
        report.say(f"    PyPI's data for each project's newest release: {by_newest} installed at their newest "
                   "release audited")
    for name, vulns in sorted(vulnerable.items()):
        for v in vulns:
            fixed = ", ".join(v.get("fix_versions") or v.get("fixed_in") or []) or "no fix yet"
            report.say(f"    VULNERABLE: {name} {installed.get(name, '?')}: {v.get('id')} "
                       f"({', '.join(v.get('aliases') or [])}) fixed in {fixed}")
        report.failed = True
    if not vulnerable:
        report.say("    no known vulnerability in what could be audited")
    if unaudited:
        report.say(f"    not audited here ({len(unaudited)}: not their newest release, and PyPI's per-release "
                   "data and OSV are not reachable from this network): " + ", ".join(unaudited))
    return report


def main(argv: list[str]) -> int:
    report = check(use_pip_audit="--no-pip-audit" not in argv)
    print("\n".join(report.lines))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

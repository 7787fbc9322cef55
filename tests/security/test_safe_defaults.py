"""Safe defaults: the demo stays out of production unless forced; WeasyPrint reads only the project's files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casework.documents.fetcher import ProjectFilesFetcher


@pytest.mark.django_db
def test_load_demo_refuses_a_production_configuration_unless_forced(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["casework.example.gov.cn"]
    with pytest.raises(CommandError, match="生产配置.*--force"):
        call_command("load_demo", "--cases", "5")
    with pytest.raises(CommandError, match="--cases"):  # past the guard: the next check speaks
        call_command("load_demo", "--cases", "0", "--force")
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]  # a machine of its own (the tests, a laptop)
    with pytest.raises(CommandError, match="--cases"):
        call_command("load_demo", "--cases", "0")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/secret",  # a request the server would make for whoever wrote the text
    "https://example.com/logo.png",
    "file:///etc/passwd",
    "file:///proc/self/environ",
    "ftp://example.com/x",
    "data:text/plain,hello",
])
def test_weasyprint_fetches_nothing_outside_the_project(url):
    with pytest.raises(ValueError):
        ProjectFilesFetcher().fetch(url)


def test_weasyprint_reads_the_project_s_own_files():
    import casework.documents

    css = Path(casework.documents.__file__).parent / "templates" / "documents" / "notice.css"
    response = ProjectFilesFetcher().fetch(css.as_uri())
    assert b"@page" in response.read()
    escape = Path(casework.documents.__file__).parent / "templates" / ".." / ".." / ".." / "pyproject.toml"
    with pytest.raises(ValueError):
        ProjectFilesFetcher().fetch(escape.as_uri() if escape.is_absolute() else str(escape))

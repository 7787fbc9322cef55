"""Batches of notices from the command line, with progress."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.cases.actions import case_accept, case_reply
from tests.conftest import register


def test_render_notices_writes_one_pdf_per_case(world, tmp_path):
    for _ in range(2):
        c = register(world).case
        case_accept(world.handler_a, case_id=c.pk)
        case_reply(world.handler_a, case_id=c.pk, outcome="supported", reasons="属实", opinion="修复", legal_basis="《公路法》")
    register(world)  # no reply: no 处理意见书
    out = StringIO()
    call_command("render_notices", kind="handling-opinion", out=tmp_path, stdout=out)
    files = sorted(tmp_path.glob("*.pdf"))
    assert len(files) == 2 and all(f.read_bytes().startswith(b"%PDF") for f in files)
    assert out.getvalue().startswith("2 notices written")


def test_render_notices_refuses_bad_dates_and_units(world, tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("render_notices", kind="receipt", out=tmp_path, since="last week")
    with pytest.raises(CommandError, match="no unit"):
        call_command("render_notices", kind="receipt", out=tmp_path, unit=999999)


def test_render_notices_stops_with_the_font_named_rather_than_print_empty_boxes(world, tmp_path, settings):
    register(world)
    settings.CASEWORK_NOTICE_FONTS = {"body": ["FandolFang"]}
    with pytest.raises(CommandError, match="FandolFang 未安装"):
        call_command("render_notices", kind="receipt", out=tmp_path, stdout=StringIO())
    assert list(tmp_path.glob("*.pdf")) == []

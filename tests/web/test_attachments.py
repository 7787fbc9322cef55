"""Attachments through every door that takes them (staff intake, portal, Open311) and the one that
gives them back: the case scope, never the unit complained about (信访工作条例 Art 30 ¶3), as a
download that no browser runs or sniffs (docs/security.md "Uploads")."""

from __future__ import annotations

import pytest

from casework.api.models import ApiToken
from casework.cases.models import Attachment, Case
from casework.organisation.models import Unit
from tests.cases import files as F
from tests.conftest import register
from tests.web.test_workspace import intake_post

RULE = "附件按文件内容识别类型"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def nothing_stored(media_root) -> bool:
    return (Case.objects.count(), Attachment.objects.count()) == (0, 0) and not (
        media_root.exists() and any(p.is_file() for p in media_root.rglob("*")))


# -- in ---------------------------------------------------------------------------------------------


def test_staff_intake_refuses_an_exe_named_pdf_beside_the_field(client, world, media_root):
    client.force_login(world.clerk_a)
    r = client.post("/intake/", {**intake_post(world), "attachments": [F.upload("材料.pdf", F.exe())]})
    page = r.content.decode()
    assert r.status_code == 400
    assert "附件 材料.pdf 的内容是Windows 可执行程序" in page and RULE in page
    assert nothing_stored(media_root)


def test_portal_refuses_an_exe_named_pdf_and_takes_a_real_one(client, world, media_root):
    form = {"unit_id": world.town_a_office.pk, "name": "钱七", "address": "甲镇西街2号",
            "request": "请求清理垃圾", "facts_reasons": "垃圾堆放一月未清"}
    r = client.post("/portal/submit/", {**form, "attachments": [F.upload("照片.pdf", F.exe())]})
    assert r.status_code == 400 and "附件 照片.pdf 的内容是Windows 可执行程序" in r.content.decode()
    assert nothing_stored(media_root)
    r = client.post("/portal/submit/", {**form, "attachments": [F.upload("照片.png", F.image("PNG"))]})
    assert r.status_code == 200 and r.context["case"].pk
    assert Attachment.objects.get().content_type == "image/png"


@pytest.fixture
def open311_key(world):
    Unit.objects.filter(pk=world.town_a_office.pk).update(categories="城乡建设")
    return ApiToken.issue(world.clerk_a, "open311 app")[1]


def open311_post(client, key, *uploads):
    data = {"api_key": key, "service_code": "城乡建设", "first_name": "三", "last_name": "张",
            "address_string": "甲镇幸福村3组", "description": "村道损坏无人修理"}
    return client.post("/open311/v2/requests.json", {**data, "media": list(uploads)})


def test_open311_takes_files_through_the_same_checks(client, world, media_root, open311_key):
    # an .exe named .pdf: 400 with the rule, nothing stored
    r = open311_post(client, open311_key, F.upload("照片.pdf", F.exe()))
    assert r.status_code == 400 and "Windows 可执行程序" in r.json()[0]["description"]
    assert nothing_stored(media_root)
    # a real document: kept with the case
    r = open311_post(client, open311_key, F.upload("情况说明.docx", F.docx()))
    assert r.status_code == 201, r.content
    assert Attachment.objects.get(case__number=r.json()[0]["service_request_id"]).content_type == F.DOCX


def test_an_open311_retry_with_other_files_is_not_taken_for_the_first_request(client, world, media_root,
                                                                              open311_key):
    """Idempotency-Key: the same key with the same file is the first answer again; with another file, refused."""
    data = {"api_key": open311_key, "service_code": "城乡建设", "first_name": "三", "last_name": "张",
            "address_string": "甲镇幸福村3组", "description": "村道损坏无人修理"}
    first = client.post("/open311/v2/requests.json", {**data, "media": [F.upload("a.pdf", F.pdf())]},
                        headers={"Idempotency-Key": "k1"})
    again = client.post("/open311/v2/requests.json", {**data, "media": [F.upload("a.pdf", F.pdf())]},
                        headers={"Idempotency-Key": "k1"})
    other = client.post("/open311/v2/requests.json", {**data, "media": [F.upload("b.png", F.image("PNG"))]},
                        headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert other.status_code == 400 and "Idempotency-Key" in other.json()[0]["description"]
    assert Attachment.objects.count() == 1


# -- out --------------------------------------------------------------------------------------------


@pytest.fixture
def with_attachment(world, media_root):
    """A case registered at 甲镇信访办 against 东县公安局, with a photo."""
    case = register(world, respondent_unit_ids=[world.county_police.pk],
                    attachments=[F.upload("现场照片 (1).png", F.image("PNG"))]).case
    return case, Attachment.objects.get(case=case)


def url(case, a) -> str:
    return f"/cases/{case.pk}/attachments/{a.pk}/"


def test_the_handling_staff_download_it_with_headers_that_keep_it_a_download(client, world, with_attachment):
    case, a = with_attachment
    client.force_login(world.clerk_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="{url(case, a)}"' in page
    r = client.get(url(case, a))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == F.image("PNG")
    assert r["Content-Type"] == "image/png"
    assert r["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87%20%281%29.png" in r["Content-Disposition"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in r["Cache-Control"]


def test_never_to_the_unit_complained_about_art_30_3(client, world, with_attachment):
    """Art 30 ¶3: the supervisor above who is also staff of the unit complained about gets neither the
    link nor the file."""
    from casework.organisation.models import Membership

    case, a = with_attachment
    Membership.objects.create(user=world.supervisor, unit=world.county_police, role="handler")
    client.force_login(world.supervisor)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and url(case, a) not in page.content.decode()
    assert client.get(url(case, a)).status_code == 404


@pytest.mark.parametrize("who", ["clerk_b", "police_handler", "housing_handler"])
def test_outside_the_case_scope_it_does_not_exist(client, world, with_attachment, who):
    case, a = with_attachment
    client.force_login(world.users[who])
    assert client.get(url(case, a)).status_code == 404


def test_an_attachment_of_another_case_is_not_reached_through_this_one(client, world, with_attachment):
    case, a = with_attachment
    other = register(world).case
    client.force_login(world.clerk_a)
    assert client.get(f"/cases/{other.pk}/attachments/{a.pk}/").status_code == 404


def test_anonymous_is_sent_to_log_in_and_the_stored_file_has_no_url(client, world, with_attachment):
    case, a = with_attachment
    r = client.get(url(case, a))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get(f"/media/{a.file.name}").status_code == 404
    client.force_login(world.clerk_a)
    assert client.get(f"/media/{a.file.name}").status_code == 404

"""Routing suggestions, related cases and hot issues inside the product: stored models, intake, workspace, board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from casework.audit.chain import verify_chains
from casework.audit.models import Event
from casework.cases.actions import PersonData, case_withdraw
from casework.cases.actors import Actor
from casework.cases.models import Case
from casework.insight import service, training
from casework.insight.clusters import cluster_texts
from casework.insight.hot import hot_issues
from casework.insight.models import RouterModel
from tests.conftest import register
from tests.insight.samples import TEMPLATES, training_rows
from tests.web.test_workspace import intake_post


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test has its own database (whose ids a rolled-back transaction hands out again): the process-wide
    related index and the cached hot-issue groups must not remember another test's cases."""
    service.reset_related_index()
    cache.clear()
    yield
    service.reset_related_index()
    cache.clear()


def closed_cases(world, per_label: int = 8, *, labels=None) -> list[Case]:
    """Registered and withdrawn (closed) cases of the built-in sample messages: what a router trains on."""
    texts, titles, cats = training_rows(per_label)
    made = []
    for i, (text, title, cat) in enumerate(zip(texts, titles, cats)):
        if labels is not None and cat not in labels:
            continue
        case = register(world, request=title or text[:20], facts_reasons=text, title=title, category=cat,
                        complainants=[PersonData(name=f"甲{i}", address="甲镇", phone=f"1390000{i:04d}")]).case
        case_withdraw(Actor.complainant(case.pk), case_id=case.pk, reason="已解决")
        made.append(case)
    return made


def train(**kw):
    call_command("train_router", "--no-progress", "--no-evaluate", **kw)


# -- training ---------------------------------------------------------------------------------


def test_train_router_stores_a_version_with_an_event_and_the_chain_verifies(world):
    closed_cases(world)
    train()
    m = RouterModel.objects.get()
    assert (m.version, m.active, m.n_cases, m.jurisdiction) == (1, True, 24, world.province)
    assert m.classes == sorted(TEMPLATES) and bytes(m.blob).startswith(b"CWROUTER")
    event = Event.objects.get(verb="router_trained")
    assert event.case_id is None and event.data["version"] == 1 and event.data["n_cases"] == 24
    # the unit map says where closed cases of each category went (here: withdrawn at the township office)
    assert m.unit_map["城乡建设"][str(world.town_a.pk)] == [world.town_a_office.pk, 1.0]
    train()
    assert list(RouterModel.objects.order_by("version").values_list("version", "active")) == [(1, False), (2, True)]
    assert list(verify_chains()) == []


def test_training_measures_a_held_back_share_before_training_on_all(world, monkeypatch):
    closed_cases(world, per_label=24)
    model = training.router_train(world.province, evaluate_holdout=True, n_jobs=1)
    assert model.metrics["n_test"] == 15 and 0.5 <= model.metrics["macro_f1"] <= 1.0
    assert model.metrics["top3"] >= model.metrics["accuracy"]


def test_training_with_no_closed_cases_is_a_clear_error(world, capsys):
    register(world)  # open, not closed: not a training example
    with pytest.raises(CommandError, match="没有带分类的已办结案件"):
        train()
    assert not RouterModel.objects.exists() and not Event.objects.filter(verb="router_trained").exists()


def test_a_failed_training_keeps_the_model_in_use(world):
    closed_cases(world)
    train()
    with pytest.raises(CommandError, match="原有模型保持不变"):
        train(jurisdiction="T2")  # 乙镇: no closed cases
    assert RouterModel.objects.get(active=True).version == 1


def test_a_category_with_three_examples_is_left_out_with_a_warning(world, capsys):
    closed_cases(world)
    for i in range(3):
        case = register(world, request="残疾人补贴", facts_reasons=f"残疾人补贴未按时发放{i}", category="民政").case
        case_withdraw(Actor.complainant(case.pk), case_id=case.pk, reason="已解决")
    train()
    assert "民政（3 条）" in capsys.readouterr().err
    m = RouterModel.objects.get()
    assert "民政" not in m.classes and m.dropped == {"民政": 3}


def test_an_unknown_jurisdiction_code_is_refused(world):
    with pytest.raises(CommandError, match="没有代码为 NOPE"):
        train(jurisdiction="NOPE")


def test_the_daily_job_retrains_only_when_enough_cases_closed(world, monkeypatch):
    monkeypatch.setattr(training, "RETRAIN_MIN_NEW", 10)
    closed_cases(world, labels={"城乡建设"})  # 8 closed: not enough for a first model
    assert not training.router_retrain_due(world.province)
    closed_cases(world, labels={"教育文体"})
    assert training.router_retrain_due(world.province)
    call_command("run_deadlines")
    assert RouterModel.objects.get().n_cases == 16
    assert not training.router_retrain_due(world.province)  # nothing new since
    call_command("run_deadlines")
    assert RouterModel.objects.count() == 1


def test_a_new_version_is_used_at_once_and_old_versions_are_pruned(world, monkeypatch):
    closed_cases(world)
    train()
    assert service.suggest_categories(world.town_a, text="小区道路破损积水").model.version == 1
    monkeypatch.setattr(training, "KEEP_VERSIONS", 2)
    for _ in range(3):
        train()
    assert service.suggest_categories(world.town_a, text="小区道路破损积水").model.version == 4
    assert list(RouterModel.objects.order_by("version").values_list("version", flat=True)) == [2, 3, 4]


def test_retraining_waits_for_ten_percent_more_closed_cases(world, monkeypatch):
    monkeypatch.setattr(training, "RETRAIN_MIN_NEW", 1)
    closed_cases(world, per_label=8)
    train()  # 24 cases: 10% is 2.4
    closed_cases(world, per_label=1, labels={"城乡建设"})
    closed_cases(world, per_label=1, labels={"城乡建设"})
    assert not training.router_retrain_due(world.province)  # 2 new
    closed_cases(world, per_label=1, labels={"城乡建设"})
    assert training.router_retrain_due(world.province)  # 3 new


def test_a_training_that_began_before_the_model_in_use_does_not_replace_it(world, monkeypatch):
    closed_cases(world)
    real_fit = training.Router.fit

    def fit_while_another_finishes(self, *a, **kw):
        out = real_fit(self, *a, **kw)
        monkeypatch.setattr(training.Router, "fit", real_fit)
        train()  # the other training, started later, commits first
        return out

    monkeypatch.setattr(training.Router, "fit", fit_while_another_finishes)
    slow = training.router_train(world.province, evaluate_holdout=False, n_jobs=1)
    assert (slow.version, slow.active) == (2, False)
    assert RouterModel.objects.get(active=True).version == 1


def test_evaluate_router_without_a_file_measures_cases_closed_since_training(world, capsys):
    closed_cases(world)
    train()
    RouterModel.objects.update(trained_at=timezone.now() - dt.timedelta(days=2))
    Case.objects.update(last_event_on=timezone.localdate() - dt.timedelta(days=3))  # closed before training
    Case.objects.filter(pk__in=list(Case.objects.values_list("pk", flat=True)[:6])).update(
        last_event_on=timezone.localdate())  # closed since
    call_command("evaluate_router", jurisdiction="T1")  # 甲镇 has no model of its own: the province's is used
    assert "6 件" in capsys.readouterr().out


def test_an_unreadable_stored_model_suggests_nothing_rather_than_failing(world):
    closed_cases(world)
    train()
    RouterModel.objects.update(blob=b"not a model")
    assert not service.suggest_categories(world.town_a, text="小区道路破损积水").available


# -- intake -----------------------------------------------------------------------------------


def insight(client, world, **fields):
    data = {"unit_id": world.town_a_office.pk, "title": "", "request": "", "facts_reasons": "", **fields}
    return client.post("/intake/insight/", data)


def test_intake_shows_three_categories_with_confidence_and_the_usual_unit(client, world):
    closed_cases(world)
    train()
    client.force_login(world.clerk_a)
    r = insight(client, world, request="修路", facts_reasons="A3区洞井路的道路破损严重，雨天积水，希望尽快维修路面。")
    page = r.content.decode()
    assert r.status_code == 200
    assert page.count('class="secondary pick-category"') == 3
    first = page.index("pick-category")
    assert page.index("城乡建设", first) < page.index("教育文体", first)
    assert "%" in page and f'data-unit="{world.town_a_office.pk}"' in page and "第 1 版" in page


def test_intake_before_any_model_says_how_to_train_one(client, world):
    client.force_login(world.clerk_a)
    page = insight(client, world, facts_reasons="道路破损").content.decode()
    assert "train_router" in page


@pytest.mark.parametrize("text", ["", "路", "x" * 100_000, "The road outside number 5 is broken", "🙂🙂🙂"],
                         ids=["empty", "one-char", "100k", "english", "emoji"])
def test_intake_insight_takes_any_text_without_failing(client, world, text):
    closed_cases(world)
    train()
    client.force_login(world.clerk_a)
    r = insight(client, world, facts_reasons=text)
    assert r.status_code == 200
    if len(text) < 2:
        assert "暂无建议" in r.content.decode() or "填写投诉请求" in r.content.decode()


def test_intake_insight_is_for_intake_clerks_and_posts_only(client, world):
    client.force_login(world.housing_handler)
    assert insight(client, world, facts_reasons="道路破损").status_code == 403
    client.force_login(world.clerk_a)
    assert client.get("/intake/insight/").status_code == 405


def test_intake_finds_the_same_person_and_the_same_matter_with_reasons(client, world):
    earlier = register(world, title="洞井路道路破损", request="维修洞井路",
                       facts_reasons="A3区洞井路的道路破损严重，雨天积水，车辆无法通行，希望尽快维修路面。").case
    by_phone = register(world, request="邻居噪音", facts_reasons="楼上邻居深夜装修",
                        complainants=[PersonData(name="李四", address="甲镇", phone="13911112222")]).case
    client.force_login(world.clerk_a)
    page = insight(client, world, request="维修洞井路", facts_reasons="A3区洞井路道路破损严重，雨天积水，车辆无法通行。",
                   **{"p-0-phone": "13911112222"}).content.decode()
    assert earlier.number in page and by_phone.number in page
    assert "同一信访人（联系电话相同）" in page and "相同表述" in page and "A3区" in page
    assert f'name="merge_into" value="{earlier.number}"' in page


def test_related_cases_stay_within_what_the_clerk_may_see(client, world):
    theirs = register(world, by="clerk_b", unit="town_b_office", request="维修洞井路",
                      facts_reasons="A3区洞井路的道路破损严重，雨天积水，希望尽快维修路面。").case
    mine = register(world, request="维修洞井路", facts_reasons="A3区洞井路的道路破损严重，雨天积水，希望尽快维修。").case
    client.force_login(world.clerk_a)
    page = insight(client, world, facts_reasons="A3区洞井路的道路破损严重，雨天积水，希望尽快维修路面。").content.decode()
    assert mine.number in page and theirs.number not in page


def test_enough_visible_related_cases_are_found_behind_many_the_clerk_may_not_see(world):
    """The index is shared: 25 near-identical cases of another township must not hide the clerk's own."""
    text = "A3区洞井路的道路破损严重，雨天积水，希望尽快维修路面。"
    mine = register(world, request="维修洞井路", facts_reasons=text + "甲镇。").case
    for i in range(25):
        register(world, by="clerk_b", unit="town_b_office", request="维修洞井路", facts_reasons=text)
    found = service.related_cases(world.clerk_a, facts_reasons=text)
    assert [r.case.pk for r in found] == [mine.pk]


def test_cases_registered_after_the_index_was_built_are_found(world):
    first = register(world, facts_reasons="甲镇幸福村的村道损坏两年无人修理，雨天无法通行。").case
    assert [r.case.pk for r in service.related_cases(world.clerk_a, facts_reasons=first.facts_reasons)] == [first.pk]
    later = register(world, facts_reasons="幸福村的村道损坏两年无人修理，雨天无法通行，请求修复。").case
    found = {r.case.pk for r in service.related_cases(world.clerk_a, facts_reasons=first.facts_reasons,
                                                      exclude_case_id=first.pk)}
    assert found == {later.pk}


def test_a_phone_number_alone_finds_the_same_person(client, world):
    earlier = register(world, complainants=[PersonData(name="李四", address="甲镇", phone="13911112222")]).case
    client.force_login(world.clerk_a)
    page = insight(client, world, **{"p-0-phone": "13911112222"}).content.decode()
    assert earlier.number in page and "同一信访人" in page


def test_one_click_registers_and_merges_into_the_case_in_progress_xinfang_art_19_3(client, world):
    """Art 19 ¶3: a resubmission of a matter in progress joins that case instead of starting a second clock."""
    target = register(world).case
    client.force_login(world.clerk_a)
    r = client.post("/intake/", intake_post(world, merge_into=target.number))
    assert r.status_code == 302, r.content.decode()[:1500]
    new = Case.objects.exclude(pk=target.pk).get()
    assert (new.state, new.merged_into_id) == ("closed", target.pk)
    assert list(Event.objects.filter(case=new).values_list("verb", flat=True)) == ["register", "merge"]


def test_merging_into_a_case_about_ones_own_unit_is_refused_xinfang_art_30_3(client, world):
    """A clerk of the unit complained about cannot act on that complaint, not even by merging into it."""
    from casework.organisation.models import Membership

    about_bureau = register(world, respondent_unit_ids=[world.county_bureau.pk]).case
    Membership.objects.create(user=world.supervisor, unit=world.county_bureau, role="intake_clerk")
    client.force_login(world.supervisor)
    r = client.post("/intake/", intake_post(world, unit_id=world.county_bureau.pk, merge_into=about_bureau.number))
    assert r.status_code == 400 and "没有找到可并入的案件" in r.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.parametrize("number", ["NOPE-1", "closed"])
def test_merging_into_a_missing_or_closed_case_registers_nothing(client, world, number):
    if number == "closed":
        done = register(world).case
        case_withdraw(Actor.complainant(done.pk), case_id=done.pk, reason="撤回")
        number = done.number
    before = Case.objects.count()
    client.force_login(world.clerk_a)
    r = client.post("/intake/", intake_post(world, merge_into=number))
    assert r.status_code == 400 and number in r.content.decode()
    assert Case.objects.count() == before


# -- workspace --------------------------------------------------------------------------------


def test_workspace_panel_lists_related_cases_and_merges_with_one_click(client, world):
    first = register(world, facts_reasons="甲镇幸福村的村道损坏两年无人修理，雨天无法通行，请求修复。").case
    second = register(world, facts_reasons="幸福村村道损坏两年无人修理，雨天无法通行，再次请求修复。").case
    client.force_login(world.clerk_a)
    detail = client.get(f"/cases/{second.pk}/").content.decode()
    assert f'hx-get="/cases/{second.pk}/insight/"' in detail
    panel = client.get(f"/cases/{second.pk}/insight/").content.decode()
    assert first.number in panel and second.number not in panel.split("相关案件")[1].split(first.number)[0]
    assert f'value="{first.number}"' in panel and "本案并入" in panel
    r = client.post(f"/cases/{second.pk}/act/merge/", {"merge-into_number": first.number})
    assert r.status_code == 302, [m.message for m in r.context["messages"]] + [r.content.decode()[-3000:]]
    second.refresh_from_db()
    assert second.merged_into_id == first.pk


def test_workspace_panel_shows_nothing_derived_to_the_unit_complained_about_xinfang_art_30_3(client, world):
    """Art 30 ¶3: complaint materials never reach the unit complained about, not even as shared phrases."""
    about_bureau = register(world, respondent_unit_ids=[world.county_bureau.pk],
                            facts_reasons="县信访局工作人员推诿扯皮，村道损坏两年无人修理。").case
    register(world, facts_reasons="村道损坏两年无人修理，雨天无法通行。")
    client.force_login(world.supervisor)  # sees the county's cases, but the bureau is complained about here
    assert "被投诉单位" in client.get(f"/cases/{about_bureau.pk}/insight/").content.decode()
    found = service.related_cases(world.supervisor, facts_reasons="县信访局工作人员推诿扯皮，村道损坏两年无人修理。")
    assert about_bureau.pk not in {r.case.pk for r in found} and found


def test_workspace_panel_is_not_there_for_someone_who_cannot_see_the_case(client, world):
    case = register(world).case
    client.force_login(world.clerk_b)
    assert client.get(f"/cases/{case.pk}/insight/").status_code == 404


# -- hot issues -------------------------------------------------------------------------------

PLANT = [  # neighbours on one problem, written as residents write (after messages_with_votes.csv)
    "A2区丽发新城小区旁边违建搅拌站，每天彻夜施工，噪音扰民，粉尘污染严重，请求相关部门依法取缔搅拌站。",
    "A2区丽发新城小区附近的搅拌站噪音扰民、粉尘污染严重，居民晚上无法休息，请求依法取缔搅拌站。",
    "投诉A2区丽发新城小区附近违建搅拌站，噪音和粉尘污染严重影响居民生活，请求相关部门取缔。",
    "A2区丽发新城社区搅拌站灰尘大、噪音污染严重，小区居民深受其害，请求依法取缔违建搅拌站。",
]


def test_clusters_group_one_problem_and_leave_the_rest():
    others = ["学校食堂卫生差，学生反映饭菜质量不好。", "退休人员养老金迟迟没有发放，请社保局核实。",
              "公交线路调整后站台太远，老人出行不便。"]
    groups = cluster_texts(PLANT + others)
    assert len(groups) == 1 and len(groups[0]) >= 3 and set(groups[0].tolist()) <= {0, 1, 2, 3}
    assert cluster_texts(["", "路", "x"]) == []


def test_hot_issues_board_for_supervisors_with_counts_per_week(client, world):
    today = timezone.localdate()
    for i, text in enumerate(PLANT):
        by, unit = ("clerk_a", "town_a_office") if i % 2 else ("clerk_b", "town_b_office")
        register(world, by=by, unit=unit, facts_reasons=text, request="取缔搅拌站",
                 received_on=today - dt.timedelta(days=7 * i), category="环境保护",
                 complainants=[PersonData(name=f"居民{i}", address="丽发新城", phone=f"1380000{i:04d}")])
    register(world, facts_reasons="学校食堂卫生差，学生反映饭菜质量不好。")
    client.force_login(world.supervisor)
    page = client.get("/hot/").content.decode()
    assert "4 件" in page and "4 位信访人" in page and "甲镇信访办" in page and "乙镇信访办" in page
    assert "食堂" not in page and "环境保护（4）" in page
    issues = hot_issues(world.supervisor, today=today)
    assert [w.count for w in issues[0].weeks][-4:] == [1, 1, 1, 1] and issues[0].earlier == 0
    client.force_login(world.clerk_a)
    assert client.get("/hot/").status_code == 403


def test_hot_issues_leave_out_cases_withheld_from_the_viewer_even_after_caching_xinfang_art_30_3(world):
    from casework.organisation.models import Membership

    made = [register(world, facts_reasons=text, request="取缔搅拌站", respondent_unit_ids=[world.county_housing.pk]
                     if i == 0 else []).case for i, text in enumerate(PLANT)]
    today = timezone.localdate()
    assert {c.pk for c in hot_issues(world.supervisor, today=today)[0].cases} == {c.pk for c in made}
    # the supervisor joins the unit complained about in the first case: it leaves the board at once
    Membership.objects.create(user=world.supervisor, unit=world.county_housing, role="handler")
    assert {c.pk for c in hot_issues(world.supervisor, today=today)[0].cases} == {c.pk for c in made[1:]}



def test_evaluate_router_measures_on_a_csv_and_refuses_a_bad_file(world, tmp_path, capsys):
    closed_cases(world)
    train()
    texts, titles, labels = training_rows(4)
    good = tmp_path / "good.csv"
    good.write_text("title,text,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in zip(titles, texts, labels)),
                    encoding="utf-8")
    call_command("evaluate_router", "--csv", str(good))
    out = capsys.readouterr().out
    assert "12 件" in out and "macro-F1" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="needs columns 'text' and 'label'"):
        call_command("evaluate_router", "--csv", str(bad))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("evaluate_router", "--csv", str(tmp_path / "missing.csv"))
    assert RouterModel.objects.get().version == 1


def test_the_merge_action_refuses_a_target_about_the_actors_own_unit_xinfang_art_30_3(world):
    """The same rule in the action, for every caller (UI form, API)."""
    from casework.cases.actions import case_merge
    from casework.cases.errors import NotFound
    from casework.organisation.models import Membership

    about_bureau = register(world, respondent_unit_ids=[world.county_bureau.pk]).case
    Membership.objects.create(user=world.supervisor, unit=world.county_bureau, role="intake_clerk")
    new = register(world, by="supervisor", unit="county_bureau").case
    with pytest.raises(NotFound):
        case_merge(world.supervisor, case_id=new.pk, into_case_id=about_bureau.pk)
    new.refresh_from_db()
    assert new.merged_into_id is None and new.state == "registered"


def _seed_csv(path, per_label: int = 8):
    import csv

    texts, titles, cats = training_rows(per_label)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["title", "text", "label"])
        w.writerows(zip(titles, texts, cats))
    return path


def test_a_seed_of_labelled_messages_is_trained_on_beside_the_cases_and_kept_by_retraining(world, tmp_path):
    """An office with little history seeds its router with labelled messages (train_router --seed); the daily
    retraining keeps the seed while its file exists, and trains on the cases alone once it is gone."""
    seed = _seed_csv(tmp_path / "labelled.csv")
    train(seed=str(seed), seed_only=True)
    m = RouterModel.objects.get(active=True)
    assert (m.n_cases, m.n_seed, m.seed) == (0, 24, str(seed))
    assert m.classes == sorted(TEMPLATES)

    closed_cases(world)
    again = training.router_train(world.province, evaluate_holdout=False, n_jobs=1)
    assert (again.n_cases, again.n_seed, again.seed) == (24, 24, str(seed))
    assert Event.objects.filter(verb="router_trained").order_by("-id").first().data["n_seed"] == 24

    seed.unlink()
    alone = training.router_train(world.province, evaluate_holdout=False, n_jobs=1)
    assert (alone.n_cases, alone.n_seed, alone.seed) == (24, 0, "")


@pytest.mark.parametrize("content, args", [
    ("title,body\nx,y\n", {}),  # no text/label columns
    (None, {}),  # no such file
    ("title,text,label\n", {"seed_only": True, "seed": None}),  # --seed-only without --seed
])
def test_train_router_refuses_a_bad_seed_and_changes_nothing(world, tmp_path, content, args):
    path = tmp_path / "seed.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    kw = {"seed": str(path), **args}
    kw = {k: v for k, v in kw.items() if v is not None}
    with pytest.raises(CommandError):
        train(**kw)
    assert not RouterModel.objects.exists() and not Event.objects.filter(verb="router_trained").exists()

"""Category suggestion: training, bad input, persistence (tiny built-in samples)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from casework.insight.errors import (
    InsightError,
    ModelFormatError,
    NotTrainedError,
    RareCategoryWarning,
    TrainingDataError,
)
from casework.insight.router import MAGIC, Router, Suggestion
from tests.insight.samples import training_rows


@pytest.fixture(scope="module")
def model() -> Router:
    return Router().fit(*training_rows())


def test_suggests_three_categories_with_calibrated_confidence(model):
    top = model.predict_top3("A2区的道路破损严重，下雨积水，请尽快维修。")
    assert [type(s) for s in top] == [Suggestion] * 3
    assert top[0].label == "城乡建设"
    conf = [s.confidence for s in top]
    assert conf == sorted(conf, reverse=True)
    assert 0 < sum(conf) <= 1.0001
    proba = model.predict_proba(["公司拖欠工资", "学校乱收费"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.predict(["公司拖欠农民工工资，请劳动监察处理"]) == ["劳动和社会保障"]


def test_title_is_optional(model):
    assert model.predict_top3("幼儿园乱收费", None)
    assert model.predict_top3("幼儿园乱收费", "关于收费")
    assert Router().fit(training_rows()[0], None, training_rows()[2]).trained


@pytest.mark.parametrize("text", ["", None, "好", "，。！？", "  \n ", "好，"])
def test_empty_or_one_character_gives_no_suggestion(model, text):
    assert model.predict_top3(text) == []
    assert model.predict([text]) == [None]


def test_very_long_text_is_cut_not_fatal(model):
    text = "小区物业乱收停车费，业主多次反映。" * 6000  # about 100,000 characters
    assert len(text) >= 100_000
    top = model.predict_top3(text)
    assert len(top) == 3 and top[0].label == "城乡建设"


@pytest.mark.parametrize("text", ["The road outside our building is broken.", "A2 district, 12345"])
def test_non_chinese_text_still_gets_suggestions(model, text):
    top = model.predict_top3(text)
    assert len(top) == 3
    assert {s.label for s in top} <= set(model.classes)


@pytest.mark.parametrize("text", ["Привет, мир", "ok!"])
def test_text_with_nothing_known_gets_no_suggestion(model, text):
    assert model.predict_top3(text) == []  # only the comma and the space are known


def test_category_with_three_examples_is_left_out_with_a_warning():
    texts, titles, labels = training_rows()
    texts += ["医院乱收费", "看病排队太久", "医生态度差"]
    titles += ["", "", ""]
    labels += ["卫生计生"] * 3
    with pytest.warns(RareCategoryWarning, match="卫生计生（3 条）"):
        m = Router().fit(texts, titles, labels)
    assert "卫生计生" not in m.classes
    assert m.info["dropped_labels"] == {"卫生计生": 3}
    assert all(s.label != "卫生计生" for s in m.predict_top3("医院乱收费"))


@pytest.mark.parametrize("rows", [
    ([], [], []),
    (["", "  ", "好"], None, ["城乡建设", "教育文体", "城乡建设"]),  # no usable text
    (["道路破损"] * 10, None, [""] * 10),  # no labels
])
def test_no_training_data_is_a_clear_error(rows):
    with pytest.raises(TrainingDataError) as err:
        Router().fit(*rows)
    assert "没有可用于训练的数据" in err.value.message
    assert err.value.code == "no_training_data"


def test_a_single_category_is_not_enough():
    texts, _, _ = training_rows()
    with pytest.raises(TrainingDataError, match="类别不足两个"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RareCategoryWarning)
        Router().fit(texts[:10] + ["医院乱收费"], None, ["城乡建设"] * 10 + ["卫生计生"])


def test_failed_training_keeps_the_previous_model(model):
    m = Router.from_bytes(model.to_bytes())
    before = (m.version, m.classes, m.predict_proba(["道路破损"]))
    with pytest.raises(TrainingDataError):
        m.fit([], [], [])
    assert (m.version, m.classes) == before[:2]
    np.testing.assert_array_equal(m.predict_proba(["道路破损"]), before[2])


def test_untrained_model_says_so():
    with pytest.raises(NotTrainedError, match="尚未训练"):
        Router().predict_top3("道路破损")
    assert issubclass(NotTrainedError, InsightError)


def test_model_round_trips_through_bytes(model):
    blob = model.to_bytes()
    assert isinstance(blob, bytes) and blob.startswith(MAGIC)
    again = Router.from_bytes(blob)
    assert again.version == model.version and again.version.startswith("nbsvm+knn+stack/char1-3@1:")
    assert again.classes == model.classes and again.info == model.info
    texts = ["小区物业乱收费", "学校食堂卫生差", "拖欠工资", "The road is broken"]
    np.testing.assert_allclose(again.predict_proba(texts), model.predict_proba(texts))
    assert again.predict_top3(texts[0]) == model.predict_top3(texts[0])


def test_versions_differ_between_trainings():
    a = Router().fit(*training_rows())
    texts, titles, labels = training_rows(per_label=7)
    b = Router().fit(texts, titles, labels)
    assert a.version != b.version


@pytest.mark.parametrize("blob", [b"", b"not a model", b"CWROUTER\n" + b"garbage", None])
def test_bad_bytes_are_rejected_clearly(blob):
    with pytest.raises(ModelFormatError):
        Router.from_bytes(blob)


def test_truncated_or_future_models_are_rejected(model, monkeypatch):
    blob = model.to_bytes()
    with pytest.raises(ModelFormatError, match="损坏"):
        Router.from_bytes(blob[: len(blob) // 2])
    monkeypatch.setattr("casework.insight.router.FORMAT", 99)
    with pytest.raises(ModelFormatError, match="版本"):
        Router.from_bytes(blob)

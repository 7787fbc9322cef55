"""Hot-issue labels are words and phrases a person reads (jieba words), never character fragments
such as 「的大背景下」 (issue 11, item 9)."""

from __future__ import annotations

import jieba
import pytest

from casework.insight.labels import group_labels, phrases, tagged_clauses

SPORTS = [  # four residents on one matter, as they wrote (after messages_with_votes.csv)
    "请A市加快体育强省建设力度 在国家大力倡导体育强国的大背景下，作为省会A市省体育中心建设刻不容缓，甚至连一场国际赛事都没举办过，不知市委市政府有何具体政策和行动？",
    "请A市加快体育强省国家战略步伐 地处省会A市，近年人口增长迅猛，体育场馆严重不足，在国家大力创建体育事业强国的大背景下，希望市委市政府加快体育强省方面有何具体行动？",
    "请加快体育强省的建设力度 规划多年的省体育中心迟迟没有建设，在创建体育强省的大背景下有何具体行动时间？",
    "请加快A市文化体育强省步伐 在国家大力倡导以文化体育强省的大背景下，A市相关配套严重落后，希望市委市政府加快省图书馆，省体育中心等建设力度有何具体行动？",
]
PLANT = [
    "A2区丽发新城小区旁边违建搅拌站，每天彻夜施工，噪音扰民，粉尘污染严重，请求相关部门依法取缔搅拌站。",
    "A2区丽发新城小区附近的搅拌站噪音扰民、粉尘污染严重，居民晚上无法休息，请求依法取缔搅拌站。",
    "投诉A2区丽发新城小区附近违建搅拌站，噪音和粉尘污染严重影响居民生活，请求相关部门取缔。",
    "A2区丽发新城社区搅拌站灰尘大、噪音污染严重，小区居民深受其害，请求依法取缔违建搅拌站。",
]
FUNCTION_WORDS = ("的", "了", "在", "和", "与", "下", "以", "有", "是", "之", "请", "何")


@pytest.fixture(scope="module")
def labels():
    return group_labels([SPORTS, PLANT])


def _word_aligned(label: str, texts: list[str]) -> bool:
    """The label is a run of whole jieba words of some message (place codes such as 「A2区」 count as words)."""
    for text in texts:
        words = [w for clause in tagged_clauses(text) for w, _ in clause]
        for i in range(len(words)):
            joined = ""
            for w in words[i:]:
                joined += w
                if joined.lower() == label.lower():
                    return True
                if len(joined) >= len(label):
                    break
    return False


def test_labels_are_what_the_messages_share(labels):
    sports, plant = labels
    assert "体育强省" in sports
    assert "搅拌站" in plant or any("搅拌站" in p for p in plant)
    assert any("丽发新城" in p for p in plant)


def test_labels_are_whole_words_never_fragments(labels):
    """Never 「的大背景下」: no label begins or ends with a particle, preposition or localiser, and every label is
    a run of whole words of one of the messages."""
    for label, texts in zip(labels, (SPORTS, PLANT)):
        assert label, texts[0]
        for phrase in label:
            assert not phrase.startswith(FUNCTION_WORDS) and not phrase.endswith(FUNCTION_WORDS), phrase
            assert "背景下" not in phrase and not phrase.startswith("的")
            assert _word_aligned(phrase, texts), phrase


def test_generic_petition_words_are_never_labels(labels):
    """What every petition says (「请求相关部门」, 「希望」, 「问题」) tells one matter from another not at all."""
    for label in labels:
        for phrase in label:
            assert not phrase.startswith(("请求", "相关部门", "希望", "问题")), phrase


def test_a_phrase_ends_on_a_noun_or_says_something_of_one():
    """「违建搅拌站」, 「噪音扰民」, 「粉尘污染」 are labels; 「每天彻夜施工」 (a pronoun and an adverb in it), 「小区旁边」
    (a localiser) and a lone short word such as 「施工」 are not."""
    found = phrases(tagged_clauses(PLANT[0]))
    assert {"违建搅拌站", "噪音扰民", "粉尘污染", "依法取缔搅拌站"} <= found
    assert not {"每天彻夜施工", "彻夜施工", "小区旁边", "施工", "相关部门", "请求相关部门"} & found


def test_a_place_code_is_a_word_of_its_own():
    """「A2区丽发新城」: jieba alone reads 「区丽发」 as a name; the place code is split off first."""
    words = [w for clause in tagged_clauses(PLANT[0]) for w, _ in clause]
    assert "a2区" in words and not any(w.startswith("区") and len(w) > 1 for w in words)
    assert "区丽发" in jieba.lcut("a2区丽发新城小区", HMM=True)  # what it would be otherwise


def test_labels_tell_groups_apart():
    """A phrase the other groups use as much is no label of this one: 「市委市政府」 is in every message here."""
    council = ["市委市政府领导：" + t for t in PLANT]
    sports, plant = group_labels([SPORTS, council])
    assert "市委市政府" not in sports and "市委市政府" not in plant

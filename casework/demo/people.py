"""Fictional people: names, addresses and (masked) phone numbers. The data has none of these."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Earlier surnames are commoner; weights fall off gently.
_SURNAME_WEIGHTS = [1 / (i + 8) for i in range(len(SURNAMES))]
GIVEN_M = "建国伟强军磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳文志海峰亮成兵东"
GIVEN_F = "秀英丽敏静芳娟艳娜霞玲桂兰萍红燕梅琳雪婷慧莹颖洁倩晶琴云莉佳欣悦蓉珍凤素华"


def person_name(rng: random.Random) -> tuple[str, str]:
    """(surname, given name)."""
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    pool = GIVEN_M if rng.random() < 0.5 else GIVEN_F
    given = rng.choice(pool) if rng.random() < 0.25 else rng.choice(pool) + rng.choice(pool)
    return surname, given


def staff_name(rng: random.Random, taken: set[tuple[str, str]]) -> tuple[str, str]:
    """A name no other demo staff member has, so that the people in a unit can be told apart."""
    while True:
        name = person_name(rng)
        if name not in taken:
            taken.add(name)
            return name


def full_name(rng: random.Random) -> str:
    surname, given = person_name(rng)
    return surname + given


def masked_phone(rng: random.Random) -> str:
    """A mobile number with the middle digits masked, as the source data masks them."""
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"


def address(rng: random.Random, district: str, township: str, village: str) -> str:
    if village.endswith("社区"):
        return (f"西地省A市{district}{township}{village}{rng.randint(1, 30)}栋"
                f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}{rng.randint(1, 4):02d}室")
    return f"西地省A市{district}{township}{village}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"

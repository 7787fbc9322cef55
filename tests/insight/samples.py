"""Tiny built-in messages for the insight tests (no data files needed)."""

from __future__ import annotations

import itertools

PLACES = ["A2区桂花坪街道", "A3区洞井路", "A7县黄花镇", "A5区景蓉华苑小区", "A1区火炬路", "A4区月湖社区"]

TEMPLATES = {
    "城乡建设": [
        "{p}的道路破损严重，雨天积水，希望尽快维修路面。",
        "{p}小区物业乱收停车费，业主多次反映无人处理。",
        "{p}违章建筑占用公共绿地，请城管部门依法拆除。",
        "{p}老旧小区改造工程停工半年，施工围挡影响出行。",
    ],
    "教育文体": [
        "{p}附近的小学学位紧张，孩子无法就近入学，请教育局协调。",
        "{p}幼儿园乱收费，收取所谓兴趣班费用，家长不满。",
        "{p}中学老师有偿补课，学生负担很重，请求查处。",
        "{p}学校食堂卫生差，学生反映饭菜质量不好。",
    ],
    "劳动和社会保障": [
        "{p}一家公司拖欠农民工工资三个月，请劳动监察部门处理。",
        "{p}企业不给职工缴纳社保，职工权益受损。",
        "{p}退休人员养老金迟迟没有发放，请社保局核实。",
        "{p}工地发生工伤，老板拒绝赔偿，工伤认定怎么办理。",
    ],
}


def training_rows(per_label: int = 8) -> tuple[list[str], list[str], list[str]]:
    """(texts, titles, labels): ``per_label`` messages for each category, places rotated."""
    texts, titles, labels = [], [], []
    for label, templates in TEMPLATES.items():
        combos = itertools.islice(itertools.product(templates, PLACES), per_label)
        for template, place in combos:
            texts.append(template.format(p=place))
            titles.append(f"关于{place}的问题" if len(texts) % 2 else "")
            labels.append(label)
    return texts, titles, labels

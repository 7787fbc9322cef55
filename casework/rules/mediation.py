"""People's mediation (人民调解法, 2010) as a table, like the grievance lifecycle.

Disputes are mediated at the lowest level first: the village or community
人民调解委员会, then the township (street) 人民调解委员会 (Art 34), then the
competent department or a county-level committee. Mediation is voluntary
(Art 3(1)): a party may refuse or end it at any time (Art 17, 23(2)), and going
up a level needs the parties' consent. A mediation that ends without agreement
tells the parties their other routes (Art 26). A party may ask for another
mediator (Art 23(1); 司法部《人民调解工作若干规定》, 2002).

An agreement states the parties' basic details, the facts, the disputed
issues and each side's responsibility, the terms, and the manner and deadline
of performance (Art 29 ¶1). A written agreement is drafted, printed for the
parties to read, and takes effect on the day the parties have signed, sealed
or thumb-printed it, the mediator has signed it and the committee's seal is
applied (Art 29 ¶2); an oral one, recorded by the mediator when the parties see
no need for a document (Art 28), takes effect on the day it is reached (Art 30).
Either way the parties may jointly apply for judicial confirmation within the
period of ``clocks.RULES["judicial_confirmation"]`` from that day (Art 33). The
committee follows up performance (Art 31) until it is performed, or a dispute
about it goes to court (Art 32).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable, Mapping

from .lifecycle import Role, TransitionRefused


class Level(StrEnum):
    VILLAGE = "village"  # 村（居）民委员会人民调解委员会
    TOWNSHIP = "township"  # 乡镇（街道）人民调解委员会
    DEPARTMENT = "department"  # 主管部门，或县级的人民调解委员会


LEVEL_LABELS = {Level.VILLAGE: "村（社区）", Level.TOWNSHIP: "乡镇（街道）", Level.DEPARTMENT: "主管部门"}
NEXT_LEVEL = {Level.VILLAGE: Level.TOWNSHIP, Level.TOWNSHIP: Level.DEPARTMENT}

# organisation.UnitKind / organisation.Level values (plain strings: no Django here)
_MEDIATION_UNIT, _DEPARTMENT_UNIT = "mediation", "department"
_LEVEL_OF_COMMITTEE = {"village": Level.VILLAGE, "township": Level.TOWNSHIP}


def mediation_level(unit_kind: str, jurisdiction_level: str) -> Level | None:
    """The level at which a unit mediates, or None if it does not mediate disputes.

    A 人民调解委员会 (Art 7) of a village or community, of a township or street
    (Art 34), or of a county or above (the county-level committees count as the
    department level); or a competent department. A petition office, a people's
    government or a villagers' committee does not mediate as such.
    """
    if unit_kind == _MEDIATION_UNIT:
        return _LEVEL_OF_COMMITTEE.get(jurisdiction_level, Level.DEPARTMENT)
    if unit_kind == _DEPARTMENT_UNIT:
        return Level.DEPARTMENT
    return None


class DState(StrEnum):
    REGISTERED = "registered"  # 已登记，待调解
    MEDIATING = "mediating"  # 调解中
    DRAFTED = "drafted"  # 书面协议草稿待签署
    AGREED = "agreed"  # 已达成调解协议，履行中
    PERFORMED = "performed"  # 已履行
    UNPERFORMED = "unperformed"  # 未履行，告知可向人民法院起诉（第32条）
    FAILED = "failed"  # 调解不成（第26条）
    ENDED = "ended"  # 当事人拒绝或要求终止（第17条、第23条）


D_STATE_LABELS = {
    DState.REGISTERED: "待调解",
    DState.MEDIATING: "调解中",
    DState.DRAFTED: "协议待签署",
    DState.AGREED: "已达成协议",
    DState.PERFORMED: "已履行",
    DState.UNPERFORMED: "未履行",
    DState.FAILED: "调解不成",
    DState.ENDED: "当事人拒绝调解",
}

D_TERMINAL = frozenset({DState.PERFORMED, DState.UNPERFORMED, DState.FAILED, DState.ENDED})
D_OPEN = frozenset(DState) - D_TERMINAL


class DisputeType(StrEnum):
    NEIGHBOUR = "neighbour"
    FAMILY = "family"
    LAND = "land"
    LABOUR = "labour"
    TENANCY = "tenancy"
    CONSUMER = "consumer"
    OTHER = "other"


DISPUTE_TYPE_LABELS = {
    DisputeType.NEIGHBOUR: "邻里纠纷",
    DisputeType.FAMILY: "婚姻家庭纠纷",
    DisputeType.LAND: "土地、宅基地边界纠纷",
    DisputeType.LABOUR: "劳动、劳务报酬纠纷",
    DisputeType.TENANCY: "房屋租赁纠纷",
    DisputeType.CONSUMER: "消费纠纷",
    DisputeType.OTHER: "其他纠纷",
}

OTHER_ROUTES = "可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）"

# What fits each kind of dispute among the other routes (Art 26), for the 调解终止告知书.
ROUTE_HINTS = {
    DisputeType.LABOUR: "属于劳动争议的，可以向劳动人事争议仲裁委员会申请仲裁；对仲裁裁决不服的，可以依法向人民法院提起诉讼",
    DisputeType.LAND: "属于土地所有权、使用权争议的，可以申请乡镇人民政府或者县级以上人民政府处理；对处理决定不服的，"
                      "可以依法向人民法院提起诉讼",
    DisputeType.CONSUMER: "消费纠纷可以向有关行政部门投诉，可以根据仲裁协议申请仲裁，也可以向人民法院提起诉讼",
}
ROUTE_HINT_DEFAULT = "可以依法向人民法院提起诉讼"

# Where a failed mediation may go next with the parties' consent (Art 3(1), 17).
NEXT_LEVEL_BODY = {Level.TOWNSHIP: "乡镇（街道）人民调解委员会", Level.DEPARTMENT: "有关主管部门或者县级人民调解组织"}

ORAL_AGREEMENT_NOTE = (
    "口头调解协议自达成之日起生效（人民调解法第三十条）。当事人共同申请司法确认（第三十三条）须提交书面调解协议，"
    "如需申请，请先由各方当事人将协议内容制作成书面调解协议书。"
)

MEDIATION_TARGET_DAYS = 30
"""司法部《人民调解工作若干规定》(2002) 第33条: a dispute is 「一般在一个月内调结」; the target date a
committee sets itself when it takes a dispute (a planning date, not a statutory limit on the parties)."""


# --- the parties' basic details (Art 29 ¶1(1)) --------------------------------------------------


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


PARTY_KIND_LABELS = {PartyKind.PERSON: "自然人", PartyKind.ORGANISATION: "法人或者其他组织"}


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


SEX_LABELS = {Sex.MALE: "男", Sex.FEMALE: "女"}


# What an agreement states of each party, with the labels that name a missing one.
PERSON_DETAILS = (("sex", "性别"), ("age", "年龄或出生日期"), ("occupation", "职业"), ("address", "住址"),
                  ("phone", "联系电话"))
ORGANISATION_DETAILS = (("address", "住所"), ("legal_representative", "法定代表人（主要负责人）"))


@dataclass(frozen=True)
class PartyDetails:
    """What the 司法部 model agreement (人民调解协议书) asks of a party.

    A person: name, sex, age or date of birth, occupation, address, phone. An
    organisation: its name, address and legal representative (or principal).
    Never ethnicity (民族), which the model form also lists: Casework holds no
    ethnicity, religion or political views of anyone (DESIGN.md).
    """

    name: str
    kind: str = PartyKind.PERSON
    sex: str = ""
    birth_date: dt.date | None = None
    age: int | None = None
    occupation: str = ""
    address: str = ""
    phone: str = ""
    legal_representative: str = ""

    def missing(self) -> list[str]:
        """The details an agreement needs that are not known yet (labels, in order)."""
        wanted = ORGANISATION_DETAILS if self.kind == PartyKind.ORGANISATION else PERSON_DETAILS
        out = []
        for name, label in wanted:
            value = getattr(self, name)
            if name == "age":
                value = self.age is not None or self.birth_date is not None
            elif name == "sex":
                value = value in set(Sex)
            if not (value.strip() if isinstance(value, str) else value):
                out.append(label)
        return out


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Whole years of age on a day."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


# --- how an agreement is signed, how its performance stands ---------------------------------------


class SignManner(StrEnum):
    SIGNED = "signed"
    SEALED = "sealed"
    THUMBPRINT = "thumbprint"


SIGN_MANNER_LABELS = {SignManner.SIGNED: "签名", SignManner.SEALED: "盖章", SignManner.THUMBPRINT: "按指印"}


class Performance(StrEnum):
    PERFORMED = "performed"
    IN_PROGRESS = "in_progress"
    COURT = "court"


PERFORMANCE_LABELS = {
    Performance.PERFORMED: "已履行完毕",
    Performance.IN_PROGRESS: "尚未履行完毕，继续督促履行",
    Performance.COURT: "未履行，告知当事人可以向人民法院起诉（已司法确认的可以申请强制执行）",
}
PERFORMANCE_STATE = {
    Performance.PERFORMED: DState.PERFORMED,
    Performance.IN_PROGRESS: DState.AGREED,
    Performance.COURT: DState.UNPERFORMED,
}


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeFacts:
    state: DState | None
    level: Level = Level.VILLAGE
    parties: int = 0
    party_names: Mapping[int, str] = field(default_factory=dict)  # DisputeParty id -> name
    incomplete: tuple[str, ...] = ()  # "王大：性别、职业", one per party whose details an agreement lacks
    mediator: int | None = None


DGuard = Callable[[DisputeFacts, Mapping[str, object], dt.date], "str | None"]


@dataclass(frozen=True)
class DTransition:
    action: str
    sources: frozenset[DState]
    target: DState | None
    roles: frozenset[Role]
    article: str
    label: str
    guards: tuple[DGuard, ...] = ()


def _required(name: str, label: str) -> DGuard:
    def guard(facts, params, on):
        value = params.get(name)
        return None if isinstance(value, str) and value.strip() else f"请填写{label}"

    return guard


def _a_party(facts, params, on):
    return None if params.get("party") in facts.party_names else "请选择提出要求的当事人"


def _listed_parties(facts, params, on):
    listed = params.get("listed")
    if not listed or any(pid not in facts.party_names for pid in listed):
        return "请选择本纠纷的当事人"
    return None


def _two_parties(facts, params, on):
    n = params.get("parties", facts.parties)
    return None if isinstance(n, int) and n >= 2 else "纠纷至少有两方当事人"


def _can_escalate(facts, params, on):
    return None if facts.level in NEXT_LEVEL else "已在主管部门调解，不能再上交"


def _consent(facts, params, on):
    """Art 3(1), 17: mediation at the next level is a new mediation, on the parties' application or with their consent."""
    if params.get("consent") is not True:
        return "上交上一级调解须经各方当事人同意（人民调解法第三条第一项、第十七条）"
    return None


def _escalation_target(facts, params, on):
    if NEXT_LEVEL.get(facts.level) == Level.TOWNSHIP:
        missing = [label for key, label in (("unit", "乡镇（街道）人民调解委员会"), ("mediator", "调解员"),
                                            ("target_on", "调解目标日期")) if not params.get(key)]
        if missing:
            return "上交乡镇（街道）时须确定" + "、".join(missing)
    elif not params.get("unit"):
        return "请选择接收的主管部门或人民调解委员会"
    target = params.get("target_on")
    if isinstance(target, dt.date) and target <= on:
        return "调解目标日期应晚于今天"
    return None


def _routes_told(facts, params, on):
    """Art 26 (and Art 3(3)): ending a mediation, the committee tells the parties their other routes."""
    if params.get("routes_told") is not True:
        return "终止调解时须告知各方当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）"
    return None


def _other_mediator(facts, params, on):
    new = params.get("mediator")
    if not new:
        return "请选择更换后的调解员"
    if facts.mediator is not None and new == facts.mediator:
        return "当事人要求更换调解员，不能再指定原调解员"
    return None


def _presided(facts, params, on):
    """Art 29 ¶2: the agreement is signed by the mediator who presided."""
    return None if facts.mediator is not None else "调解协议须由主持调解的人民调解员签名，请先指定调解员（第二十九条第二款）"


def _terms_and_deadline(facts, params, on):
    """Art 29 ¶1(3): the terms, and the manner and deadline of performance."""
    if not (isinstance(params.get("terms"), str) and params["terms"].strip()):
        return "调解协议须载明协议内容（第二十九条）"
    deadline = params.get("performance_deadline")
    if not isinstance(deadline, dt.date):
        return "请填写履行期限（第二十九条）"
    if deadline < on:
        return "履行期限不能早于协议生效日期"
    return None


def _details_complete(facts, params, on):
    """Art 29 ¶1(1): the agreement states the parties' basic details, as the 司法部 model form asks."""
    if facts.incomplete:
        return ("调解协议书应载明当事人的基本情况（人民调解法第二十九条第一款第一项），请先补充："
                + "；".join(facts.incomplete))
    return None


def _signatures(facts, params, on):
    """Art 29 ¶2: every party signed, sealed or thumb-printed; the mediator signed; the committee's seal."""
    signatures = params.get("signatures")
    if not isinstance(signatures, Mapping):
        signatures = {}
    unsigned = [name for pid, name in facts.party_names.items() if signatures.get(pid) not in set(SignManner)]
    if unsigned:
        return ("调解协议书须经各方当事人签名、盖章或者按指印（人民调解法第二十九条第二款），尚未签署："
                + "、".join(unsigned))
    if params.get("mediator_signed") is not True:
        return "调解协议书须经人民调解员签名（人民调解法第二十九条第二款）"
    if params.get("sealed") is not True:
        return "调解协议书须加盖人民调解委员会印章（人民调解法第二十九条第二款）"
    deadline = params.get("performance_deadline")
    if isinstance(deadline, dt.date) and deadline < on:
        return "协议草稿的履行期限早于签署日期，请先修改协议草稿"
    return None


def _oral(facts, params, on):
    """Art 28: the parties see no need for a document; the mediator records what they agreed."""
    if params.get("writing_waived") is not True:
        return "口头协议须各方当事人认为无需制作调解协议书（人民调解法第二十八条）"
    return None


def _performance(facts, params, on):
    return None if params.get("result") in set(Performance) else "请选择履行情况"


S = DState
R = Role
STAFF = frozenset({R.MEDIATOR})
BEFORE_AGREEMENT = frozenset({S.REGISTERED, S.MEDIATING, S.DRAFTED})

D_TRANSITIONS: dict[str, DTransition] = {
    t.action: t
    for t in (
        DTransition("register", frozenset(), S.REGISTERED, frozenset({R.MEDIATOR, R.INTAKE_CLERK}),
                    "人民调解法 第17条", "登记纠纷",
                    (_two_parties, _required("facts", "纠纷事实"))),
        DTransition("assign_mediator", frozenset({S.REGISTERED, S.MEDIATING}), None, STAFF,
                    "人民调解法 第19条", "选定或指定调解员"),
        DTransition("change_mediator", BEFORE_AGREEMENT, None, STAFF,
                    "人民调解法 第23条第1项；人民调解工作若干规定", "当事人要求更换调解员",
                    (_a_party, _other_mediator)),
        DTransition("record_party_details", BEFORE_AGREEMENT, None, STAFF,
                    "人民调解法 第29条第1款第1项", "补充当事人基本情况",
                    (_listed_parties,)),
        DTransition("record_session", BEFORE_AGREEMENT, S.MEDIATING, STAFF,
                    "人民调解法 第22条、第23条、第27条", "记录调解",
                    (_required("summary", "调解情况"),)),
        DTransition("escalate", frozenset({S.REGISTERED, S.MEDIATING, S.FAILED}), S.REGISTERED, STAFF,
                    "人民调解法 第3条、第17条、第26条", "上交上一级调解",
                    (_can_escalate, _required("reason", "上交理由"), _consent, _escalation_target)),
        DTransition("end_by_party", BEFORE_AGREEMENT, S.ENDED, STAFF,
                    "人民调解法 第17条、第23条第2项、第26条", "当事人拒绝或要求终止调解",
                    (_a_party, _routes_told)),
        DTransition("fail", frozenset({S.MEDIATING, S.DRAFTED}), S.FAILED, STAFF,
                    "人民调解法 第26条", "调解不成，终止调解",
                    (_required("reason", "终止理由"), _routes_told)),
        DTransition("draft_agreement", frozenset({S.MEDIATING, S.DRAFTED}), S.DRAFTED, STAFF,
                    "人民调解法 第28条、第29条第1款", "制作调解协议书草稿",
                    (_presided, _terms_and_deadline, _details_complete)),
        DTransition("sign_agreement", frozenset({S.DRAFTED}), S.AGREED, STAFF,
                    "人民调解法 第29条第2款、第33条", "记录签署，协议生效",
                    (_presided, _details_complete, _signatures)),
        DTransition("agree_orally", frozenset({S.MEDIATING}), S.AGREED, STAFF,
                    "人民调解法 第28条、第30条、第33条", "记录口头协议",
                    (_presided, _oral, _terms_and_deadline)),
        DTransition("record_performance", frozenset({S.AGREED}), None, STAFF,
                    "人民调解法 第31条、第32条", "回访履行情况",
                    (_performance,)),
    )
}


def d_check(action: str, facts: DisputeFacts, roles, params: Mapping[str, object], on: dt.date) -> DState:
    """The state the action leads to, or ``TransitionRefused`` saying why not (same order as ``lifecycle.check``)."""
    t = D_TRANSITIONS.get(action)
    if t is None:
        raise TransitionRefused("unknown_action", f"没有这个操作：{action}")
    if t.sources and facts.state not in t.sources:
        if facts.state == DState.ENDED:
            raise TransitionRefused("wrong_state", "当事人已拒绝或终止调解，不得继续调解（人民调解法第十七条）")
        label = D_STATE_LABELS.get(facts.state, "未登记") if facts.state else "未登记"
        raise TransitionRefused("wrong_state", f"纠纷当前状态为「{label}」，不能{t.label}")
    if not t.sources and facts.state is not None:
        raise TransitionRefused("wrong_state", "纠纷已经登记")
    if not (t.roles & set(roles)):
        raise TransitionRefused("forbidden", f"您没有{t.label}的权限")
    for guard in t.guards:
        reason = guard(facts, params, on)
        if reason:
            raise TransitionRefused("invalid", reason)
    if action == "record_performance":
        return PERFORMANCE_STATE[Performance(params["result"])]
    if t.target is None:
        assert facts.state is not None
        return facts.state
    return t.target


def d_available(state: DState | None, roles, level: Level | None = None) -> list[DTransition]:
    """The transitions a person with ``roles`` may try in ``state`` (escalation only below the top level)."""
    return [t for t in D_TRANSITIONS.values()
            if ((t.sources and state in t.sources) or (not t.sources and state is None)) and t.roles & set(roles)
            and not (t.action == "escalate" and level is not None and level not in NEXT_LEVEL)]

"""Demo disputes at every level, told through the real mediation actions (人民调解法).

Each village and community 人民调解委员会 gets a few disputes, each township's committee one of its own and each
district's mediating departments one; a story drawn for each takes it as far as today allows: settled by a written
agreement (drafted, printed, signed) or an oral one, performed or still in the Art 33 window; refused by a party,
or failed with the parties told their other routes; failed and, with the parties' consent, escalated to the
township committee and from there to the competent department; a party asking for another mediator. Nothing here
writes a dispute's state: only the actions do.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field, replace

from django.db import transaction

from casework.cases.errors import CaseworkError
from casework.mediation import actions as M
from casework.mediation.models import Dispute
from casework.rules.mediation import DisputeType, Performance, SignManner

from . import people
from .org import District, Org, Township

# The department that mediates each kind of dispute a township could not settle (org.MEDIATING_DEPARTMENTS).
DEPARTMENT_OF = {DisputeType.LABOUR: "劳动和社会保障", DisputeType.TENANCY: "城乡建设", DisputeType.CONSUMER: "商贸旅游"}
OCCUPATIONS = ("务农", "个体经营", "退休", "建筑工人", "教师", "公司职员", "无业", "驾驶员", "餐饮从业人员")

# story -> how many days ago it may have started (older stories have gone further)
STORIES = {
    "written_performed": (70, 160), "written_window": (8, 20), "oral": (20, 160), "refused": (5, 160),
    "failed": (15, 160), "escalated_written": (45, 160), "escalated_oral": (35, 160), "escalated_to_department": (60, 160),
    "escalated_open": (5, 20), "open": (0, 12), "court": (100, 160), "drafted": (3, 10),
}
TOWNSHIP_STORIES = ("change_mediator", "written_window", "written_performed", "failed")
DEPARTMENT_STORIES = ("written_performed", "written_window", "failed")


@dataclass
class DisputeStats:
    disputes: int = 0
    by_state: Counter = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)  # actions the rules refused (a bug in a story if any)


class _Stop(Exception):
    """The next step would fall after today: the dispute stays where it is."""


@dataclass
class _Clock:
    day: dt.date
    today: dt.date
    rng: random.Random

    def after(self, lo: int = 1, hi: int = 5) -> dt.date:
        day = self.day + dt.timedelta(days=self.rng.randint(lo, hi))
        if day > self.today:
            raise _Stop
        self.day = day
        return day


@dataclass(frozen=True)
class _Matter:
    """What one dispute is about, in words the documents print."""

    dispute_type: DisputeType
    facts: str
    claims: tuple[str, str]
    responsibility: str
    terms: str
    manner: str


def _matter(rng: random.Random, kind: DisputeType, a: str, b: str) -> _Matter:
    amount = rng.choice((800, 1500, 3000, 4600, 12000, 18500))
    if kind == DisputeType.NEIGHBOUR:
        return _Matter(kind, f"{a}与{b}系邻居。{b}家空调外机正对{a}家卧室窗户，噪音和热风影响{a}家人休息，双方多次争吵。",
                       ("要求对方移走空调外机", "外机安装位置在自家外墙上，不同意移走"),
                       f"{b}安装外机未考虑相邻方利益，负主要责任；{a}言语过激，负次要责任。",
                       f"{b}于十日内将空调外机移至东侧外墙\n{a}承担移机费用的一半",
                       f"{b}请人移机，{a}当面支付一半费用")
    if kind == DisputeType.FAMILY:
        return _Matter(kind, f"{a}年过七旬，独自居住，与子女{b}就赡养费和日常照料发生纠纷。",
                       ("要求每月给付赡养费并定期照料", "收入不高，只能少给一些"),
                       f"{b}作为成年子女负有赡养义务，未按时给付赡养费，负主要责任。",
                       f"{b}自本月起每月10日前给付{a}赡养费{amount // 10 * 10 // 2}元\n{b}每周至少探望一次",
                       "按月转账给付")
    if kind == DisputeType.LAND:
        return _Matter(kind, f"{a}与{b}两家宅基地相邻，{b}翻建院墙时越界约0.3米，占用{a}家宅基地。",
                       ("要求拆除越界部分院墙", "院墙建在自家宅基地上"),
                       f"经村委会测量，{b}院墙越界0.3米，负全部责任。",
                       f"{b}拆除越界部分院墙，按原界址重砌\n{a}配合测量定界", f"{b}自行拆除重砌，费用自理")
    if kind == DisputeType.LABOUR:
        return _Matter(kind, f"{a}在{b}承建的工地务工三个月，{b}拖欠劳务报酬{amount}元未付。",
                       (f"要求支付拖欠的劳务报酬{amount}元", "工程款尚未结算，暂时无力支付"),
                       f"{b}未按约定支付劳务报酬，负全部责任。",
                       f"{b}支付{a}劳务报酬{amount}元", "银行转账一次性支付")
    if kind == DisputeType.TENANCY:
        return _Matter(kind, f"{a}租住{b}的房屋，退租时{b}以墙面损坏为由扣留押金{amount}元。",
                       ("要求退还全部押金", "墙面损坏需要修复，押金用于抵扣"),
                       "墙面损坏系正常使用损耗与人为损坏兼有，双方各负一定责任。",
                       f"{b}退还{a}押金{amount * 2 // 3}元\n其余押金抵作墙面修复费用", "微信转账")
    if kind == DisputeType.CONSUMER:
        return _Matter(kind, f"{a}在{b}购买的电动车一个月内三次出现故障，要求退货，{b}只同意维修。",
                       ("要求退货退款", "只同意免费维修"),
                       f"电动车在三包期内多次出现同一故障，{b}负主要责任。",
                       f"{b}为{a}更换同型号新车\n{a}交回原车", "到店当面办理")
    return _Matter(kind, f"{a}饲养的犬只咬伤{b}，{b}花去医疗费{amount}元。",
                   (f"要求赔偿医疗费{amount}元及误工费", "对方先逗弄犬只，只同意赔偿部分费用"),
                   f"{a}未拴绳遛犬，负主要责任；{b}有一定过错，负次要责任。",
                   f"{a}赔偿{b}医疗费和误工费共计{amount}元", "当面一次性支付现金")


class DisputeTeller:
    def __init__(self, org: Org, rng: random.Random, today: dt.date) -> None:
        self.org, self.rng, self.today = org, rng, today
        self.stats = DisputeStats()
        self.mediators: dict[int, list] = {}
        for username, role, unit in org.roles:
            if role == "mediator":
                self.mediators.setdefault(unit.pk, []).append(org.users[username])

    # -- people -----------------------------------------------------------------

    def _person(self, d: District, town: Township, village: str, *, details: bool = True,
                ages: tuple[int, int] = (24, 76)) -> M.PartyData:
        rng = self.rng
        surname, given = people.person_name(rng)
        sex = "male" if given[-1] in people.GIVEN_M else "female"
        born = self.today - dt.timedelta(days=rng.randint(ages[0] * 365, ages[1] * 365))
        return M.PartyData(
            name=surname + given, address=people.address(rng, d.name, town.name, village),
            phone=people.masked_phone(rng), sex=sex if details else "",
            birth_date=born if details and rng.random() < 0.7 else None,
            age=None if not details or rng.random() < 0.7 else (self.today - born).days // 365,
            occupation=rng.choice(OCCUPATIONS) if details else "",
        )

    def _organisation(self, d: District, kind: DisputeType) -> M.PartyData:
        rng = self.rng
        name = {DisputeType.LABOUR: "{}建筑劳务有限公司", DisputeType.CONSUMER: "{}车业商行"}.get(kind, "{}物业服务有限公司")
        place = rng.choice("东南西北") + rng.choice(("兴", "华", "盛", "达", "安", "顺"))
        surname, given = people.person_name(rng)
        return M.PartyData(
            name=f"A市{name.format(place)}", address=f"西地省A市{d.name}{rng.choice(('建设路', '人民路', '解放路'))}"
            f"{rng.randint(1, 300)}号", phone=people.masked_phone(rng), kind="organisation",
            legal_representative=surname + given,
        )

    # -- one dispute --------------------------------------------------------------

    def tell(self, story: str, d: District, town: Township, unit, village: str, kind: DisputeType) -> Dispute | None:
        rng = self.rng
        lo, hi = STORIES.get(story, (10, 120))
        t = _Clock(self.today - dt.timedelta(days=rng.randint(lo, hi)), self.today, rng)
        first = self._person(d, town, village, ages=(71, 86) if kind == DisputeType.FAMILY else (24, 76))
        second = (self._organisation(d, kind) if kind in (DisputeType.LABOUR, DisputeType.CONSUMER)
                  else self._person(d, town, village, details=rng.random() < 0.7,
                                    ages=(38, 60) if kind == DisputeType.FAMILY else (24, 76)))
        m = _matter(rng, kind, first.name, second.name)
        first, second = replace(first, claims=m.claims[0]), replace(second, claims=m.claims[1])
        mediator = self.mediators[unit.pk][0]
        try:
            dispute = M.dispute_register(mediator, unit_id=unit.pk, dispute_type=kind, facts=m.facts,
                                         parties=[first, second], received_on=t.day, mediator_id=mediator.pk)
        except CaseworkError as e:
            self.stats.refused.append(f"register: {e.message}")
            return None
        self.stats.disputes += 1
        try:
            self._story(story, dispute, d, town, m, mediator, t)
        except _Stop:
            pass
        except CaseworkError as e:  # the rules said no: the dispute stays at its last good step
            self.stats.refused.append(f"{dispute.number} ({story}): {e.message}")
        return dispute

    def _story(self, story: str, dispute: Dispute, d: District, town: Township, m: _Matter, mediator, t: _Clock):
        pk = dispute.pk
        self._session(mediator, pk, t, settled=story not in ("failed", "refused", "open", "court")
                      and "escalated" not in story)
        if story == "open":
            return
        if story == "refused":
            party = dispute.parties.order_by("-id").first()
            M.dispute_end_by_party(mediator, dispute_id=pk, party_id=party.pk, routes_told=True,
                                   reason="表示不愿调解，准备向人民法院起诉", on=t.after())
            return
        if story == "change_mediator":
            party = dispute.parties.order_by("id").first()
            other = [u for u in self.mediators[dispute.unit_id] if u.pk != mediator.pk][0]
            M.dispute_change_mediator(mediator, dispute_id=pk, party_id=party.pk, mediator_id=other.pk,
                                      reason="认为原调解员与对方熟识，要求更换", on=t.after())
            mediator = other
            self._session(mediator, pk, t, settled=True)
            self._written(mediator, pk, m, t, perform=True)
            return
        if story == "drafted":  # printed for the parties to read; not signed yet
            self._complete_details(mediator, pk, t)
            day = t.after(0, 2)
            M.dispute_draft_agreement(mediator, dispute_id=pk, facts_responsibility=m.responsibility, terms=m.terms,
                                      performance_manner=m.manner, performance_deadline=day + dt.timedelta(days=20),
                                      on=day)
            return
        if story in ("written_performed", "written_window"):
            self._written(mediator, pk, m, t, perform=story == "written_performed")
            return
        if story == "oral":
            self._oral(mediator, pk, m, t)
            return
        if story == "court":
            self._session(mediator, pk, t, settled=True)
            self._written(mediator, pk, m, t, perform=False)
            M.dispute_record_performance(mediator, dispute_id=pk, result=Performance.IN_PROGRESS,
                                         note="对方称资金紧张，请求宽限", on=t.after(3, 8))
            M.dispute_record_performance(mediator, dispute_id=pk, result=Performance.COURT,
                                         note="宽限期满仍未履行，已告知申请人可以向人民法院起诉", on=t.after(10, 20))
            return
        # failed here; the escalated stories go up with the parties' consent
        M.dispute_fail(mediator, dispute_id=pk, reason="双方分歧较大，经多次调解未能达成一致", routes_told=True,
                       on=t.after())
        if not story.startswith("escalated"):
            return
        if story == "escalated_open":
            self._escalate(mediator, dispute, town.committee, t)
            return
        township_mediator = self._escalate(mediator, dispute, town.committee, t)
        self._session(township_mediator, pk, t, settled=story != "escalated_to_department")
        if story == "escalated_written":
            self._written(township_mediator, pk, m, t, perform=self.rng.random() < 0.6)
        elif story == "escalated_oral":
            self._oral(township_mediator, pk, m, t)
        else:
            M.dispute_fail(township_mediator, dispute_id=pk, reason="双方对赔偿数额分歧较大，乡镇调委会调解不成",
                           routes_told=True, on=t.after())
            department = d.departments[DEPARTMENT_OF.get(m.dispute_type, "劳动和社会保障")]
            department_mediator = self._escalate(township_mediator, dispute, department, t)
            self._session(department_mediator, pk, t, settled=True)
            self._written(department_mediator, pk, m, t, perform=self.rng.random() < 0.5)

    def _session(self, mediator, pk: int, t: _Clock, *, settled: bool) -> None:
        summary = ("经释法说理，双方各让一步，初步同意调解方案。" if settled
                   else "双方各执一词，分歧较大，未能达成一致。")
        M.dispute_record_session(mediator, dispute_id=pk, summary=summary, attendees="双方当事人、调解员",
                                 public=self.rng.random() < 0.2, on=t.after(1, 4))

    def _escalate(self, mediator, dispute: Dispute, unit, t: _Clock):
        mediators = self.mediators[unit.pk]
        target = self.rng.choice(mediators)
        day = t.after(1, 3)
        M.dispute_escalate(mediator, dispute_id=dispute.pk, reason="本级调解不成，双方同意提交上一级调解", unit_id=unit.pk,
                           consent=True, consent_note="双方在调解笔录上签字同意", mediator_id=target.pk,
                           target_on=day + dt.timedelta(days=20), on=day)
        return target

    def _complete_details(self, mediator, pk: int, t: _Clock) -> None:
        dispute = Dispute.objects.get(pk=pk)
        missing = {p.pk: p for p in dispute.parties.select_related("person") if p.details().missing()}
        if not missing:
            return
        rng = self.rng
        M.dispute_record_party_details(mediator, dispute_id=pk, on=t.after(0, 1), details={
            pk_: {"kind": p.kind, "sex": p.sex or rng.choice(("male", "female")), "birth_date": p.birth_date,
                  "age": p.age if (p.age is not None or p.birth_date) else rng.randint(25, 70),
                  "occupation": p.occupation or rng.choice(OCCUPATIONS),
                  "legal_representative": p.legal_representative}
            for pk_, p in missing.items()})

    def _written(self, mediator, pk: int, m: _Matter, t: _Clock, *, perform: bool) -> None:
        self._complete_details(mediator, pk, t)
        drafted = t.after(0, 2)
        deadline = drafted + dt.timedelta(days=self.rng.randint(10, 25))
        M.dispute_draft_agreement(mediator, dispute_id=pk, facts_responsibility=m.responsibility, terms=m.terms,
                                  performance_manner=m.manner, performance_deadline=deadline, on=drafted)
        dispute = Dispute.objects.get(pk=pk)
        manners = list(SignManner)
        M.dispute_sign_agreement(mediator, dispute_id=pk, mediator_signed=True, sealed=True, on=t.after(0, 3),
                                 signatures={p: self.rng.choice(manners[:1] * 4 + manners[1:])
                                             for p in dispute.parties.values_list("pk", flat=True)})
        if perform:
            self._perform(mediator, pk, deadline, t)

    def _oral(self, mediator, pk: int, m: _Matter, t: _Clock) -> None:
        day = t.after(0, 2)
        M.dispute_agree_orally(mediator, dispute_id=pk, terms=m.terms, performance_manner=m.manner,
                               performance_deadline=day + dt.timedelta(days=self.rng.randint(0, 7)),
                               writing_waived=True, on=day)
        self._perform(mediator, pk, day, t)

    def _perform(self, mediator, pk: int, deadline: dt.date, t: _Clock) -> None:
        if self.rng.random() < 0.3:
            M.dispute_record_performance(mediator, dispute_id=pk, result=Performance.IN_PROGRESS,
                                         note="已部分履行，继续督促", on=t.after(2, 6))
        t.day = max(t.day, deadline)
        M.dispute_record_performance(mediator, dispute_id=pk, result=Performance.PERFORMED,
                                     note="回访双方，协议已履行完毕", on=t.after(1, 7))


@transaction.atomic
def tell_disputes(org: Org, rng: random.Random, today: dt.date) -> DisputeStats:
    """About a hundred disputes: three per village committee, one per township committee, one or two per district's
    mediating departments. Every kind of story occurs (the stories are dealt in turn, not drawn)."""
    teller = DisputeTeller(org, rng, today)
    village_stories = list(STORIES) * 2 + ["written_performed", "written_window", "oral", "escalated_written"] * 3
    rng.shuffle(village_stories)
    kinds = list(DisputeType)
    n = 0
    for d in org.districts.values():
        for town in d.townships:
            for village, committee in zip(town.villages, town.village_committees):
                for _ in range(3):
                    story = village_stories[n % len(village_stories)]
                    kind = kinds[(n * 5 + 3) % len(kinds)]
                    if story == "escalated_to_department" and kind not in DEPARTMENT_OF:
                        kind = list(DEPARTMENT_OF)[n % len(DEPARTMENT_OF)]
                    teller.tell(story, d, town, committee, village, kind)
                    n += 1
            teller.tell(TOWNSHIP_STORIES[n % len(TOWNSHIP_STORIES)], d, town, town.committee, rng.choice(town.villages),
                        kinds[n % len(kinds)])
            n += 1
        for i, (kind, label) in enumerate(DEPARTMENT_OF.items()):
            if (n + i) % 2 == 0:
                town = rng.choice(d.townships)
                teller.tell(DEPARTMENT_STORIES[(n + i) % len(DEPARTMENT_STORIES)], d, town, d.departments[label],
                            rng.choice(town.villages), kind)
        n += 1
    teller.stats.by_state = Counter(Dispute.objects.filter(jurisdiction__path__startswith=org.province.path)
                                    .values_list("state", flat=True))
    return teller.stats

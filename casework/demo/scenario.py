"""Drive one demo case through the real actions, step by step, until its story reaches today.

Each case gets a received date in the last six months and a story drawn at
random: registered by a district 信访局 (web messages) or a township 信访办
(walk-ins, letters, calls), forwarded to the competent department of its
district, accepted, handled, replied to; some redirected to another legal
route, withdrawn, merged, extended, reviewed, re-reviewed. Every step has a
date after the one before; the first step that would fall after today is not
taken, so the case stays where it is, exactly as a real case received that
day would be now. Nothing here writes a case's state: only the actions do.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from casework.cases.actions import (
    PersonData, case_accept, case_approve_extension, case_assign, case_decide_review, case_decide_rereview,
    case_decide_objection, case_end_hearing, case_expire_window, case_forward, case_merge, case_object, case_order_redo, case_rate,
    case_record_step,
    case_redirect, case_register, case_reply, case_request_extension, case_request_review,
    case_request_rereview, case_start_hearing, case_withdraw, supervision_answer, supervision_issue,
)
from casework.cases.access import preload_scope
from casework.cases.actors import Actor
from casework.cases.errors import CaseworkError
from casework.cases.models import Case
from casework.organisation.models import Membership
from casework.rules.lifecycle import Outcome, ReviewDecision, Role, Route, Satisfaction, State

from . import people
from .org import District, Org
from .sources import Message

IN_HAND = frozenset({State.REGISTERED, State.FORWARDED, State.ACCEPTED})  # Art 19 ¶3: still being handled

# Shares of the stories (each a probability at its branch point).
P_TOWNSHIP = 0.2  # registered by a township office (walk-in, letter, phone) rather than a district bureau (web)
P_GROUP = 0.04  # a group visit with representatives
P_REDIRECT = 0.03  # belongs to litigation / arbitration / administrative reconsideration
P_WITHDRAW_EARLY = 0.01
P_MISROUTE = 0.03  # forwarded to the wrong department first, which objects (Art 23 ¶3)
P_CO_UNIT = 0.05  # a co-handling unit (Art 24)
P_STEP_CONTACT = 0.35
P_STEP_INVESTIGATION = 0.15
P_WITHDRAW_HANDLING = 0.015
P_STALLED = 0.06  # handling drags past 60 days without an extension
P_EXTENSION = 0.06
P_REVIEW = 0.08
P_REVIEW_NOT_SUPPORTED = 0.35
P_REVIEW_BY_SECTOR = 0.25  # reviewed by the city department of the same sector rather than the district government
P_PER_REQUEST = 0.08  # a reply that answers two requests one by one (Art 32)
P_REREVIEW = 0.4
P_HEARING = 0.35
P_RATE = 0.5
P_SUPERVISE = 0.5  # of overdue cases, how many a supervisor has chased (today)
P_SUPERVISION_ANSWERED = 0.4

LEGAL_BASIS = {
    "城乡建设": "《信访工作条例》第三十二条；《物业管理条例》；《中华人民共和国城乡规划法》",
    "劳动和社会保障": "《信访工作条例》第三十二条；《中华人民共和国劳动合同法》；《保障农民工工资支付条例》",
    "教育文体": "《信访工作条例》第三十二条；《中华人民共和国教育法》；《中华人民共和国义务教育法》",
    "卫生计生": "《信访工作条例》第三十二条；《中华人民共和国基本医疗卫生与健康促进法》；《医疗纠纷预防和处理条例》",
    "环境保护": "《信访工作条例》第三十二条；《中华人民共和国环境保护法》；《中华人民共和国噪声污染防治法》",
    "交通运输": "《信访工作条例》第三十二条；《中华人民共和国道路运输条例》；《城市公共汽车和电车客运管理规定》",
    "商贸旅游": "《信访工作条例》第三十二条；《中华人民共和国消费者权益保护法》；《中华人民共和国旅游法》",
}
FINDING = {  # {you}: 您, or 你们 for a group (a letter says the same throughout)
    Outcome.SUPPORTED: "{you}反映的情况属实，诉求合理",
    Outcome.EXPLAINED: "{you}反映的情况部分属实，诉求有一定道理，但缺乏政策依据",
    Outcome.NOT_SUPPORTED: "{you}的诉求缺乏法律和政策依据",
}
OPINION = {
    Outcome.SUPPORTED: "我单位已责成相关责任方限期整改，并将跟踪落实到位。感谢{you}对我们工作的理解和支持。",
    Outcome.EXPLAINED: "对属实部分，已督促相关方面改进；对其余诉求，因缺乏政策依据暂不能支持，现向{you}解释说明有关政策。",
    Outcome.NOT_SUPPORTED: "依法不予支持。",
}
SECOND_REQUEST = "赔偿因此造成的损失"  # the second request of a reply answered request by request
REVIEW_FINDINGS = {
    ReviewDecision.UPHOLD: "原处理意见认定事实清楚，适用依据正确，处理适当。",
    ReviewDecision.CHANGE: "原处理意见认定事实基本清楚，但对部分事项处理不当。",
    ReviewDecision.REVOKE: "原处理意见认定的主要事实不清，依据不足。",
    ReviewDecision.REDO: "原办理单位调查核实不充分，部分事实未查清。",
}
REVIEW_OPINION = {
    ReviewDecision.UPHOLD: "维持原处理意见。",
    ReviewDecision.CHANGE: "变更原处理意见：责成原办理单位对{you}反映的问题限期整改，并将整改情况书面告知{you}。",
    ReviewDecision.REVOKE: "撤销原处理意见，{you}的合理诉求予以支持。",
    ReviewDecision.REDO: "责令原办理单位重新调查核实，依法重新出具信访处理意见书。",
}
REREVIEW_OPINION = {
    ReviewDecision.UPHOLD: "维持复查意见。本复核意见为终结意见。",
    ReviewDecision.CHANGE: "复查意见部分事项处理不当，予以变更。本复核意见为终结意见。",
    ReviewDecision.REVOKE: "复查意见认定事实不清，予以撤销，{you}的合理诉求予以支持。本复核意见为终结意见。",
}
REVIEW_BASIS = "《信访工作条例》第三十五条；{basis}"
REREVIEW_BASIS = "《信访工作条例》第三十六条；{basis}"
REDIRECT_REASON = {  # the 告知理由: it is printed in the 告知书 addressed to the complainant ({you})
    Route.LITIGATION: "{you}反映的事项属于民事纠纷，应当依法通过诉讼程序解决，{you}可以向人民法院提起诉讼",
    Route.ARBITRATION: "{you}反映的事项属于劳动争议，应当依法申请劳动人事争议仲裁，{you}可以向{district}劳动人事争议"
                       "仲裁委员会申请仲裁",
    Route.ADMINISTRATIVE: "{you}反映的事项属于行政复议受理范围，{you}可以依法向{district}人民政府申请行政复议",
}
WITHDRAW_REASONS = ("信访人表示问题已与对方协商解决，申请撤回。", "信访人电话告知问题已得到解决，申请撤回信访事项。",
                    "信访人书面申请撤回，称已通过其他途径解决。")
CONTACT_NOTES = ("已电话联系信访人，了解具体诉求，约定现场查看时间。", "承办人员与信访人当面沟通，听取其意见和诉求。",
                 "已电话联系信访人，告知案件办理进度。")
INVESTIGATION_NOTES = ("承办人员会同街道（乡镇）工作人员到现场调查核实，制作了调查笔录。",
                       "调取了相关合同、票据和档案材料，正在核实有关情况。",
                       "约谈了被反映单位负责人，要求其说明情况并提出整改方案。")
RATING_COMMENTS = {
    Satisfaction.SATISFIED: ("问题解决得很及时，谢谢！", "工作人员态度很好。", ""),
    Satisfaction.BASICALLY: ("基本解决了，希望后续继续跟进。", ""),
    Satisfaction.UNSATISFIED: ("问题没有真正解决。", "答复太笼统。", ""),
}


class _Stop(Exception):
    """The next step would fall after today: the case stays where it is."""


@dataclass
class Clock:
    """The date of the last step taken, and today."""

    day: dt.date
    today: dt.date

    def after(self, lo: int, hi: int, rng: random.Random) -> dt.date:
        return self.at(self.day + dt.timedelta(days=rng.randint(lo, hi)))

    def at(self, day: dt.date) -> dt.date:
        day = max(day, self.day)
        if day > self.today:
            raise _Stop
        self.day = day
        return day


@dataclass
class Stats:
    refused: list[str] = field(default_factory=list)  # actions the rules refused (a bug in the story if any)
    access_codes: list[tuple[str, str]] = field(default_factory=list)  # a few (number, code) for the portal
    merged: int = 0


class Storyteller:
    def __init__(self, org: Org, rng: random.Random, today: dt.date) -> None:
        self.org, self.rng, self.today = org, rng, today
        self.stats = Stats()
        self._staff: dict[tuple[int, str], object] = {}
        for username, role, unit in org.roles:
            self._staff.setdefault((unit.pk, role), org.users[username])
        self.district_weights = [1.0 + 0.25 * i for i in range(len(org.districts))][::-1]  # A1区 busiest
        # Each action loads its actor's memberships; the demo's staff keep theirs throughout: load them once.
        mine: dict[int, list] = {u.pk: [] for u in org.users.values()}
        for m in Membership.objects.filter(user__in=list(org.users.values()), unit__is_active=True).select_related(
                "unit__jurisdiction"):
            mine[m.user_id].append(m)
        for user in org.users.values():
            preload_scope(user, mine[user.pk])

    def staff(self, unit, role: Role):
        return self._staff[(unit.pk, str(role))]

    # -- one case -------------------------------------------------------------

    def tell(self, msg: Message, received: dt.date, *, stuck: bool = False) -> Case | None:
        """Register the case and take it as far as its story goes by today. Returns the case.

        ``stuck``: accepted and then left unanswered (overdue once 60 days have passed).
        """
        rng = self.rng
        d = self.org.districts[msg.district] if msg.district else rng.choices(
            list(self.org.districts.values()), weights=self.district_weights)[0]
        town = rng.choice(d.townships)
        if rng.random() < P_TOWNSHIP:
            reg_unit, channel = town.office, rng.choice(["visit", "visit", "letter", "phone"])
        else:
            reg_unit, channel = d.bureau, "web"
        clerk = self.staff(reg_unit, Role.INTAKE_CLERK)
        group = channel == "visit" and rng.random() < P_GROUP * 5
        reps = [self._person(d, town) for _ in range(rng.randint(2, 5) if group else 1)]
        try:
            reg = case_register(
                clerk, unit_id=reg_unit.pk, complainants=reps, channel=channel, title=msg.title,
                request=msg.title, facts_reasons=msg.text, category=msg.label,
                group_size=rng.randint(len(reps) + 3, 40) if group else None, received_on=received,
            )
        except CaseworkError as e:
            self.stats.refused.append(f"register: {e.message}")
            return None
        if len(self.stats.access_codes) < 3:
            self.stats.access_codes.append((reg.case.number, reg.access_code))
        case = reg.case
        try:
            self._story(case, msg, d, reg_unit, clerk, Clock(received, self.today), stuck)
        except _Stop:
            pass
        except CaseworkError as e:  # the rules said no: the case stays at its last good step
            self.stats.refused.append(f"{case.number}: {e.message}")
        return case

    def _person(self, d: District, town) -> PersonData:
        rng = self.rng
        return PersonData(
            name=people.full_name(rng), address=people.address(rng, d.name, town.name, rng.choice(town.villages)),
            phone=people.masked_phone(rng),
        )

    def _story(self, case: Case, msg: Message, d: District, reg_unit, clerk, t: Clock, stuck: bool) -> None:
        rng, pk = self.rng, case.pk
        complainant = Actor.complainant(pk)

        fate = 1.0 if stuck else rng.random()
        if fate < P_REDIRECT:
            route = Route.ARBITRATION if msg.label == "劳动和社会保障" else rng.choice(
                [Route.LITIGATION, Route.LITIGATION, Route.ADMINISTRATIVE])
            you = "你们" if case.is_group else "您"
            case_redirect(clerk, case_id=pk, route=route, reason=REDIRECT_REASON[route].format(district=d.name, you=you),
                          on=t.after(1, 5, rng))
            return
        if fate < P_REDIRECT + P_WITHDRAW_EARLY:
            case_withdraw(complainant, case_id=pk, reason=rng.choice(WITHDRAW_REASONS), on=t.after(1, 4, rng))
            return

        dept = d.departments[msg.label]
        if rng.random() < P_MISROUTE:
            wrong = rng.choice([u for lab, u in d.departments.items() if lab != msg.label])
            case_forward(clerk, case_id=pk, to_unit_id=wrong.pk, note="按来信内容转送。", on=t.after(0, 2, rng))
            case_object(self.staff(wrong, Role.HANDLER), case_id=pk, on=t.after(1, 3, rng),
                        reason=f"该事项不属于{wrong.name}的职责范围，应由{dept.name}办理，请重新转送。")
            # the objection takes effect once the sending office agrees (Art 23 ¶3 「核实同意」)
            case_decide_objection(clerk, case_id=pk, agree=True, on=t.at(t.day),
                                  reason=f"经核实，该事项属于{dept.name}职责范围，同意退回并重新转送。")
        case_forward(clerk, case_id=pk, to_unit_id=dept.pk, note=f"请{dept.short_name}依法办理并答复信访人。",
                     on=t.after(0, 2, rng))

        handler = self.staff(dept, Role.HANDLER)
        official = self.staff(dept, Role.ACCOUNTABLE_OFFICIAL)
        accepted = t.after(1, 6, rng)
        case_accept(handler, case_id=pk, accountable_official_id=official.pk, on=accepted,
                    note="属于本单位职责范围，予以受理。")
        if rng.random() < P_CO_UNIT:
            co = rng.choice([u for lab, u in d.departments.items() if lab != msg.label])
            case_assign(official, case_id=pk, co_unit_ids=[co.pk], on=t.after(1, 3, rng))
        if rng.random() < P_STEP_CONTACT:
            case_record_step(handler, case_id=pk, kind="contact", note=rng.choice(CONTACT_NOTES), on=t.after(1, 6, rng))
        if rng.random() < P_STEP_INVESTIGATION:
            case_record_step(handler, case_id=pk, kind="investigation", note=rng.choice(INVESTIGATION_NOTES),
                             on=t.after(2, 10, rng))
        if stuck:
            return
        if rng.random() < P_WITHDRAW_HANDLING:
            case_withdraw(complainant, case_id=pk, reason=rng.choice(WITHDRAW_REASONS), on=t.after(3, 20, rng))
            return

        roll = rng.random()
        if roll < P_STALLED:  # slow: answered late, or not yet
            days = rng.randint(65, 150)
        elif roll < P_STALLED + P_EXTENSION:
            ask = t.at(accepted + dt.timedelta(days=rng.randint(45, 56)))
            extra = rng.choice([15, 20, 30, 30])
            case_request_extension(handler, case_id=pk, days=extra, on=ask,
                                   reason="案情复杂，需协调多个部门共同核实，申请延长办理期限。")
            case_approve_extension(official, case_id=pk, on=t.after(1, 3, rng))
            days = rng.randint(61, 60 + extra - 1)
        else:
            real = msg.reply_days
            days = real if real is not None and 3 <= real <= 55 else rng.randint(7, 50)
        replied = t.at(accepted + dt.timedelta(days=days))

        outcome, case, delivered = self._reply(case, msg, dept, rng.choice([handler, handler, official]), replied)
        reviewed = self._review(case, outcome, msg, d, complainant, t, delivered)
        if rng.random() < P_RATE:
            unhappy = reviewed or outcome == Outcome.NOT_SUPPORTED
            weights = [10, 30, 60] if unhappy else [62, 28, 10]
            sat = rng.choices([Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED], weights)[0]
            case_rate(complainant, case_id=pk, satisfaction=sat, comment=rng.choice(RATING_COMMENTS[sat]))

    def _reply(self, case: Case, msg: Message, dept, who, replied: dt.date) -> tuple[Outcome, Case, dt.date]:
        """The 处理意见书 (Art 32): one of the three outcomes, or (a few) two requests answered one by one."""
        rng, you = self.rng, "你们" if case.is_group else "您"
        outcome = rng.choices([Outcome.SUPPORTED, Outcome.EXPLAINED, Outcome.NOT_SUPPORTED], weights=[50, 35, 15])[0]
        finding = FINDING[outcome].format(you=you)
        opinion = msg.reply or (
            f"{you}好！{you}反映的“{msg.title}”问题已收悉。{dept.name}高度重视，经调查核实，{finding}。"
            f"{OPINION[outcome].format(you=you)}"
        )
        per_request = [] if rng.random() >= P_PER_REQUEST else [
            {"request": msg.title[:60], "outcome": outcome}, {"request": SECOND_REQUEST, "outcome": Outcome.NOT_SUPPORTED}]
        delivered = replied + dt.timedelta(days=rng.randint(0, 3))
        case = case_reply(
            who, case_id=case.pk, outcome="" if per_request else outcome, outcomes=per_request, opinion=opinion,
            reasons=f"{you}反映：{msg.title}。经{dept.name}调查核实，{finding}。",
            legal_basis=LEGAL_BASIS[msg.label], on=replied, received_on=delivered if delivered <= self.today else None,
        )
        return outcome, case, delivered  # the review window runs from receipt (Art 35)

    def _review(self, case: Case, outcome: Outcome, msg: Message, d: District, complainant: Actor, t: Clock,
                delivered: dt.date) -> bool:
        """The review chain (Art 35, 36), or the window closing unused. True if review was asked for.

        「上一级」 (RULES.md §0): the district government, or the city department of the same sector; the
        district government's review is re-reviewed by the city government, and so is the city department's.
        """
        rng, pk = self.rng, case.pk
        you = "你们" if case.is_group else "您"
        p = P_REVIEW_NOT_SUPPORTED if outcome == Outcome.NOT_SUPPORTED else P_REVIEW
        if rng.random() >= p:
            self._expire(case, t)
            return False
        try:
            asked = t.at(delivered + dt.timedelta(days=rng.randint(3, 27)))
        except _Stop:
            return False
        body = self.org.city_departments[msg.label] if rng.random() < P_REVIEW_BY_SECTOR else d.government
        case_request_review(complainant, case_id=pk, review_unit_id=body.pk, on=asked,
                            reason="对处理意见不服，认为原办理单位调查不充分，申请复查。")
        decided = t.after(8, 28, rng)
        decision = rng.choices(list(REVIEW_FINDINGS), [70, 12, 8, 10])[0]
        basis = REVIEW_BASIS.format(basis=LEGAL_BASIS[msg.label])
        reviewer = self.staff(body, Role.HANDLER)
        if decision == ReviewDecision.REDO:
            case_order_redo(reviewer, case_id=pk, findings=REVIEW_FINDINGS[decision], legal_basis=basis,
                            opinion=REVIEW_OPINION[decision].format(you=you), on=decided)
            dept = d.departments[msg.label]
            _, case, _ = self._reply(case, msg, dept, self.staff(dept, Role.HANDLER), t.after(10, 30, rng))
            self._expire(case, t)
            return True
        got = decided + dt.timedelta(days=rng.randint(0, 3))
        case = case_decide_review(reviewer, case_id=pk, decision=decision, findings=REVIEW_FINDINGS[decision],
                                  opinion=REVIEW_OPINION[decision].format(you=you), legal_basis=basis, on=decided,
                                  received_on=got if got <= self.today else None)
        if rng.random() >= P_REREVIEW:
            self._expire(case, t)
            return True
        city = self.org.city_government
        case_request_rereview(complainant, case_id=pk, rereview_unit_id=city.pk,
                              on=t.at(max(got, decided) + dt.timedelta(days=rng.randint(3, 25))),
                              reason="对复查意见仍不服，申请复核。")
        handler = self.staff(city, Role.HANDLER)
        if rng.random() < P_HEARING:
            case_start_hearing(handler, case_id=pk, note="邀请信访人、原办理单位和社区代表参加听证。", on=t.after(3, 10, rng))
            case_end_hearing(handler, case_id=pk, note="听证结束，各方充分陈述了意见。", on=t.after(1, 5, rng))
        final = rng.choices(list(REREVIEW_OPINION), [75, 15, 10])[0]
        case_decide_rereview(self.staff(city, Role.ACCOUNTABLE_OFFICIAL), case_id=pk, decision=final,
                             findings=REVIEW_FINDINGS[final], opinion=REREVIEW_OPINION[final].format(you=you),
                             legal_basis=REREVIEW_BASIS.format(basis=LEGAL_BASIS[msg.label]),
                             on=t.after(5, 25, rng))
        return True

    def _expire(self, case: Case, t: Clock) -> None:
        """The deadline job closes the case the day after the request window ends, if that day has come.

        ``case`` is as the last action returned it, with its clock fresh.
        """
        if case.due_rule in ("review_request", "rereview_request") and case.due_on:
            try:
                on = t.at(case.due_on + dt.timedelta(days=1))
            except _Stop:
                return
            case_expire_window(case_id=case.pk, on=on)

    # -- supervision of overdue cases ------------------------------------------

    def supervise(self, overdue: list[Case]) -> int:
        """The district supervisor chases some overdue cases today (督办); some units have answered already."""
        issued = 0
        for case in overdue:
            if self.rng.random() >= P_SUPERVISE:
                continue
            district = next(d for d in self.org.districts.values() if case.jurisdiction.path.startswith(d.jurisdiction.path))
            try:
                notice = supervision_issue(
                    self.org.users[f"supervisor_{district.key}"], case_id=case.pk, days=self.rng.choice([5, 7, 10]),
                    instruction=f"该件已超过办理期限，请{case.current_unit.name}抓紧办理，按期报告办理情况并答复信访人。",
                )
                issued += 1
                if self.rng.random() < P_SUPERVISION_ANSWERED:
                    supervision_answer(self.staff(case.current_unit, Role.HANDLER), notice_id=notice.pk,
                                       answer="已收到督办通知，正在会同相关单位调查核实，预计一周内出具处理意见。")
            except CaseworkError as e:
                self.stats.refused.append(f"supervise {case.number}: {e.message}")
        return issued

    # -- resubmissions ----------------------------------------------------------

    def resubmit(self, target: Case, msg: Message) -> Case | None:
        """The same person files the same matter again while it is in hand: registered, then merged (Art 19 ¶3).
        Only a matter still being handled (not yet replied) takes a resubmission in."""
        rng = self.rng
        first = max(target.received_on + dt.timedelta(days=5), target.last_event_on)
        if first > self.today or State(target.state) not in IN_HAND or target.merged_into_id:
            return None
        received = first + dt.timedelta(days=rng.randint(0, (self.today - first).days))
        party = target.parties.select_related("person").first().person
        clerk = self.staff(target.registered_by, Role.INTAKE_CLERK)
        try:
            reg = case_register(
                clerk, unit_id=target.registered_by_id, channel=rng.choice(["web", "phone", "letter"]),
                complainants=[PersonData(name=party.name, address=party.address, phone=party.phone)],
                title=msg.title, request=msg.title, facts_reasons=msg.text, category=msg.label, received_on=received,
            )
            case_merge(clerk, case_id=reg.case.pk, into_case_id=target.pk, on=received)
        except CaseworkError as e:
            self.stats.refused.append(f"resubmit of {target.number}: {e.message}")
            return None
        self.stats.merged += 1
        return reg.case

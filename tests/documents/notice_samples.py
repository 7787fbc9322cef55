"""One filled-in example of every notice, as a county office would issue it (all names invented)."""

from __future__ import annotations

import datetime as dt

from casework.documents.notices import (
    ExtensionNotice, ForwardingNotice, HandlingOpinion, MediationAgreement, MediationParty, ReceiptNotice,
    RedirectNotice, RereviewOpinion, ReviewOpinion, ReviewRequestReceipt, SupervisionNotice, document_number,
)

ISSUED = dt.date(2026, 11, 30)
BUREAU = "东县信访局"
HOUSING = "东县住房和城乡建设局"
CITY = "A市信访局"


def samples() -> dict[str, object]:
    return {
        "receipt": ReceiptNotice(
            issuer=BUREAU, date=ISSUED, number=document_number(BUREAU, 2026, 15), addressee="张三",
            case_number="K1-2026-00015", access_code="K7QW3ZPA", received_on=dt.date(2026, 11, 27),
            channel="走访", matter="要求补发拖欠工资", handling_unit=BUREAU,
            query="东县网上信访平台（或拨打信访查询电话）",
            contact="联系人：王五，联系电话：0000-1234567",
        ),
        "accepted": ReceiptNotice(
            issuer=HOUSING, date=ISSUED, number=document_number("东县住建局", 2026, 7), addressee="张三",
            case_number="K1-2026-00015", received_on=dt.date(2026, 11, 3), accepted_on=dt.date(2026, 11, 30),
            matter="反映小区物业违规收费", handling_unit="东县住房和城乡建设局物业管理科",
        ),
        "forwarding": ForwardingNotice(
            issuer=BUREAU, date=ISSUED, number=document_number(BUREAU, 2026, 16), addressee="李四",
            case_number="K1-2026-00016", received_on=dt.date(2026, 11, 20), matter="反映小区物业违规收费",
            forwarded_on=dt.date(2026, 11, 30), to_unit=HOUSING,
            to_unit_contact="东县人民路18号，电话0000-7654321",
        ),
        "redirect": RedirectNotice(
            issuer=BUREAU, date=ISSUED, number=document_number(BUREAU, 2026, 17), addressee="赵六",
            case_number="K1-2026-00017", received_on=dt.date(2026, 11, 25), matter="要求某公司支付劳动报酬和经济补偿",
            route="arbitration",
            reason="您反映的事项系您与东县某建材有限公司之间因劳动报酬和解除劳动合同经济补偿发生的劳动争议",
            next_step="向东县劳动人事争议仲裁委员会申请劳动争议仲裁",
        ),
        "extension": ExtensionNotice(
            issuer=HOUSING, date=ISSUED, number=document_number("东县住建局", 2026, 9), addressee="李四",
            case_number="K1-2026-00016", received_on=dt.date(2026, 9, 28), matter="反映小区物业违规收费",
            accepted_on=dt.date(2026, 10, 1), original_due=dt.date(2026, 11, 30), extension_days=30,
            new_due=dt.date(2026, 12, 30),
            reasons="该事项涉及小区近五年的物业服务收费，需调取物价、财务等部门的资料并组织业主代表核对，"
                    "所需时间较长，不能在60日内办结。",
        ),
        "handling": HandlingOpinion(
            issuer=HOUSING, date=ISSUED, number=document_number("东县住建局", 2026, 15), addressee="张三",
            case_number="K1-2026-00015", received_on=dt.date(2026, 9, 28), accepted_on=dt.date(2026, 10, 1),
            request="要求东县某物业服务有限公司退还2025年多收取的电梯运行费1200元。",
            facts_reasons="您称，您居住的东县幸福小区自2025年1月起电梯运行费由每月每户30元上调至130元，"
                          "物业服务企业未召开业主大会，也未公示收费依据。",
            findings="经调取该小区物业服务合同和收费公示材料，并走访业主委员会，查明：2025年1月的调价未经业主大会决定，"
                     "也未按规定公示。该公司已向部分业主收取上调后的费用。",
            outcome="supported",
            opinion="责成东县某物业服务有限公司于2026年12月31日前向您退还多收取的电梯运行费1200元，"
                    "并向全体业主公示收费标准。",
            legal_basis="《物业管理条例》第四十条、第四十一条；《物业服务收费管理办法》第八条。",
            review_body="东县人民政府", review_body_contact="东县信访局代收，东县人民路1号",
            contact="联系人：王五，联系电话：0000-1234567",
            attachments=["东县幸福小区物业服务收费核查情况"],
        ),
        "review": ReviewOpinion(
            issuer="东县人民政府", date=dt.date(2027, 1, 8), number=document_number("东政复查", 2027, 3),
            addressee="张三", case_number="K1-2026-00015", original_issuer=HOUSING, original_date=ISSUED,
            original_number=document_number("东县住建局", 2026, 15), requested_on=dt.date(2026, 12, 10),
            request="请求撤销原处理意见，责令物业服务企业同时退还2026年多收取的费用。",
            findings="经复查，原处理机关认定的事实清楚。2026年的电梯运行费已经业主大会决定调整，程序合法。",
            decision="uphold", opinion="维持原处理意见；对2026年的收费不予支持。",
            legal_basis="《物业管理条例》第十一条、第四十条。", rereview_body="A市人民政府",
        ),
        "rereview": RereviewOpinion(
            issuer="A市人民政府", date=dt.date(2027, 2, 20), number=document_number("A市政复核", 2027, 1),
            addressee="张三", case_number="K1-2026-00015", review_issuer="东县人民政府",
            review_date=dt.date(2027, 1, 8), review_number=document_number("东政复查", 2027, 3),
            requested_on=dt.date(2027, 1, 15),
            request="请求支持全部投诉请求。",
            findings="经复核，复查机关认定的事实清楚，适用依据正确，程序合法。", decision="uphold",
            opinion="维持东县人民政府作出的复查意见。", legal_basis="《物业管理条例》第十一条、第四十条。",
            hearing_on=dt.date(2027, 1, 25),
        ),
        "review_receipt": ReviewRequestReceipt(
            issuer="东县人民政府", date=dt.date(2026, 12, 10), addressee="张三", case_number="K1-2026-00015",
            stage="review", requested_on=dt.date(2026, 12, 10),
            challenged="东县住房和城乡建设局于2026年11月30日作出的《信访事项处理意见书》（东县住建局处字〔2026〕15号）",
        ),
        "supervision": SupervisionNotice(
            issuer=BUREAU, date=ISSUED, number=document_number("东信督", 2026, 4), addressee=HOUSING,
            case_number="K1-2026-00016", matter="反映小区物业违规收费", received_on=dt.date(2026, 9, 28),
            handling_due=dt.date(2026, 11, 30), handling_rule="《信访工作条例》第三十四条规定的60日办理期限",
            situation="该事项已到办理期限，你单位尚未出具信访处理意见书，也未办理延期手续",
            reply_due=dt.date(2026, 12, 10),
        ),
        "mediation": MediationAgreement(
            committee="东县甲镇人民调解委员会", date=ISSUED, number=document_number("甲镇调", 2026, 3),
            parties=[
                MediationParty("甲方", "孙七", "住东县甲镇和平村3组"),
                MediationParty("乙方", "周八", "住东县甲镇和平村3组"),
            ],
            facts="甲乙双方系相邻住户。2026年10月，乙方翻建房屋时占用双方之间的公共排水沟，致甲方院内雨天积水。",
            disputed_issues="乙方是否应当恢复排水沟，以及甲方院墙受损的修复费用由谁承担。",
            responsibility="乙方翻建房屋占用公共排水沟，对甲方院内积水和院墙受损负主要责任。",
            terms=["乙方于2026年12月15日前自费恢复公共排水沟原状", "乙方赔偿甲方院墙修复费用人民币2000元",
                   "甲方不再就本纠纷向乙方提出其他要求"],
            performance="第1项由乙方自行施工，甲方配合；第2项由乙方于2026年12月10日前以现金一次性支付，甲方出具收条。",
            mediator="吴九",
        ),
    }

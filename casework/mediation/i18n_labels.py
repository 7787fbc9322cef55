"""The labels that the mediation table (casework/rules/mediation.py) and the mediation models give in Chinese,
listed for translation, as casework/web/i18n_labels.py lists the grievance ones: ``makemessages`` extracts the
``gettext_noop`` calls below. Nothing imports it; tests/i18n/test_catalogue.py checks every label is translated.
"""

from django.utils.translation import gettext_noop

# mediation.D_STATE_LABELS
gettext_noop("待调解")
gettext_noop("调解中")
gettext_noop("协议待签署")
gettext_noop("已达成协议")
gettext_noop("已履行")
gettext_noop("未履行")
gettext_noop("调解不成")
gettext_noop("当事人拒绝调解")

# mediation.LEVEL_LABELS
gettext_noop("村（社区）")
gettext_noop("乡镇（街道）")
gettext_noop("主管部门")

# mediation.DISPUTE_TYPE_LABELS
gettext_noop("邻里纠纷")
gettext_noop("婚姻家庭纠纷")
gettext_noop("土地、宅基地边界纠纷")
gettext_noop("劳动、劳务报酬纠纷")
gettext_noop("房屋租赁纠纷")
gettext_noop("消费纠纷")
gettext_noop("其他纠纷")

# mediation.OTHER_ROUTES, ORAL_AGREEMENT_NOTE
gettext_noop("可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）")
gettext_noop("口头调解协议自达成之日起生效（人民调解法第三十条）。当事人共同申请司法确认（第三十三条）须提交书面调解协议，如需申请，请先由各方当事人将协议内容制作成书面调解协议书。")

# mediation.D_TRANSITIONS: label
gettext_noop("登记纠纷")
gettext_noop("选定或指定调解员")
gettext_noop("当事人要求更换调解员")
gettext_noop("补充当事人基本情况")
gettext_noop("记录调解")
gettext_noop("上交上一级调解")
gettext_noop("当事人拒绝或要求终止调解")
gettext_noop("调解不成，终止调解")
gettext_noop("制作调解协议书草稿")
gettext_noop("记录签署，协议生效")
gettext_noop("记录口头协议")
gettext_noop("回访履行情况")

# mediation.D_TRANSITIONS: article
gettext_noop("人民调解法 第17条")
gettext_noop("人民调解法 第19条")
gettext_noop("人民调解法 第23条第1项；人民调解工作若干规定")
gettext_noop("人民调解法 第29条第1款第1项")
gettext_noop("人民调解法 第22条、第23条、第27条")
gettext_noop("人民调解法 第3条、第17条、第26条")
gettext_noop("人民调解法 第17条、第23条第2项、第26条")
gettext_noop("人民调解法 第26条")
gettext_noop("人民调解法 第28条、第29条第1款")
gettext_noop("人民调解法 第29条第2款、第33条")
gettext_noop("人民调解法 第28条、第30条、第33条")
gettext_noop("人民调解法 第31条、第32条")

# mediation.PARTY_KIND_LABELS, SEX_LABELS, SIGN_MANNER_LABELS
gettext_noop("自然人")
gettext_noop("法人或者其他组织")
gettext_noop("男")
gettext_noop("女")
gettext_noop("签名")
gettext_noop("盖章")
gettext_noop("按指印")

# mediation.PERFORMANCE_LABELS
gettext_noop("已履行完毕")
gettext_noop("尚未履行完毕，继续督促履行")
gettext_noop("未履行，告知当事人可以向人民法院起诉（已司法确认的可以申请强制执行）")

# mediation.PERSON_DETAILS, ORGANISATION_DETAILS
gettext_noop("性别")
gettext_noop("年龄或出生日期")
gettext_noop("职业")
gettext_noop("住址")
gettext_noop("联系电话")
gettext_noop("住所")
gettext_noop("法定代表人（主要负责人）")

# mediation.models: Agreement.form, Termination.kind
gettext_noop("书面协议")
gettext_noop("口头协议")
gettext_noop("当事人拒绝或要求终止调解")
gettext_noop("调解不成")

"""The labels that the rules core and the models give in Chinese, listed for translation.

The rules core (casework/rules) does not import Django, and its tables and the
models' choices keep their Chinese labels as they are. The pages translate
them where they are shown (the ``trans_label`` template filter, ``gettext`` in
the views and forms); this module only puts their msgids into the catalogue:
``makemessages`` extracts the ``gettext_noop`` calls below. Nothing imports it.

tests/i18n/test_catalogue.py checks that every label these tables hold now is
translated, so a label added to a table without a line here fails the suite.
"""

from django.utils.translation import gettext_noop

# lifecycle.STATE_LABELS
gettext_noop("已登记")
gettext_noop("已转送")
gettext_noop("已告知其他途径")
gettext_noop("办理中")
gettext_noop("已答复")
gettext_noop("复查中")
gettext_noop("已复查")
gettext_noop("复核中")
gettext_noop("复核听证中")
gettext_noop("已终结")
gettext_noop("已结案")
gettext_noop("转送异议待核实")

# lifecycle.ROLE_LABELS
gettext_noop("登记受理人员")
gettext_noop("承办人员")
gettext_noop("包案领导")
gettext_noop("督办人员")
gettext_noop("调解员")
gettext_noop("系统管理员")
gettext_noop("信访人")
gettext_noop("系统")

# lifecycle.OUTCOME_LABELS
gettext_noop("支持")
gettext_noop("解释说明")
gettext_noop("不予支持")

# lifecycle.REVIEW_DECISION_LABELS
gettext_noop("维持")
gettext_noop("撤销")
gettext_noop("变更")
gettext_noop("责令重新处理")

# lifecycle.ROUTE_LABELS
gettext_noop("诉讼、复查、检察或公安程序")
gettext_noop("仲裁")
gettext_noop("党员申诉")
gettext_noop("行政复议、行政裁决、行政确认、行政许可、行政处罚")
gettext_noop("请求依法履行法定职责")
gettext_noop("检举控告（纪检监察机关）")

# lifecycle.DELIVERY_MANNER_LABELS
gettext_noop("当面送达")
gettext_noop("邮寄送达")
gettext_noop("电子送达")

# lifecycle.SATISFACTION_LABELS
gettext_noop("满意")
gettext_noop("基本满意")
gettext_noop("不满意")

# lifecycle.TRANSITIONS: label
gettext_noop("登记")
gettext_noop("转送")
gettext_noop("提出转送异议")
gettext_noop("告知其他法定途径")
gettext_noop("受理")
gettext_noop("确定承办单位和包案领导")
gettext_noop("记录办理情况")
gettext_noop("申请延期")
gettext_noop("批准延期")
gettext_noop("不予批准延期")
gettext_noop("出具处理意见书")
gettext_noop("申请复查")
gettext_noop("出具复查意见")
gettext_noop("申请复核")
gettext_noop("举行听证")
gettext_noop("听证结束")
gettext_noop("出具复核意见")
gettext_noop("撤回")
gettext_noop("登记书面撤回")
gettext_noop("并入正在办理的信访事项")
gettext_noop("申请期限届满结案")
gettext_noop("满意度评价")
gettext_noop("核实同意退回")
gettext_noop("不同意退回")
gettext_noop("不予受理（已复核终结）")
gettext_noop("登记处理意见书送达")
gettext_noop("更正被投诉对象")
gettext_noop("批准被投诉单位办理")

# lifecycle.TRANSITIONS: article
gettext_noop("第17条、第19条、第22条")
gettext_noop("第22条、第23条第3款")
gettext_noop("第23条第3款")
gettext_noop("第31条第6项、第34条")
gettext_noop("第24条")
gettext_noop("第31条第6项")
gettext_noop("第34条")
gettext_noop("第32条")
gettext_noop("第35条")
gettext_noop("第36条第1款")
gettext_noop("第36条第2款")
gettext_noop("第36条第1款、第3款")
gettext_noop("第19条")
gettext_noop("第19条第3款")
gettext_noop("第35条、第36条")
gettext_noop("第30条第3款")
gettext_noop("第21条第2款")
gettext_noop("第22条第2款、第28条第2款、第31条第1至5项")
gettext_noop("第36条第3款")

# mediation: casework/mediation/i18n_labels.py

# clocks.RULES: label
gettext_noop("登记受理告知")
gettext_noop("转送异议期")
gettext_noop("办理期限")
gettext_noop("复查申请期")
gettext_noop("复查办理期限")
gettext_noop("复核申请期")
gettext_noop("复核办理期限")
gettext_noop("司法确认申请期")

# clocks.RULES: article
gettext_noop("信访工作条例 第22条、第23条")
gettext_noop("信访工作条例 第23条第3款")
gettext_noop("信访工作条例 第34条")
gettext_noop("信访工作条例 第35条")
gettext_noop("信访工作条例 第36条第1款")
gettext_noop("信访工作条例 第36条第1款、第2款")
gettext_noop("人民调解法 第33条")

# cases.models.Channel
gettext_noop("走访")
gettext_noop("来信")
gettext_noop("来电")
gettext_noop("传真")
gettext_noop("网上信访")
gettext_noop("系统接口")

# documents.models.DocumentKind and documents.catalogue: titles
gettext_noop("信访事项登记回执")
gettext_noop("信访事项复查申请回执")
gettext_noop("信访事项复核申请回执")
gettext_noop("信访事项转送告知书")
gettext_noop("信访事项告知书（其他法定途径）")
gettext_noop("信访事项受理告知书")
gettext_noop("信访事项延期办理告知书")
gettext_noop("信访事项处理意见书")
gettext_noop("信访事项复查意见书")
gettext_noop("信访事项复核意见书")
gettext_noop("人民调解协议书")
gettext_noop("信访事项不予受理告知书")

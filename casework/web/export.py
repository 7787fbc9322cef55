"""Export of the filtered case list as CSV, streamed row by row so that a large
export starts at once and the browser's download bar shows its progress."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.utils import timezone

from casework.cases.access import withheld_case_ids
from casework.cases.selectors import cases_search

from .views import FilterForm, filters_from

HEADER = ["案件编号", "标题", "状态", "处理结果", "来源渠道", "事项分类", "收到日期", "当前单位", "期限", "期限规则", "暂定", "满意度"]
CHUNK = 500


class _Echo:
    def write(self, value):
        return value


@login_required
def export_csv(request):
    form = FilterForm(request.GET or None)
    qs = cases_search(request.user, filters_from(form)).select_related("current_unit")
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(HEADER)  # the BOM lets Excel read the UTF-8 as such
        last = None
        while True:
            # keyset pages keep memory flat however many cases there are
            page = list(qs.order_by("pk").filter(**({"pk__gt": last} if last else {}))[:CHUNK])
            if not page:
                return
            withheld = withheld_case_ids(request.user, [c.pk for c in page])
            for c in page:
                yield writer.writerow([
                    c.number, "（不向被投诉单位显示）" if c.pk in withheld else c.title, c.state_label,
                    c.get_outcome_display(), c.get_channel_display(), c.category, c.received_on.isoformat(),
                    c.current_unit.name, c.due_on.isoformat() if c.due_on else "", c.due_rule,
                    "是" if c.due_provisional else "", c.get_satisfaction_display(),
                ])
            last = page[-1].pk

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    return response

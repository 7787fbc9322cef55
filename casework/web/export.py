"""Export of the filtered case list as CSV, streamed row by row so that a large
export starts at once and the browser's download bar shows its progress. Every
cell goes through ``spreadsheet_cell``: text that would run as a formula stays text."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from casework.cases.access import withheld_case_ids
from casework.cases.models import Channel
from casework.cases.selectors import cases_search
from casework.rules.lifecycle import OUTCOME_LABELS, REVIEW_DECISION_LABELS, SATISFACTION_LABELS, STATE_LABELS
from casework.spreadsheet import spreadsheet_cell

from .views import FilterForm, filters_from

# msgids: the header comes out in the language of the person exporting
HEADER = [gettext_noop("案件编号"), gettext_noop("标题"), gettext_noop("状态"), gettext_noop("处理结果"),
          gettext_noop("复查结论"), gettext_noop("复核结论"),
          gettext_noop("来源渠道"), gettext_noop("事项分类"), gettext_noop("收到日期"), gettext_noop("当前单位"),
          gettext_noop("期限"), gettext_noop("期限规则"), gettext_noop("暂定"), gettext_noop("满意度")]
# The rules core's and the models' labels the rows show (msgids, see casework/web/i18n_labels.py).
LABELS = [*STATE_LABELS.values(), *OUTCOME_LABELS.values(), *REVIEW_DECISION_LABELS.values(),
          *SATISFACTION_LABELS.values(), *Channel.labels]
CHUNK = 500


class _Echo:
    def write(self, value):
        return value


@login_required
def export_csv(request):
    form = FilterForm(request.GET or None)
    qs = cases_search(request.user, filters_from(form)).select_related("current_unit")
    writer = csv.writer(_Echo())

    def line(cells) -> str:
        return writer.writerow([spreadsheet_cell(c) for c in cells])

    # The rows are made while the response streams, after the view has returned (and, under
    # ASGI, maybe in another thread): everything is translated here, in the request's language.
    header = [_(h) for h in HEADER]
    withheld_title, yes = _("（不向被投诉单位显示）"), _("是")
    labels = {v: _(v) for v in LABELS}

    def label(value: str) -> str:
        return labels.get(value, value)

    def rows():
        yield "\ufeff" + line(header)  # the BOM lets Excel read the UTF-8 as such
        last = None
        while True:
            # keyset pages keep memory flat however many cases there are
            page = list(qs.order_by("pk").filter(**({"pk__gt": last} if last else {}))[:CHUNK])
            if not page:
                return
            withheld = withheld_case_ids(request.user, [c.pk for c in page])
            for c in page:
                yield line([
                    c.number, withheld_title if c.pk in withheld else c.title, label(c.state_label),
                    # Art 32: one outcome, or one per request (in the order of the reply)
                    "；".join(label(outcome) for _, outcome in c.outcomes),
                    label(c.get_review_decision_display()), label(c.get_rereview_decision_display()),
                    label(c.get_channel_display()), c.category, c.received_on.isoformat(),
                    c.current_unit.name, c.due_on.isoformat() if c.due_on else "", c.due_rule,
                    yes if c.due_provisional else "", label(c.get_satisfaction_display()),
                ])
            last = page[-1].pk

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    return response

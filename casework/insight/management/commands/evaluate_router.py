import csv as _csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.insight.errors import ModelFormatError
from casework.insight.labelled import read_labelled_csv
from casework.insight.models import RouterModel
from casework.insight.router import Router
from casework.insight.service import router_for
from casework.insight.training import eligible_cases, evaluate, model_jurisdictions
from casework.organisation.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Measure the routing model in use (accuracy, macro-F1, top-3) on a labelled CSV (columns text, optional "
        "title, label) or, without --csv, on the cases closed since it was trained. Changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", metavar="CODE", help="the model of this jurisdiction (default: each top level)")
        parser.add_argument("--csv", type=Path, help="labelled messages to measure on")

    def handle(self, *args, jurisdiction=None, csv=None, **options):
        if jurisdiction is not None:
            targets = list(Jurisdiction.objects.filter(code=jurisdiction))
            if not targets:
                raise CommandError(f"没有代码为 {jurisdiction} 的行政区域")
        else:
            targets = model_jurisdictions()
        data = None
        if csv is not None:
            try:
                data = read_labelled_csv(csv)
            except FileNotFoundError:
                raise CommandError(f"找不到文件 {csv}") from None
            except (ValueError, UnicodeDecodeError, OSError, _csv.Error) as e:
                raise CommandError(f"无法读取 {csv}：{e}") from None
        measured = 0
        for j in targets:
            found = router_for(j)  # the model the product uses for j: its own or its nearest ancestor's
            if found is None:
                row = RouterModel.objects.filter(jurisdiction=j, active=True).first()
                if row is None:
                    self.stdout.write(f"{j.name}：尚无模型（manage.py train_router）")
                    continue
                try:
                    Router.from_bytes(bytes(row.blob))
                except ModelFormatError as e:
                    raise CommandError(f"{j.name} 第 {row.version} 版：{e.message}") from None
                continue
            row, router = found
            if data is not None:
                texts, titles, labels = data
                where = str(csv)
            else:
                since = eligible_cases(j).filter(last_event_on__gt=timezone.localtime(row.trained_at).date())
                texts, titles, labels = [], [], []
                for title, text, label in since.values_list("title", "facts_reasons", "category").iterator():
                    titles.append(title)
                    texts.append(text)
                    labels.append(label)
                where = "训练后办结的案件"
            m = evaluate(router, titles, texts, labels)
            if not m:
                self.stdout.write(f"{j.name} 第 {row.version} 版：{where}中没有模型认识的类别，无从评估")
                continue
            measured += 1
            self.stdout.write(f"{j.name} 第 {row.version} 版，{where} {m['n_test']} 件：准确率 {m['accuracy']:.3f}，"
                              f"macro-F1 {m['macro_f1']:.3f}，前三命中 {m['top3']:.3f}")
        if not measured and data is not None:
            raise CommandError("没有可评估的模型")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.insight.errors import TrainingDataError
from casework.insight.labelled import read_labelled_csv
from casework.insight.training import model_jurisdictions, router_retrain_due, router_train
from casework.organisation.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Train the category router on the closed cases of a jurisdiction's subtree (default: each top-level "
        "jurisdiction), measure it on a held-back 20% first, and store it as the next version. A failed training "
        "keeps the version in use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", metavar="CODE", help="train for this jurisdiction's cases only")
        parser.add_argument("--if-needed", action="store_true",
                            help="only where enough cases closed since the model in use was trained")
        parser.add_argument("--no-evaluate", action="store_true", help="skip the held-back measurement (twice as fast)")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--seed", metavar="FILE.csv",
                            help="labelled messages (columns text, title, label) to train on beside the closed cases; "
                                 "later trainings keep them while the file exists")
        parser.add_argument("--seed-only", action="store_true", help="train on the --seed file alone")

    def handle(self, *args, jurisdiction=None, if_needed=False, no_evaluate=False, no_progress=False, seed=None,
               seed_only=False, **options):
        if seed_only and not seed:
            raise CommandError("--seed-only 需要同时给出 --seed FILE.csv")
        if seed is not None:
            seed = Path(seed)
            try:
                read_labelled_csv(seed)
            except (OSError, ValueError, UnicodeDecodeError) as e:
                raise CommandError(f"无法读取 --seed 文件：{e}") from None
        if jurisdiction is not None:
            found = Jurisdiction.objects.filter(code=jurisdiction).first()
            if found is None:
                raise CommandError(f"没有代码为 {jurisdiction} 的行政区域")
            targets = [found]
        else:
            targets = model_jurisdictions()
        if not targets:
            raise CommandError("没有行政区域：请先建立组织机构（或 manage.py load_demo）")
        failed = []
        for j in targets:
            if if_needed and not router_retrain_due(j):
                self.stdout.write(f"{j.name}：无需重新训练")
                continue
            try:
                m = router_train(j, evaluate_holdout=not no_evaluate, progress=not no_progress,
                                 seed=seed, include_cases=not seed_only)
            except TrainingDataError as e:
                failed.append(f"{j.name}：{e.message}")
                continue
            for w in m.warnings:
                self.stderr.write(w)
            line = f"{j.name}：第 {m.version} 版，{m.n_cases} 件已办结案件" + (f"和 {m.n_seed} 条已分类留言" if m.n_seed else "") \
                + f"，{len(m.classes)} 个类别"
            if m.metrics.get("macro_f1") is not None:
                line += (f"；留出 {m.metrics['n_test']} 件：准确率 {m.metrics['accuracy']:.3f}，"
                         f"macro-F1 {m.metrics['macro_f1']:.3f}，前三命中 {m.metrics['top3']:.3f}")
            self.stdout.write(line)
        if failed:
            raise CommandError("；".join(failed))

"""`manage.py evaluate_matching PATH`: NDCG@10, recall@10 and MRR of the active ranker on a
labelled set, computed in a throwaway database; prints one JSON object
`{"ndcg@10": ..., "recall@10": ..., "mrr": ..., "workers": N}`.

PATH is a JSON object {"programs", "sessions", "employers", "postings", "workers": [records in the
import format, external ids included], "judgments": [{"worker", "item", "relevance": 0-3}]}; see
matching/evaluation/runner.py. The shipped set: matching/evaluation/eval_set.json.

`--ranker baseline` judges the weighted baseline instead of the active ranker, `--model-file`
a learned ranker saved by train_ranker; `--today` pins the date the catalogue is built for
(expiry and start dates); `--details` writes each worker's figures and top items to stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from matching.core.rankers import BaselineRanker, LearnedRanker
from matching.evaluation.runner import EvaluationError, Report, evaluate

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Evaluate the active matching ranker on a labelled set (isolated database); prints one JSON object."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="the labelled set (JSON)")
        parser.add_argument("--ranker", choices=("active", "baseline"), default="active")
        parser.add_argument("--model-file", help="a learned ranker artefact (.joblib) to judge instead")
        parser.add_argument("--today", type=dt.date.fromisoformat, help="build the catalogue as of this date")
        parser.add_argument("--details", action="store_true", help="per-worker figures on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        name, ranker = self._ranker(options)
        try:
            report = evaluate(Path(options["path"]), ranker, today=options["today"], ranker_name=name)
        except EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        if options["details"]:
            self._details(report)
        self.stdout.write(json.dumps(report.summary(), ensure_ascii=False))

    def _ranker(self, options: dict[str, Any]) -> tuple[str, Any]:
        if options["model_file"]:
            try:
                learned = LearnedRanker.load(options["model_file"])
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot load {options['model_file']}: {exc}") from exc
            return learned.version, learned
        baseline = BaselineRanker()
        if options["ranker"] == "baseline":
            return baseline.version, baseline
        from matching import engine

        try:
            version, ranker = engine.active_model()  # read from the live database, before isolating
        except DatabaseError as exc:  # not migrated yet: nothing can be active but the baseline
            log.warning("evaluate_matching: no model table (%s); using the baseline", exc)
            return baseline.version, baseline
        return version.name, ranker

    def _details(self, report: Report) -> None:
        err = self.stderr
        err.write(f"ranker {report.ranker}")
        for w in report.workers:
            kinds = "  ".join(
                f"{kind}: ndcg {m['ndcg@10']:.3f} recall {m['recall@10']:.3f} rr {m['mrr']:.3f} top {w.rankings[kind][:5]}"
                for kind, m in w.by_kind.items()
            )
            err.write(f"{w.worker}  {kinds}")
        for kind, figures in report.by_kind().items():
            err.write(f"{kind}: {json.dumps(figures, ensure_ascii=False)}")
        if report.unmatchable:
            err.write(f"judged relevant but not in the catalogue (closed/expired?): {report.unmatchable}")

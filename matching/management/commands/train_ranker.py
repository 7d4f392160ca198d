"""Train a learned ranker from staff decisions and outcomes; activate it only if it beats the
active ranker on the newest decisions: `manage.py train_ranker [--model hgb|logistic]`.

Prints one JSON report (status activated / kept / unchanged / insufficient_data, both rankers'
NDCG@10, recall@10 and MRR on the held-out split, the data used). `--no-activate` stores and
evaluates the candidate without switching to it.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from matching import learning


class Command(BaseCommand):
    help = "Fit a learned ranker on staff decisions and outcomes; activate it only if it is better."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--model", choices=("hgb", "logistic"), default="hgb")
        parser.add_argument("--holdout", type=float, default=learning.HOLDOUT_FRACTION,
                            help="share of the newest decisions held out (default 0.2)")  # fmt: skip
        parser.add_argument("--min-examples", type=int, default=learning.MIN_EXAMPLES)
        parser.add_argument("--min-holdout-groups", type=int, default=learning.MIN_HOLDOUT_GROUPS)
        parser.add_argument("--min-gain", type=float, default=0.0, help="NDCG@10 margin to beat")
        parser.add_argument("--no-activate", action="store_true", help="store and evaluate only")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["holdout"] < 1:
            raise CommandError("--holdout must be between 0 and 1")
        report = learning.ranker_train(
            model=options["model"],
            holdout_fraction=options["holdout"],
            min_examples=options["min_examples"],
            min_holdout_groups=options["min_holdout_groups"],
            min_gain=options["min_gain"],
            activate=not options["no_activate"],
        )
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))

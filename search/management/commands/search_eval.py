import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from search.evaluation.runner import (
    DEFAULT_CORPUS,
    DEFAULT_JUDGMENTS,
    EvaluationError,
    evaluate,
    per_query_table,
)


class Command(BaseCommand):
    help = (
        "Search relevance: import the evaluation corpus into a throwaway database, index it, run the "
        "judged queries and print NDCG@k, recall@k and MRR as one JSON object (the live data is not touched)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--judgments", type=Path, default=DEFAULT_JUDGMENTS, help="judged queries (YAML)")
        parser.add_argument(
            "--corpus", type=Path, default=DEFAULT_CORPUS, help="directory of corpus JSONL files"
        )
        parser.add_argument("--k", type=int, default=10, help="rank cut-off for NDCG and recall")
        parser.add_argument(
            "--per-query", action="store_true", help="also print each query's scores, weakest first"
        )

    def handle(self, *args, judgments, corpus, k, per_query, **options):
        if k < 1:
            raise CommandError("--k must be at least 1")
        try:
            report = evaluate(judgments=judgments, corpus=corpus, k=k)
        except EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        if per_query:
            self.stdout.write(per_query_table(report))
        self.stdout.write(json.dumps(report.summary(), ensure_ascii=False))

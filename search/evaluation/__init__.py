"""Search relevance evaluation: a fixed corpus, judged queries, NDCG@10 / recall@10 / MRR.

    corpus/           employers, providers, programs, sessions, postings (JSONL, the import format)
    judgments.yaml    queries (with the search API's parameters) and graded relevance 0-3
    metrics.py        ndcg_at_k, recall_at_k, mrr: pure functions over ranked ids and grades
    runner.py         imports the corpus into an isolated database, indexes it, runs the queries
    sources/          the hand-written tables (YAML) the corpus was generated from
    build_corpus.py   the deterministic script that wrote corpus/ from sources/ (kept for the record)

Run: `python manage.py search_eval [--per-query]`.
"""

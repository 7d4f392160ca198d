"""jieba against the faster jieba-compatible segmenters, in search mode with our user dictionary.

Run on demand (not collected by pytest):

    .venv/bin/python tests/benchmarks/bench_segmenters.py [--docs 20000] [--seed 2023] [--repeat 3]

The corpus is generated from the taxonomy file and the division list with a fixed seed: job and
training titles with descriptions, mixing names, aliases, skills, places, wages, benefits, Latin
and punctuation, normalised with backend.text.normalise like real index text. Every candidate loads
the SAME user dictionary (build order included) and segments the same documents with
cut_for_search (HMM on, as jieba's default). A candidate counts as identical only if every
document gives the same tokens in the same order as jieba. Candidates not installed are skipped.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
Segment = Callable[[str], list[str]]


UserDictionary = Sequence[tuple[str, int | None]]  # (word, frequency); None: the segmenter suggests one


@dataclass
class Candidate:
    name: str
    load: Callable[[UserDictionary], Segment]  # user dictionary -> cut_for_search


def _jieba(words: UserDictionary) -> Segment:
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = tempfile.mkdtemp(prefix="bench-jieba-")  # not the /tmp/jieba.cache every user shares
    tokenizer.initialize()
    for word, freq in words:
        tokenizer.add_word(word, freq)
    return lambda text: list(tokenizer.cut_for_search(text))


def _rjieba(words: UserDictionary) -> Segment:
    import rjieba

    segmenter = rjieba.Jieba()
    for word, freq in words:
        segmenter.add_word(word, freq, None)
    return lambda text: segmenter.cut_for_search(text, True)


def _jieba_fast_dat(words: UserDictionary) -> Segment:
    import logging

    import jieba_fast_dat

    logging.getLogger("jieba_fast_dat").setLevel(logging.ERROR)
    tokenizer = jieba_fast_dat.Tokenizer()
    tokenizer.tmp_dir = tempfile.mkdtemp(prefix="bench-jfd-")
    tokenizer.initialize()  # its cut() does not initialise by itself: without this it segments wrongly
    for word, freq in words:
        tokenizer.add_word(word, freq)
    return lambda text: tokenizer.lcut_for_search(text)


def _jieba_frequencies(words: Sequence[str]) -> list[tuple[str, int | None]]:
    """The frequency jieba itself gives each word when added in this order (its suggest_freq)."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = tempfile.mkdtemp(prefix="bench-jieba-")
    tokenizer.initialize()
    pairs: list[tuple[str, int | None]] = []
    for word in words:
        freq = tokenizer.suggest_freq(word, False)
        tokenizer.add_word(word, freq)
        pairs.append((word, freq))
    return pairs


CANDIDATES = [
    Candidate("jieba", _jieba),
    Candidate("rjieba", _rjieba),
    Candidate("jieba-fast-dat", _jieba_fast_dat),
]


# -- the corpus -------------------------------------------------------------------------------
def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.test")
    import django

    django.setup()


def reference_terms() -> tuple[list[tuple[str, list[str]]], list[str]]:
    """([(name, aliases)] of the taxonomy file, [division names]) — no database needed."""
    from backend.occupations.loader import read_taxonomy
    from backend.regions.loader import iter_divisions

    taxonomy = read_taxonomy()
    entries = [
        (e.name, list(e.aliases))
        for e in (*taxonomy.occupations, *taxonomy.skills, *taxonomy.certificate_types)
    ]
    return entries, [d.name for d in iter_divisions()]


BENEFITS = [
    "包吃住",
    "五险一金",
    "计件",
    "日结",
    "月休4天",
    "夫妻房",
    "有空调宿舍",
    "年底双薪",
    "节日福利",
    "包住不包吃",
]
EMPLOYERS = [
    "电子科技有限公司",
    "家政服务有限公司",
    "酒楼",
    "机械有限公司",
    "物流有限公司",
    "职业技能培训学校",
    "技工学校",
]
FILLERS = [
    "招聘",
    "急招",
    "长期招聘",
    "要求",
    "身体健康，能吃苦耐劳",
    "有相关经验者优先",
    "无经验可培训",
    "年龄18-55岁",
    "男女不限",
    "工作地点",
    "欢迎返乡人员报名",
    "政府补贴免费培训",
    "考试合格颁发证书",
    "线上线下结合",
    "课程包括",
    "联系人：陈先生",
    "电话13800138000",
    "月薪",
    "底薪+提成",
    "熟练工",
    "学徒",
    "长白班",
    "两班倒",
]
TRAINING = [
    "培训班",
    "技能提升培训",
    "职业技能等级认定培训",
    "专项能力培训",
    "第3期",
    "（初级工）",
    "（中级工）",
    "开班",
]
TRADITIONAL = ["廣東廚師", "點心師傅", "電焊工", "叉車司機", "護理員", "髮型師"]


def make_corpus(n: int, seed: int) -> list[str]:
    """n documents: title + description, deterministic for the seed."""
    entries, divisions = reference_terms()
    gd_places = [d for d in divisions if d.endswith(("市", "县", "区"))][:400]
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        name, aliases = rng.choice(entries)
        other_name, other_aliases = rng.choice(entries)
        place = rng.choice(gd_places)
        short_place = place[:-1] if len(place) > 2 else place
        word = rng.choice([name, *aliases])
        if rng.random() < 0.5:
            title = f"{short_place}{rng.choice(EMPLOYERS)}{rng.choice(['招聘', '急招', '诚聘'])}{word}"
        else:
            title = f"{place}{word}{rng.choice(TRAINING)}"
        parts = [
            rng.choice(FILLERS),
            f"{rng.choice([name, *aliases])}、{other_name}、{rng.choice([other_name, *other_aliases])}",
            f"月薪{rng.randrange(3000, 9000, 500)}-{rng.randrange(9000, 15000, 500)}元",
            "，".join(rng.sample(BENEFITS, 3)),
            rng.choice(FILLERS),
            f"{rng.choice(['CNC', 'PLC', 'SYB', 'C1', 'QC'])}{rng.choice(['操作', '编程', '驾照', '品检', '培训'])}",
            rng.choice(TRADITIONAL) if rng.random() < 0.2 else "",
            f"地址：{rng.choice(divisions)}{rng.choice(['工业园', '镇', '街道'])}{rng.randrange(1, 200)}号",
        ]
        rng.shuffle(parts)
        docs.append(f"{title}\n" + "。".join(p for p in parts if p) + "。")
    return docs


# -- the run ----------------------------------------------------------------------------------
def _timed(segment: Segment, corpus: Sequence[str], repeat: int) -> tuple[float, list[list[str]]]:
    best, output = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        output = [segment(doc) for doc in corpus]
        best = min(best, time.perf_counter() - started)
    return len(corpus) / best, output


def _compare(reference: list[list[str]], output: list[list[str]]) -> list[int]:
    return [i for i, (a, b) in enumerate(zip(reference, output, strict=True)) if a != b]


def _chinese_only(tokens: list[str]) -> list[str]:
    """The tokens with a Chinese character: tells dictionary/DAG differences from ASCII-run handling."""
    return [t for t in tokens if not t.isascii()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per candidate; the best counts")
    parser.add_argument("--show", type=int, default=3, help="differing documents to print per candidate")
    args = parser.parse_args(argv)

    _setup_django()
    import logging
    from importlib.metadata import PackageNotFoundError, version

    import jieba

    jieba.setLogLevel(logging.WARNING)  # after the import: importing jieba sets DEBUG

    from backend.text.analysis import Analyzer
    from backend.text.dictionary import dictionary_words, division_words
    from backend.text.normalise import normalise

    entries, divisions = reference_terms()
    words = dictionary_words(
        [*(t for name, aliases in entries for t in (name, *aliases)), *division_words(divisions)]
    )
    raw = make_corpus(args.docs, args.seed)
    corpus = [normalise(doc) for doc in raw]
    print(
        f"corpus: {len(corpus)} documents (seed {args.seed}), {sum(map(len, corpus)) / len(corpus):.0f} characters "
        f"each; user dictionary: {len(words)} words; cut_for_search, HMM on; best of {args.repeat}"
    )
    dictionaries = {
        "suggested": [(w, None) for w in words],  # add_word(word): each segmenter suggests the frequency
        "explicit": _jieba_frequencies(words),  # the same (word, frequency) pairs for every segmenter
    }
    print(f"{'segmenter':<16} {'version':>8} {'init s':>7} {'docs/s':>9} {'vs jieba':>9}  identical to jieba")
    references: dict[str, list[list[str]]] = {}
    reference_rate = 0.0
    for candidate in CANDIDATES:
        try:
            ver = version(candidate.name)
        except PackageNotFoundError:
            print(f"{candidate.name:<16} not installed: skipped")
            continue
        verdicts, differing, outputs, rate, init = [], [], {}, 0.0, 0.0
        for mode, dictionary in dictionaries.items():
            started = time.perf_counter()
            segment = candidate.load(dictionary)
            segment("预热")
            elapsed = time.perf_counter() - started
            if mode == "suggested":
                init = elapsed
                rate, outputs[mode] = _timed(segment, corpus, args.repeat)
            else:
                outputs[mode] = [segment(doc) for doc in corpus]
            if candidate.name == "jieba":
                references[mode] = outputs[mode]
                continue
            differing = _compare(references[mode], outputs[mode])
            chinese = [
                i for i in differing if _chinese_only(references[mode][i]) != _chinese_only(outputs[mode][i])
            ]
            verdicts.append(
                f"{mode} freq: "
                + (
                    "yes"
                    if not differing
                    else f"NO ({len(differing)} docs differ, {len(chinese)} in Chinese tokens)"
                )
            )
        if candidate.name == "jieba":
            reference_rate = rate
            verdicts.append("(reference)")
        print(
            f"{candidate.name:<16} {ver:>8} {init:>7.2f} {rate:>9.0f} {rate / reference_rate:>8.2f}x  {'; '.join(verdicts)}"
        )
        for i in differing[: args.show]:
            _show_difference(corpus[i], references["explicit"][i], outputs["explicit"][i])

    analyzer = Analyzer(words)
    rate, _ = _timed(analyzer.tokens, raw, args.repeat)
    print(
        f"{'backend.text':<16} {'tokens':>8} {'':>7} {rate:>9.0f} {rate / reference_rate:>8.2f}x  (normalise + jieba + filters)"
    )
    return 0


def _show_difference(doc: str, expected: list[str], got: list[str]) -> None:
    start = next(
        (k for k, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
        min(len(expected), len(got)),
    )
    print(f"    {doc[:48]!r}...")
    print(f"      jieba: {expected[max(0, start - 2) : start + 4]}")
    print(f"      this:  {got[max(0, start - 2) : start + 4]}")


if __name__ == "__main__":
    sys.exit(main())

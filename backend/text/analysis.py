"""The one Chinese text analysis shared by the search index, search queries and matching.

    normalise(text)        NFKC, traditional -> simplified, lowercase, clean whitespace
    tokens(text)           normalised, jieba search mode (母婴护理员 -> 母婴 护理 护理员 母婴护理员),
                           punctuation and stopwords dropped
    index_text(text)       " ".join(tokens(text)): what an FTS column stores
    query_terms(text)      one QueryTerm per query word: the word and its taxonomy synonyms
                           (月嫂 -> 月嫂 | 母婴护理员 | 母婴护理 ...), each as index tokens
    pinyin_terms(text)     jiazhengfuwuyuan jzfwy jiazheng jz ... for a short text (a title, a name)
    looks_like_pinyin(q)   True for a query of ASCII letters only (jz, jiazheng)
    get_analyzer()         the process-wide Analyzer, built on first use from the database
    reset_analyzer(a=None) drop it (rebuilt on next use) or install one, e.g. built from a word list

Segmentation is jieba itself: the faster look-alikes (rjieba, jieba-fast-dat) do not give the same
tokens (tests/benchmarks/bench_segmenters.py measures both speed and identity). jieba's main
dictionary ships inside the package; it is read once per process and shared by every Analyzer.
The domain dictionary (taxonomy names and aliases, division names) keeps 母婴护理员, 中式烹调师,
叉车证, 英德市 and 英德 whole.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import jieba

from .dictionary import dictionary_words
from .normalise import normalise
from .pinyin import full_pinyin, initials
from .selectors import build_synonym_groups, build_user_dictionary

__all__ = [
    "Analyzer",
    "QueryTerm",
    "get_analyzer",
    "index_text",
    "looks_like_pinyin",
    "normalise",
    "pinyin_terms",
    "query_terms",
    "reset_analyzer",
    "tokens",
]

logger = logging.getLogger(__name__)

# Function words that only add noise to an index; tokens are compared whole (等 is dropped, 等级 kept).
STOPWORDS = frozenset("的地得了着过和与及或等并且而也都就在是为之其把被对于从向以啊吧呢吗呀哦嘛啦") | {
    "及其",
    "以及",
    "或者",
    "还是",
}
MAX_QUERY_CHARS = 200  # a search box, not a document: bounds the MATCH expression
MAX_PINYIN_CHARS = 100  # pinyin is for titles and names; a long text's pinyin is noise


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One word of a query and every form that satisfies it.

    `token` is the normalised query text this term stands for (one index token as a rule; a
    multi-token alias such as 快递小哥 keeps its whole text). `alternatives` are phrases of index
    tokens, any one of which matches: the term's own form first, then its taxonomy synonyms.
    A phrase of one token is a plain word; a longer one must match as adjacent tokens.
    """

    token: str
    alternatives: tuple[tuple[str, ...], ...]


_HAS_ALNUM = re.compile(r"[^\W_]")


def _keep(token: str) -> bool:
    """Drop punctuation, spaces, emoji (no letter or digit) and stopwords."""
    if token in STOPWORDS:
        return False
    return token.isalnum() or _HAS_ALNUM.search(token) is not None  # isalnum: the fast common case


# -- jieba's main dictionary: read once per process ----------------------------------------------
_main_lock = threading.Lock()
_main: tuple[dict[str, int], int] | None = None
main_dictionary_loads = 0  # how often the main dictionary was read; tests check it stays at one


def _cache_dir() -> str:
    """Where jieba keeps its ~9 MB dictionary cache: settings.VAR_DIR/cache, else a private temp dir.

    jieba's default is a fixed name in /tmp shared by every user and checkout of the machine (stale
    or foreign-owned files, permission errors). var/ is the project's writable, untracked data
    directory, like the FTS5 file. The cache saves only ~0.1 s here, so a private temporary
    directory (no reuse) is an acceptable fallback outside Django.
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        var_dir = getattr(settings, "VAR_DIR", None)
    except ImproperlyConfigured:  # no Django settings: the analysis used on its own
        var_dir = None
    if var_dir:
        path = os.path.join(str(var_dir), "cache")
        try:
            os.makedirs(path, exist_ok=True)
            return path
        except OSError:
            pass
    return tempfile.mkdtemp(prefix="skillbridge-jieba-")


def _main_dictionary() -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary and total frequency, read from the package once."""
    global _main, main_dictionary_loads
    with _main_lock:
        if _main is None:
            jieba.setLogLevel(logging.WARNING)
            base = jieba.Tokenizer()
            base.tmp_dir = _cache_dir()
            base.initialize()
            _main = (base.FREQ, base.total)
            main_dictionary_loads += 1
        return _main


def _tokenizer(words: Iterable[str]) -> jieba.Tokenizer:
    """A jieba Tokenizer over a copy of the main dictionary plus `words` (in the given order)."""
    freq, total = _main_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(freq), total  # a copy: words added here stay here
    tokenizer.initialized = True
    for word in words:
        tokenizer.add_word(word)  # frequency suggested by jieba so the word stays whole on its own
    return tokenizer


# -- the analyzer --------------------------------------------------------------------------------
class Analyzer:
    """Segmentation with a domain dictionary, plus taxonomy synonyms for queries.

    Build it from plain strings (tests, benchmarks) or `Analyzer.from_database()`. Immutable after
    construction, so one instance serves every thread.
    """

    def __init__(self, words: Iterable[str] = (), synonym_groups: Iterable[Sequence[str]] = ()) -> None:
        groups = [list(group) for group in synonym_groups]
        # Synonym terms must segment whole too, so they join the dictionary.
        self.words = dictionary_words([*words, *(t for g in groups for t in g)])
        self._jieba = _tokenizer(self.words)
        self._synonyms = self._index_synonyms(groups)
        self._longest_synonym = max(map(len, self._synonyms), default=0)
        self._pinyin_memo: dict[str, tuple[str, ...]] = {}
        self._part_memo: dict[str, tuple[str, str]] = {}
        self._run_memo: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_database(cls) -> Analyzer:
        words, groups = build_user_dictionary(), build_synonym_groups()
        if not words:
            logger.warning("text analysis: the taxonomy and division tables are empty; no domain words")
        return cls(words, groups)

    # -- segmentation ----------------------------------------------------------------------------
    def _stream(self, text: str) -> Iterator[tuple[str, int, int]]:
        """jieba search mode with offsets, over normalised text, kept tokens only."""
        for token, start, end in self._jieba.tokenize(text, mode="search"):
            if _keep(token):
                yield token, start, end

    def tokens(self, text: str) -> list[str]:
        """jieba segments each run of Han/alphanumeric characters on its own, so segmenting run by
        run gives exactly its output for the whole text; runs repeat across documents (包吃住,
        岗位要求, place and skill names), so each run's tokens are memoised."""
        out: list[str] = []
        for run in jieba.re_han_default.split(normalise(text)):
            if not run:
                continue
            cached = self._run_memo.get(run)
            if cached is None:
                if len(self._run_memo) > 500_000:
                    self._run_memo.clear()
                # cut_for_search is tokenize(mode="search") without the offsets: the same tokens.
                cached = self._run_memo[run] = tuple(t for t in self._jieba.cut_for_search(run) if _keep(t))
            out.extend(cached)
        return out

    def index_text(self, text: str) -> str:
        return " ".join(self.tokens(text))

    # -- queries ---------------------------------------------------------------------------------
    def _index_synonyms(self, groups: list[list[str]]) -> dict[str, tuple[tuple[str, ...], ...]]:
        """Each synonym term -> its forms: itself, then every member of every group it is in.

        Not transitive: 电焊 brings the 焊工 group and the 焊条电弧焊 group, not their neighbours.
        """
        members: dict[str, dict[str, None]] = {}
        for group in groups:
            terms = [t for t in dict.fromkeys(normalise(t) for t in group) if t]
            for term in terms:
                members.setdefault(term, {}).update(dict.fromkeys(terms))
        forms: dict[str, tuple[str, ...]] = {}
        synonyms: dict[str, tuple[tuple[str, ...], ...]] = {}
        for term, related in members.items():
            phrases = []
            for member in dict.fromkeys([term, *related]):
                if member not in forms:
                    forms[member] = self._form(member)
                if forms[member]:
                    phrases.append(forms[member])
            synonyms[term] = tuple(dict.fromkeys(phrases))
        return synonyms

    def _form(self, text: str) -> tuple[str, ...]:
        """What the index holds for normalised `text` on its own: itself if jieba keeps it one
        word, else the phrase of its search-mode tokens."""
        words = [w for w, _, _ in self._jieba.tokenize(text) if _keep(w)]
        if words == [text]:
            return (text,)
        return tuple(token for token, _, _ in self._stream(text))

    def _synonym_spans(self, text: str, bounds: set[int]) -> list[tuple[int, int]]:
        """Synonym terms in the raw query, longest first, that start and end on jieba word bounds.

        Longest first, so 做家政服务员 finds 家政服务员 (not 做家政 + 服务员); on word bounds, so
        the term's tokens are the ones the index holds for the same text (美容院 holds no 美容 word).
        """
        found = []
        for start in sorted(bounds):
            for end in range(min(len(text), start + self._longest_synonym), start, -1):
                if end in bounds and text[start:end] in self._synonyms:
                    found.append((start, end))
        found.sort(key=lambda span: (span[0] - span[1], span[0]))
        taken: list[tuple[int, int]] = []
        for start, end in found:
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
        return sorted(taken)

    def query_terms(self, text: str) -> list[QueryTerm]:
        text = normalise(text)[:MAX_QUERY_CHARS]
        words = list(self._jieba.tokenize(text))  # default mode: the query's words and their bounds
        stream = list(self._stream(text))  # search mode: exactly what index_text(text) holds
        word_spans = {(start, end) for _, start, end in words}
        spans = self._synonym_spans(text, {i for span in word_spans for i in span})
        covered = {i for start, end in spans for i in range(start, end)}
        units = sorted([*spans, *((s, e) for _, s, e in words if s not in covered)])
        terms: dict[str, QueryTerm] = {}
        for start, end in units:
            token = text[start:end]
            if token in terms:
                continue
            one_word = (start, end) in word_spans
            if one_word:  # the index holds a jieba word as one token
                own: tuple[str, ...] = (token,) if _keep(token) else ()
            else:  # a synonym over several words: the run of index tokens they give, as a phrase
                own = tuple(t for t, s, e in stream if start <= s and e <= end)
            if not own:
                continue
            alternatives = [own, *(self._grams(stream, start, end) if one_word else ())]
            alternatives.extend(self._synonyms.get(token, ()))
            terms[token] = QueryTerm(token, tuple(dict.fromkeys(alternatives)))
        return list(terms.values())

    @staticmethod
    def _grams(stream: list[tuple[str, int, int]], start: int, end: int) -> list[tuple[str, ...]]:
        """For one word of four or more characters: the phrase of its two-character sub-words when
        they tile it exactly. Search mode indexes a word's 2- and 3-character sub-words but not
        longer ones, so 家政服务 inside a document's 家政服务员 is found only as the phrase 家政 服务;
        tiling (no overlapping pair such as 政服) keeps the pairs adjacent in every index stream."""
        if end - start < 4 or (end - start) % 2:
            return []
        pairs = [(t, s) for t, s, e in stream if start <= s and e <= end and e - s == 2]
        if [s for _, s in pairs] != list(range(start, end, 2)):
            return []
        return [tuple(t for t, _ in pairs)]

    # -- pinyin ----------------------------------------------------------------------------------
    def pinyin_terms(self, text: str) -> list[str]:
        """Full pinyin and initials of the whole text and of each of its search-mode words."""
        cached = self._pinyin_memo.get(text)
        if cached is None:
            if len(self._pinyin_memo) > 200_000:  # index text repeats titles and skill names; bound memory
                self._pinyin_memo.clear()
            cached = self._pinyin_memo[text] = self._pinyin_terms(text)
        return list(cached)

    def _pinyin_terms(self, text: str) -> tuple[str, ...]:
        text = normalise(text)[:MAX_PINYIN_CHARS]
        if not text:
            return ()
        terms: dict[str, None] = {}
        for part in (text, *self.tokens(text)):
            for term in self._part_pinyin(part):
                if len(term) >= 2:  # a lone initial (c for 车) would match half the index
                    terms.setdefault(term)
        return tuple(terms)

    def _part_pinyin(self, part: str) -> tuple[str, str]:
        """pypinyin is slow (~0.1 ms a word) and words repeat: memoise."""
        cached = self._part_memo.get(part)
        if cached is None:
            if len(self._part_memo) > 200_000:
                self._part_memo.clear()
            cached = self._part_memo[part] = (full_pinyin(part), initials(part))
        return cached


def looks_like_pinyin(q: str) -> bool:
    """Only ASCII letters (spaces and syllable apostrophes allowed): jz, jiazheng, "jia zheng", xi'an.

    English words (PLC, SYB) qualify too; callers search the pinyin field as well as the text.
    A single letter does not: as a prefix it matches most of the index (c = 厨, 车, 场...).
    """
    letters = normalise(q).replace(" ", "").replace("'", "")
    return len(letters) >= 2 and letters.isascii() and letters.isalpha()


# -- the process-wide analyzer ---------------------------------------------------------------------
_analyzer: Analyzer | None = None
_analyzer_lock = threading.Lock()


def _build_default_analyzer() -> Analyzer:
    return Analyzer.from_database()


def get_analyzer() -> Analyzer:
    """The shared Analyzer. The first call reads the taxonomy and division tables (7 small queries)
    and, once per process, jieba's main dictionary: about 1.2 s in all; a rebuild takes ~0.3 s."""
    global _analyzer
    analyzer = _analyzer
    if analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                _analyzer = _build_default_analyzer()
            analyzer = _analyzer
    return analyzer


def reset_analyzer(analyzer: Analyzer | None = None) -> None:
    """Forget the shared Analyzer (the next use rebuilds it: call after reloading the taxonomy),
    or install `analyzer`, e.g. one built from an explicit word list in a test."""
    global _analyzer
    with _analyzer_lock:
        _analyzer = analyzer


def tokens(text: str) -> list[str]:
    """Normalised search-mode tokens, without punctuation and stopwords, in text order."""
    return get_analyzer().tokens(text)


def index_text(text: str) -> str:
    """The space-joined tokens an FTS column stores; queries use the very same tokens."""
    return get_analyzer().index_text(text)


def query_terms(text: str) -> list[QueryTerm]:
    """The query's terms, each with its synonym alternatives (月嫂 -> 母婴护理员, 保姆 -> 家政服务员)."""
    return get_analyzer().query_terms(text)


def pinyin_terms(text: str) -> list[str]:
    """家政服务员 -> jiazhengfuwuyuan, jzfwy, jiazheng, jz, fuwu, fw, ... (for a short text)."""
    return get_analyzer().pinyin_terms(text)

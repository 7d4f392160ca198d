"""The catalogue: every matchable item (active postings, open sessions) in ONE sparse feature space,
fitted once per catalogue version, plus the dense per-item arrays the features and constraints read.

Feature space (columns, left to right; each block L2-normalised per item, then scaled by its
BLOCK_WEIGHTS entry, so no block drowns the others):

    skill        one column per skill: required (job) / taught (training) 1.0, preferred 0.5
    occupation   one-hot occupation
    certificate  per certificate type 6 columns: "held at all" and "at least level L" for L = 1..5;
                 an item requiring (or awarding) level L sets "any" and "≥L"; a worker holding level
                 l sets "any" and every "≥L" with L ≥ l (a higher level satisfies lower requirements)
    brand        training brand one-hot (trainings only)
    delivery     "online" (trainings only)
    taught       skills a training teaches (trainings only): where a worker's gap meets a course
    text         TF-IDF of title + text, segmented by backend.text.analysis (jieba search mode and the
                 domain dictionary), sublinear tf, min_df=2, max_df=0.5, capped vocabulary

The worker's row in the same space (`worker_vector`) is NOT normalised: held skills weigh
1 + up to 0.5 for years + up to 0.5 for level; skills of desired occupations not yet held weigh 1
in the taught block (so they reach trainings, not postings); desired occupations 1, certificates 1 per column, brand 马兰花 for a worker who wants to start a
business, "online" for a worker far from any venue, text (1 + ln tf)·idf / text_scale. Every worker
weight is non-negative and adding a skill, certificate or word only adds or raises weights, so the
similarity (a dot product) never falls when a worker gains something: the monotonicity the
rankers rely on. (A normalised worker vector would break it: a new skill dilutes the others.)

Items are stored jobs first, then trainings; `kind_range(kind)` gives each kind's contiguous
slice, so a kind's candidates are one slice of the matrix.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from backend.common.geo import haversine_km_many

from .geo import unit_vectors
from .text import analyse
from .types import KINDS, ItemData, Kind, TaxonomyData, WorkerData

FORMAT = 9  # bump when the pickled layout changes; load() refuses other formats

BLOCK_WEIGHTS = {
    "skill": 1.0,
    "occupation": 0.6,
    "certificate": 0.4,
    "brand": 0.5,
    "delivery": 0.3,
    "taught": 0.6,
    "text": 0.6,
}
PREFERRED_SKILL_WEIGHT = 0.5
RELATED_SHARED_SKILLS = 2  # occupations sharing this many skills are related
GAP_SKILL_WEIGHT = 1.0  # worker side, taught block: a skill of a desired occupation not yet held
CERT_COLUMNS = 6  # "any", then "at least level 1" ... "at least level 5"
TEXT_MIN_DF = 2
TEXT_MAX_DF = 0.5
TEXT_MAX_FEATURES = 50_000
RECENCY_DAYS = 30.0
NO_DATE = np.iinfo(np.int32).min  # start ordinal of an item without a start date
DEFAULT_CHUNK = 50_000
FREQUENT_SHARE = 0.01  # see Catalogue.frequent
FREQUENT_MIN = 2_000
GRID_STEP_DEG = 0.1  # about 11 km; doubled until the grid has at most MAX_GRID_CELLS cells
MAX_GRID_CELLS = 1_000_000  # bounding-box cells; only occupied ones are kept


def _normalise_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ m, dtype=np.float32)


def _csr(rows: list[int], cols: list[int], vals: list[float], shape: tuple[int, int]) -> sp.csr_matrix:
    m = sp.csr_matrix(
        (
            np.asarray(vals, dtype=np.float32),
            (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)),
        ),
        shape=shape,
        dtype=np.float32,
    )
    m.sum_duplicates()
    return m


class Catalogue:
    """Build with `Catalogue.build(items, taxonomy, version=...)`; cache with save()/load()."""

    format: int
    version: str
    taxonomy: TaxonomyData
    n: int
    n_features: int
    kinds: np.ndarray  # (n,) int8: index into KINDS
    ranges: dict[str, tuple[int, int]]  # kind -> [first row, end)
    ids: np.ndarray  # posting id / session id
    program_ids: np.ndarray  # -1 for jobs
    employer_ids: np.ndarray  # -1 for trainings and unknown
    titles: np.ndarray  # object array of str
    skill_ids: np.ndarray
    skill_index: dict[int, int]
    occupation_ids: np.ndarray
    occupation_index: dict[int, int]
    certificate_ids: np.ndarray
    certificate_index: dict[int, int]
    cert_has_levels: np.ndarray
    brands: tuple[str, ...]
    brand_index: dict[str, int]
    required: sp.csr_matrix  # items × skills, 1 where required (job) / taught (training)
    preferred: sp.csr_matrix
    n_required: np.ndarray
    n_preferred: np.ndarray
    occupation: np.ndarray  # occupation column per item
    certificate: np.ndarray  # certificate column per item, -1 none
    cert_level: np.ndarray  # 0 none, 1..5
    lat: np.ndarray
    lng: np.ndarray
    unit: np.ndarray  # (n, 3) float32 unit vectors, NaN without a place
    online: np.ndarray
    has_place: np.ndarray
    wage_min: np.ndarray  # float32, NaN unknown
    wage_max: np.ndarray
    lodging: np.ndarray
    meals: np.ndarray
    couple_rooms: np.ndarray
    start: np.ndarray  # int32 ordinal, NO_DATE
    free: np.ndarray
    subsidised: np.ndarray
    fee: np.ndarray
    brand: np.ndarray  # int16 brand index, -1
    recency: np.ndarray
    occ_skills: sp.csr_matrix  # occupations × skills
    occ_n_skills: np.ndarray
    occ_related: np.ndarray  # occupations × occupations bool (see _related_occupations)
    occ_close: np.ndarray  # [worker's, course's occupation] bool: typed relations, next steps forward
    occ_below: np.ndarray  # [a, b]: a leads to b by usual next steps (厨房帮工 → 中式烹调师)
    offsets: dict[str, tuple[int, int]]  # block -> columns
    vocabulary: dict[str, int]
    idf: np.ndarray
    text_scale: float
    matrix: sp.csr_matrix  # items × features, float32: the shared space
    training_by_skill: sp.csr_matrix  # skills × sessions
    venue_units: np.ndarray
    sessions_by_certificate: dict[int, np.ndarray]
    cell: np.ndarray  # grid cell per item (n_grid: no place, n_grid + 1: online)
    n_grid: int
    grid: dict[str, float]
    cell_units: np.ndarray
    cell_half_diag_km: np.ndarray
    cell_starts: dict[str, np.ndarray]
    # derived on load, not pickled
    skill_ids_list: list[int]
    skill_names: list[str]
    unit_xyz: tuple[np.ndarray, ...]

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        items: Sequence[ItemData],
        taxonomy: TaxonomyData,
        *,
        version: str,
        text_min_df: int = TEXT_MIN_DF,
        text_max_df: float = TEXT_MAX_DF,
        text_max_features: int = TEXT_MAX_FEATURES,
    ) -> Catalogue:
        self = cls.__new__(cls)
        self.format = FORMAT
        self.version = version
        self.taxonomy = taxonomy
        items = self._order_rows(items)
        self._build_vocabularies(items, taxonomy)
        self._build_skill_and_certificate_arrays(items)
        self._build_terms(items)
        self._build_taxonomy_relations(taxonomy)
        id_blocks = self._id_blocks()
        text_block = self._fit_text(items, text_min_df, text_max_df, text_max_features)
        self._build_matrix(id_blocks, text_block)
        self._build_training_lookups()
        self._init_derived()
        return self

    def _order_rows(self, items: Sequence[ItemData]) -> list[ItemData]:
        """Rows: jobs first, then trainings; within a kind, by grid cell (see _build_grid). Sets the
        row-order arrays (kinds, ranges, ids, places, cells) and returns the items in row order."""
        nan = float("nan")
        lat = np.array([it.place.lat if it.place else nan for it in items], dtype=np.float64)
        lng = np.array([it.place.lng if it.place else nan for it in items], dtype=np.float64)
        online = np.array([it.kind == "training" and it.online for it in items], dtype=bool)
        kinds = np.array([KINDS.index(it.kind) for it in items], dtype=np.int8)
        cell = self._build_grid(lat, lng, online)
        order = np.lexsort((np.arange(len(items)), cell, kinds))
        ordered = [items[i] for i in order.tolist()]
        self.cell = cell[order]
        self.n = len(ordered)
        self.kinds = np.array([KINDS.index(it.kind) for it in ordered], dtype=np.int8)
        self.ranges = {
            k: (int(np.searchsorted(self.kinds, i, "left")), int(np.searchsorted(self.kinds, i, "right")))
            for i, k in enumerate(KINDS)
        }
        self.ids = np.array([it.id for it in ordered], dtype=np.int64)
        self.program_ids = np.array(
            [-1 if it.program_id is None else it.program_id for it in ordered], dtype=np.int64
        )
        self.employer_ids = np.array(
            [-1 if it.employer_id is None else it.employer_id for it in ordered], dtype=np.int64
        )
        self.titles = np.array([it.title for it in ordered], dtype=object)
        self.lat, self.lng, self.online = lat[order], lng[order], online[order]
        self.unit = unit_vectors(self.lat, self.lng)
        self.has_place = ~np.isnan(self.lat)
        # Per kind, where each cell's rows start (cells n_grid, n_grid + 1: unknown place, online).
        self.cell_starts = {
            k: lo + np.searchsorted(self.cell[lo:hi], np.arange(self.n_grid + 3))
            for k, (lo, hi) in self.ranges.items()
        }
        return ordered

    def _build_vocabularies(self, items: Sequence[ItemData], taxonomy: TaxonomyData) -> None:
        """The vocabularies of the id blocks: the taxonomy, plus any id an item mentions."""
        skill_ids = set(taxonomy.skills)
        for info in taxonomy.occupations.values():
            skill_ids.update(info[1])
        occ_ids = set(taxonomy.occupations)
        cert_ids = set(taxonomy.certificates)
        brands: set[str] = set()
        for it in items:
            skill_ids.update(it.required_skills)
            skill_ids.update(it.preferred_skills)
            occ_ids.add(it.occupation_id)
            if it.certificate_id is not None:
                cert_ids.add(it.certificate_id)
            if it.kind == "training" and it.brand:
                brands.add(it.brand)
        self.skill_ids = np.array(sorted(skill_ids), dtype=np.int64)
        self.skill_index = {int(s): i for i, s in enumerate(self.skill_ids)}
        self.occupation_ids = np.array(sorted(occ_ids), dtype=np.int64)
        self.occupation_index = {int(o): i for i, o in enumerate(self.occupation_ids)}
        self.certificate_ids = np.array(sorted(cert_ids), dtype=np.int64)
        self.certificate_index = {int(c): i for i, c in enumerate(self.certificate_ids)}
        self.cert_has_levels = np.array(
            [taxonomy.certificate_has_levels(int(c)) for c in self.certificate_ids], dtype=bool
        )
        self.brands = tuple(sorted(brands))
        self.brand_index = {b: i for i, b in enumerate(self.brands)}

    def _build_skill_and_certificate_arrays(self, items: Sequence[ItemData]) -> None:
        """Required/preferred skills (CSR), occupation, certificate and its level per item."""
        n, n_skills = self.n, len(self.skill_ids)
        si, oi, ci = self.skill_index, self.occupation_index, self.certificate_index
        req_r: list[int] = []
        req_c: list[int] = []
        pref_r: list[int] = []
        pref_c: list[int] = []
        for r, it in enumerate(items):
            required = dict.fromkeys(si[s] for s in it.required_skills)
            req_r.extend([r] * len(required))
            req_c.extend(required)
            preferred = [c for c in dict.fromkeys(si[s] for s in it.preferred_skills) if c not in required]
            pref_r.extend([r] * len(preferred))
            pref_c.extend(preferred)
        self.required = _csr(req_r, req_c, [1.0] * len(req_r), (n, n_skills))
        self.preferred = _csr(pref_r, pref_c, [1.0] * len(pref_r), (n, n_skills))
        self.n_required = np.diff(self.required.indptr).astype(np.int16)
        self.n_preferred = np.diff(self.preferred.indptr).astype(np.int16)
        self.occupation = np.array([oi[it.occupation_id] for it in items], dtype=np.int32)
        self.certificate = np.array(
            [-1 if it.certificate_id is None else ci[it.certificate_id] for it in items], dtype=np.int32
        )
        self.cert_level = np.array(
            [
                it.certificate_level
                if it.certificate_id is not None and it.certificate_level in (1, 2, 3, 4, 5)
                else 0
                for it in items
            ],
            dtype=np.int8,
        )

    def _build_terms(self, items: Sequence[ItemData]) -> None:
        """Wage, lodging, dates, fees, brand and recency per item."""
        nan = float("nan")
        self.wage_min = np.array(
            [nan if it.wage_min is None else it.wage_min for it in items], dtype=np.float32
        )
        self.wage_max = np.array(
            [nan if it.wage_max is None else it.wage_max for it in items], dtype=np.float32
        )
        self.lodging = np.array([it.lodging for it in items], dtype=bool)
        self.meals = np.array([it.meals for it in items], dtype=bool)
        self.couple_rooms = np.array([it.couple_rooms for it in items], dtype=bool)
        self.start = np.array(
            [NO_DATE if it.start_date is None else it.start_date.toordinal() for it in items], dtype=np.int32
        )
        self.free = np.array([it.free for it in items], dtype=bool)
        self.subsidised = np.array([it.subsidised for it in items], dtype=bool)
        self.fee = np.array([max(float(it.fee or 0), 0.0) for it in items], dtype=np.float32)
        self.brand = np.array(
            [self.brand_index.get(it.brand, -1) if it.kind == "training" else -1 for it in items],
            dtype=np.int16,
        )
        stamps = np.array([it.updated.timestamp() if it.updated else nan for it in items], dtype=np.float64)
        newest = np.nanmax(stamps) if self.n and not np.all(np.isnan(stamps)) else 0.0
        age_days = (newest - stamps) / 86400.0
        self.recency = np.where(
            np.isnan(age_days), 0.0, np.exp(-np.maximum(age_days, 0) / RECENCY_DAYS)
        ).astype(np.float32)

    def _build_taxonomy_relations(self, taxonomy: TaxonomyData) -> None:
        si, oi = self.skill_index, self.occupation_index
        occ_r: list[int] = []
        occ_c: list[int] = []
        for occ_id, info in taxonomy.occupations.items():
            cols = dict.fromkeys(si[s] for s in info[1])
            occ_r.extend([oi[occ_id]] * len(cols))
            occ_c.extend(cols)
        self.occ_skills = _csr(
            occ_r, occ_c, [1.0] * len(occ_r), (len(self.occupation_ids), len(self.skill_ids))
        )
        self.occ_n_skills = np.diff(self.occ_skills.indptr).astype(np.int16)
        self.occ_below = self._steps_below(taxonomy)
        self.occ_close = self._close_occupations(taxonomy)
        self.occ_related = self._related_occupations(taxonomy) | self.occ_close | self.occ_close.T

    def _related_occupations(self, taxonomy: TaxonomyData) -> np.ndarray:
        """O × O bool: occupations a counsellor would offer a job of in place of one another — the
        same family (taxonomy category) or sharing RELATED_SHARED_SKILLS or more skills."""
        shared = (self.occ_skills @ self.occ_skills.T).toarray()
        related = shared >= RELATED_SHARED_SKILLS
        family = np.array([taxonomy.families.get(int(o), "") for o in self.occupation_ids], dtype=object)
        known = family != ""
        related |= (family[:, None] == family[None, :]) & known[:, None] & known[None, :]
        np.fill_diagonal(related, False)
        return related

    def _close_occupations(self, taxonomy: TaxonomyData) -> np.ndarray:
        """O × O bool, [worker's occupation, course's]: the taxonomy's typed relations, a
        neighbouring trade both ways, a next step forward only (厨房帮工 → 厨师, not back). A course
        takes weeks of a worker's time: a counsellor proposes one of a trade they want or
        practise, or of one of these, not of any trade in the same family. Needs occ_below."""
        close = self._occupation_pairs(taxonomy.relations)
        close |= close.T
        close &= ~self.occ_below.T  # [b, a] where a leads to b: a is behind the worker
        np.fill_diagonal(close, False)
        return close

    def _steps_below(self, taxonomy: TaxonomyData) -> np.ndarray:
        """O × O bool, transitively closed: [a, b] when a is a step on the way to b (GYB → SYB →
        IYB). A course of a step below what the worker wants is not offered."""
        n = len(self.occupation_ids)
        below = self._occupation_pairs(taxonomy.next_steps)
        for _ in range(n):  # closure: a path is at most n steps long
            wider = below | ((below.astype(np.int32) @ below.astype(np.int32)) > 0)
            if (wider == below).all():
                break
            below = wider
        np.fill_diagonal(below, False)
        return below

    def _occupation_pairs(self, pairs: Mapping[int, Sequence[int]]) -> np.ndarray:
        """O × O bool, [source, target] for each pair of known occupations (one way)."""
        matrix = np.zeros((len(self.occupation_ids),) * 2, dtype=bool)
        oi = self.occupation_index
        for source, targets in pairs.items():
            for target in targets:
                if source in oi and target in oi:
                    matrix[oi[source], oi[target]] = True
        return matrix

    def _id_blocks(self) -> dict[str, sp.csr_matrix]:
        """The id blocks of the shared sparse space, in column order; sets their offsets."""
        n, n_occ = self.n, len(self.occupation_ids)
        n_cert, n_brand = len(self.certificate_ids), len(self.brands)
        skill_block = _normalise_rows(self.required + PREFERRED_SKILL_WEIGHT * self.preferred)
        occ_block = sp.csr_matrix((np.ones(n, np.float32), (np.arange(n), self.occupation)), shape=(n, n_occ))
        has_cert = np.flatnonzero(self.certificate >= 0)
        cert_rows = np.concatenate([has_cert, has_cert[self.cert_level[has_cert] > 0]])
        cert_cols = np.concatenate(
            [
                self.certificate[has_cert] * CERT_COLUMNS,
                self.certificate[has_cert][self.cert_level[has_cert] > 0] * CERT_COLUMNS
                + self.cert_level[has_cert][self.cert_level[has_cert] > 0],
            ]
        )
        cert_block = _normalise_rows(
            _csr(cert_rows.tolist(), cert_cols.tolist(), [1.0] * len(cert_rows), (n, n_cert * CERT_COLUMNS))
        )
        branded = np.flatnonzero(self.brand >= 0)
        brand_block = sp.csr_matrix(
            (np.ones(len(branded), np.float32), (branded, self.brand[branded])), shape=(n, n_brand)
        )
        is_training = sp.diags((self.kinds == KINDS.index("training")).astype(np.float32))
        taught_block = _normalise_rows(sp.csr_matrix(is_training @ self.required))
        online = np.flatnonzero(self.online)
        delivery_block = sp.csr_matrix(
            (np.ones(len(online), np.float32), (online, np.zeros(len(online), int))), shape=(n, 1)
        )
        blocks = {
            "skill": skill_block,
            "occupation": occ_block,
            "certificate": cert_block,
            "brand": brand_block,
            "delivery": delivery_block,
            "taught": taught_block,
        }
        self.offsets = {}
        at = 0
        for name, block in blocks.items():
            self.offsets[name] = (at, at + block.shape[1])
            at += block.shape[1]
        return blocks

    def _fit_text(
        self, items: Sequence[ItemData], min_df: int, max_df: float, max_features: int
    ) -> sp.csr_matrix:
        """TF-IDF of title + text; sets the vocabulary and idf (empty when no term survives)."""
        texts = [f"{it.title} {it.text}" for it in items]
        self.vocabulary = {}
        self.idf = np.zeros(0, dtype=np.float32)
        text_block = sp.csr_matrix((self.n, 0), dtype=np.float32)
        for min_df_, max_df_ in ((min_df, max_df), (1, 1.0)):  # a tiny catalogue may prune every term
            vectorizer = TfidfVectorizer(
                analyzer=analyse,
                min_df=min_df_,
                max_df=max_df_,
                max_features=max_features,
                sublinear_tf=True,
                dtype=np.float32,
            )
            try:
                text_block = sp.csr_matrix(vectorizer.fit_transform(texts), dtype=np.float32)
            except ValueError:  # "no terms remain" / empty vocabulary
                continue
            self.vocabulary = {str(t): int(i) for t, i in vectorizer.vocabulary_.items()}
            self.idf = vectorizer.idf_.astype(np.float32)
            break
        # Worker text weights (1 + ln tf)·idf are divided by this catalogue constant, so a worker
        # with a typical profile text (~8 distinct words) has a text block of norm about one.
        self.text_scale = float(np.median(self.idf) * math.sqrt(8)) if len(self.idf) else 1.0
        return text_block

    def _build_matrix(self, id_blocks: dict[str, sp.csr_matrix], text_block: sp.csr_matrix) -> None:
        """The shared space: the weighted id blocks, then the text block."""
        at = self.offsets["taught"][1]
        self.offsets["text"] = (at, at + len(self.vocabulary))
        self.n_features = at + len(self.vocabulary)
        w = BLOCK_WEIGHTS
        self.matrix = sp.hstack(
            [*(w[name] * block for name, block in id_blocks.items()), w["text"] * text_block],
            format="csr",
            dtype=np.float32,
        )
        self.matrix.sort_indices()

    def _build_training_lookups(self) -> None:
        """What pathways and "far from any venue" read about the trainings."""
        lo, hi = self.ranges["training"]
        self.training_by_skill = sp.csr_matrix(
            self.required[lo:hi].T, dtype=np.float32
        )  # n_skills × sessions
        offline = np.flatnonzero(~self.online[lo:hi] & self.has_place[lo:hi]) + lo
        venues = (
            np.unique(np.round(self.unit[offline], 5), axis=0)
            if len(offline)
            else np.zeros((0, 3), np.float32)
        )
        self.venue_units = venues.astype(np.float32)
        awarding = np.flatnonzero(self.certificate[lo:hi] >= 0)
        self.sessions_by_certificate = {
            int(c): awarding[self.certificate[lo:hi][awarding] == c]
            for c in np.unique(self.certificate[lo:hi][awarding])
        }  # certificate column -> session offsets (row - first training row)

    def _build_grid(self, lat: np.ndarray, lng: np.ndarray, online: np.ndarray) -> np.ndarray:
        """A lat/lng grid over the items' places. Each item gets a cell (or UNKNOWN / ONLINE, the
        last two cells); per worker, a table over cells says "inside / outside / on the border of
        the commute limit" and gives a proximity, so the constraints over tens of thousands of
        touched items are two table look-ups each, with exact distances only on border cells.
        Returns each item's cell; sets the grid attributes."""
        known = ~np.isnan(lat)
        step = GRID_STEP_DEG
        if known.any():
            lat_min, lat_max = float(lat[known].min()), float(lat[known].max())
            lng_min, lng_max = float(lng[known].min()), float(lng[known].max())
        else:
            lat_min = lat_max = lng_min = lng_max = 0.0
        while True:
            # min(): floor(23.6 / 0.1) * 0.1 is 23.600000000000001, above 23.6 (no row would hold it)
            lat0 = min(math.floor(lat_min / step) * step, lat_min)
            lng0 = min(math.floor(lng_min / step) * step, lng_min)
            n_rows = int((lat_max - lat0) // step) + 1
            n_cols = int((lng_max - lng0) // step) + 1
            if n_rows * n_cols <= MAX_GRID_CELLS:
                break
            step *= 2
        rows = np.clip(np.floor((np.nan_to_num(lat) - lat0) / step), 0, n_rows - 1).astype(np.int64)
        cols = np.clip(np.floor((np.nan_to_num(lng) - lng0) / step), 0, n_cols - 1).astype(np.int64)
        # Only cells that hold an item are kept (numbered 0..n_grid-1): a worker's table covers
        # those, not the sea and the neighbouring provinces inside the bounding box.
        occupied, inverse = np.unique((rows * n_cols + cols)[known], return_inverse=True)
        n_grid = len(occupied)
        cell = np.full(len(lat), n_grid, dtype=np.int64)
        cell[known] = inverse.ravel()
        cell[online] = n_grid + 1
        self.n_grid = n_grid
        self.grid = {"lat0": lat0, "lng0": lng0, "step": step, "rows": n_rows, "cols": n_cols}
        centre_lat = lat0 + (occupied // n_cols + 0.5) * step
        centre_lng = lng0 + (occupied % n_cols + 0.5) * step
        self.cell_units = unit_vectors(centre_lat, centre_lng)
        half = step / 2
        corners = [
            haversine_km_many(centre_lat, centre_lng, centre_lat + dy, centre_lng + half)
            for dy in (-half, half)
        ]
        diag = np.maximum(*corners) if n_grid else np.zeros(0)
        self.cell_half_diag_km = (np.asarray(diag) * 1.01 + 0.01).astype(np.float32)
        return cell.astype(np.int32)

    def _init_derived(self) -> None:
        self._lock = threading.Lock()
        self._chunks: dict[tuple[str, int], list[tuple[int, sp.csr_matrix]]] = {}
        self._stats: dict[Any, Any] = {}
        self.unit_xyz = tuple(np.ascontiguousarray(self.unit[:, i]) for i in range(3))
        self._index: dict[tuple[int, int], int] | None = None
        self.skill_ids_list = self.skill_ids.tolist()
        self.skill_names = [self.taxonomy.skill_name(s) for s in self.skill_ids_list]

    # -- persistence ----------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for derived in ("_lock", "_chunks", "_stats", "unit_xyz", "_index", "skill_names", "skill_ids_list"):
            state.pop(derived, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_derived()

    def save(self, path: str | os.PathLike[str]) -> None:
        joblib.dump(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Catalogue:
        obj = joblib.load(path)
        if not isinstance(obj, cls) or getattr(obj, "format", None) != FORMAT:
            raise ValueError(f"{path}: not a matching catalogue of format {FORMAT}")
        return obj

    # -- lookups --------------------------------------------------------------------------------
    def kind_range(self, kind: Kind) -> tuple[int, int]:
        return self.ranges[kind]

    def index_of(self, kind: Kind, item_id: int) -> int:
        """The row of an item (posting id, or session id for a training); KeyError if absent."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = {
                        (int(k), int(i)): r for r, (k, i) in enumerate(zip(self.kinds, self.ids, strict=True))
                    }
        return self._index[(KINDS.index(kind), int(item_id))]

    def by_feature(self, kind: Kind, chunk: int = DEFAULT_CHUNK) -> list[tuple[int, sp.csr_matrix]]:
        """The kind's slice of the matrix, transposed (features × items, CSR) in chunks of items:
        (first item row, chunk). A worker row times a chunk reads only the feature rows the worker
        has, so the product costs what the worker touches, not the catalogue size. Built on first
        use and kept (not pickled)."""
        key = (kind, chunk)
        chunks = self._chunks.get(key)
        if chunks is None:
            with self._lock:
                chunks = self._chunks.get(key)
                if chunks is None:
                    lo, hi = self.ranges[kind]
                    chunks = [
                        (
                            start,
                            sp.csr_matrix(self.matrix[start : min(start + chunk, hi)].T, dtype=np.float32),
                        )
                        for start in range(lo, hi, max(chunk, 1))
                    ]
                    for _, m in chunks:
                        m.sort_indices()
                    self._chunks[key] = chunks
        return chunks

    def by_feature_whole(self, kind: Kind) -> sp.csr_matrix:
        """The kind's slice transposed in one piece (features × items, columns relative to the
        kind's first row), for looking up single (feature, item) values."""
        lo, hi = self.ranges[kind]
        return (
            self.by_feature(kind, max(hi - lo, 1))[0][1] if hi > lo else sp.csr_matrix((self.n_features, 0))
        )

    def frequent(self, kind: Kind) -> tuple[np.ndarray, sp.csr_matrix]:
        """(is frequent per feature column, the kind's rows restricted to those columns): columns
        held by more than FREQUENT_SHARE of the kind's items (and at least FREQUENT_MIN). Candidate
        generation leaves a worker's cheap frequent columns out of the product and adds them
        back for the shortlisted items from this matrix."""
        cached = self._stats.get(("frequent", kind))  # type: ignore[call-overload]
        if cached is None:
            lo, hi = self.ranges[kind]
            df, _ = self.column_stats(kind)
            mask = df > max(FREQUENT_MIN, FREQUENT_SHARE * (hi - lo))
            rows = self.matrix[lo:hi]
            keep = mask[rows.indices]
            counts = np.bincount(np.repeat(np.arange(hi - lo), np.diff(rows.indptr))[keep], minlength=hi - lo)
            sub = sp.csr_matrix(
                (rows.data[keep], rows.indices[keep], np.concatenate([[0], np.cumsum(counts)])),
                shape=rows.shape,
            )
            cached = self._stats[("frequent", kind)] = (mask, sub)  # type: ignore[index]
        return cached  # type: ignore[return-value]

    def column_stats(self, kind: Kind) -> tuple[np.ndarray, np.ndarray]:
        """Per feature column, over the kind's items: how many items have it (df) and its largest
        value. Candidate generation bounds what a column can add to any item's similarity."""
        stats = self._stats.get(kind)
        if stats is None:
            lo, hi = self.ranges[kind]
            csc = self.matrix[lo:hi].tocsc()
            df = np.diff(csc.indptr).astype(np.int64)
            top = np.zeros(self.n_features, dtype=np.float32)
            filled = np.flatnonzero(df)
            if len(filled):
                top[filled] = np.maximum.reduceat(csc.data, csc.indptr[filled])
            stats = self._stats[kind] = (df, top)
        return stats

    def worker_vector(self, worker: WorkerData) -> sp.csr_matrix:
        """The worker's (1 × n_features) row in the catalogue's space."""
        from .workers import prepare

        return prepare([worker], self).vectors

    def text_weights(self, text: str) -> dict[int, float]:
        """Worker-side text block: column -> (1 + ln tf)·idf / text_scale (not normalised)."""
        counts: dict[int, int] = {}
        for token in analyse(text):
            col = self.vocabulary.get(token)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        return {
            col: float((1.0 + math.log(tf)) * self.idf[col] / self.text_scale) for col, tf in counts.items()
        }

    def describe(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "items": self.n,
            "jobs": self.ranges["job"][1] - self.ranges["job"][0],
            "trainings": self.ranges["training"][1] - self.ranges["training"][0],
            "features": self.n_features,
            "text_terms": len(self.vocabulary),
            "nnz": int(self.matrix.nnz),
            "matrix_mb": round(
                (self.matrix.data.nbytes + self.matrix.indices.nbytes + self.matrix.indptr.nbytes) / 2**20, 1
            ),
        }

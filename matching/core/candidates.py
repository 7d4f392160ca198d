"""Candidate generation: the items of one kind that best fit the worker and pass the worker's
explicit constraints, without a Python loop over items.

    similarity   worker row × item matrix: a sparse product, chunked by items. The matrix is kept
                 transposed (features × items), so the product reads only the feature rows the
                 worker has: its cost is what the worker touches, not the catalogue size.
    constraints  vectorised masks over the touched items: distance beyond the worker's limit from
                 every place they named (current, preferred, and hukou for a worker who wants to
                 work near home) unless willing_to_relocate (不愿去外地 without a limit: within
                 LOCAL_REACH_KM); a job whose wage_max is below WAGE_NEAR_MISS_SHARE of the floor. An online training passes the distance test; an item or a worker without
                 coordinates passes it (unknown is not far). The distance test reads the worker's
                 grid-cell table (workers.py): cells certainly inside or outside the limit decide
                 at once, items in border cells get an exact great-circle check.
    top-k        score = similarity + PROXIMITY_WEIGHT · proximity of the item's grid cell, so place
                 counts already when choosing candidates (a worker known only by a desired
                 occupation gets the near postings of it, not arbitrary ones); np.argpartition.

Exactness: an untouched item scores at most PROXIMITY_WEIGHT (similarity 0, proximity ≤ 1). When
at least k touched items pass and the k-th best scores above that, no untouched item can enter the
top k, so the sparse path is exact; otherwise (a thin profile) the rest of the kind is scored
cell by cell (only cells inside the commute limit and near enough to matter). Either way the
result is the top k of the same score over every item of the kind.

Frequent columns (MaxScore): a worker's text words that 1% or more of the items share (泥瓦工
and its sub-words 泥瓦 / 瓦工 in 16% of the postings...) cost most of the product and decide
little. `split_common` leaves the cheapest of them out of the product while their combined
bound — the most they can add to any item — stays under COMMON_BOUND_CAP; if the k-th best score
without them still beats bound + PROXIMITY_WEIGHT, the top k is among the touched items within
bound of it, and only those get the frequent columns added back (`_complete`); otherwise the
worker's whole row is multiplied. At 200,000 postings this cuts the touched postings per worker
from ~30,000 to ~4,000 with the same result (tests/matching/core/test_candidates.py checks it
against a brute-force full sort with and without the split).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .catalogue import DEFAULT_CHUNK, Catalogue
from .geo import chord2
from .sparse import gather_entries
from .types import Kind, WorkerData
from .workers import BORDER_OFFSET, CELL_OUT, NEUTRAL_PROXIMITY, PROXIMITY_KM, WorkerBlock, prepare

__all__ = [
    "NEUTRAL_PROXIMITY",
    "PROXIMITY_KM",
    "PROXIMITY_WEIGHT",
    "entry_terms",
    "generate",
    "generate_block",
    "nearest_chord2",
    "nearest_place",
]

PROXIMITY_WEIGHT = 0.25
# Columns left out of the product (see split_common): frequent ones (Catalogue.frequent) adding
# at most 0.5 to any item's similarity in all.
COMMON_BOUND_CAP = 0.5
# A job whose best wage is under this share of the worker's floor is ruled out; above it but under
# the floor it is a near miss (rules.py), shown and labelled.
WAGE_NEAR_MISS_SHARE = 0.9
SHORTLIST_CAP = 20_000
FIRST_EXACT = 16  # shortlisted items beyond k completed in the first round

Candidates = tuple[np.ndarray, np.ndarray]  # (item rows, similarity), best first
# A worker whose top k is proven to lie in a shortlist: (block row, items, essential similarity,
# cell proximity, lower-bound score, bound of the common columns)
Pending = tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]
Touched = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # items, similarity, proximity, score


def nearest_chord2(units: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Smallest squared chord from each item (n × 3) to its worker's places (n × Q × 3, NaN padded);
    inf where either side has no coordinates."""
    best = np.full(len(units), np.inf, dtype=np.float32)
    for q in range(places.shape[1]):
        np.fmin(best, chord2(units, places[:, q, :]), out=best)  # fmin skips NaN
    return best


def nearest_place(units: np.ndarray, places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """nearest_chord2, and which of the worker's places (column of `places`) is the nearest;
    -1 where neither side has coordinates."""
    best = np.full(len(units), np.inf, dtype=np.float32)
    which = np.full(len(units), -1, dtype=np.int64)
    for q in range(places.shape[1]):
        d2 = chord2(units, places[:, q, :])
        closer = d2 < best  # False where d2 is NaN
        best[closer] = d2[closer]
        which[closer] = q
    return best, which


def _border_ok(block: WorkerBlock, owners: np.ndarray, items: np.ndarray, catalogue: Catalogue) -> np.ndarray:
    """Exact commute check for pairs in border cells: within the limit of some reach place."""
    ux, uy, uz = catalogue.unit_xyz
    x, y, z = ux[items], uy[items], uz[items]
    reach = block.reach
    width = reach.shape[1]
    flat = reach.reshape(-1, 3)
    best = np.full(len(items), np.inf, dtype=np.float32)
    for q in range(width):
        at = owners * width + q
        d = x - flat[at, 0]
        d2 = d * d
        d = y - flat[at, 1]
        d2 += d * d
        d = z - flat[at, 2]
        d2 += d * d
        np.fmin(best, d2, out=best)
    return best <= block.max_chord2[owners]


def entry_terms(
    block: WorkerBlock, owners: np.ndarray, items: np.ndarray, catalogue: Catalogue, *, wages: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """(passes the worker's constraints, cell proximity) for (worker, item) pairs, vectorised.

    `owners` holds each pair's worker row in the block. One look-up in the worker's cell table
    (workers.py) decides most pairs; pairs in border cells get the exact check."""
    cat = catalogue
    cells = cat.cell[items]
    table = block.cell_table
    value = table.ravel()[cells if block.size == 1 else owners * table.shape[1] + cells]
    ok = (value >= 0) & (value <= 1)
    border = np.flatnonzero(value >= BORDER_OFFSET)
    if len(border):
        value[border] -= BORDER_OFFSET
        ok[border] = _border_ok(block, owners[border], items[border], cat)
    if wages and not np.isnan(block.floor).all():
        with np.errstate(invalid="ignore"):
            ok &= ~(cat.wage_max[items] < WAGE_NEAR_MISS_SHARE * block.floor[owners])  # NaN: passes
    return ok, value


def _top(
    items: np.ndarray, scores: np.ndarray, sims: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k best by score, best first; equal scores by item row (so ties at the k-th place are
    decided the same way whatever order the items came in)."""
    if len(items) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        above = np.flatnonzero(scores > kth)
        tied = np.flatnonzero(scores == kth)
        if len(above) + len(tied) > k:
            tied = tied[np.argsort(items[tied], kind="stable")[: k - len(above)]]
        part = np.concatenate([above, tied])
        items, scores, sims = items[part], scores[part], sims[part]
    order = np.lexsort((items, -scores))
    return items[order], scores[order], sims[order]


def _dense(
    block: WorkerBlock,
    b: int,
    catalogue: Catalogue,
    kind: Kind,
    items: np.ndarray,
    sims: np.ndarray,
    scores: np.ndarray,
    k: int,
) -> Candidates:
    """Top k for worker b over the whole kind: the touched items that passed (items, sims, scores)
    plus the untouched ones, which score PROXIMITY_WEIGHT · cell proximity. Rows are grouped by
    cell, so only cells that can hold a candidate are read: not outside the commute limit, and
    (when k touched items passed) near enough for an untouched item to beat the k-th of them."""
    cat = catalogue
    lo, hi = cat.kind_range(kind)
    weight = np.float32(PROXIMITY_WEIGHT)
    bound = -np.inf
    if len(scores) >= k:
        bound = float(np.partition(scores, len(scores) - k)[len(scores) - k])
    starts = cat.cell_starts[kind]
    cells = np.flatnonzero((block.cell_state[b] != CELL_OUT) & (weight * block.cell_prox[b] >= bound))
    first, last = starts[cells], starts[cells + 1]
    lengths = last - first
    total = int(lengths.sum())
    if total:
        offsets = np.repeat(first - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        rows = offsets + np.arange(total)
        touched = np.zeros(hi - lo, dtype=bool)
        touched[items - lo] = True
        rows = rows[~touched[rows - lo]]
        ok, prox = entry_terms(block, np.full(len(rows), b), rows, cat, wages=kind == "job")
        rows, prox = rows[ok], prox[ok]
        items = np.concatenate([items, rows])
        sims = np.concatenate([sims, np.zeros(len(rows), np.float32)])
        scores = np.concatenate([scores, weight * prox])
    top_items, _, top_sims = _top(items, scores, sims, k)
    return top_items, top_sims


def split_common(
    block: WorkerBlock, catalogue: Catalogue, kind: Kind
) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """Split the workers' rows into (essential, common, bound): common = entries on columns that
    many items of the kind have (df above COMMON_DF_SHARE of them, at least COMMON_DF_MIN) and that
    can add little (weight × the column's largest value), cheapest first while their total stays
    within COMMON_BOUND_CAP; bound = that total per worker, the most they can add to any item."""
    _, top = catalogue.column_stats(kind)
    frequent, _ = catalogue.frequent(kind)
    v = block.vectors
    rows = np.repeat(np.arange(block.size), np.diff(v.indptr))
    ub = v.data * top[v.indices]
    eligible = frequent[v.indices]
    common = np.zeros(len(ub), dtype=bool)
    if eligible.any():
        order = np.lexsort((ub, ~eligible, rows))  # per worker: eligible first, cheapest first
        spent = np.cumsum(np.where(eligible[order], ub[order], 0.0))
        counts = np.bincount(rows, minlength=block.size)
        row_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        before_row = np.where(row_start > 0, spent[np.maximum(row_start - 1, 0)], 0.0)
        within = spent - np.repeat(before_row, counts)
        common[order] = eligible[order] & (within <= COMMON_BOUND_CAP)
    bound = np.bincount(rows[common], weights=ub[common], minlength=block.size).astype(np.float32)
    essential = sp.csr_matrix(
        (np.where(common, 0, v.data).astype(np.float32), v.indices.copy(), v.indptr.copy()), shape=v.shape
    )
    essential.eliminate_zeros()
    commons = sp.csr_matrix(
        (np.where(common, v.data, 0).astype(np.float32), v.indices.copy(), v.indptr.copy()), shape=v.shape
    )
    commons.eliminate_zeros()
    return essential, commons, bound


def _touched(
    vectors: sp.csr_matrix,
    block: WorkerBlock,
    rows_of: np.ndarray,
    catalogue: Catalogue,
    kind: Kind,
    chunk: int,
) -> list[Touched]:
    """For each row of `vectors` (worker rows_of[r] of the block): the touched items that pass the
    constraints, with (items, similarity, cell proximity, score)."""
    n = vectors.shape[0]
    pieces: list[list[Touched]] = [[] for _ in range(n)]
    weight = np.float32(PROXIMITY_WEIGHT)
    for start, by_feature in catalogue.by_feature(kind, chunk):
        product = vectors @ by_feature  # rows × chunk, sparse: only touched items
        counts = np.diff(product.indptr)
        local = np.repeat(np.arange(n), counts)
        items = product.indices.astype(np.int64) + start
        ok, prox = entry_terms(block, rows_of[local], items, catalogue, wages=kind == "job")
        kept = np.concatenate([[0], np.cumsum(np.bincount(local[ok], minlength=n))])
        items, sims, prox = items[ok], product.data[ok], prox[ok]
        scores = sims + weight * prox
        for r in np.flatnonzero(np.diff(kept)).tolist():
            s = slice(kept[r], kept[r + 1])
            pieces[r].append((items[s], sims[s], prox[s], scores[s]))
    out: list[Touched] = []
    for parts in pieces:
        if len(parts) == 1:
            out.append(parts[0])
        elif parts:
            a, b, c, d = (np.concatenate([p[i] for p in parts]) for i in range(4))
            out.append((a, b, c, d))
        else:
            out.append(
                (
                    np.zeros(0, np.int64),
                    np.zeros(0, np.float32),
                    np.zeros(0, np.float32),
                    np.zeros(0, np.float32),
                )
            )
    return out


def _common_parts(
    common: sp.csr_matrix, owners: np.ndarray, items: np.ndarray, catalogue: Catalogue, kind: Kind
) -> np.ndarray:
    """What each pair's worker's common columns add to the item: the item's frequent-column
    entries (Catalogue.frequent) looked up in a small dense (workers × common columns) table."""
    _, sub = catalogue.frequent(kind)
    lo = catalogue.kind_range(kind)[0]
    columns = np.unique(common.indices)
    compact = np.full(catalogue.n_features, len(columns), dtype=np.int64)  # last slot: weight 0
    compact[columns] = np.arange(len(columns))
    width = len(columns) + 1
    table = np.zeros(common.shape[0] * width, dtype=np.float32)
    rows = np.repeat(np.arange(common.shape[0]), np.diff(common.indptr))
    table[rows * width + compact[common.indices]] = common.data
    pair, cols, vals = gather_entries(sub, items - lo)
    weights = table[owners[pair] * width + compact[cols]]
    return np.bincount(pair, weights=weights * vals, minlength=len(items)).astype(np.float32)


def _complete(
    common: sp.csr_matrix, pending: list[Pending], catalogue: Catalogue, kind: Kind, k: int
) -> list[Candidates]:
    """Exact top k of each pending worker's shortlist: complete the best k + FIRST_EXACT by lower
    bound, then only those others whose bound can still reach the k-th exact score."""
    weight = np.float32(PROXIMITY_WEIGHT)
    firsts, rests = [], []
    for _, items, _, _, lower, _ in pending:
        if len(items) > k + FIRST_EXACT:
            cut = np.argpartition(-lower, k + FIRST_EXACT - 1)
            firsts.append(cut[: k + FIRST_EXACT])
            rests.append(cut[k + FIRST_EXACT :])
        else:
            firsts.append(np.arange(len(items)))
            rests.append(np.zeros(0, np.int64))

    def completed(picks: list[np.ndarray]) -> list[np.ndarray]:
        owners = np.concatenate([np.full(len(pick), p[0]) for pick, p in zip(picks, pending, strict=True)])
        items = np.concatenate([p[1][pick] for pick, p in zip(picks, pending, strict=True)])
        extra = (
            _common_parts(common, owners, items, catalogue, kind) if len(items) else np.zeros(0, np.float32)
        )
        return np.split(extra, np.cumsum([len(pick) for pick in picks])[:-1])

    first_extra = completed(firsts)
    seconds = []
    for (_, _, sims, prox, lower, bound), first, rest, extra in zip(
        pending, firsts, rests, first_extra, strict=True
    ):
        exact = sims[first] + extra + weight * prox[first]
        kth = np.partition(exact, len(exact) - k)[len(exact) - k] if len(exact) >= k else -np.inf
        seconds.append(rest[lower[rest] + bound >= kth])
    second_extra = completed(seconds)
    out = []
    for p, first, second, e1, e2 in zip(pending, firsts, seconds, first_extra, second_extra, strict=True):
        _, items, sims, prox, _, _ = p
        pick = np.concatenate([first, second])
        full = sims[pick] + np.concatenate([e1, e2])
        top_items, _, top_sims = _top(items[pick], full + weight * prox[pick], full, k)
        out.append((top_items, top_sims))
    return out


def _finish(
    block: WorkerBlock, b: int, catalogue: Catalogue, kind: Kind, found: tuple[np.ndarray, ...], k: int
) -> Candidates:
    """Top k from the touched items with exact similarities (dense fallback when needed)."""
    items, sims, _, scores = found
    if len(items) >= k:
        top_items, top_scores, top_sims = _top(items, scores, sims, k)
        if top_scores[-1] > PROXIMITY_WEIGHT:  # no untouched item can beat the k-th: exact
            return top_items, top_sims
    return _dense(block, b, catalogue, kind, items, sims, scores, k)


def generate_block(
    block: WorkerBlock, catalogue: Catalogue, *, kind: Kind, k: int = 200, chunk: int = DEFAULT_CHUNK
) -> list[Candidates]:
    """Candidates for every worker of a prepared block.

    The product runs on each worker's essential columns only (`split_common`); an item the common
    columns alone touch scores at most bound + PROXIMITY_WEIGHT, and a touched item at most its
    essential score + bound. When the k-th best essential score beats the first, the top k lies
    among the touched items whose essential score + bound reaches it, and those get their exact
    similarity (a per-pair dot with the common columns); otherwise the worker's full row is
    multiplied. The result is the same top k as the full product's."""
    n = block.size
    if k <= 0:
        return [(np.zeros(0, np.int64), np.zeros(0, np.float32)) for _ in range(n)]
    essential, common, bound = split_common(block, catalogue, kind)
    found = _touched(essential, block, np.arange(n), catalogue, kind, chunk)
    out: list[Candidates | None] = [None] * n
    pending: list[Pending] = []
    full: list[int] = []
    for b in range(n):
        items, sims, prox, scores = found[b]
        if bound[b] == 0:
            out[b] = _finish(block, b, catalogue, kind, found[b], k)
            continue
        if len(items) >= k:
            kth = float(np.partition(scores, len(scores) - k)[len(scores) - k])
            if kth > bound[b] + PROXIMITY_WEIGHT:
                short = np.flatnonzero(scores + bound[b] >= kth)
                if len(short) <= SHORTLIST_CAP:
                    pending.append(
                        (b, items[short], sims[short], prox[short], scores[short], float(bound[b]))
                    )
                    continue
        full.append(b)
    if pending:
        for p, result in zip(pending, _complete(common, pending, catalogue, kind, k), strict=True):
            out[p[0]] = result
    if full:
        rows = np.array(full)
        again = _touched(block.vectors[rows], block, rows, catalogue, kind, chunk)
        for b, touched in zip(full, again, strict=True):
            out[b] = _finish(block, b, catalogue, kind, touched, k)
    return [o if o is not None else (np.zeros(0, np.int64), np.zeros(0, np.float32)) for o in out]


def generate(
    worker: WorkerData, catalogue: Catalogue, *, kind: Kind, k: int = 200, chunk: int = DEFAULT_CHUNK
) -> Candidates:
    """(item rows in the catalogue, similarity), best first, at most k."""
    return generate_block(prepare([worker], catalogue, kind=kind), catalogue, kind=kind, k=k, chunk=chunk)[0]

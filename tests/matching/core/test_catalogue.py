"""The shared sparse space: shapes, blocks, worker rows, persistence."""

from __future__ import annotations

import ast
import dataclasses
import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from matching.core import Catalogue, recommend
from matching.core.catalogue import BLOCK_WEIGHTS, CERT_COLUMNS
from matching.core.rankers import BaselineRanker
from matching.core.types import ItemData, WorkerData

from .helpers import (
    COOK,
    COOK_LEVEL,
    FOSHAN,
    TAXONOMY,
    WELDING,
    WELDING_LICENCE,
    job,
    random_items,
    random_workers,
    training,
    worker,
)

CORE = Path(__file__).resolve().parents[3] / "matching" / "core"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.build(random_items(7), TAXONOMY, version="t1")


def test_matrix_is_one_float32_csr_space_with_jobs_first(catalogue):
    m = catalogue.matrix
    assert sp.issparse(m)
    assert m.format == "csr"
    assert m.dtype == np.float32
    assert m.shape == (catalogue.n, catalogue.n_features)
    assert catalogue.ranges == {"job": (0, 600), "training": (600, 720)}
    assert (catalogue.kinds[:600] == 0).all()
    assert (catalogue.kinds[600:] == 1).all()
    blocks = list(catalogue.offsets.values())
    assert blocks[0][0] == 0
    assert blocks[-1][1] == catalogue.n_features
    assert all(a[1] == b[0] for a, b in itertools.pairwise(blocks))
    assert catalogue.offsets["certificate"][1] - catalogue.offsets["certificate"][0] == CERT_COLUMNS * len(
        catalogue.certificate_ids
    )
    assert len(catalogue.vocabulary) > 0  # the TF-IDF block is fitted


def test_each_block_is_normalised_and_weighted(catalogue):
    m = catalogue.matrix.tocsc()
    for name, (lo, hi) in catalogue.offsets.items():
        block = m[:, lo:hi].tocsr()
        norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
        filled = norms > 0
        if name in ("occupation", "brand", "delivery"):  # one-hot
            assert np.allclose(norms[filled], BLOCK_WEIGHTS[name])
        else:
            assert np.allclose(norms[filled], BLOCK_WEIGHTS[name], atol=1e-5)


def test_trainings_only_blocks_are_empty_for_jobs(catalogue):
    jobs = catalogue.matrix[: catalogue.ranges["job"][1]].tocsc()
    for name in ("brand", "delivery", "taught"):
        lo, hi = catalogue.offsets[name]
        assert jobs[:, lo:hi].nnz == 0


def test_worker_vector_is_a_row_of_the_same_space(catalogue):
    w = worker(
        skills={WELDING: worker().skills[WELDING]},
        certificates={COOK_LEVEL: 3, WELDING_LICENCE: None},
        desired_occupations=(COOK,),
        text="焊工 焊接 中式烹调师",
    )
    v = catalogue.worker_vector(w)
    assert sp.issparse(v)
    assert v.shape == (1, catalogue.n_features)
    assert v.dtype == np.float32
    cols = set(v.indices.tolist())
    assert catalogue.offsets["skill"][0] + catalogue.skill_index[WELDING] in cols
    assert catalogue.offsets["occupation"][0] + catalogue.occupation_index[COOK] in cols
    base = catalogue.offsets["certificate"][0] + catalogue.certificate_index[COOK_LEVEL] * CERT_COLUMNS
    # level 3 held: "any" and "at least 3, 4, 5" — a level-3 holder meets level-4 and -5 requirements
    assert {base, base + 3, base + 4, base + 5} <= cols
    assert base + 2 not in cols
    lo, hi = catalogue.offsets["text"]
    assert any(lo <= c < hi for c in cols)
    assert (v.data > 0).all()  # never negative: similarity is monotone in what the worker has


def test_build_is_deterministic_and_independent_of_input_order():
    items = random_items(3, 80, 20)
    a = Catalogue.build(items, TAXONOMY, version="a")
    b = Catalogue.build(list(reversed(items)), TAXONOMY, version="a")
    for kind in ("job", "training"):
        lo, hi = a.ranges[kind]
        order_a = {int(i): r for r, i in enumerate(a.ids[lo:hi])}
        order_b = {int(i): r for r, i in enumerate(b.ids[lo:hi])}
        assert order_a.keys() == order_b.keys()
    w = worker()
    ra = recommend(w, a, BaselineRanker(), kind="job")
    rb = recommend(w, b, BaselineRanker(), kind="job")
    assert [(r.item_id, round(r.score, 9)) for r in ra] == [(r.item_id, round(r.score, 9)) for r in rb]


def test_tiny_catalogue_still_builds_a_text_block():
    items = [job(1, text="独一无二的描述"), training(2, text="完全不同的内容")]
    catalogue = Catalogue.build(items, TAXONOMY, version="tiny")
    assert catalogue.n == 2
    assert catalogue.matrix.shape[1] == catalogue.n_features


def test_empty_kind_is_fine():
    catalogue = Catalogue.build([job(1), job(2, place=FOSHAN)], TAXONOMY, version="jobs-only")
    assert recommend(worker(), catalogue, BaselineRanker(), kind="training") == []
    assert len(recommend(worker(), catalogue, BaselineRanker(), kind="job")) == 2


def test_save_and_load_round_trip(tmp_path, catalogue):
    path = tmp_path / "catalogue.joblib"
    catalogue.save(path)
    loaded = Catalogue.load(path)
    assert loaded.version == "t1"
    assert (loaded.matrix != catalogue.matrix).nnz == 0
    for w in random_workers(5, 5):
        assert (loaded.worker_vector(w) != catalogue.worker_vector(w)).nnz == 0
        for kind in ("job", "training"):
            a = recommend(w, catalogue, BaselineRanker(), kind=kind)
            b = recommend(w, loaded, BaselineRanker(), kind=kind)
            assert [dataclasses.asdict(r) for r in a] == [dataclasses.asdict(r) for r in b]


def test_load_refuses_other_objects(tmp_path):
    import joblib

    path = tmp_path / "x.joblib"
    joblib.dump({"not": "a catalogue"}, path)
    with pytest.raises(ValueError, match="not a matching catalogue"):
        Catalogue.load(path)


def test_index_of(catalogue):
    row = catalogue.index_of("training", 50_003)
    assert catalogue.ids[row] == 50_003
    assert catalogue.kinds[row] == 1
    with pytest.raises(KeyError):
        catalogue.index_of("job", 50_003)


# -- purity: no Django in the core, no protected attributes in its inputs ------------------------


def test_the_core_imports_no_django():
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                pure = name in ("backend.common.geo", "backend.common.ranking_metrics") or name.startswith(
                    "backend.text"
                )
                assert pure or not name.startswith(("django", "backend", "rest_framework", "training")), (
                    path,
                    name,
                )
                assert not name.startswith("search"), (path, name)


def test_importing_the_core_loads_no_django():
    code = "import sys, matching.core; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=CORE.parents[1], check=False).returncode == 0


def test_no_gender_ethnicity_or_hukou_origin_inputs():
    forbidden = {"gender", "sex", "ethnicity", "ethnic", "nation", "nationality", "minzu", "province"}
    forbidden |= {"birth", "age", "education", "name", "religion"}
    for cls in (WorkerData, ItemData):
        for field in dataclasses.fields(cls):
            assert not forbidden & set(field.name.split("_")), (cls.__name__, field.name)
    hukou = [f.name for f in dataclasses.fields(WorkerData) if "hukou" in f.name]
    assert hukou == ["hukou"]  # a place, used only for a worker who wants to work near home

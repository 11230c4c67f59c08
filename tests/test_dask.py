"""respin.dask on a real distributed.LocalCluster with two worker processes.

Skipped when dask is not installed (pip install -e '.[test]' installs it).
"""
from __future__ import annotations

import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

import dask.bag as db  # noqa: E402

import respin  # noqa: E402
from respin.dask import fix_bag, fix_frame  # noqa: E402

TEXTS = [
    "Tariffs fell to fifteen p.c, the White Home said, easing the provide chain.",
    "The financial outlook is important, officials said.",
    "“We stated 5 p.c,” he said. The {industry} grew this yr.",
    "",
    "Shares rose 3 p.c in the provide chain {industry}.\nA second line, clean.\n",
] * 6


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


def test_fix_bag_equals_fix_text_per_record(client):
    got = fix_bag(db.from_sequence(TEXTS, npartitions=6)).compute()
    assert got == [respin.fix_text(t) for t in TEXTS]
    assert got[0] != TEXTS[0]


def test_fix_bag_passes_options(client):
    got = fix_bag(db.from_sequence(TEXTS, npartitions=3), threshold=50.0).compute()
    assert got == [respin.fix_text(t, threshold=50.0) for t in TEXTS]


def test_each_worker_loads_the_model_once(client):
    fix_bag(db.from_sequence(TEXTS, npartitions=12)).compute()
    fix_bag(db.from_sequence(TEXTS, npartitions=12)).compute()
    loads = client.run(lambda: __import__("respin.dask").dask.loads)
    assert len(loads) == 2
    assert set(loads.values()) <= {0, 1} and sum(loads.values()) >= 1


def test_fix_frame_restores_one_column_and_leaves_the_rest(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = pd.DataFrame({"id": range(len(TEXTS)), "body": TEXTS,
                          "other": ["p.c provide chain"] * len(TEXTS)})
    frame.loc[3, "body"] = None
    ddf = dd.from_pandas(frame, npartitions=4)
    out = fix_frame(ddf, "body").compute()
    want = [None if pd.isna(t) else respin.fix_text(t) for t in frame["body"]]
    assert [None if pd.isna(x) else x for x in out["body"]] == want
    assert out["other"].tolist() == frame["other"].tolist()
    assert out["id"].tolist() == frame["id"].tolist()
    assert list(out.columns) == list(frame.columns)


def test_fix_frame_names_a_missing_column():
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(pd.DataFrame({"a": ["x"]}), npartitions=1)
    with pytest.raises(KeyError, match="no column 'body'"):
        fix_frame(ddf, "body")

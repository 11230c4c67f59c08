"""Restore text at scale with Dask: a bag of texts, or one column of a dataframe.

Install with ``pip install 'respin[dask]'``. Both helpers are lazy, like
everything in Dask: they return a new bag or dataframe, and nothing runs until
``.compute()`` (or ``.persist()``, ``.to_textfiles()``...). Each record is
restored exactly as :func:`respin.fix_text` restores it, so a record is one
document: its spin evidence is its own.

Each worker process loads the lexicon and the language model once, on the
first partition it restores, then keeps them (and ``gc.freeze()``-s them, as
the CLI's workers do) for every later partition. Options are
:class:`respin.Config` fields, as for :func:`respin.fix_text`; extra lexicon
files must be readable at the same path on every worker.

>>> import dask.bag as db
>>> from respin.dask import fix_bag
>>> fix_bag(db.from_sequence(["Up 5 p.c.", "Clean text."]), threshold=2.0).compute(
...     scheduler="sync")
['Up 5 percent.', 'Clean text.']

See docs/scale.md for a local cluster, an existing one, and measured throughput.
"""
from __future__ import annotations

import threading
from typing import Any

from .config import Config, config_from_kwargs
from .fixes import fix_text

__all__ = ["fix_bag", "fix_frame"]

_warm: set[tuple] = set()
_lock = threading.Lock()
#: How many times this process loaded a lexicon and model (the tests check 1).
loads = 0


def _ready(config: Config) -> None:
    """Load the lexicon and model once per process and keep them out of the
    garbage collector's passes."""
    global loads
    key = (config.lexicons, config.use_default_lexicon)  # what the lexicon depends on
    if key in _warm:
        return
    with _lock:  # a worker with several threads still loads once
        if key in _warm:
            return
        import gc

        from .scoring import context_model

        config.lexicon()
        context_model()
        gc.freeze()
        _warm.add(key)
        loads += 1


def _fix_records(texts, config: Config) -> list[str]:
    _ready(config)
    return [fix_text(t, config) for t in texts]


def fix_bag(bag, config: Config | None = None, **options: Any):
    """A bag of restored texts, one per text of ``bag`` (a ``dask.bag.Bag`` of str).

    ``fix_bag(bag).compute() == [respin.fix_text(t) for t in bag.compute()]``.
    """
    config = config_from_kwargs(config, options)
    return bag.map_partitions(_fix_records, config)


def _fix_series(series, config: Config):
    import pandas as pd

    _ready(config)
    out = [t if not isinstance(t, str) and pd.isna(t) else fix_text(t, config) for t in series]
    return pd.Series(out, index=series.index, name=series.name, dtype=series.dtype)


def fix_frame(ddf, column: str, config: Config | None = None, **options: Any):
    """``ddf`` (a ``dask.dataframe.DataFrame``) with ``column`` restored.

    Every other column, the index and the dtypes are untouched; a missing
    value (None, NaN) in ``column`` stays missing, any other non-text value
    raises ``TypeError`` as :func:`respin.fix_text` does.
    """
    if column not in ddf.columns:
        raise KeyError(f"no column {column!r}; columns: {', '.join(map(str, ddf.columns))}")
    config = config_from_kwargs(config, options)
    restored = ddf[column].map_partitions(_fix_series, config, meta=ddf[column]._meta)
    return ddf.assign(**{column: restored})

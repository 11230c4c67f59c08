"""respin: restore machine-spun news text to its original wording.

>>> fix_text("Tariffs fell to fifteen p.c, the White Home said, easing the provide chain.")
'Tariffs fell to 15 percent, the White House said, easing the supply chain.'
"""

import sys as _sys
from types import ModuleType as _ModuleType

from . import _startup

_startup.defer_signals_if_cli()

from .config import Config  # noqa: E402
from .detect import SpinReport, explain_spin, looks_spun, spin_score
from .edits import Edit, ExplainedText, apply_edits
from .fixes import fix_and_explain, fix_lines, fix_text
from .lexicon import Entry, Lexicon, LexiconError, default_lexicon, load_lexicon

__version__ = "0.1.0"

#: Names imported on first use (start-up: ``fix_text`` needs none of these modules).
_LAZY = {"fix_html": "markup", "fix_markdown": "markup", "Record": "records",
         "RecordError": "records", "fix_documents": "records", "fix_records": "records",
         "learn": "learn"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


class _Package(_ModuleType):
    """``respin`` itself. ``respin.learn`` is the function :func:`respin.learn.learn`,
    while ``respin.learn`` is also the name of its module: importing that module
    (``from respin.learn import Pair``, the ``respin learn`` command) makes the
    import system bind the module here, which would shadow the function. That
    one binding is not made, so ``respin.learn`` stays the function (loaded on
    first use by :func:`__getattr__`); the module is ``sys.modules["respin.learn"]``."""

    def __setattr__(self, name: str, value) -> None:
        if name == "learn" and isinstance(value, _ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "Config",
    "Edit",
    "Entry",
    "ExplainedText",
    "Lexicon",
    "LexiconError",
    "Record",
    "RecordError",
    "SpinReport",
    "__version__",
    "apply_edits",
    "default_lexicon",
    "explain_spin",
    "fix_and_explain",
    "fix_documents",
    "fix_html",
    "fix_lines",
    "fix_markdown",
    "fix_records",
    "fix_text",
    "learn",
    "load_lexicon",
    "looks_spun",
    "spin_score",
]

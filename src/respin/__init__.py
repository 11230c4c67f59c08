"""respin: restore machine-spun news text to its original wording.

>>> fix_text("Tariffs fell to fifteen p.c, the White Home said, easing the provide chain.")
'Tariffs fell to 15 percent, the White House said, easing the supply chain.'
"""

from . import _startup

_startup.defer_signals_if_cli()

from .config import Config  # noqa: E402
from .detect import SpinReport, explain_spin, looks_spun, spin_score
from .edits import Edit, ExplainedText, apply_edits
from .fixes import fix_and_explain, fix_lines, fix_text
from .learn import learn
from .lexicon import Entry, Lexicon, LexiconError, default_lexicon, load_lexicon
from .markup import fix_html, fix_markdown
from .records import Record, RecordError, fix_documents, fix_records

__version__ = "0.1.0"

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

"""The frozen configuration object and input checks.

>>> Config().threshold
2.0
>>> Config(threshold=-1)
Traceback (most recent call last):
...
ValueError: threshold must be a finite number >= 0, not -1
>>> config_from_kwargs(None, {"treshold": 2})
Traceback (most recent call last):
...
TypeError: unknown option 'treshold'; valid options: lexicons, use_default_lexicon, threshold, preserve_case, fix_articles, max_segment_chars, quotes, names
"""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Config", "config_from_kwargs", "check_text", "BYTES_ERROR_TEXT"]

BYTES_ERROR_TEXT = (
    "respin works on str, not bytes: decode first, e.g. fix_text(data.decode('utf-8')); "
    "for a file of unknown encoding, ftfy.guess_bytes or charset detection can decide the codec"
)

#: Default decision threshold: the margin, in nats, by which the best reading
#: with a restoration must beat both the best reading without it and the best
#: reading with another original (see respin.resolve). Measured 2026-11-25 on
#: seed 001 plus the 12 dev articles (1,231 gold spans), P / F0.5: 0.914 / 0.832
#: at 1.0, 0.922 / 0.830 at 1.5, 0.930 / 0.829 at 2.0, 0.934 / 0.822 at 2.5,
#: 0.935 / 0.808 at 3.0, 0.956 / 0.776 at 4.0, with no clean-text edit at any of
#: them (34 clean texts). F0.5 is flat from 1.0 to 2.0; 2.0 is its most precise
#: end. (Before rival originals counted, 2.5 was the peak: P 0.910, F0.5 0.825.)
DEFAULT_THRESHOLD = 2.0

#: Segments are the unit of document evidence and of parallel work. 200,000
#: characters is about 30,000 words: far longer than a news article, so an
#: article is one segment, and small enough to keep memory bounded on a crawl.
DEFAULT_MAX_SEGMENT_CHARS = 200_000

#: How quoted speech is treated (:attr:`Config.quotes`).
QUOTE_MODES = ("auto", "protect", "edit")
#: How capitalised words in names are treated (:attr:`Config.names`): the same modes.
NAME_MODES = QUOTE_MODES


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """How respin restores text. Every field has a documented default.

    lexicons
        Extra lexicon files (paths) to use besides the shipped one.
    use_default_lexicon
        Whether to use the shipped lexicon (default True).
    threshold
        Minimum margin, in nats, for an edit (default 2.0). Higher is more
        conservative. 0 applies every restoration the model prefers at all.
    preserve_case
        Give each restored original the capitalisation of the spun text.
    fix_articles
        Change "a"/"an" before a restored word when its first sound changes.
    max_segment_chars
        Longest run of text judged as one document (evidence is per segment).
    quotes
        Quoted speech: ``"auto"`` (default) leaves it alone unless the
        document's own evidence says its spinner rewrote quotes too (see
        docs/how-it-works.md, "Quoted speech"); ``"protect"`` never edits
        inside quotes; ``"edit"`` treats quotes like the rest of the text.
    names
        Capitalised words that look like parts of names ("Nationwide Guard",
        "Finest Purchase"): ``"auto"`` (default) leaves them alone unless the
        document's own evidence says its spinner rewrote names too (see
        docs/how-it-works.md, "Names"); ``"protect"`` never edits them;
        ``"edit"`` treats them like other words. ``name`` rows ("White Home")
        apply in every mode.
    """

    lexicons: tuple[str, ...] = ()
    use_default_lexicon: bool = True
    threshold: float = DEFAULT_THRESHOLD
    preserve_case: bool = True
    fix_articles: bool = True
    max_segment_chars: int = DEFAULT_MAX_SEGMENT_CHARS
    quotes: str = "auto"
    names: str = "auto"

    def __post_init__(self) -> None:
        if isinstance(self.lexicons, (str, Path)):
            object.__setattr__(self, "lexicons", (str(self.lexicons),))
        else:
            try:
                object.__setattr__(self, "lexicons", tuple(str(p) for p in self.lexicons))
            except TypeError:
                raise ValueError(f"lexicons must be a sequence of paths, not {self.lexicons!r}") from None
        th = self.threshold
        if isinstance(th, bool) or not isinstance(th, (int, float)) or not math.isfinite(th) or th < 0:
            raise ValueError(f"threshold must be a finite number >= 0, not {th!r}")
        for name in ("use_default_lexicon", "preserve_case", "fix_articles"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, not {getattr(self, name)!r}")
        m = self.max_segment_chars
        if isinstance(m, bool) or not isinstance(m, int) or m < 1000:
            raise ValueError(f"max_segment_chars must be an int >= 1000, not {m!r}")
        for name, modes in (("quotes", QUOTE_MODES), ("names", NAME_MODES)):
            if getattr(self, name) not in modes:
                raise ValueError(f"{name} must be one of {', '.join(map(repr, modes))}, "
                                 f"not {getattr(self, name)!r}")
        if not self.use_default_lexicon and not self.lexicons:
            raise ValueError("use_default_lexicon=False needs at least one file in lexicons")

    def lexicon(self):
        """The :class:`~respin.lexicon.Lexicon` this configuration uses (cached)."""
        return _lexicon_for(self.lexicons, self.use_default_lexicon)


@functools.lru_cache(maxsize=16)
def _lexicon_for(paths: tuple[str, ...], use_default: bool):
    """The shipped lexicon (as loaded, prebuilt) extended by the files' rows:
    only their rows are checked and indexed (``lexicon.extend_lexicon``)."""
    from .lexicon import default_lexicon, extend_lexicon, load_lexicon

    base = default_lexicon() if use_default else None
    loaded = [load_lexicon(p) for p in paths]
    if base is None:
        base, loaded = loaded[0], loaded[1:]
    return extend_lexicon(base, loaded)


_FIELDS = tuple(f.name for f in dataclasses.fields(Config))


def config_from_kwargs(config: Config | None, kwargs: dict[str, Any]) -> Config:
    """Merge keyword options into ``config`` (as ftfy's ``_config_from_kwargs``)."""
    if config is not None and not isinstance(config, Config):
        raise TypeError(f"config must be a respin.Config, not {type(config).__name__}")
    for key in kwargs:
        if key not in _FIELDS:
            raise TypeError(f"unknown option {key!r}; valid options: {', '.join(_FIELDS)}")
    base = config or Config()
    return dataclasses.replace(base, **kwargs) if kwargs else base


def check_text(text: object) -> None:
    """Raise ``TypeError`` unless ``text`` is a ``str`` (with advice for bytes)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError(BYTES_ERROR_TEXT)
    if not isinstance(text, str):
        raise TypeError(f"respin works on str, not {type(text).__name__}")

"""Progress bars for long work (imports, training, backfills): on a terminal only, never in a log."""

from __future__ import annotations

import sys

from tqdm import tqdm


def progress_bar(iterable=None, *, enabled: bool = True, **kwargs) -> tqdm:
    """A tqdm bar on stderr when ``enabled`` and stderr is a terminal; otherwise a silent one (same interface)."""
    stream = kwargs.pop("file", sys.stderr)
    on = enabled and hasattr(stream, "isatty") and stream.isatty()
    return tqdm(iterable, disable=not on, file=stream, **kwargs)

"""Mail sources: turn paths into a stream of RawMessage, one at a time."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

from tystnad.errors import SourceUnavailable
from tystnad.model import RawMessage, Skipped
from tystnad.sources.eml import read_eml_file, read_eml_folder
from tystnad.sources.maildir import is_maildir, read_maildir
from tystnad.sources.mbox import load, looks_like_mbox, read_mbox

__all__ = ["open_sources", "open_source", "load"]


def open_source(path: Path) -> Iterator[RawMessage | Skipped]:
    """Recognise what `path` is (eml, folder, mbox, mbox.gz, Maildir) and stream it."""
    if not path.exists():
        raise SourceUnavailable(f"{path}: no such file or folder")
    if path.is_dir():
        if is_maildir(path):
            return read_maildir(path)
        return read_eml_folder(path, read_other=open_source)
    if path.suffix == ".gz":
        return read_mbox(path, opener=gzip.open)
    if path.suffix.lower() == ".eml":
        return read_eml_file(path)
    if looks_like_mbox(path):
        return read_mbox(path, opener=open)
    # A single message saved without the .eml suffix (e.g. "message.txt").
    return read_eml_file(path)


def open_sources(paths: list[Path]) -> Iterator[RawMessage | Skipped]:
    """Check every path first, so a typo fails before a long scan starts."""
    streams = [open_source(path) for path in paths]
    for stream in streams:
        yield from stream

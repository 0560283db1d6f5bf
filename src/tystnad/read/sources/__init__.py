"""Mail sources: turn paths into a stream of RawMessage, one at a time. Each kind of source (a Maildir,
a folder of .eml files, an mbox, compressed or not, a single message) is a Source in SOURCES, asked in
order whether it recognises a path: a new kind is a new Source here, not another branch."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tystnad.errors import SourceUnavailable
from tystnad.model import RawMessage, Skipped
from tystnad.read.sources.eml import read_eml_file, read_eml_folder
from tystnad.read.sources.maildir import is_maildir, read_maildir
from tystnad.read.sources.mbox import load, looks_like_mbox, read_mbox

__all__ = ["SOURCES", "Source", "load", "open_source", "open_sources"]

Stream = Iterator[RawMessage | Skipped]


class Source(Protocol):
    """One kind of mail source. `read` checks what it can at once (a bad path fails before a long
    scan starts) and streams the messages lazily."""

    @property
    def name(self) -> str: ...

    def recognises(self, path: Path) -> bool: ...

    def read(self, path: Path) -> Stream: ...


@dataclass(frozen=True, slots=True)
class Kind:
    """A Source made of two functions, for the kinds that need no state of their own."""

    name: str
    recognises: Callable[[Path], bool]
    read: Callable[[Path], Stream]


def _is_gzip(path: Path) -> bool:
    return path.is_file() and path.suffix == ".gz"


def _is_eml(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".eml"


def _is_mbox(path: Path) -> bool:
    return path.is_file() and looks_like_mbox(path)


def _read_folder(path: Path) -> Stream:
    # An export folder mixes kinds: whatever is not an .eml inside goes back through the registry.
    return read_eml_folder(path, read_other=open_source)


# Asked in order; the first that recognises a path reads it.
SOURCES: tuple[Source, ...] = (
    Kind(name="maildir", recognises=lambda path: path.is_dir() and is_maildir(path), read=read_maildir),
    Kind(name="eml folder", recognises=Path.is_dir, read=_read_folder),
    Kind(name="mbox.gz", recognises=_is_gzip, read=lambda path: read_mbox(path, opener=gzip.open)),
    Kind(name="eml", recognises=_is_eml, read=read_eml_file),
    Kind(name="mbox", recognises=_is_mbox, read=lambda path: read_mbox(path, opener=open)),
    # A single message saved without the .eml suffix (e.g. "message.txt").
    Kind(name="message", recognises=lambda path: True, read=read_eml_file),
)


def open_source(path: Path) -> Stream:
    """Recognise what `path` is (Maildir, folder, mbox, mbox.gz, eml) and stream it."""
    if not path.exists():
        raise SourceUnavailable(f"{path}: no such file or folder")
    source = next(source for source in SOURCES if source.recognises(path))
    return source.read(path)


def open_sources(paths: list[Path]) -> Stream:
    """Check every path first, so a typo fails before a long scan starts. One of several sources that
    exists but cannot be read (an .mbox.gz that is no gzip) is reported and skipped, like a broken
    message: the rest of the mailbox is still scanned. A single source that cannot be read fails."""
    streams: list[Stream] = []
    for path in paths:
        try:
            streams.append(open_source(path))
        except SourceUnavailable as error:
            if len(paths) == 1 or not path.exists():
                raise
            streams.append(iter([Skipped(origin=str(path), reason=str(error).removeprefix(f"{path}: "))]))
    for stream in streams:
        yield from stream

"""Single .eml files and folders of them (searched recursively)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from tystnad.errors import SourceUnavailable
from tystnad.model import RawMessage, Skipped
from tystnad.read.sources.maildir import is_maildir

# Files that mail clients and exports leave beside messages and that are never mail.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
IGNORED_SUFFIXES = frozenset({".json", ".csv", ".txt.meta", ".plist", ".py", ".md"})


def read_eml_file(path: Path) -> Iterator[RawMessage]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceUnavailable(f"{path}: cannot read ({error.strerror})") from error
    return iter([RawMessage(data=data, origin=str(path))])


def read_eml_folder(
    folder: Path, *, read_other: Callable[[Path], Iterator[RawMessage | Skipped]]
) -> Iterator[RawMessage | Skipped]:
    """Walk in sorted order so scans are reproducible across file systems. mbox files and
    Maildirs found inside (exports mix them) go to `read_other`."""
    for root, directories, files in os.walk(folder):
        directories.sort()
        for name in list(directories):
            if is_maildir(Path(root, name)):
                directories.remove(name)
                yield from read_other(Path(root, name))
        for name in sorted(files):
            path = Path(root, name)
            if name in IGNORED_NAMES or name.startswith(".") or path.suffix in IGNORED_SUFFIXES:
                continue
            yield from read_folder_file(path, read_other=read_other)


def read_folder_file(
    path: Path, *, read_other: Callable[[Path], Iterator[RawMessage | Skipped]]
) -> Iterator[RawMessage | Skipped]:
    """One file of an export folder: a message, or an mbox (by its suffix or its first line)."""
    if path.suffix.lower() in (".gz", ".mbox", ".mbx"):
        try:
            inner = read_other(path)
        except SourceUnavailable as error:
            # Inside a folder, a stray archive is one unreadable item, not a failed scan.
            yield Skipped(origin=str(path), reason=str(error).removeprefix(f"{path}: "))
            return
        yield from inner
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        yield Skipped(origin=str(path), reason=f"cannot read ({error.strerror})")
        return
    if data.startswith(b"From ") and b"\nFrom " in data:
        yield from read_other(path)  # an mbox without the suffix
    elif data:
        yield RawMessage(data=data, origin=str(path))

"""Single .eml files and folders of them (searched recursively)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from tystnad.errors import SourceUnavailable
from tystnad.model import RawMessage, Skipped

# Files that mail clients and exports leave beside messages and that are never mail.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
IGNORED_SUFFIXES = frozenset({".json", ".csv", ".txt.meta", ".plist", ".py", ".md"})


def read_eml_file(path: Path) -> Iterator[RawMessage]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceUnavailable(f"{path}: cannot read ({error.strerror})") from error
    return iter([RawMessage(data=data, origin=str(path))])


def read_eml_folder(folder: Path) -> Iterator[RawMessage | Skipped]:
    """Walk in sorted order so scans are reproducible across file systems."""
    for root, directories, files in os.walk(folder):
        directories.sort()
        for name in sorted(files):
            path = Path(root, name)
            if name in IGNORED_NAMES or name.startswith(".") or path.suffix in IGNORED_SUFFIXES:
                continue
            if path.suffix.lower() == ".gz":
                continue
            try:
                data = path.read_bytes()
            except OSError as error:
                yield Skipped(origin=str(path), reason=f"cannot read ({error.strerror})")
                continue
            if data:
                yield RawMessage(data=data, origin=str(path))

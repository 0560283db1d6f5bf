"""Maildir folders (Dovecot, mutt, offlineimap), including Maildir++ subfolders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tystnad.model import RawMessage, Skipped


def is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _folders(root: Path) -> Iterator[Path]:
    yield root
    # Maildir++ keeps subfolders as dot-directories beside cur/new/tmp.
    for child in sorted(root.iterdir()):
        if child.is_dir() and child.name.startswith(".") and is_maildir(child):
            yield child


def maildir_files(root: Path) -> Iterator[Path]:
    """The message files, in reading order: new before cur, subfolders after their parent."""
    for folder in _folders(root):
        for sub in ("new", "cur"):
            for path in sorted((folder / sub).iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    yield path


def read_maildir(root: Path) -> Iterator[RawMessage | Skipped]:
    """Read files directly, never renaming them: reading must not mark mail as seen."""
    for path in maildir_files(root):
        try:
            data = path.read_bytes()
        except OSError as error:
            yield Skipped(origin=str(path), reason=f"cannot read ({error.strerror})")
            continue
        yield RawMessage(data=data, origin=str(path))

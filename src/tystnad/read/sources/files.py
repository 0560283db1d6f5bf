"""The mail files behind the sources a scan names, one by one and in reading order, so that a message
index can tell which of them changed since the last scan and read only those.

A Maildir is its message files, a folder of exports its files (an mbox inside is one file), an mbox
or a single message itself. `read_file` reads one of them exactly as `open_sources` would have read
it inside its source, so a scan through the index gives the same messages in the same order."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tystnad.errors import SourceUnavailable
from tystnad.model import RawMessage, Skipped
from tystnad.read.sources import open_source
from tystnad.read.sources.eml import IGNORED_NAMES, IGNORED_SUFFIXES, read_folder_file
from tystnad.read.sources.maildir import is_maildir, maildir_files
from tystnad.read.sources.mbox import read_mbox_from

__all__ = ["MailFile", "mail_files", "read_file"]

Stream = Iterator[RawMessage | Skipped]


@dataclass(frozen=True, slots=True)
class MailFile:
    path: Path
    # How its source reads it: "maildir" (one message), "folder" (a file in an export folder: a
    # message, or an mbox), "source" (named by the user: anything open_source recognises).
    role: str


def mail_files(paths: list[Path]) -> list[MailFile]:
    """Every file, in the order open_sources reads them. A path that does not exist fails at once."""
    for path in paths:
        if not path.exists():
            raise SourceUnavailable(f"{path}: no such file or folder")
    found: list[MailFile] = []
    for path in paths:
        if path.is_dir() and is_maildir(path):
            found += [MailFile(file, "maildir") for file in maildir_files(path)]
        elif path.is_dir():
            found += _folder(path)
        else:
            found.append(MailFile(path, "source"))
    # A file named twice (a folder and a file inside it) is one file of the index, read once.
    first = {file.path: index for index, file in reversed(list(enumerate(found)))}
    return [file for index, file in enumerate(found) if first[file.path] == index]


def _folder(folder: Path) -> list[MailFile]:
    # The same walk as read_eml_folder: Maildirs first at each level, then the files, sorted.
    found: list[MailFile] = []
    for root, directories, files in os.walk(folder):
        directories.sort()
        for name in list(directories):
            if is_maildir(Path(root, name)):
                directories.remove(name)
                found += [MailFile(file, "maildir") for file in maildir_files(Path(root, name))]
        for name in sorted(files):
            path = Path(root, name)
            if name in IGNORED_NAMES or name.startswith(".") or path.suffix in IGNORED_SUFFIXES:
                continue
            found.append(MailFile(path, "folder"))
    return found


def read_file(file: MailFile, *, single: bool, resume: tuple[int, int] | None = None) -> Stream:
    """The file's messages. `resume` (offset, count): a plain mbox that only grew, read from where it
    ended, its messages numbered on. `single`: the only source of the scan, whose failure is the
    scan's; otherwise an unreadable file is one skipped item and the scan goes on."""
    if resume is not None:
        return read_mbox_from(file.path, offset=resume[0], number=resume[1])
    if file.role == "maildir":
        try:
            return iter([RawMessage(data=file.path.read_bytes(), origin=str(file.path))])
        except OSError as error:
            return iter([Skipped(origin=str(file.path), reason=f"cannot read ({error.strerror})")])
    if file.role == "folder":
        return read_folder_file(file.path, read_other=open_source)
    try:
        return open_source(file.path)
    except SourceUnavailable as error:
        if single:
            raise
        return iter([Skipped(origin=str(file.path), reason=str(error).removeprefix(f"{file.path}: "))])

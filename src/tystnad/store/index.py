"""The message index: each mail file's messages as read last time, so a rescan reads only what is new.

A cache beside the store (index.sqlite3 under TYSTNAD_HOME), never the only copy of anything: it can
be deleted at any time and is rebuilt by the next scan. Each file is known by its size and change
time; an mbox that only grew keeps its old messages and is read from where it ended. The text
readings (phrase hits, time words) are kept by the message's content hash, so a message that joins
a deal later is read once, then remembered; a deal's judgement is kept by a key of everything it
read (its mail, the moment, the models, the mailbox's norm), so an untouched deal is not judged
twice for the same moment. Rows are pickled model objects under a `version` the
caller gives (its code and language data): another version's rows are never read.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tystnad.errors import StoreError
from tystnad.model import Diagnosis, Hit, Message, Moment, Skipped

__all__ = ["FileState", "MessageIndex", "open_index"]

_SCHEMA = 2
_TABLES = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    messages INTEGER NOT NULL,      -- how many items (messages and skipped) the file gave
    tail BLOB NOT NULL              -- its last bytes, to tell an mbox that only grew
);
CREATE TABLE IF NOT EXISTS items (
    path TEXT NOT NULL,
    seq INTEGER NOT NULL,
    item BLOB NOT NULL,
    PRIMARY KEY (path, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS readings (
    content_hash TEXT PRIMARY KEY,
    reading BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS judgements (
    key TEXT PRIMARY KEY,           -- the deal's mail and everything else its judgement reads
    diagnosis BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

Item = Message | Skipped
Reading = tuple[tuple[Hit, ...], tuple[Moment, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class FileState:
    size: int
    mtime_ns: int
    messages: int
    tail: bytes


class MessageIndex:
    def __init__(self, path: Path, *, version: str) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_TABLES)
            known = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            schema = self._db.execute("PRAGMA user_version").fetchone()[0]
            if known is None or known[0] != version or schema != _SCHEMA:
                # Another version of tystnad read these: start over rather than misread them.
                self._db.executescript("BEGIN; DELETE FROM files; DELETE FROM items; DELETE FROM readings; "
                                       "DELETE FROM judgements; COMMIT;")
                self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", (version,))
                self._db.execute(f"PRAGMA user_version = {_SCHEMA}")
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"{path}: cannot open the message index ({error})") from error

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> MessageIndex:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.close()

    def files(self) -> dict[str, FileState]:
        return {row[0]: FileState(size=row[1], mtime_ns=row[2], messages=row[3], tail=row[4])
                for row in self._db.execute("SELECT path, size, mtime_ns, messages, tail FROM files")}

    def items(self, path: str) -> Iterator[Item]:
        for (blob,) in self._db.execute("SELECT item FROM items WHERE path = ? ORDER BY seq", (path,)):
            yield pickle.loads(blob)  # noqa: S301  # our own rows, in the user's own home

    def save(self, path: str, state: FileState, items: Iterable[Item], *, first: int = 0) -> None:
        """The file's items from number `first` on (0: all of it, replacing what was there; more: an
        mbox that grew, its earlier items kept), in one transaction: a crash leaves the old state."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            if first == 0:
                self._db.execute("DELETE FROM items WHERE path = ?", (path,))
            else:
                self._db.execute("DELETE FROM items WHERE path = ? AND seq >= ?", (path, first))
            self._db.executemany("INSERT INTO items (path, seq, item) VALUES (?, ?, ?)",
                                 ((path, first + n, pickle.dumps(item, pickle.HIGHEST_PROTOCOL))
                                  for n, item in enumerate(items)))
            self._db.execute(
                "INSERT OR REPLACE INTO files (path, size, mtime_ns, messages, tail) VALUES (?, ?, ?, ?, ?)",
                (path, state.size, state.mtime_ns, state.messages, state.tail))
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot write the message index ({error})") from error

    def forget(self, paths: Iterable[str]) -> None:
        """Files that are gone (or no longer scanned): their messages leave the index."""
        gone = [(path,) for path in paths]
        if not gone:
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._db.executemany("DELETE FROM items WHERE path = ?", gone)
        self._db.executemany("DELETE FROM files WHERE path = ?", gone)
        self._db.execute("COMMIT")

    def readings(self, content_hashes: Iterable[str]) -> dict[str, Reading]:
        return self._pickled("readings", "content_hash", "reading", content_hashes)

    def save_readings(self, readings: dict[str, Reading]) -> None:
        if not readings:
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._db.executemany("INSERT OR REPLACE INTO readings (content_hash, reading) VALUES (?, ?)",
                             ((key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
                              for key, value in readings.items()))
        self._db.execute("COMMIT")

    def judgements(self, keys: Iterable[str]) -> dict[str, Diagnosis]:
        return self._pickled("judgements", "key", "diagnosis", keys)

    def _pickled(self, table: str, key_column: str, value_column: str, keys: Iterable[str]) -> dict[str, Any]:
        """The rows of `table` whose key is one of `keys`, their values unpickled."""
        found: dict[str, Any] = {}
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), 500):  # SQLite's limit on host parameters
            part = wanted[start:start + 500]
            marks = ",".join("?" * len(part))
            for key, blob in self._db.execute(
                    f"SELECT {key_column}, {value_column} FROM {table} WHERE {key_column} IN ({marks})", part):
                found[key] = pickle.loads(blob)  # noqa: S301  # our own rows, in the user's own home
        return found

    def keep_judgements(self, new: dict[str, Diagnosis], used: Iterable[str]) -> None:
        """This scan's new judgements saved, and only this scan's kept: the others are of a moment
        or a mailbox that has passed."""
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
        self._db.execute("DELETE FROM used")
        self._db.executemany("INSERT OR IGNORE INTO used (key) VALUES (?)", ((key,) for key in used))
        self._db.execute("DELETE FROM judgements WHERE key NOT IN (SELECT key FROM used)")
        self._db.executemany("INSERT OR REPLACE INTO judgements (key, diagnosis) VALUES (?, ?)",
                             ((key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)) for key, value in new.items()))
        self._db.execute("COMMIT")


def open_index(home: Path, *, version: str) -> MessageIndex:
    return MessageIndex(home / "index.sqlite3", version=version)

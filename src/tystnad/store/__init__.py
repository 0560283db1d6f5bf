"""The local SQLite store under TYSTNAD_HOME: scans and outcomes. The only module that speaks SQL.

WAL journal and one transaction per write: a crash mid-write loses nothing already recorded.
Migrations are numbered files beside this module, applied once each, never edited.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from tystnad.errors import StoreError
from tystnad.model import Outcome

__all__ = ["Store", "ScanRecord", "OUTCOMES", "open_store"]

OUTCOMES = ("replied", "meeting", "won", "lost", "no_reply", "sent", "snoozed")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanRecord:
    id: int
    created_at: datetime
    sources: tuple[str, ...]
    seller: str
    document: dict[str, Any]


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files(__package__).joinpath("migrations")
    found = [(int(entry.name.split("_", 1)[0]), entry.read_text("utf-8"))
             for entry in folder.iterdir() if entry.name.endswith(".sql")]
    return sorted(found)


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"{path}: cannot open the store ({error})") from error

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        for number, sql in _migrations():
            if number <= version:
                continue
            try:
                # One transaction per migration: a crash leaves the store at the previous version.
                self._db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.close()

    def record_scan(self, *, created_at: datetime, sources: list[str], seller: str, now: datetime,
                    text: str) -> int:
        """`text`: the scan's document as the contract's JSON."""
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO scans (created_at, analysis_moment, sources, seller, document)"
                " VALUES (?, ?, ?, ?, ?)",
                (created_at.isoformat(), now.isoformat(), json.dumps(sources), seller, text))
            return int(cursor.lastrowid or 0)

    def latest_scan(self) -> ScanRecord | None:
        row = self._db.execute(
            "SELECT id, created_at, sources, seller, document FROM scans ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return ScanRecord(id=row[0], created_at=datetime.fromisoformat(row[1]),
                          sources=tuple(json.loads(row[2])), seller=row[3], document=json.loads(row[4]))

    def scan_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM scans").fetchone()[0])

    def record_outcome(self, outcome: Outcome) -> None:
        if outcome.outcome not in OUTCOMES:
            raise StoreError(f"unknown outcome {outcome.outcome!r}; use one of {', '.join(OUTCOMES)}")
        with self._transaction():
            self._db.execute(
                "INSERT INTO outcomes (organization, outcome, note, recorded_at, play, until) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (outcome.organization, outcome.outcome, outcome.note, outcome.recorded_at.isoformat(),
                 outcome.play, outcome.until.isoformat() if outcome.until else None))

    def latest_outcomes(self) -> dict[str, Outcome]:
        rows = self._db.execute(
            "SELECT organization, outcome, note, recorded_at, play, until FROM outcomes "
            "WHERE id IN (SELECT max(id) FROM outcomes GROUP BY organization)").fetchall()
        return {row[0]: _outcome(row) for row in rows}

    def outcome_history(self) -> dict[str, list[Outcome]]:
        """Every deal's recorded outcomes, oldest first: what was tried, and when."""
        history: dict[str, list[Outcome]] = {}
        for row in self._db.execute(
                "SELECT organization, outcome, note, recorded_at, play, until FROM outcomes ORDER BY id"):
            history.setdefault(row[0], []).append(_outcome(row))
        return history

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def open_store(home: Path) -> Store:
    return Store(home / "tystnad.sqlite3")


def _outcome(row: tuple[Any, ...]) -> Outcome:
    return Outcome(organization=row[0], outcome=row[1], note=row[2], recorded_at=datetime.fromisoformat(row[3]),
                   play=row[4] or "", until=date.fromisoformat(row[5]) if row[5] else None)

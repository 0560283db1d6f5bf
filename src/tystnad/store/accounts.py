"""Mail accounts of every kind and how far each folder's local copy has got: the SQL for them, beside the
rest of the store's.

The store knows an account by its name and its kind; what the kind needs (a host and a port, a tenant)
is kept as JSON settings the kind reads, and a folder's sync position likewise, so a new kind needs no
new column. Never a secret: only where to find one."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tystnad.errors import StoreError
from tystnad.store import Store

__all__ = ["AccountRecord", "SyncedFolder", "Accounts", "JsonObject"]

# A JSON object as the kind wrote it; the kind that wrote it reads it back into its own frozen type.
JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountRecord:
    name: str
    kind: str  # "imap", ...: which kind reads `settings`
    settings: JsonObject


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncedFolder:
    account: str
    folder: str
    local_dir: str
    position: JsonObject  # how far the copy has got, in the kind's terms (IMAP: UIDVALIDITY and the last UID)
    synced_at: datetime | None


_ACCOUNT_COLUMNS = "name, kind, settings"
_FOLDER_COLUMNS = "account, folder, local_dir, position, synced_at"


def _account(row: tuple[object, ...]) -> AccountRecord:
    return AccountRecord(name=str(row[0]), kind=str(row[1]), settings=json.loads(str(row[2])))


def _folder(row: tuple[object, ...]) -> SyncedFolder:
    return SyncedFolder(account=str(row[0]), folder=str(row[1]), local_dir=str(row[2]),
                        position=json.loads(str(row[3])),
                        synced_at=None if row[4] is None else datetime.fromisoformat(str(row[4])))


def _json(value: JsonObject) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Accounts:
    """The accounts table and the per-folder sync state, over an open Store."""

    def __init__(self, store: Store) -> None:
        # The same package owns the connection: this module is part of the store, split by subject.
        self._db = store._db
        self._transaction = store._transaction

    def add(self, account: AccountRecord, *, created_at: datetime) -> None:
        try:
            with self._transaction():
                self._db.execute(
                    f"INSERT INTO accounts ({_ACCOUNT_COLUMNS}, created_at) VALUES (?, ?, ?, ?)",
                    (account.name, account.kind, _json(account.settings), created_at.isoformat()))
        except sqlite3.IntegrityError as error:
            raise StoreError(f"account {account.name!r} exists already; remove it first "
                             f"(`tystnad account remove {account.name}`)") from error

    def get(self, name: str) -> AccountRecord | None:
        row = self._db.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE name = ?", (name,)).fetchone()
        return None if row is None else _account(row)

    def all(self) -> list[AccountRecord]:
        rows = self._db.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY name").fetchall()
        return [_account(row) for row in rows]

    def remove(self, name: str) -> bool:
        with self._transaction():
            cursor = self._db.execute("DELETE FROM accounts WHERE name = ?", (name,))
        return cursor.rowcount > 0

    def folders(self, account: str) -> list[SyncedFolder]:
        rows = self._db.execute(f"SELECT {_FOLDER_COLUMNS} FROM synced_folders WHERE account = ? ORDER BY folder",
                                (account,)).fetchall()
        return [_folder(row) for row in rows]

    def folder(self, account: str, folder: str) -> SyncedFolder | None:
        row = self._db.execute(f"SELECT {_FOLDER_COLUMNS} FROM synced_folders WHERE account = ? AND folder = ?",
                               (account, folder)).fetchone()
        return None if row is None else _folder(row)

    def start_folder(self, account: str, folder: str, *, local_dir: str, position: JsonObject) -> None:
        """A folder seen for the first time, or renumbered by the server: nothing of it is copied yet."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO synced_folders (account, folder, local_dir, position) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (account, folder) DO UPDATE SET local_dir = excluded.local_dir,"
                " position = excluded.position, synced_at = NULL",
                (account, folder, local_dir, _json(position)))

    def advance(self, account: str, folder: str, *, position: JsonObject, at: datetime) -> None:
        """Every message up to `position` is safely on disk."""
        with self._transaction():
            self._db.execute(
                "UPDATE synced_folders SET position = ?, synced_at = ? WHERE account = ? AND folder = ?",
                (_json(position), at.isoformat(), account, folder))

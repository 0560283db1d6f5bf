"""IMAP accounts and how far each folder is synced: the SQL for them, beside the rest of the store's."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from tystnad.errors import StoreError
from tystnad.store import Store

__all__ = ["Account", "SyncedFolder", "Accounts", "TLS_MODES", "SECRET_KINDS"]

TLS_MODES = ("ssl", "starttls", "none")
# Where the secret comes from; the secret itself is never stored here.
SECRET_KINDS = ("env", "keyring", "prompt", "oauth_command")


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    name: str
    host: str
    port: int
    user: str
    tls: str
    secret: str
    password_env: str | None = None
    oauth_command: str | None = None
    extra_folders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncedFolder:
    account: str
    folder: str
    local_dir: str
    uidvalidity: int
    last_uid: int
    synced_at: datetime | None


_ACCOUNT_COLUMNS = "name, host, port, user, tls, secret, password_env, oauth_command, extra_folders"
_FOLDER_COLUMNS = "account, folder, local_dir, uidvalidity, last_uid, synced_at"


def _account(row: tuple[object, ...]) -> Account:
    return Account(name=str(row[0]), host=str(row[1]), port=int(str(row[2])), user=str(row[3]), tls=str(row[4]),
                   secret=str(row[5]), password_env=None if row[6] is None else str(row[6]),
                   oauth_command=None if row[7] is None else str(row[7]),
                   extra_folders=tuple(json.loads(str(row[8]))))


def _folder(row: tuple[object, ...]) -> SyncedFolder:
    return SyncedFolder(account=str(row[0]), folder=str(row[1]), local_dir=str(row[2]),
                        uidvalidity=int(str(row[3])), last_uid=int(str(row[4])),
                        synced_at=None if row[5] is None else datetime.fromisoformat(str(row[5])))


class Accounts:
    """The accounts table and the per-folder sync state, over an open Store."""

    def __init__(self, store: Store) -> None:
        # The same package owns the connection: this module is part of the store, split by subject.
        self._db = store._db
        self._transaction = store._transaction

    def add(self, account: Account, *, created_at: datetime) -> None:
        try:
            with self._transaction():
                self._db.execute(
                    f"INSERT INTO accounts ({_ACCOUNT_COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (account.name, account.host, account.port, account.user, account.tls, account.secret,
                     account.password_env, account.oauth_command, json.dumps(list(account.extra_folders)),
                     created_at.isoformat()))
        except sqlite3.IntegrityError as error:
            raise StoreError(f"account {account.name!r} exists already; remove it first "
                             f"(`tystnad account remove {account.name}`)") from error

    def get(self, name: str) -> Account | None:
        row = self._db.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE name = ?", (name,)).fetchone()
        return None if row is None else _account(row)

    def all(self) -> list[Account]:
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

    def start_folder(self, account: str, folder: str, *, local_dir: str, uidvalidity: int) -> None:
        """A folder seen for the first time, or whose UIDVALIDITY changed: nothing of it is copied yet."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO synced_folders (account, folder, local_dir, uidvalidity, last_uid)"
                " VALUES (?, ?, ?, ?, 0)"
                " ON CONFLICT (account, folder) DO UPDATE SET local_dir = excluded.local_dir,"
                " uidvalidity = excluded.uidvalidity, last_uid = 0, synced_at = NULL",
                (account, folder, local_dir, uidvalidity))

    def advance(self, account: str, folder: str, *, last_uid: int, at: datetime) -> None:
        """Every message up to `last_uid` is safely on disk."""
        with self._transaction():
            self._db.execute(
                "UPDATE synced_folders SET last_uid = max(last_uid, ?), synced_at = ?"
                " WHERE account = ? AND folder = ?",
                (last_uid, at.isoformat(), account, folder))

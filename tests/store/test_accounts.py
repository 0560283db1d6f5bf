"""The store's accounts: any kind's settings without a new column, and stores written by earlier versions
(built here as real SQLite files at migration 2) keeping their accounts and sync state."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dovecot import Dovecot
from factories import eml
from tystnad.accounts import ImapAccount, add_account, list_accounts, sync_account
from tystnad.store import open_store
from tystnad.store.accounts import AccountRecord, Accounts, SyncedFolder

MIGRATIONS = Path(__file__).parents[2] / "src" / "tystnad" / "store" / "migrations"
MOMENT = datetime(2026, 3, 20, 9, tzinfo=UTC)
PASSWORD_VARIABLE = "TYSTNAD_TEST_STORE_PASSWORD"

# Rows as tystnad wrote them at migration 2: (name, host, port, user, tls, secret, password_env,
# oauth_command, extra_folders as JSON, created_at) and (account, folder, local_dir, uidvalidity, last_uid,
# synced_at).
Version2Account = tuple[str, str, int, str, str, str, str | None, str | None, str, str]
Version2Folder = tuple[str, str, str, int, int, str | None]


def store_at_version_2(home: Path, accounts: list[Version2Account], folders: list[Version2Folder]) -> None:
    """A store exactly as the release with migrations 1 and 2 left it, rows and all."""
    home.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(home / "tystnad.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    for number, name in ((1, "0001_initial.sql"), (2, "0002_accounts.sql")):
        db.executescript(f"BEGIN;\n{(MIGRATIONS / name).read_text()}\nPRAGMA user_version = {number};\nCOMMIT;")
    db.executemany("INSERT INTO accounts (name, host, port, user, tls, secret, password_env, oauth_command,"
                   " extra_folders, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", accounts)
    db.executemany("INSERT INTO synced_folders (account, folder, local_dir, uidvalidity, last_uid, synced_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)", folders)
    db.close()


def test_an_account_of_any_kind_is_kept_without_a_new_column(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    accounts = Accounts(store)
    record = AccountRecord(name="office", kind="graph",
                           settings={"tenant": "saljab.onmicrosoft.com", "user": "anna@saljab.se",
                                     "folders": ["Inkorgen", "Skickade objekt"], "delta": None})
    accounts.add(record, created_at=MOMENT)
    assert accounts.get("office") == record and accounts.all() == [record]
    accounts.start_folder("office", "Inkorgen", local_dir="Inkorgen", position={"delta_link": ""})
    accounts.advance("office", "Inkorgen", position={"delta_link": "https://graph/…?$deltatoken=x"}, at=MOMENT)
    assert accounts.folders("office") == [SyncedFolder(account="office", folder="Inkorgen", local_dir="Inkorgen",
                                                       position={"delta_link": "https://graph/…?$deltatoken=x"},
                                                       synced_at=MOMENT)]
    assert accounts.remove("office") and accounts.folders("office") == []
    store.close()


def test_a_store_at_migration_2_keeps_its_accounts_and_sync_state(tmp_path: Path) -> None:
    created = MOMENT.isoformat()
    synced = "2026-03-19T17:45:00+01:00"
    store_at_version_2(tmp_path, accounts=[
        ("work", "outlook.office365.com", 993, "anna@saljab.se", "ssl", "env", "WORK_IMAP_PASSWORD", None,
         '["Kunder/Kvarnbyn", "Arkiv"]', created),
        ("gmail", "imap.gmail.com", 993, "anna@gmail.com", "ssl", "oauth_command", None, "oauth2l fetch --json",
         "[]", created),
        ("home", "127.0.0.1", 143, "anna", "none", "keyring", None, None, "[]", created),
    ], folders=[
        ("work", "INBOX", "INBOX", 1711000000, 4711, synced),
        ("work", "Skickade objekt", "Skickade-objekt-1a2b3c4d", 1711000001, 815, synced),
        ("gmail", "INBOX", "INBOX", 7, 0, None),
    ])
    store = open_store(tmp_path)
    accounts = Accounts(store)
    assert [(a.name, a.kind) for a in accounts.all()] == [("gmail", "imap"), ("home", "imap"), ("work", "imap")]
    assert [ImapAccount.from_settings(a.name, a.settings) for a in accounts.all()] == [
        ImapAccount(name="gmail", host="imap.gmail.com", port=993, user="anna@gmail.com", tls="ssl",
                    secret="oauth_command", oauth_command="oauth2l fetch --json"),
        ImapAccount(name="home", host="127.0.0.1", port=143, user="anna", tls="none", secret="keyring"),
        ImapAccount(name="work", host="outlook.office365.com", port=993, user="anna@saljab.se", tls="ssl",
                    secret="env", password_env="WORK_IMAP_PASSWORD", extra_folders=("Kunder/Kvarnbyn", "Arkiv")),
    ]
    assert accounts.folders("work") == [
        SyncedFolder(account="work", folder="INBOX", local_dir="INBOX",
                     position={"uidvalidity": 1711000000, "last_uid": 4711},
                     synced_at=datetime.fromisoformat(synced)),
        SyncedFolder(account="work", folder="Skickade objekt", local_dir="Skickade-objekt-1a2b3c4d",
                     position={"uidvalidity": 1711000001, "last_uid": 815},
                     synced_at=datetime.fromisoformat(synced))]
    assert accounts.folder("gmail", "INBOX") == SyncedFolder(
        account="gmail", folder="INBOX", local_dir="INBOX", position={"uidvalidity": 7, "last_uid": 0},
        synced_at=None)
    # The folders still belong to their account: removing it removes them.
    assert accounts.remove("work") and accounts.folders("work") == []
    store.close()
    with sqlite3.connect(tmp_path / "tystnad.sqlite3") as db:
        latest = max(int(path.name.split("_", 1)[0]) for path in MIGRATIONS.glob("*.sql"))
        assert db.execute("PRAGMA user_version").fetchone()[0] == latest
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert {row[2] for row in db.execute("PRAGMA foreign_key_list(synced_folders)")} == {"accounts"}
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"scans", "outcomes", "accounts", "synced_folders"}


def test_an_account_synced_at_migration_2_syncs_on_without_copying_again(
        dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Synced by today's code, its store then rewritten as migration 2 kept it: after the upgrade only new
    mail is copied, into the same local folders."""
    monkeypatch.setenv(PASSWORD_VARIABLE, dovecot.password)
    user = dovecot.new_user()
    dovecot.deliver_files(user, [eml(subject=f"Order {n}") for n in range(3)])
    home = tmp_path / "home"
    add_account(home, ImapAccount(name="work", host=dovecot.host, port=dovecot.port, user=user, tls="none",
                                  secret="env", password_env=PASSWORD_VARIABLE, extra_folders=("Arkiv",)))
    assert sync_account(home, "work").copied == 3
    store = open_store(home)
    (account,) = [ImapAccount.from_settings(a.name, a.settings) for a in Accounts(store).all()]
    folders = Accounts(store).folders("work")
    store.close()
    for path in home.glob("tystnad.sqlite3*"):
        path.unlink()
    store_at_version_2(home, accounts=[
        (account.name, account.host, account.port, account.user, account.tls, account.secret, account.password_env,
         account.oauth_command, '["Arkiv"]', MOMENT.isoformat())], folders=[
        (f.account, f.folder, f.local_dir, f.position["uidvalidity"], f.position["last_uid"],
         None if f.synced_at is None else f.synced_at.isoformat()) for f in folders])

    assert list_accounts(home) == [account]
    assert sync_account(home, "work").copied == 0
    dovecot.deliver_files(user, [eml(subject="Order 3")])
    again = sync_account(home, "work")
    assert [(f.folder, f.copied, f.kept, f.is_resynced) for f in again.folders] == [
        ("INBOX", 1, 4, False), ("Sent", 0, 0, False)]
    assert again.missing == ("Arkiv",)

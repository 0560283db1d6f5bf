"""Mail accounts the seller connects: the MailAccount protocol every kind implements, the registry of
kinds, and the functions the commands and the dashboard call. IMAP is the first kind.

Every kind copies new mail read-only into the account's local copy (Maildirs under
TYSTNAD_HOME/accounts/NAME/mail that a scan reads offline) and saves tystnad's drafts into the
account's own Drafts. The store keeps each account's name, kind and settings (a JSON object the
kind reads back), never a secret; a new kind is a new package here and one entry in KINDS."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol, Self

from tystnad.accounts.credentials import AskPassword, check_keyring
from tystnad.accounts.errors import AccountUnknown
from tystnad.accounts.imap import TLS_MODES, ImapAccount
from tystnad.accounts.localcopy import (
    CopyStatus,
    FolderResult,
    SyncProgress,
    SyncResult,
    account_root,
    copy_status,
    sync_lock,
)
from tystnad.errors import ConfigError
from tystnad.store import open_store
from tystnad.store.accounts import AccountRecord, Accounts

__all__ = ["MailAccount", "KINDS", "open_account", "list_accounts", "add_account", "remove_account",
           "default_account", "account_mail_folders", "sync_account", "save_draft", "copy_status",
           "check_keyring", "AskPassword", "SyncProgress", "SyncResult", "FolderResult", "CopyStatus",
           "ImapAccount", "TLS_MODES"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class MailAccount(Protocol):
    """One mailbox of one kind: its settings (never a secret) and what tystnad does with it.

    tests/accounts/test_conformance.py checks every kind in KINDS against this contract."""

    kind: ClassVar[str]  # its key in KINDS and in the store

    @property
    def name(self) -> str: ...

    @classmethod
    def from_settings(cls, name: str, settings: Mapping[str, Any]) -> Self:
        """The account as settings() recorded it."""

    def settings(self) -> dict[str, Any]:
        """What the store keeps, as a JSON object: where the mail is, never a secret."""

    def check(self) -> None:
        """Raise ConfigError, saying which flag to change, for settings that cannot work."""

    def describe(self) -> str:
        """One line for `tystnad account list`: whose mail, where, and where the secret comes from."""

    def keep_secret(self, password: str | None) -> None:
        """Keep the password given when the account is added, if its settings say so (the OS keyring)."""

    def forget_secret(self) -> None:
        """Delete whatever keep_secret kept; nothing kept is no error."""

    def sync(self, home: Path, *, ask_password: AskPassword | None = None, progress: SyncProgress | None = None,
             timeout: float | None = None) -> SyncResult:
        """Copy new mail into the local copy without changing anything on the server, recording each
        folder in the store; a sync that stops anywhere resumes without loss or duplicates. Called with
        the account's sync lock held."""

    def mail_folders(self, home: Path) -> list[Path]:
        """The local Maildirs a scan reads; NotSynced before the first sync."""

    def save_draft(self, home: Path, message: bytes, deal: str, *, ask_password: AskPassword | None = None,
                   timeout: float | None = None) -> str:
        """Put `message` (an .eml's bytes) in the account's Drafts, replacing tystnad's unchanged earlier
        draft for `deal`; returns where it went, for the seller to read. Never sends."""


KINDS: dict[str, type[MailAccount]] = {ImapAccount.kind: ImapAccount}


@contextmanager
def _accounts(home: Path) -> Iterator[Accounts]:
    with open_store(home) as store:
        yield Accounts(store)


def _load(record: AccountRecord) -> MailAccount:
    kind = KINDS.get(record.kind)
    if kind is None:
        raise ConfigError(f"account {record.name} is of the kind {record.kind!r}, which this tystnad does not "
                          f"know ({', '.join(KINDS)}); use the tystnad that added it, or "
                          f"`tystnad account remove {record.name}`")
    return kind.from_settings(record.name, record.settings)


def _record(accounts: Accounts, name: str) -> AccountRecord:
    record = accounts.get(name)
    if record is None:
        known = ", ".join(a.name for a in accounts.all()) or "none yet"
        raise AccountUnknown(f"no account {name!r} (known: {known}); add it with "
                             f"`tystnad account add {name} --host HOST --user USER`")
    return record


def open_account(home: Path, name: str) -> MailAccount:
    with _accounts(home) as accounts:
        return _load(_record(accounts, name))


def list_accounts(home: Path) -> list[MailAccount]:
    with _accounts(home) as accounts:
        return [_load(record) for record in accounts.all()]


def add_account(home: Path, account: MailAccount, *, password: str | None = None) -> None:
    """Record the account; a password given is kept where its settings say (the OS keyring), never in
    the store."""
    if not _NAME.fullmatch(account.name):
        raise ConfigError(f"account name {account.name!r}: use letters, digits, '.', '_' or '-' (e.g. work)")
    account.check()
    with _accounts(home) as accounts:
        if accounts.get(account.name) is not None:
            raise ConfigError(f"account {account.name!r} exists already; "
                              f"remove it first (`tystnad account remove {account.name}`)")
        account.keep_secret(password)
        accounts.add(AccountRecord(name=account.name, kind=account.kind, settings=account.settings()),
                     created_at=datetime.now().astimezone())


def remove_account(home: Path, name: str) -> bool:
    """Forget the account, its sync state, its local copy of the mail and its kept secret."""
    with _accounts(home) as accounts:
        record = accounts.get(name)
        if record is None:
            return False
        accounts.remove(name)
    shutil.rmtree(account_root(home, name), ignore_errors=True)
    if record.kind in KINDS:
        _load(record).forget_secret()
    return True


def default_account(home: Path, named: str | None, scanned_sources: tuple[str, ...] = ()) -> str:
    """--account if given, else the account the latest scan read, else the only account."""
    with _accounts(home) as accounts:
        if named is not None:
            return _record(accounts, named).name
        names = [a.name for a in accounts.all()]
    scanned = [source.removeprefix("account:") for source in scanned_sources if source.startswith("account:")]
    if len(set(scanned)) == 1 and scanned[0] in names:
        return scanned[0]
    if len(names) == 1:
        return names[0]
    if not names:
        raise AccountUnknown("no mail account yet; add one with "
                             "`tystnad account add NAME --host HOST --user USER`")
    raise AccountUnknown(f"several accounts ({', '.join(names)}); choose one with --account NAME")


def account_mail_folders(home: Path, name: str) -> list[Path]:
    """The local Maildirs a synced account's mail was copied to, for scanning offline."""
    return open_account(home, name).mail_folders(home)


def sync_account(home: Path, name: str, *, ask_password: AskPassword | None = None,
                 progress: SyncProgress | None = None, timeout: float | None = None) -> SyncResult:
    """Copy the account's new mail, one sync of an account at a time."""
    account = open_account(home, name)
    # Before the password is asked for or the server reached: a second sync fails at once.
    with sync_lock(account_root(home, name), name):
        return account.sync(home, ask_password=ask_password, progress=progress, timeout=timeout)


def save_draft(home: Path, name: str, message: bytes, deal: str, *, ask_password: AskPassword | None = None,
               timeout: float | None = None) -> str:
    """`message` (an .eml's bytes) into account `name`'s Drafts; returns where it went."""
    return open_account(home, name).save_draft(home, message, deal, ask_password=ask_password, timeout=timeout)

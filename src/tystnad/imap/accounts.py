"""Accounts: their settings in the store, their secrets outside it, their synced mail under TYSTNAD_HOME.

A password is never written by tystnad: it comes from an environment variable the account
names, from the OS keyring, or from a prompt; an OAuth2 access token comes from a command
the seller configures (their provider's helper prints it)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import keyring
import keyring.errors

from tystnad.errors import ConfigError
from tystnad.hosts import is_loopback
from tystnad.imap.errors import AccountUnknown, NotSynced, SecretUnavailable
from tystnad.store import open_store
from tystnad.store.accounts import TLS_MODES, Account, Accounts

__all__ = ["Credentials", "AskPassword", "add_account", "remove_account", "list_accounts", "get_account",
           "credentials_for", "account_mail_folders", "account_mail_root", "default_account", "KEYRING_SERVICE"]

KEYRING_SERVICE = "tystnad"
TOKEN_TIMEOUT_SECONDS = 60
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

AskPassword = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Credentials:
    user: str
    # Kept out of repr so a logged or printed Credentials never shows the secret.
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


@contextmanager
def _accounts(home: Path) -> Iterator[Accounts]:
    store = open_store(home)
    try:
        yield Accounts(store)
    finally:
        store.close()


def _check(account: Account) -> None:
    if not _NAME.fullmatch(account.name):
        raise ConfigError(f"account name {account.name!r}: use letters, digits, '.', '_' or '-' (e.g. work)")
    if account.tls not in TLS_MODES:
        raise ConfigError(f"--tls {account.tls!r}: use one of {', '.join(TLS_MODES)}")
    if account.tls == "none" and not is_loopback(account.host):
        raise ConfigError(f"--tls none sends the password in clear text: allowed only for this machine "
                          f"(127.0.0.1, localhost), not {account.host}; use --tls ssl or starttls")
    if not 0 < account.port < 65536:
        raise ConfigError(f"--port {account.port}: not a TCP port")


def add_account(home: Path, account: Account, *, password: str | None = None) -> None:
    """Record the account; with secret="keyring", `password` goes to the OS keyring, never to the store."""
    _check(account)
    with _accounts(home) as accounts:
        if accounts.get(account.name) is not None:
            raise ConfigError(f"account {account.name!r} exists already; "
                              f"remove it first (`tystnad account remove {account.name}`)")
        if account.secret == "keyring":
            if password is None:
                raise SecretUnavailable(f"account {account.name}: no password given to keep in the keyring")
            with _keyring_errors(account.name):
                keyring.set_password(KEYRING_SERVICE, account.name, password)
        accounts.add(account, created_at=datetime.now().astimezone())


def check_keyring(name: str) -> None:
    """Fail before asking for a password that could not be kept."""
    with _keyring_errors(name):
        keyring.get_password(KEYRING_SERVICE, name)


@contextmanager
def _keyring_errors(name: str) -> Iterator[None]:
    try:
        yield
    except keyring.errors.KeyringError as error:
        raise SecretUnavailable(
            f"account {name}: no usable OS keyring here ({error.__class__.__name__}); "
            f"use --password-env VAR instead, or leave both out to be asked at each sync") from error


def remove_account(home: Path, name: str) -> bool:
    """Forget the account, its sync state, its local copy of the mail and its keyring entry."""
    with _accounts(home) as accounts:
        account = accounts.get(name)
        if account is None:
            return False
        accounts.remove(name)
    shutil.rmtree(home / "accounts" / name, ignore_errors=True)
    if account.secret == "keyring":
        # Nothing was kept, or the keyring is gone: either way nothing is left to delete.
        with suppress(keyring.errors.KeyringError):
            keyring.delete_password(KEYRING_SERVICE, name)
    return True


def list_accounts(home: Path) -> list[Account]:
    with _accounts(home) as accounts:
        return accounts.all()


def get_account(accounts: Accounts, name: str) -> Account:
    account = accounts.get(name)
    if account is None:
        known = ", ".join(a.name for a in accounts.all()) or "none yet"
        raise AccountUnknown(f"no account {name!r} (known: {known}); add it with "
                             f"`tystnad account add {name} --host HOST --user USER`")
    return account


def account_mail_root(home: Path, name: str) -> Path:
    return home / "accounts" / name / "mail"


def account_mail_folders(home: Path, name: str) -> list[Path]:
    """The local Maildirs a synced account's mail was copied to, for scanning offline."""
    with _accounts(home) as accounts:
        get_account(accounts, name)
        synced = [folder for folder in accounts.folders(name) if folder.synced_at is not None]
    if not synced:
        raise NotSynced(f"account {name} has not been synced yet; run `tystnad sync {name}` first")
    root = account_mail_root(home, name)
    return [root / folder.local_dir for folder in synced]


def default_account(home: Path, named: str | None, scanned_sources: tuple[str, ...] = ()) -> str:
    """--account if given, else the account the latest scan read, else the only account."""
    with _accounts(home) as accounts:
        if named is not None:
            return get_account(accounts, named).name
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


def credentials_for(account: Account, ask_password: AskPassword | None) -> Credentials:
    if account.secret == "oauth_command":
        return Credentials(account.user, token=_run_token_command(account))
    if account.secret == "env":
        variable = account.password_env or ""
        # The account names its own variable: a secret, not a setting, so config.py does not read it.
        password = os.environ.get(variable)
        if not password:
            raise SecretUnavailable(f"account {account.name}: the environment variable {variable} that holds "
                                    f"the password is not set; export {variable}=… and run again")
        return Credentials(account.user, password=password)
    if account.secret == "keyring":
        with _keyring_errors(account.name):
            password = keyring.get_password(KEYRING_SERVICE, account.name)
        if not password:
            raise SecretUnavailable(f"account {account.name}: no password in the OS keyring; remove the "
                                    f"account and add it again with --keyring")
        return Credentials(account.user, password=password)
    if ask_password is None:
        raise SecretUnavailable(f"account {account.name}: its password is asked for at each use, and nobody "
                                f"can be asked here; use `tystnad sync {account.name}` in a terminal, or add "
                                f"the account with --password-env VAR")
    return Credentials(account.user, password=ask_password(f"Password for {account.user} at {account.host}"))


def _run_token_command(account: Account) -> str:
    command = shlex.split(account.oauth_command or "")
    where = f"account {account.name}: the token command"
    if not command:
        raise SecretUnavailable(f"{where} is empty; add the account again with --oauth-command \"CMD\"")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TOKEN_TIMEOUT_SECONDS)
    except FileNotFoundError as error:
        raise SecretUnavailable(f"{where} {command[0]!r} was not found; check --oauth-command") from error
    except subprocess.TimeoutExpired as error:
        raise SecretUnavailable(f"{where} did not finish within {TOKEN_TIMEOUT_SECONDS} s; "
                                f"run it by hand to see what it waits for") from error
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
        raise SecretUnavailable(f"{where} failed (exit {done.returncode}: {said}); run it by hand to see why")
    token = done.stdout.strip()
    if not token or any(character.isspace() for character in token):
        raise SecretUnavailable(f"{where} printed no single access token; it must print only the token")
    return token

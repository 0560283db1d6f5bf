"""Where an account's secret comes from, and getting it when a sync or a draft needs it.

A password is never written by tystnad: it comes from an environment variable the account
names, from the OS keyring, or from a prompt; an OAuth2 access token comes from a command
the seller configures (their provider's helper prints it). Any kind of account that logs in
with a user name and one of these uses this module."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Protocol

import keyring
import keyring.errors

from tystnad.accounts.errors import SecretUnavailable

__all__ = ["AskPassword", "Credentials", "SecretSource", "SECRET_SOURCES", "KEYRING_SERVICE", "credentials_for",
           "check_keyring", "keep_in_keyring", "forget_keyring"]

KEYRING_SERVICE = "tystnad"
TOKEN_TIMEOUT_SECONDS = 60
# Where the secret comes from; the secret itself is never stored.
SECRET_SOURCES = ("env", "keyring", "prompt", "oauth_command")

AskPassword = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Credentials:
    user: str
    # Kept out of repr so a logged or printed Credentials never shows the secret.
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


class SecretSource(Protocol):
    """What an account says about its secret (one of SECRET_SOURCES, and the variable or command)."""

    @property
    def name(self) -> str: ...

    @property
    def user(self) -> str: ...

    @property
    def secret(self) -> str: ...

    @property
    def password_env(self) -> str | None: ...

    @property
    def oauth_command(self) -> str | None: ...


def check_keyring(name: str) -> None:
    """Fail before asking for a password that could not be kept."""
    with _keyring_errors(name):
        keyring.get_password(KEYRING_SERVICE, name)


def keep_in_keyring(name: str, password: str | None) -> None:
    if password is None:
        raise SecretUnavailable(f"account {name}: no password given to keep in the keyring")
    with _keyring_errors(name):
        keyring.set_password(KEYRING_SERVICE, name, password)


def forget_keyring(name: str) -> None:
    # Nothing was kept, or the keyring is gone: either way nothing is left to delete.
    with suppress(keyring.errors.KeyringError):
        keyring.delete_password(KEYRING_SERVICE, name)


@contextmanager
def _keyring_errors(name: str) -> Iterator[None]:
    try:
        yield
    except keyring.errors.KeyringError as error:
        raise SecretUnavailable(
            f"account {name}: no usable OS keyring here ({error.__class__.__name__}); "
            f"use --password-env VAR instead, or leave both out to be asked at each sync") from error


def credentials_for(account: SecretSource, ask_password: AskPassword | None, *, prompt: str) -> Credentials:
    """`prompt` is what the seller is asked when the password comes from a prompt."""
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
    return Credentials(account.user, password=ask_password(prompt))


def _run_token_command(account: SecretSource) -> str:
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

"""The mail-server commands: account add/list/remove and sync."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tystnad.accounts import (
    TLS_MODES,
    AskPassword,
    ImapAccount,
    add_account,
    check_keyring,
    copy_status,
    list_accounts,
    remove_account,
    sync_account,
)
from tystnad.cli.common import ProgressLine
from tystnad.config import load_settings
from tystnad.errors import ConfigError
from tystnad.model import Draft
from tystnad.session import describe_store, save_deal_draft

# A first sync this large shows a progress line; small ones finish before it would be read.
PROGRESS_FROM = 1000


def ask_password(prompt: str) -> str:
    return str(click.prompt(prompt, hide_input=True, err=True))


def password_asker() -> AskPassword | None:
    """Only a person at a terminal can be asked (not cron, not a pipe)."""
    return ask_password if sys.stdin.isatty() else None


@click.group()
def account() -> None:
    """The mail accounts tystnad reads over IMAP (read-only; drafts go to their Drafts folder)."""


@account.command("add")
@click.argument("name")
@click.option("--host", required=True, help="IMAP server, e.g. outlook.office365.com or imap.gmail.com.")
@click.option("--port", type=int, help="Default: 993 with --tls ssl, else 143.")
@click.option("--user", required=True, help="Login name, usually the email address.")
@click.option("--tls", type=click.Choice(TLS_MODES), default="ssl", show_default=True,
              help="none only for a server on this machine.")
@click.option("--password-env", metavar="VAR", help="Read the password from this environment variable.")
@click.option("--keyring", "use_keyring", is_flag=True, help="Ask the password once; keep it in the OS keyring.")
@click.option("--oauth-command", metavar="CMD",
              help="XOAUTH2 (Microsoft 365, Gmail): a command that prints an access token.")
@click.option("--folder", "folders", multiple=True, help="Another folder to read besides Inbox and Sent.")
def add(name: str, host: str, port: int | None, user: str, tls: str, password_env: str | None,
        use_keyring: bool, oauth_command: str | None, folders: tuple[str, ...]) -> None:
    """Add account NAME. Without --password-env, --keyring or --oauth-command, the password
    is asked at each sync."""
    chosen = [kind for kind, given in (("env", password_env), ("keyring", use_keyring),
                                       ("oauth_command", oauth_command)) if given]
    if len(chosen) > 1:
        raise ConfigError("use only one of --password-env, --keyring and --oauth-command")
    secret = chosen[0] if chosen else "prompt"
    record = ImapAccount(name=name, host=host, port=port or (993 if tls == "ssl" else 143), user=user, tls=tls,
                         secret=secret, password_env=password_env, oauth_command=oauth_command,
                         extra_folders=folders)
    password = None
    if secret == "keyring":
        check_keyring(name)
        password = ask_password(f"Password for {user} at {host} (kept in the OS keyring)")
    settings = load_settings()
    add_account(settings.home, record, password=password)
    click.echo(f"added {name}: {user} at {host}:{record.port} ({tls}); next: tystnad sync {name}")


@account.command("list")
def list_() -> None:
    """The accounts, where their passwords come from, and how much mail is copied."""
    home = load_settings().home
    accounts = list_accounts(home)
    if not accounts:
        click.echo("no accounts; add one with `tystnad account add NAME --host HOST --user USER`")
        return
    for each in accounts:
        copied = copy_status(home, each.name)
        when = "never synced"
        if copied.synced_at is not None:
            when = (f"synced {copied.synced_at:%Y-%m-%d %H:%M}, {copied.messages:,} message"
                    + ("" if copied.messages == 1 else "s"))
        click.echo(f"{each.name}: {each.describe()}; {when}")


@account.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Forget account NAME and delete its local copy of the mail (nothing changes on the server)."""
    if not remove_account(load_settings().home, name):
        raise ConfigError(f"no account {name!r}; `tystnad account list` shows them")
    click.echo(f"removed {name} and its local copy")


class SyncProgressLine(ProgressLine):
    """Messages copied so far, for copies large enough to wait for."""

    def __call__(self, folder: str, done: int, total: int) -> None:
        if total >= PROGRESS_FROM:
            self.show(f"copying {folder}… {done:,} of {total:,} messages")


@click.command()
@click.argument("name", required=False)
def sync(name: str | None) -> None:
    """Copy new mail of account NAME (default: every account) to this machine, read-only."""
    home = load_settings().home
    names = [name] if name else [record.name for record in list_accounts(home)]
    if not names:
        raise ConfigError("no accounts; add one with `tystnad account add NAME --host HOST --user USER`")
    for each in names:
        progress = SyncProgressLine() if sys.stderr.isatty() else None
        try:
            result = sync_account(home, each, ask_password=password_asker(), progress=progress)
        finally:
            if progress is not None:
                progress.done()
        parts = [f"{f.folder} +{f.copied:,} ({f.kept:,} kept"
                 + ("; renumbered by the server, so copied again)" if f.is_resynced else ")")
                 for f in result.folders]
        click.echo(f"{each}: " + ", ".join(parts))
        for folder in result.missing:
            click.echo(f"tystnad: {each}: no folder {folder!r} on the server; skipped", err=True)
        for f in result.folders:
            if f.not_copied:
                click.echo(f"tystnad: {each}: {f.folder}: {f.not_copied:,} message"
                           + ("" if f.not_copied == 1 else "s")
                           + f" not copied (the server did not send one it still has); run `tystnad sync {each}`"
                           f" again", err=True)


def save_to_drafts(home: Path, account_name: str | None, written: Draft, organization: str) -> str:
    """draft --save: the account named, else the one the latest scan read, else the only one."""
    return save_deal_draft(home, written, organization, account=account_name,
                           scanned_sources=describe_store(home).latest_sources, ask_password=password_asker())

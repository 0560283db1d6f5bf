"""An IMAP account: where the server is, where the secret comes from (never the secret itself), and
what tystnad does with it (copy new mail read-only, save a draft), as every kind of account does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from tystnad.accounts.credentials import (
    SECRET_SOURCES,
    AskPassword,
    Credentials,
    credentials_for,
    forget_keyring,
    keep_in_keyring,
)
from tystnad.accounts.imap.drafts import append_draft
from tystnad.accounts.imap.sync import copy_new_mail
from tystnad.accounts.localcopy import SyncProgress, SyncResult, synced_mail_folders
from tystnad.errors import ConfigError
from tystnad.hosts import is_loopback

__all__ = ["ImapAccount", "TLS_MODES"]

TLS_MODES = ("ssl", "starttls", "none")
_SECRET_WORDS = {"env": "password from ${variable}", "keyring": "password in the OS keyring",
                 "prompt": "password asked at each use", "oauth_command": "XOAUTH2 token command"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ImapAccount:
    kind: ClassVar[str] = "imap"

    name: str
    host: str
    port: int
    user: str
    tls: str  # one of TLS_MODES
    secret: str  # one of SECRET_SOURCES
    password_env: str | None = None
    oauth_command: str | None = None
    extra_folders: tuple[str, ...] = ()  # read besides Inbox and Sent

    @classmethod
    def from_settings(cls, name: str, settings: Mapping[str, Any]) -> ImapAccount:
        return cls(name=name, host=str(settings["host"]), port=int(settings["port"]), user=str(settings["user"]),
                   tls=str(settings["tls"]), secret=str(settings["secret"]),
                   password_env=settings.get("password_env"), oauth_command=settings.get("oauth_command"),
                   extra_folders=tuple(settings.get("extra_folders", ())))

    def settings(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "user": self.user, "tls": self.tls, "secret": self.secret,
                "password_env": self.password_env, "oauth_command": self.oauth_command,
                "extra_folders": list(self.extra_folders)}

    def check(self) -> None:
        if self.tls not in TLS_MODES:
            raise ConfigError(f"--tls {self.tls!r}: use one of {', '.join(TLS_MODES)}")
        if self.tls == "none" and not is_loopback(self.host):
            raise ConfigError(f"--tls none sends the password in clear text: allowed only for this machine "
                              f"(127.0.0.1, localhost), not {self.host}; use --tls ssl or starttls")
        if not 0 < self.port < 65536:
            raise ConfigError(f"--port {self.port}: not a TCP port")
        if self.secret not in SECRET_SOURCES:
            raise ConfigError(f"account {self.name}: the password comes from {self.secret!r}; "
                              f"use one of {', '.join(SECRET_SOURCES)}")

    def describe(self) -> str:
        source = _SECRET_WORDS[self.secret].format(variable=self.password_env)
        return f"{self.user} at {self.host}:{self.port} ({self.tls}, {source})"

    def keep_secret(self, password: str | None) -> None:
        """With secret="keyring", `password` goes to the OS keyring, never to the store."""
        if self.secret == "keyring":
            keep_in_keyring(self.name, password)

    def forget_secret(self) -> None:
        if self.secret == "keyring":
            forget_keyring(self.name)

    def credentials(self, ask_password: AskPassword | None) -> Credentials:
        return credentials_for(self, ask_password, prompt=f"Password for {self.user} at {self.host}")

    def sync(self, home: Path, *, ask_password: AskPassword | None = None, progress: SyncProgress | None = None,
             timeout: float | None = None) -> SyncResult:
        """`timeout` bounds each wait for the server (default connect.TIMEOUT_SECONDS)."""
        return copy_new_mail(self, home, ask_password=ask_password, progress=progress, timeout=timeout)

    def mail_folders(self, home: Path) -> list[Path]:
        return synced_mail_folders(home, self.name)

    def save_draft(self, home: Path, message: bytes, deal: str, *, ask_password: AskPassword | None = None,
                   timeout: float | None = None) -> str:
        return append_draft(self, message, deal, ask_password=ask_password, timeout=timeout)

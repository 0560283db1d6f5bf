"""One contract every kind of mail account meets (scikit-learn's check_estimator, for mail accounts), run
against a real server for each kind in KINDS: IMAP against the session's Dovecot, and `dropfolder`, a
second kind defined here, beside it. The dropfolder kind then goes through the store, the commands and
the dashboard, none of which is changed for it: adding a kind touches neither the schema nor the web."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sqlite3
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

import pytest
from click.testing import CliRunner

from dovecot import Dovecot
from factories import conversation, eml, message_id_of
from tystnad.accounts import (
    KINDS,
    AskPassword,
    FolderResult,
    ImapAccount,
    MailAccount,
    SyncProgress,
    SyncResult,
    account_mail_folders,
    add_account,
    copy_status,
    list_accounts,
    open_account,
    remove_account,
    save_draft,
    sync_account,
)
from tystnad.accounts.errors import AccountUnknown, NotSynced, SyncRunning
from tystnad.accounts.localcopy import (
    LocalFolder,
    account_mail_root,
    account_root,
    local_name,
    sync_lock,
    synced_mail_folders,
)
from tystnad.cli import cli, parse_now, parse_seller
from tystnad.config import Settings
from tystnad.errors import ConfigError
from tystnad.read.sources import open_sources
from tystnad.session import resolve_sources
from tystnad.store import open_store
from tystnad.store.accounts import AccountRecord, Accounts
from tystnad.web.app import create_app
from tystnad.web.security import Guard
from tystnad.web.state import Scanner, ScanRequest, take_snapshot

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

NOW = "2026-03-20 09:00"
ME = "saljare.se"
PASSWORD_VARIABLE = "TYSTNAD_TEST_CONFORMANCE_PASSWORD"


# --- a second kind, defined outside tystnad ---------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class DropFolderAccount:
    """A "server" that is a folder holding INBOX/, Sent/ and Drafts/ of .eml files (a shared drive, an
    export drop). Built only from what every kind may use: the local copy, the store's sync state."""

    kind: ClassVar[str] = "dropfolder"
    FOLDERS: ClassVar[tuple[str, ...]] = ("INBOX", "Sent")

    name: str
    path: str

    @classmethod
    def from_settings(cls, name: str, settings: Mapping[str, Any]) -> DropFolderAccount:
        return cls(name=name, path=str(settings["path"]))

    def settings(self) -> dict[str, Any]:
        return {"path": self.path}

    def check(self) -> None:
        if not Path(self.path).is_absolute():
            raise ConfigError(f"--path {self.path}: give the whole path")

    def describe(self) -> str:
        return f"mail dropped in {self.path}"

    def keep_secret(self, password: str | None) -> None:
        """No secret: the folder is readable or it is not."""

    def forget_secret(self) -> None:
        """Nothing kept."""

    def sync(self, home: Path, *, ask_password: AskPassword | None = None, progress: SyncProgress | None = None,
             timeout: float | None = None) -> SyncResult:
        store = open_store(home)
        try:
            accounts = Accounts(store)
            folders = tuple(self._copy(accounts, home, folder) for folder in self.FOLDERS)
        finally:
            store.close()
        return SyncResult(account=self.name, folders=folders, missing=(), reconnects=0)

    def _copy(self, accounts: Accounts, home: Path, folder: str) -> FolderResult:
        state = accounts.folder(self.name, folder)
        local = LocalFolder(account_mail_root(home, self.name) / local_name(folder))
        if state is None:
            accounts.start_folder(self.name, folder, local_dir=local.path.name, position={"last": ""})
        last = "" if state is None else str(state.position["last"])
        local.create()
        new = [path for path in sorted((Path(self.path) / folder).glob("*.eml")) if path.name > last]
        for path in new:
            local.put(path.stem, path.read_bytes())
        local.make_durable()
        accounts.advance(self.name, folder, position={"last": new[-1].name if new else last},
                         at=datetime.now().astimezone())
        return FolderResult(folder=folder, copied=len(new), kept=local.count(), is_resynced=False)

    def mail_folders(self, home: Path) -> list[Path]:
        return synced_mail_folders(home, self.name)

    def save_draft(self, home: Path, message: bytes, deal: str, *, ask_password: AskPassword | None = None,
                   timeout: float | None = None) -> str:
        drafts = Path(self.path) / "Drafts"
        drafts.mkdir(exist_ok=True)
        target = drafts / f"tystnad-{hashlib.sha256(deal.encode()).hexdigest()[:16]}.eml"
        replacing = target.exists()
        target.write_bytes(message)
        return f"Drafts in {self.path}" + (", replacing the earlier draft" if replacing else "")


# --- each kind's server, seen from the test's side -----------------------------------------------------

class Mailbox(Protocol):
    """An account and its server, read and written by the test directly, never through the kind."""

    account: MailAccount
    secret: str | None  # must never reach the store

    def deliver(self, messages: list[bytes], folder: str = "INBOX") -> None: ...

    def mail(self) -> object:
        """Every message outside Drafts with what the server knows of it (flags): equal before and after
        anything that only reads."""

    def drafts(self) -> list[bytes]: ...


class ImapMailbox:
    def __init__(self, dovecot: Dovecot, name: str) -> None:
        self.dovecot, self.user = dovecot, dovecot.new_user()
        self.secret: str | None = dovecot.password
        self.account: MailAccount = ImapAccount(name=name, host=dovecot.host, port=dovecot.port, user=self.user,
                                                tls="none", secret="env", password_env=PASSWORD_VARIABLE)

    def deliver(self, messages: list[bytes], folder: str = "INBOX") -> None:
        client = self.dovecot.client(self.user)
        for data in messages:
            client.append(folder, data)
        client.logout()

    def _fetch(self, folders: Callable[[str], bool]) -> dict[tuple[str, int], tuple[tuple[bytes, ...], bytes]]:
        client = self.dovecot.client(self.user)
        found: dict[tuple[str, int], tuple[tuple[bytes, ...], bytes]] = {}
        for _, _, folder in client.list_folders():
            if not folders(folder):
                continue
            client.select_folder(folder, readonly=True)
            uids = client.search()
            for uid, item in (client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]) if uids else {}).items():
                found[(folder, uid)] = (tuple(sorted(item[b"FLAGS"])), bytes(item[b"BODY[]"]))
        client.logout()
        return found

    def mail(self) -> object:
        return self._fetch(lambda folder: folder != "Drafts")

    def drafts(self) -> list[bytes]:
        return [body for _, body in self._fetch(lambda folder: folder == "Drafts").values()]


class DropFolderMailbox:
    def __init__(self, root: Path, name: str) -> None:
        self.root = root
        self.secret: str | None = None
        self.account: MailAccount = DropFolderAccount(name=name, path=str(root))
        self._names = itertools.count(1)

    def deliver(self, messages: list[bytes], folder: str = "INBOX") -> None:
        (self.root / folder).mkdir(parents=True, exist_ok=True)
        for data in messages:
            (self.root / folder / f"{next(self._names):06d}.eml").write_bytes(data)

    def mail(self) -> object:
        return {(path.relative_to(self.root).as_posix(), path.stat().st_mtime_ns): path.read_bytes()
                for path in sorted(self.root.rglob("*.eml")) if path.parent.name != "Drafts"}

    def drafts(self) -> list[bytes]:
        return [path.read_bytes() for path in sorted((self.root / "Drafts").glob("*.eml"))]


def imap_mailbox(request: pytest.FixtureRequest, tmp_path: Path, name: str) -> Mailbox:
    # Dovecot starts only when an IMAP case runs.
    dovecot: Dovecot = request.getfixturevalue("dovecot")
    request.getfixturevalue("monkeypatch").setenv(PASSWORD_VARIABLE, dovecot.password)
    return ImapMailbox(dovecot, name)


def dropfolder_mailbox(request: pytest.FixtureRequest, tmp_path: Path, name: str) -> Mailbox:
    return DropFolderMailbox(tmp_path / "server", name)


# Every registered kind needs an entry: test_every_kind_is_checked fails until it has one.
MAILBOXES: dict[str, Callable[[pytest.FixtureRequest, Path, str], Mailbox]] = {
    ImapAccount.kind: imap_mailbox,
    DropFolderAccount.kind: dropfolder_mailbox,
}


@pytest.fixture
def with_dropfolder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the second kind beside IMAP, as a package of tystnad's would in KINDS."""
    monkeypatch.setitem(KINDS, DropFolderAccount.kind, DropFolderAccount)


@pytest.fixture(params=sorted(MAILBOXES))
def mailbox(request: pytest.FixtureRequest, tmp_path: Path, with_dropfolder: None) -> Mailbox:
    return MAILBOXES[request.param](request, tmp_path, "work")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def ids_in(folders: list[Path]) -> list[str]:
    """What a scan of the local copy reads: every message through the ordinary Maildir reader."""
    return sorted(message_id_of(item.data) for item in open_sources(folders) if hasattr(item, "data"))


def deal() -> tuple[list[bytes], list[bytes]]:
    """A Swedish deal gone quiet: (the customer's mail, the seller's sent mail)."""
    steps = [("seller", "2026-02-02 09:00"), ("customer", "2026-02-03 10:00"), ("seller", "2026-02-20 09:00")]
    messages = conversation(steps=steps)
    return [messages[1]], [messages[0], messages[2]]


# --- the contract ----------------------------------------------------------------------------------

def test_every_kind_is_checked(with_dropfolder: None) -> None:
    assert set(KINDS) <= set(MAILBOXES)


def test_the_kind_is_registered_under_its_name_and_its_settings_round_trip(mailbox: Mailbox) -> None:
    account = mailbox.account
    assert KINDS[account.kind] is type(account)
    stored = json.loads(json.dumps(account.settings()))
    assert type(account).from_settings(account.name, stored) == account
    account.check()
    assert account.describe() and "\n" not in account.describe()


def test_adding_records_the_kind_and_settings_and_never_a_secret(mailbox: Mailbox, home: Path) -> None:
    add_account(home, mailbox.account)
    assert list_accounts(home) == [mailbox.account]
    assert open_account(home, "work") == mailbox.account
    with pytest.raises(ConfigError, match="exists already"):
        add_account(home, mailbox.account)
    with pytest.raises(NotSynced, match="run `tystnad sync work` first"):
        account_mail_folders(home, "work")
    mailbox.deliver([eml()])
    sync_account(home, "work")
    if mailbox.secret is not None:
        stored = b"".join(path.read_bytes() for path in home.glob("tystnad.sqlite3*"))
        assert mailbox.secret.encode() not in stored


def test_sync_copies_the_mail_read_only_into_maildirs_a_scan_reads(mailbox: Mailbox, home: Path) -> None:
    inbox, sent = deal()
    others = [eml(subject="Fråga"), eml(subject="Beställning")]
    mailbox.deliver(inbox + others)
    mailbox.deliver(sent, "Sent")
    add_account(home, mailbox.account)
    before = mailbox.mail()
    result = sync_account(home, "work")
    assert mailbox.mail() == before
    assert result.account == "work" and result.copied == 5 and result.not_copied == 0
    assert {(f.folder, f.copied, f.kept) for f in result.folders} >= {("INBOX", 3, 3), ("Sent", 2, 2)}
    folders = account_mail_folders(home, "work")
    assert all(folder.is_relative_to(account_mail_root(home, "work")) for folder in folders)
    assert resolve_sources(["account:work"], home) == folders
    assert ids_in(folders) == sorted(message_id_of(data) for data in inbox + others + sent)


def test_sync_is_incremental_and_never_copies_a_message_twice(mailbox: Mailbox, home: Path) -> None:
    mailbox.deliver([eml(subject=f"Order {n}") for n in range(3)])
    add_account(home, mailbox.account)
    assert sync_account(home, "work").copied == 3
    assert sync_account(home, "work").copied == 0
    mailbox.deliver([eml(subject="Order 3")])
    mailbox.deliver([eml(subject="Skickat")], "Sent")
    again = sync_account(home, "work")
    assert {(f.folder, f.copied) for f in again.folders} >= {("INBOX", 1), ("Sent", 1)}
    ids = ids_in(account_mail_folders(home, "work"))
    assert len(ids) == len(set(ids)) == 5
    status = copy_status(home, "work")
    assert status.messages == 5 and status.synced_at is not None


def test_one_sync_of_an_account_at_a_time(mailbox: Mailbox, home: Path) -> None:
    add_account(home, mailbox.account)
    with sync_lock(account_root(home, "work"), "work"), pytest.raises(SyncRunning):
        sync_account(home, "work")


def test_a_draft_lands_in_drafts_once_per_deal_and_nothing_else_changes(mailbox: Mailbox, home: Path) -> None:
    mailbox.deliver([eml()])
    add_account(home, mailbox.account)
    before = mailbox.mail()
    first = save_draft(home, "work", eml(subject="SV: Offert", body="Första.\n"), "kvarnbyn.se")
    second = save_draft(home, "work", eml(subject="SV: Offert", body="Andra.\n"), "kvarnbyn.se")
    save_draft(home, "work", eml(subject="SV: Avtal", body="Annan affär.\n"), "sagverket.se")
    assert first and "Drafts" in first and "replacing the earlier draft" in second
    drafts = mailbox.drafts()
    assert len(drafts) == 2
    assert sum(b"Andra." in data for data in drafts) == 1
    assert not any("Första.".encode() in data for data in drafts)
    assert mailbox.mail() == before


def test_removing_forgets_the_account_and_its_local_copy(mailbox: Mailbox, home: Path) -> None:
    mailbox.deliver([eml()])
    add_account(home, mailbox.account)
    sync_account(home, "work")
    assert remove_account(home, "work") is True
    assert list_accounts(home) == [] and not account_root(home, "work").exists()
    with pytest.raises(AccountUnknown):
        open_account(home, "work")
    store = open_store(home)
    assert Accounts(store).folders("work") == []
    store.close()
    assert remove_account(home, "work") is False


def test_an_account_of_a_kind_this_tystnad_does_not_know_says_so_and_can_be_removed(home: Path) -> None:
    store = open_store(home)
    Accounts(store).add(AccountRecord(name="office", kind="graph", settings={"tenant": "saljab"}),
                        created_at=datetime.now().astimezone())
    store.close()
    with pytest.raises(ConfigError, match=r"account office is of the kind 'graph', which this tystnad does not "
                                          r"know \(imap\); .*`tystnad account remove office`"):
        sync_account(home, "office")
    assert remove_account(home, "office") is True


# --- a second kind through the store, the commands and the dashboard, none changed for it ------------------

def schema(home: Path) -> list[str]:
    with sqlite3.connect(home / "tystnad.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")]


def test_a_second_kind_lives_beside_imap_in_the_same_schema(dovecot: Dovecot, tmp_path: Path, home: Path,
                                                            with_dropfolder: None,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, dovecot.password)
    imap = ImapMailbox(dovecot, "work")
    dropped = DropFolderMailbox(tmp_path / "server", "drop")
    add_account(home, imap.account)
    before = schema(home)
    add_account(home, dropped.account)
    imap.deliver([eml()])
    dropped.deliver([eml()])
    assert sync_account(home, "work").copied == 1 and sync_account(home, "drop").copied == 1
    assert schema(home) == before
    assert [(a.name, a.kind) for a in list_accounts(home)] == [("drop", "dropfolder"), ("work", "imap")]


def test_a_second_kind_goes_through_the_commands_unchanged(
        tmp_path: Path, home: Path, with_dropfolder: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TYSTNAD_HOME", str(home))
    server = DropFolderMailbox(tmp_path / "server", "work")
    inbox, sent = deal()
    server.deliver(inbox)
    server.deliver(sent, "Sent")
    add_account(home, server.account)
    runner = CliRunner()

    def tystnad(*args: str) -> Any:
        done = runner.invoke(cli, list(args), catch_exceptions=False)
        assert done.exit_code == 0, done.output
        return done

    assert tystnad("account", "list").stdout == f"work: mail dropped in {server.root}; never synced\n"
    assert tystnad("sync").stdout == "work: INBOX +1 (1 kept), Sent +2 (2 kept)\n"
    assert "3 messages" in tystnad("account", "list").stdout
    assert "kvarnbyn.se" in tystnad("scan", "account:work", "--me", ME, "--now", NOW).stdout
    saved = tystnad("draft", "kvarnbyn.se", "--save")
    assert saved.stderr.strip() == f"saved in Drafts in {server.root}"
    (draft,) = server.drafts()
    assert b"To: anna.berg@kvarnbyn.se" in draft and message_id_of(inbox[0]).encode() in draft
    assert tystnad("account", "remove", "work").stdout.startswith("removed work")
    assert not account_root(home, "work").exists()


def test_a_second_kind_goes_through_the_dashboard_unchanged(
        tmp_path: Path, home: Path, with_dropfolder: None) -> None:
    server = DropFolderMailbox(tmp_path / "server", "work")
    inbox, sent = deal()
    server.deliver(inbox)
    server.deliver(sent, "Sent")
    add_account(home, server.account)
    sync_account(home, "work")
    request = ScanRequest(sources=("account:work",), seller=parse_seller(ME), seller_text=ME, now=parse_now(NOW),
                          settings=Settings(home=home, country="SE", timezone="Europe/Stockholm", workers=1))
    scanner = Scanner(request=request, snapshot=take_snapshot(request))
    web = TestClient(create_app(scanner, guard=Guard(host="127.0.0.1", port=8765, token=None)),
                     base_url="http://127.0.0.1:8765", follow_redirects=False)
    page = web.get("/deal/kvarnbyn.se")
    assert 'id="save-draft"' in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    saved = web.post("/deal/kvarnbyn.se/save-draft",
                     data={"csrf": csrf.group(1), "subject": "SV: Offert", "body": "Hej Anna, min egen text."})
    assert saved.status_code == 303, saved.text
    (draft,) = server.drafts()
    assert b"Hej Anna, min egen text." in draft

    # Rescan fetches the new mail first, through the same kind.
    messages = scanner.snapshot.result.messages
    server.deliver([eml(sender="Anna Berg <anna.berg@kvarnbyn.se>", subject="SV: Offert lagerautomation",
                        date="2026-03-19 15:00", in_reply_to=message_id_of(sent[-1]),
                        body="Hej Erik,\n\nVi vill gå vidare.\n\nAnna")])
    assert web.post("/rescan", data={"csrf": csrf.group(1)}).status_code == 303
    deadline = time.monotonic() + 60
    while scanner.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scanner.error is None and scanner.warning is None
    assert scanner.snapshot.result.messages == messages + 1


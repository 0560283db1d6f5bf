"""IMAP against a real Dovecot: read-only incremental sync, resume after a drop, renumbered folders,
drafts in the Drafts folder, one-line errors, and the commands end to end."""

from __future__ import annotations

import email
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from imapclient import IMAPClient

from dovecot import NON_ASCII_USER, PASSWORD_BEYOND_ASCII, UNICODE_USER, Dovecot, token_for
from factories import conversation, eml, free_port, message_id_of
from tystnad.accounts import ImapAccount, add_account, default_account, remove_account, save_draft, sync_account
from tystnad.accounts.errors import (
    AccountUnknown,
    ConnectionLost,
    LoginRefused,
    NotSynced,
    SecretUnavailable,
    SecureConnectionFailed,
    ServerRefused,
    ServerUnreachable,
    SyncRunning,
)
from tystnad.accounts.imap.folders import Listing, find_special_folder, folders_to_sync
from tystnad.accounts.imap.sync import BATCH_MESSAGES, UID_WINDOW, uid_windows
from tystnad.accounts.localcopy import LocalFolder, sync_lock
from tystnad.act.outgoing import draft_to_eml
from tystnad.cli.accounts import sync
from tystnad.errors import ConfigError
from tystnad.model import Draft
from tystnad.session import resolve_sources
from tystnad.store import open_store
from tystnad.store.accounts import Accounts

NOW = "2026-03-20 09:00"
PASSWORD_VARIABLE = "TYSTNAD_TEST_IMAP_PASSWORD"


def tystnad(*args: str, home: Path, password: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, as run_tystnad runs it, with the account's password in its variable."""
    env = {"TYSTNAD_HOME": str(home), "PATH": "/usr/bin:/bin"}
    if password is not None:
        env[PASSWORD_VARIABLE] = password
    # No terminal on stdin, even when the tests run in one: nobody is there to type a password.
    return subprocess.run([sys.executable, "-m", "tystnad", *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def password_in_env(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_VARIABLE, dovecot.password)
    return PASSWORD_VARIABLE


def account_for(dovecot: Dovecot, user: str, *, name: str = "work", **changes: object) -> ImapAccount:
    values: dict[str, object] = dict(name=name, host=dovecot.host, port=dovecot.port, user=user, tls="none",
                                     secret="env", password_env=PASSWORD_VARIABLE)
    values.update(changes)
    return ImapAccount(**values)  # type: ignore[arg-type]


def deal_mail() -> tuple[list[bytes], list[bytes]]:
    """A Swedish deal gone quiet: (the customer's mail, the seller's sent mail)."""
    steps = [("seller", "2026-02-02 09:00"), ("customer", "2026-02-03 10:00"), ("seller", "2026-02-20 09:00")]
    messages = conversation(steps=steps)
    return [messages[1]], [messages[0], messages[2]]


def server_state(dovecot: Dovecot, user: str) -> dict[tuple[str, int], tuple[bytes, ...]]:
    """Every message's flags in every folder, read with EXAMINE so reading them changes nothing."""
    client = dovecot.client(user)
    state = {}
    for _, _, folder in client.list_folders():
        client.select_folder(folder, readonly=True)
        uids = client.search()
        if uids:
            for uid, item in client.fetch(uids, ["FLAGS"]).items():
                state[(folder, uid)] = tuple(sorted(item[b"FLAGS"]))
    client.logout()
    return state


def local_messages(home: Path, name: str = "work") -> list[bytes]:
    root = home / "accounts" / name / "mail"
    return [path.read_bytes() for path in sorted(root.glob("*/cur/*"))]


def local_ids(home: Path, name: str = "work") -> Counter[str]:
    return Counter(message_id_of(data) for data in local_messages(home, name))


@pytest.fixture
def seller(dovecot: Dovecot) -> str:
    """A mailbox with a deal in Inbox and Sent, some mail read, some flagged, some never opened."""
    user = dovecot.new_user()
    inbox, sent = deal_mail()
    client = dovecot.client(user)
    others = [eml(sender=f"Maria Ek <maria.ek@grossist{n}.se>", subject=f"Fråga {n}") for n in range(4)]
    for index, data in enumerate(inbox + others):
        flags = [(), (b"\\Seen",), (b"\\Seen", b"\\Flagged"), (b"\\Answered",)][index % 4]
        client.append("INBOX", data, flags=flags)
    for data in sent:
        client.append("Sent", data, flags=(b"\\Seen",))
    client.append("Trash", eml(subject="Not a deal"))
    client.logout()
    dovecot.deliver_files(user, [eml(sender="Per Holm <per@sagverket.se>", subject="Ny förfrågan, aldrig öppnad")])
    return user


def test_first_sync_copies_inbox_and_sent_byte_for_byte_and_changes_no_flag(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str) -> None:
    add_account(home, account_for(dovecot, seller))
    before = server_state(dovecot, seller)
    result = sync_account(home, "work")
    assert server_state(dovecot, seller) == before
    assert any(b"\\Seen" not in flags for flags in before.values())
    assert {(f.folder, f.copied) for f in result.folders} == {("INBOX", 6), ("Sent", 2)}
    client = dovecot.client(seller)
    on_server = []
    for folder in ("INBOX", "Sent"):
        client.select_folder(folder, readonly=True)
        on_server += [item[b"BODY[]"] for item in client.fetch(client.search(), ["BODY.PEEK[]"]).values()]
    client.logout()
    assert sorted(local_messages(home)) == sorted(on_server)


def test_incremental_sync_copies_only_the_new_mail(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str) -> None:
    add_account(home, account_for(dovecot, seller))
    sync_account(home, "work")
    client = dovecot.client(seller)
    client.append("INBOX", eml(subject="SV: Offert", body="Hej,\n\nVi återkommer på fredag.\n"))
    client.append("Sent", eml(sender="Erik Lund <erik.lund@saljare.se>", to="anna.berg@kvarnbyn.se"))
    client.logout()
    dovecot.deliver_files(seller, [eml(subject="Levererad direkt")])
    before = server_state(dovecot, seller)
    second = sync_account(home, "work")
    assert server_state(dovecot, seller) == before
    assert {(f.folder, f.copied, f.kept) for f in second.folders} == {("INBOX", 2, 8), ("Sent", 1, 3)}
    assert sync_account(home, "work").copied == 0
    assert max(local_ids(home).values()) == 1


def test_a_connection_dropped_mid_sync_resumes_without_loss_or_duplicates(
        dovecot: Dovecot, home: Path, password_in_env: str) -> None:
    user = dovecot.new_user()
    count = BATCH_MESSAGES * 4 + 17
    dovecot.deliver_files(user, [eml(subject=f"Beställning {n}") for n in range(count)])
    add_account(home, account_for(dovecot, user))
    batches: list[int] = []

    def kick_after_second_batch(folder: str, done: int, total: int) -> None:
        batches.append(done)
        if len(batches) == 2:
            dovecot.kick(user)

    result = sync_account(home, "work", progress=kick_after_second_batch)
    assert result.reconnects == 1
    assert len(local_ids(home)) == count and max(local_ids(home).values()) == 1

    # Dropping at every batch exhausts the retries: the sync stops with one line, and the next resumes.
    # Enough batches that even a kick landing one batch late cannot let the sync finish.
    count = BATCH_MESSAGES * 8 + 17
    second_user = dovecot.new_user()
    dovecot.deliver_files(second_user, [eml(subject=f"Order {n}") for n in range(count)])
    add_account(home, account_for(dovecot, second_user, name="flaky"))
    with pytest.raises(ConnectionLost, match="run `tystnad sync flaky` again to resume"):
        sync_account(home, "flaky", progress=lambda *_: dovecot.kick(second_user))
    partial = len(local_ids(home, "flaky"))
    assert 0 < partial < count
    assert sync_account(home, "flaky").copied == count - partial
    assert len(local_ids(home, "flaky")) == count and max(local_ids(home, "flaky").values()) == 1


def test_messages_on_disk_beyond_the_recorded_state_are_replaced_not_duplicated(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str) -> None:
    """What a crash between writing files and recording their UIDs leaves behind."""
    add_account(home, account_for(dovecot, seller))
    sync_account(home, "work")
    store = open_store(home)
    accounts = Accounts(store)
    for folder in accounts.folders("work"):
        accounts.start_folder("work", folder.folder, local_dir=folder.local_dir,
                              position={**folder.position, "last_uid": 0})
    store.close()
    assert sync_account(home, "work").copied == 8
    assert sum(local_ids(home).values()) == 8


def test_a_local_copy_deleted_by_hand_is_copied_again(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str) -> None:
    add_account(home, account_for(dovecot, seller))
    sync_account(home, "work")
    shutil.rmtree(home / "accounts" / "work" / "mail" / "Sent")
    result = sync_account(home, "work")
    assert [(f.folder, f.copied, f.kept) for f in result.folders] == [("INBOX", 0, 6), ("Sent", 2, 2)]


def test_a_renumbered_folder_is_copied_again_without_stale_messages(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str) -> None:
    add_account(home, account_for(dovecot, seller))
    sync_account(home, "work")
    client = dovecot.client(seller)
    old_validity = client.select_folder("Sent", readonly=True)[b"UIDVALIDITY"]
    client.unselect_folder()
    client.delete_folder("Sent")
    client.create_folder("Sent")
    replacement = eml(sender="Erik Lund <erik.lund@saljare.se>", to="anna.berg@kvarnbyn.se", subject="Ny offert")
    client.append("Sent", replacement, flags=(b"\\Seen",))
    assert client.select_folder("Sent", readonly=True)[b"UIDVALIDITY"] != old_validity
    client.logout()
    result = sync_account(home, "work")
    by_folder = {f.folder: f for f in result.folders}
    assert by_folder["Sent"].is_resynced and by_folder["Sent"].kept == 1
    assert not by_folder["INBOX"].is_resynced and by_folder["INBOX"].copied == 0
    sent_copies = list((home / "accounts" / "work" / "mail" / "Sent" / "cur").iterdir())
    assert [path.read_bytes() for path in sent_copies] == [replacement]


def test_a_configured_folder_is_read_too_and_a_missing_one_is_reported(
        dovecot: Dovecot, home: Path, password_in_env: str) -> None:
    user = dovecot.new_user()
    client = dovecot.client(user)
    client.create_folder("Kunder/Kvarnbyn")
    client.append("Kunder/Kvarnbyn", eml(subject="Avtal"))
    client.logout()
    add_account(home, account_for(dovecot, user, extra_folders=("Kunder/Kvarnbyn", "Arkiv")))
    result = sync_account(home, "work")
    assert [(f.folder, f.copied) for f in result.folders] == [("INBOX", 0), ("Sent", 0), ("Kunder/Kvarnbyn", 1)]
    assert result.missing == ("Arkiv",)


def draft_for(deal_id: str, body: str = "Hej Anna,\n\nHar ni hunnit titta på offerten?\n") -> Draft:
    return Draft(language="sv", sender="erik.lund@saljare.se", to=("anna.berg@kvarnbyn.se",), subject="SV: Offert",
                 in_reply_to=deal_id, references=("<first@kvarnbyn.se>", deal_id), body=body)


def drafts_folder(dovecot: Dovecot, user: str) -> list[tuple[tuple[bytes, ...], email.message.Message]]:
    client = dovecot.client(user)
    client.select_folder("Drafts", readonly=True)
    uids = client.search()
    found = [] if not uids else [
        (item[b"FLAGS"], email.message_from_bytes(item[b"BODY[]"]))
        for _, item in sorted(client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]).items())]
    client.logout()
    return found


def test_saving_a_draft_twice_leaves_one_threaded_draft_and_touches_nothing_else(
        dovecot: Dovecot, home: Path, password_in_env: str) -> None:
    user = dovecot.new_user()
    client = dovecot.client(user)
    client.append("Drafts", eml(subject="The seller's own half-written mail"), flags=(b"\\Draft",))
    client.logout()
    add_account(home, account_for(dovecot, user))
    now = datetime.now().astimezone()
    save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>", "Första versionen.\n"), now=now),
               "kvarnbyn.se")
    where = save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>"), now=now), "kvarnbyn.se")
    save_draft(home, "work", draft_to_eml(draft_for("<x@a-kvarnbyn.se>"), now=now), "a-kvarnbyn.se")
    assert where.startswith("Drafts") and "replacing" in where
    drafts = drafts_folder(dovecot, user)
    ours = [(flags, m) for flags, m in drafts if m["X-Tystnad-Deal"] == "kvarnbyn.se"]
    assert len(drafts) == 3 and len(ours) == 1
    flags, message = ours[0]
    assert b"\\Draft" in flags
    assert (message["From"], message["To"], message["Subject"]) == (
        "erik.lund@saljare.se", "anna.berg@kvarnbyn.se", "SV: Offert")
    assert message["In-Reply-To"] == "<last@kvarnbyn.se>"
    assert message["References"] == "<first@kvarnbyn.se> <last@kvarnbyn.se>"
    assert "Har ni hunnit titta" in message.get_payload(decode=True).decode()
    assert any(m["Subject"] == "The seller's own half-written mail" for _, m in drafts)


def test_a_tystnad_draft_the_seller_edited_is_kept(dovecot: Dovecot, home: Path, password_in_env: str) -> None:
    user = dovecot.new_user()
    add_account(home, account_for(dovecot, user))
    now = datetime.now().astimezone()
    save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>"), now=now), "kvarnbyn.se")
    client = dovecot.client(user)
    client.select_folder("Drafts")
    (uid,) = client.search()
    original = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    # A mail client saves an edited draft as a new message, keeping the headers it does not know.
    client.append("Drafts", original.replace(b"Har ni hunnit", b"Hej igen, har ni hunnit"), flags=(b"\\Draft",))
    client.delete_messages([uid])
    client.expunge()
    client.logout()
    save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>"), now=now), "kvarnbyn.se")
    assert len(drafts_folder(dovecot, user)) == 2


def test_wrong_password_unreachable_host_and_tls_mismatch_each_say_what_to_do(
        dovecot: Dovecot, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = dovecot.new_user()
    monkeypatch.setenv(PASSWORD_VARIABLE, "fel-lösen")
    add_account(home, account_for(dovecot, user, name="wrong"))
    with pytest.raises(LoginRefused, match=f"refused.*check the password in \\${PASSWORD_VARIABLE}"):
        sync_account(home, "wrong")
    add_account(home, account_for(dovecot, user, name="closed", port=free_port()))
    with pytest.raises(ServerUnreachable, match="nothing answers on port .*check --port"):
        sync_account(home, "closed")
    add_account(home, account_for(dovecot, user, name="ssl", tls="ssl"))
    with pytest.raises(SecureConnectionFailed, match="TLS failed .*with the --tls the port speaks"):
        sync_account(home, "ssl")
    add_account(home, account_for(dovecot, user, name="starttls", tls="starttls"))
    with pytest.raises(SecureConnectionFailed, match="check --tls"):
        sync_account(home, "starttls")
    monkeypatch.delenv(PASSWORD_VARIABLE)
    add_account(home, account_for(dovecot, user, name="unset"))
    with pytest.raises(SecretUnavailable, match=f"{PASSWORD_VARIABLE} .* is not set"):
        sync_account(home, "unset")


def test_a_password_beyond_ascii_logs_in(dovecot: Dovecot, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD_BEYOND_ASCII)
    add_account(home, account_for(dovecot, UNICODE_USER))
    assert [f.folder for f in sync_account(home, "work").folders] == ["INBOX", "Sent"]


def test_xoauth2_logs_in_with_the_token_the_command_prints(dovecot: Dovecot, home: Path) -> None:
    user = dovecot.new_user()
    dovecot.deliver_files(user, [eml()])
    add_account(home, account_for(dovecot, user, secret="oauth_command", password_env=None,
                                  oauth_command=f"echo {token_for(user)}"))
    assert [(f.folder, f.copied) for f in sync_account(home, "work").folders] == [("INBOX", 1), ("Sent", 0)]
    add_account(home, account_for(dovecot, user, name="expired", secret="oauth_command", password_env=None,
                                  oauth_command="echo an-expired-token"))
    with pytest.raises(LoginRefused, match="check the token command gives a current token"):
        sync_account(home, "expired")
    add_account(home, account_for(dovecot, user, name="broken", secret="oauth_command", password_env=None,
                                  oauth_command="sh -c 'echo token expired, sign in again >&2; exit 3'"))
    with pytest.raises(SecretUnavailable, match=r"token command failed \(exit 3: token expired"):
        sync_account(home, "broken")


def test_a_password_asked_for_is_asked_once_per_use_and_needs_someone_to_ask(
        dovecot: Dovecot, home: Path) -> None:
    add_account(home, account_for(dovecot, dovecot.new_user(), secret="prompt", password_env=None))
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return dovecot.password

    assert [f.folder for f in sync_account(home, "work", ask_password=ask).folders] == ["INBOX", "Sent"]
    assert len(asked) == 1 and asked[0].startswith("Password for seller")
    with pytest.raises(SecretUnavailable, match="nobody can be asked here"):
        sync_account(home, "work")


def test_the_account_for_a_draft_is_the_one_named_the_one_scanned_or_the_only_one(
        dovecot: Dovecot, home: Path) -> None:
    with pytest.raises(AccountUnknown, match="no mail account yet"):
        default_account(home, None)
    add_account(home, account_for(dovecot, dovecot.new_user(), name="work"))
    assert default_account(home, None) == "work"
    add_account(home, account_for(dovecot, dovecot.new_user(), name="home"))
    assert default_account(home, None, ("account:home",)) == "home"
    assert default_account(home, "work", ("account:home",)) == "work"
    with pytest.raises(AccountUnknown, match=r"several accounts \(home, work\); choose one with --account"):
        default_account(home, None, ("export.mbox",))


def test_the_password_is_never_stored_and_tls_none_is_only_for_this_machine(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str) -> None:
    add_account(home, account_for(dovecot, seller))
    sync_account(home, "work")
    stored = b"".join(path.read_bytes() for path in home.glob("tystnad.sqlite3*"))
    assert dovecot.password.encode() not in stored
    with pytest.raises(ConfigError, match="allowed only for this machine"):
        add_account(home, account_for(dovecot, seller, name="remote", host="imap.example.com"))


def test_folders_are_found_by_special_use_then_by_their_usual_names() -> None:
    def listing(*names: str, flagged: dict[str, bytes] | None = None) -> list[Listing]:
        flags = flagged or {}
        return [((b"\\HasNoChildren", *([flags[n]] if n in flags else [])), b"/", n) for n in names]

    outlook_sv = listing("Inkorgen", "Skickade objekt", "Utkast", "Borttagna objekt")
    assert find_special_folder(outlook_sv, "sent") == "Skickade objekt"
    assert find_special_folder(outlook_sv, "drafts") == "Utkast"
    gmail_sv = [((b"\\Noselect",), b"/", "[Gmail]"), *listing("[Gmail]/Skickat", "[Gmail]/Utkast")]
    assert find_special_folder(gmail_sv, "sent") == "[Gmail]/Skickat"
    courier = [((), b".", "INBOX.Sent Items"), ((), b".", "INBOX.Drafts")]
    assert find_special_folder(courier, "sent") == "INBOX.Sent Items"
    flagged = listing("Sent", "Posta inviata", flagged={"Posta inviata": b"\\Sent"})
    assert find_special_folder(flagged, "sent") == "Posta inviata"
    assert find_special_folder(listing("Inbox"), "drafts") is None
    assert folders_to_sync(outlook_sv, ["Kunder", "Skickade objekt"]) == (["INBOX", "Skickade objekt"], ["Kunder"])


def test_scan_account_before_any_sync_says_to_sync(dovecot: Dovecot, home: Path, password_in_env: str) -> None:
    add_account(home, account_for(dovecot, dovecot.new_user()))
    done = tystnad("scan", "account:work", "--me", "saljare.se", home=home)
    assert done.returncode == 2 and done.stderr.strip().endswith("run `tystnad sync work` first")
    done = tystnad("scan", "account:nobody", "--me", "saljare.se", home=home)
    assert done.returncode == 2 and "no account 'nobody' (known: work)" in done.stderr
    with pytest.raises(NotSynced):
        resolve_sources([Path("account:work")], home)
    assert resolve_sources([Path("mail.mbox")], home) == [Path("mail.mbox")]


def test_the_commands_end_to_end(dovecot: Dovecot, seller: str, home: Path) -> None:
    password = dovecot.password
    added = tystnad("account", "add", "work", "--host", dovecot.host, "--port", str(dovecot.port), "--user",
                    seller, "--tls", "none", "--password-env", PASSWORD_VARIABLE, home=home)
    assert added.returncode == 0, added.stderr
    listed = tystnad("account", "list", home=home)
    assert f"work: {seller} at 127.0.0.1:{dovecot.port} (none, password from ${PASSWORD_VARIABLE}); never synced" \
        in listed.stdout
    synced = tystnad("sync", home=home, password=password)
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.strip() == "work: INBOX +6 (6 kept), Sent +2 (2 kept)"
    assert "8 messages" in tystnad("account", "list", home=home).stdout

    scanned = tystnad("scan", "account:work", "--me", "saljare.se", "--now", NOW, home=home)
    assert scanned.returncode == 0, scanned.stderr
    assert "kvarnbyn.se" in scanned.stdout
    for _ in range(2):
        drafted = tystnad("draft", "kvarnbyn.se", "--save", home=home, password=password)
        assert drafted.returncode == 0, drafted.stderr
        assert f"saved in Drafts of {seller}" in drafted.stderr
    (flags, message), = [(f, m) for f, m in drafts_folder(dovecot, seller) if m["X-Tystnad-Deal"]]
    assert b"\\Draft" in flags and message["X-Tystnad-Deal"] == "kvarnbyn.se"
    # It answers the customer's latest mail and carries the thread's ids, so every client threads it.
    kept = local_ids(home)
    assert message["In-Reply-To"] in kept and message["References"].split()[-1] == message["In-Reply-To"]
    assert len(message["References"].split()) > 1

    removed = tystnad("account", "remove", "work", home=home)
    assert removed.returncode == 0 and not (home / "accounts" / "work").exists()
    assert "no accounts" in tystnad("account", "list", home=home).stdout


def test_command_errors_are_one_line_with_exit_code_2(dovecot: Dovecot, home: Path) -> None:
    user = dovecot.new_user()
    for name, changes in (("wrong", {}), ("closed", {"port": free_port()}), ("ssl", {"tls": "ssl"})):
        add_account(home, account_for(dovecot, user, name=name, **changes))
        done = tystnad("sync", name, home=home, password="fel")
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert done.stderr.startswith(f"tystnad: error: account {name}")
    add_account(home, account_for(dovecot, user, name="asked", secret="prompt", password_env=None))
    unattended = tystnad("sync", "asked", home=home)
    assert unattended.returncode == 2 and "nobody can be asked here" in unattended.stderr
    keyring = tystnad("account", "add", "kept", "--host", dovecot.host, "--user", user, "--keyring", home=home)
    assert keyring.returncode == 2 and "no usable OS keyring" in keyring.stderr
    assert len(keyring.stderr.strip().splitlines()) == 1
    remote = tystnad("account", "add", "remote", "--host", "imap.example.com", "--user", user, "--tls", "none",
                     home=home)
    assert remote.returncode == 2 and "allowed only for this machine" in remote.stderr


def test_removing_an_unknown_account_is_an_error_and_keeps_the_rest(home: Path) -> None:
    assert remove_account(home, "never") is False
    assert tystnad("account", "remove", "never", home=home).returncode == 2
    assert not os.path.exists(home / "accounts")


# --- drafts the seller edited -------------------------------------------------------------------------

def saved_draft(dovecot: Dovecot, user: str) -> tuple[int, bytes]:
    client = dovecot.client(user)
    client.select_folder("Drafts", readonly=True)
    (uid,) = client.search()
    data = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    client.logout()
    return uid, data


def edit_draft(dovecot: Dovecot, user: str, uid: int, edited: bytes) -> None:
    """What a mail client does when the seller saves their change: a new message, the old one removed."""
    client = dovecot.client(user)
    client.select_folder("Drafts")
    client.append("Drafts", edited, flags=(b"\\Draft",))
    client.delete_messages([uid])
    client.expunge()
    client.logout()


@pytest.mark.parametrize("change", [
    (b"Subject: SV: Offert", b"Subject: SV: Offert och leveransdatum"),
    (b"To: anna.berg@kvarnbyn.se", b"To: anna.berg@kvarnbyn.se, inkop@kvarnbyn.se"),
    # Only line breaks: the seller joined two lines of the body.
    (b"Hej Anna,\r\n\r\n", b"Hej Anna,\r\n"),
], ids=["subject", "to", "line-breaks"])
def test_a_tystnad_draft_with_only_headers_or_line_breaks_edited_is_kept(
        dovecot: Dovecot, home: Path, password_in_env: str, change: tuple[bytes, bytes]) -> None:
    user = dovecot.new_user()
    add_account(home, account_for(dovecot, user))
    now = datetime.now().astimezone()
    save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>"), now=now), "kvarnbyn.se")
    uid, original = saved_draft(dovecot, user)
    before, after = change
    assert original.count(before) == 1
    edit_draft(dovecot, user, uid, original.replace(before, after))
    where = save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>"), now=now), "kvarnbyn.se")
    assert "replacing" not in where
    bodies = [m.as_bytes() for _, m in drafts_folder(dovecot, user)]
    assert len(bodies) == 2


# --- one sync at a time -------------------------------------------------------------------------------

def test_a_sync_while_another_holds_the_lock_fails_at_once_and_writes_nothing(
        dovecot: Dovecot, seller: str, home: Path) -> None:
    add_account(home, account_for(dovecot, seller))
    lock = home / "accounts" / "work" / ".lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = tystnad("sync", "work", home=home, password=dovecot.password)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "tystnad: error: account work: another sync of work is running; wait for it to finish "
        "(it copies the same mail)"]
    assert sorted(p.name for p in (home / "accounts" / "work").iterdir()) == [".lock"]
    store = open_store(home)
    assert Accounts(store).folders("work") == []
    store.close()
    # The lock is the kernel's: once its holder is gone the next sync runs.
    assert tystnad("sync", "work", home=home, password=dovecot.password).returncode == 0


def test_the_lock_is_held_for_the_whole_sync(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str) -> None:
    add_account(home, account_for(dovecot, seller))
    tried: list[str] = []

    def second_sync(folder: str, done: int, total: int) -> None:
        with pytest.raises(SyncRunning, match="another sync of work is running"):
            sync_account(home, "work")
        tried.append(folder)

    assert sync_account(home, "work", progress=second_sync).copied == 8
    assert tried == ["INBOX", "Sent"]


def test_two_writers_of_the_same_message_never_share_a_temporary_file(tmp_path: Path) -> None:
    first, second = LocalFolder(tmp_path / "INBOX"), LocalFolder(tmp_path / "INBOX")
    first.create()
    first.put("7.42", b"Subject: one\r\n\r\nfirst\r\n")
    second.put("7.42", b"Subject: one\r\n\r\nsecond\r\n")
    first.make_durable()
    second.make_durable()
    assert [p.name for p in (tmp_path / "INBOX" / "cur").iterdir()] == ["7.42.tystnad:2,"]
    assert list((tmp_path / "INBOX" / "tmp").iterdir()) == []
    with sync_lock(tmp_path, "work"), pytest.raises(SyncRunning), sync_lock(tmp_path, "work"):
        pass


# --- messages the server did not send -----------------------------------------------------------------

def test_a_message_the_server_did_not_send_stops_the_folder_and_the_next_sync_copies_it(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """UID 2 is expunged between the search and the fetch (nothing to keep); UID 3 comes back without
    a body although the server still has it (as a busy Exchange sometimes does)."""
    add_account(home, account_for(dovecot, seller))
    other = dovecot.client(seller)
    other.select_folder("INBOX")
    expunged = message_id_of(other.fetch([2], ["BODY.PEEK[]"])[2][b"BODY[]"])
    real_fetch = IMAPClient.fetch
    odd: list[int] = []

    def fetch_without_bodies(self: IMAPClient, messages: Any, data: Any, modifiers: Any = None) -> Any:
        if "BODY.PEEK[]" in data and not odd:
            other.delete_messages([2])
            other.expunge()
            odd.append(1)
            answer = real_fetch(self, messages, data, modifiers)
            answer.pop(2, None)
            answer[3][b"BODY[]"] = None
            return answer
        return real_fetch(self, messages, data, modifiers)

    monkeypatch.setenv("TYSTNAD_HOME", str(home))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(IMAPClient, "fetch", fetch_without_bodies)
        done = CliRunner().invoke(sync, ["work"], catch_exceptions=False)
    other.logout()
    assert done.exit_code == 0
    assert done.stdout.strip() == "work: INBOX +1 (1 kept), Sent +2 (2 kept)"
    assert done.stderr.strip() == ("tystnad: work: INBOX: 4 messages not copied (the server did not send one "
                                   "it still has); run `tystnad sync work` again")
    store = open_store(home)
    assert {f.folder: f.position["last_uid"] for f in Accounts(store).folders("work")}["INBOX"] == 2
    store.close()
    again = sync_account(home, "work")
    assert {(f.folder, f.copied, f.not_copied) for f in again.folders} == {("INBOX", 4, 0), ("Sent", 0, 0)}
    ids = local_ids(home)
    assert sum(ids.values()) == 7 and max(ids.values()) == 1 and expunged not in ids


# --- servers that hang, drop or turn the connection away ----------------------------------------------

class OddServer:
    """An IMAP server on 127.0.0.1 that greets, answers CAPABILITY and then misbehaves at the login."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection: socket.socket) -> None:
        with connection, connection.makefile("rb") as lines:
            if self.mode == "bye":
                connection.sendall(b"* BYE Too many connections from 127.0.0.1, try later\r\n")
                return
            connection.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
            for line in lines:
                tag, _, command = line.decode().partition(" ")
                if command.upper().startswith("CAPABILITY"):
                    connection.sendall(f"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n".encode())
                elif self.mode == "drop":
                    return
                # "hang": read on and never answer, until the client gives up.

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def odd_server() -> Iterator[Any]:
    servers: list[OddServer] = []

    def start(mode: str) -> OddServer:
        servers.append(OddServer(mode))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_a_server_that_hangs_drops_or_refuses_at_the_login_says_so_in_one_line(
        dovecot: Dovecot, home: Path, password_in_env: str, odd_server: Any) -> None:
    user = dovecot.new_user()
    add_account(home, account_for(dovecot, user, name="hung", port=odd_server("hang").port))
    started = time.monotonic()
    with pytest.raises(ServerUnreachable, match=r"account hung .*no answer to the login within 0\.5 s; "
                                                r"the server may be busy, try again later"):
        sync_account(home, "hung", timeout=0.5)
    assert time.monotonic() - started < 5
    add_account(home, account_for(dovecot, user, name="dropped", port=odd_server("drop").port))
    with pytest.raises(ConnectionLost, match="account dropped .*the connection dropped during the login .*; "
                                             "try again$"):
        sync_account(home, "dropped")
    add_account(home, account_for(dovecot, user, name="busy", port=odd_server("bye").port))
    with pytest.raises(ServerRefused, match=r"turned the connection away \(BYE Too many connections from "
                                            r"127\.0\.0\.1, try later\); try again later$"):
        sync_account(home, "busy")
    for name in ("dropped", "busy"):
        done = tystnad("sync", name, home=home, password=dovecot.password)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "check" not in done.stderr and "try again" in done.stderr


# --- large folders ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("last_uid", "uid_next", "size"), [
    (0, 1, 20_000), (0, 2, 20_000), (5, 6, 3), (0, 20_001, 20_000), (0, 20_002, 20_000),
    (19_999, 40_001, 20_000), (1_234_567, 9_876_543, 20_000), (10, 17, 1), (3, 100, 7)])
def test_uid_windows_cover_every_new_uid_once(last_uid: int, uid_next: int, size: int) -> None:
    windows = uid_windows(last_uid, uid_next, size)
    covered = [uid for low, high in windows for uid in range(low, high + 1)]
    assert covered == list(range(last_uid + 1, uid_next))
    assert all(1 <= high - low + 1 <= size for low, high in windows)
    # The reply to one window stays far below imaplib's 1,000,000-byte line, even at ten-digit UIDs.
    assert UID_WINDOW * len(" 4294967295") < 1_000_000


def test_a_folder_is_searched_window_by_window(
        dovecot: Dovecot, seller: str, home: Path, password_in_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tystnad.accounts.imap.sync.UID_WINDOW", 2)
    searched: list[Any] = []
    real_search = IMAPClient.search

    def search(self: IMAPClient, criteria: Any = "ALL", charset: Any = None) -> Any:
        searched.append(criteria)
        return real_search(self, criteria, charset)

    monkeypatch.setattr(IMAPClient, "search", search)
    add_account(home, account_for(dovecot, seller))
    result = sync_account(home, "work")
    assert {(f.folder, f.copied) for f in result.folders} == {("INBOX", 6), ("Sent", 2)}
    assert searched == [["UID", "1:2"], ["UID", "3:4"], ["UID", "5:6"], ["UID", "1:2"]]
    assert max(local_ids(home).values()) == 1


# --- tokens, names beyond ASCII, how Drafts is opened -------------------------------------------------

def test_a_reconnect_asks_the_token_command_for_a_current_token(dovecot: Dovecot, home: Path) -> None:
    user = dovecot.new_user()
    dovecot.deliver_files(user, [eml(subject=f"Beställning {n}") for n in range(BATCH_MESSAGES * 2 + 5)])
    calls = home.parent / "token-calls"
    add_account(home, account_for(dovecot, user, secret="oauth_command", password_env=None,
                                  oauth_command=f"sh -c 'echo called >> {calls}; echo {token_for(user)}'"))
    kicked: list[int] = []

    def kick_once(folder: str, done: int, total: int) -> None:
        if not kicked:
            kicked.append(done)
            dovecot.kick(user)

    result = sync_account(home, "work", progress=kick_once)
    assert result.reconnects == 1 and result.copied == BATCH_MESSAGES * 2 + 5
    assert calls.read_text().splitlines() == ["called", "called"]


def test_a_password_asked_for_is_not_asked_again_on_a_reconnect(dovecot: Dovecot, home: Path) -> None:
    user = dovecot.new_user()
    dovecot.deliver_files(user, [eml(subject=f"Order {n}") for n in range(BATCH_MESSAGES + 5)])
    add_account(home, account_for(dovecot, user, secret="prompt", password_env=None))
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return dovecot.password

    result = sync_account(home, "work", ask_password=ask, progress=lambda *_: dovecot.kick(user))
    assert result.reconnects >= 1 and len(asked) == 1


def test_a_user_name_beyond_ascii_logs_in(dovecot: Dovecot, home: Path, password_in_env: str) -> None:
    add_account(home, account_for(dovecot, NON_ASCII_USER))
    assert [f.folder for f in sync_account(home, "work").folders] == ["INBOX", "Sent"]
    save_draft(home, "work", draft_to_eml(draft_for("<x@sagverket.se>"), now=datetime.now().astimezone()),
               "sagverket.se")
    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
    client.plain_login(NON_ASCII_USER, dovecot.password)
    client.select_folder("Drafts", readonly=True)
    assert len(client.search()) == 1
    client.logout()


def test_a_deal_named_beyond_ascii_replaces_its_earlier_draft(
        dovecot: Dovecot, home: Path, password_in_env: str) -> None:
    user = dovecot.new_user()
    add_account(home, account_for(dovecot, user))
    now = datetime.now().astimezone()
    deal = "Sågverket Åkesson AB"
    save_draft(home, "work", draft_to_eml(draft_for("<x@sagverket.se>", "Första.\n"), now=now), deal)
    save_draft(home, "work", draft_to_eml(draft_for("<x@sagverket.se>"), now=now), "Sågverket Åkesson")
    where = save_draft(home, "work", draft_to_eml(draft_for("<x@sagverket.se>"), now=now), deal)
    assert "replacing the earlier draft" in where
    client = dovecot.client(user)
    client.select_folder("Drafts", readonly=True)
    fetched = client.fetch(client.search(), ["BODY.PEEK[HEADER.FIELDS (X-Tystnad-Deal)]"]).values()
    client.logout()
    deals = sorted(bytes(item[b"BODY[HEADER.FIELDS (X-TYSTNAD-DEAL)]"]).decode().strip() for item in fetched)
    assert deals == ["X-Tystnad-Deal: Sågverket Åkesson", "X-Tystnad-Deal: Sågverket Åkesson AB"]


def test_drafts_is_opened_read_write_only_to_remove_an_earlier_draft(
        dovecot: Dovecot, home: Path, password_in_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    user = dovecot.new_user()
    add_account(home, account_for(dovecot, user))
    opened: list[bool] = []
    real_select = IMAPClient.select_folder

    def select_folder(self: IMAPClient, folder: str, readonly: bool = False) -> Any:
        opened.append(readonly)
        return real_select(self, folder, readonly)

    monkeypatch.setattr(IMAPClient, "select_folder", select_folder)
    now = datetime.now().astimezone()
    save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>", "Första.\n"), now=now), "kvarnbyn.se")
    assert opened == [True]
    save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>"), now=now), "kvarnbyn.se")
    assert opened == [True, True, False]


def test_without_uidplus_the_earlier_draft_is_only_marked_deleted_and_said_so(
        dovecot: Dovecot, home: Path, password_in_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    user = dovecot.new_user()
    add_account(home, account_for(dovecot, user))
    now = datetime.now().astimezone()
    save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>", "Första.\n"), now=now), "kvarnbyn.se")
    real_has_capability = IMAPClient.has_capability
    monkeypatch.setattr(IMAPClient, "has_capability",
                        lambda self, name: name != "UIDPLUS" and real_has_capability(self, name))
    where = save_draft(home, "work", draft_to_eml(draft_for("<last@kvarnbyn.se>"), now=now), "kvarnbyn.se")
    assert "replacing" not in where and "marked the earlier draft deleted" in where
    flags = sorted(b"\\Deleted" in f for f, _ in drafts_folder(dovecot, user))
    assert flags == [False, True]

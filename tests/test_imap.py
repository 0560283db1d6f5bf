"""IMAP against a real Dovecot: read-only incremental sync, resume after a drop, renumbered folders,
drafts in the Drafts folder, one-line errors, and the commands end to end."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from dovecot import PASSWORD_BEYOND_ASCII, UNICODE_USER, Dovecot, free_port, token_for
from factories import conversation, eml, message_id_of
from tystnad.errors import ConfigError
from tystnad.imap.accounts import add_account, default_account, remove_account
from tystnad.imap.drafts import save_draft
from tystnad.imap.errors import (
    AccountUnknown,
    ConnectionLost,
    LoginRefused,
    NotSynced,
    SecretUnavailable,
    SecureConnectionFailed,
    ServerUnreachable,
)
from tystnad.imap.folders import Listing, find_special_folder, folders_to_sync
from tystnad.imap.sync import BATCH_MESSAGES, sync_account
from tystnad.outgoing import draft_to_eml
from tystnad.session import resolve_sources
from tystnad.store import open_store
from tystnad.store.accounts import Account, Accounts

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


def account_for(dovecot: Dovecot, user: str, *, name: str = "work", **changes: object) -> Account:
    values: dict[str, object] = dict(name=name, host=dovecot.host, port=dovecot.port, user=user, tls="none",
                                     secret="env", password_env=PASSWORD_VARIABLE)
    values.update(changes)
    return Account(**values)  # type: ignore[arg-type]


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
        accounts.start_folder("work", folder.folder, local_dir=folder.local_dir, uidvalidity=folder.uidvalidity)
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


def draft_for(deal_id: str, body: str = "Hej Anna,\n\nHar ni hunnit titta på offerten?\n") -> dict[str, object]:
    return {"from": "erik.lund@saljare.se", "to": ["anna.berg@kvarnbyn.se"], "subject": "SV: Offert",
            "in_reply_to": deal_id, "references": ["<first@kvarnbyn.se>", deal_id], "body": body}


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

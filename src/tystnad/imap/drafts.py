"""Put tystnad's draft into the seller's own Drafts folder, for them to read, change and send.

The one place tystnad writes to a server. Its drafts carry X-Tystnad-Deal (which deal) and
X-Tystnad-Digest (a digest of the body as tystnad wrote it): saving again for the same deal
removes the earlier draft only if both still match and it is still a \\Draft, so a draft the
seller has edited, and every other message, is never touched. Removal is by UID EXPUNGE of
exactly those UIDs (UIDPLUS, RFC 4315)."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path

from imapclient import IMAPClient

from tystnad.imap.accounts import AskPassword, credentials_for, get_account
from tystnad.imap.connect import close_quietly, connect, server_errors
from tystnad.imap.errors import FolderMissing
from tystnad.imap.folders import find_special_folder
from tystnad.store import open_store
from tystnad.store.accounts import Account, Accounts

__all__ = ["save_draft", "DEAL_HEADER", "DIGEST_HEADER"]

log = logging.getLogger(__name__)

DEAL_HEADER = "X-Tystnad-Deal"
DIGEST_HEADER = "X-Tystnad-Digest"
_DRAFT = b"\\Draft"


def body_digest(body: bytes) -> str:
    # Whitespace-blind, so a server that rewraps line endings still recognises its own copy.
    return hashlib.sha256(b"".join(body.split())).hexdigest()[:24]


def _split(message: bytes) -> tuple[bytes, bytes]:
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = message.partition(separator)
        if found:
            return head + separator, body
    return message, b""


def marked(message: bytes, deal: str) -> bytes:
    """The message with tystnad's two marker headers first."""
    _, body = _split(message)
    if any(character in deal for character in "\r\n"):
        raise ValueError("a deal name is one line")
    marks = f"{DEAL_HEADER}: {deal}\r\n{DIGEST_HEADER}: {body_digest(body)}\r\n".encode()
    return marks + message


def save_draft(home: Path, account: str, message: bytes, deal: str, *,
               ask_password: AskPassword | None = None) -> str:
    """APPEND `message` (from draft_to_eml) as a \\Draft; returns where it went, for the seller to read."""
    store = open_store(home)
    try:
        record = get_account(Accounts(store), account)
    finally:
        store.close()
    client = connect(record, credentials_for(record, ask_password))
    try:
        with server_errors(record, "saving the draft", again="save it again"):
            folder, earlier = _append_and_replace(client, record, message, deal)
        log.info("account %s: draft for %s saved in %s, %d earlier replaced", account, deal, folder, len(earlier))
    finally:
        close_quietly(client)
    replaced = ", replacing the earlier draft" if earlier else ""
    return f"{folder} of {record.user} on {record.host}{replaced}"


def _append_and_replace(client: IMAPClient, record: Account, message: bytes, deal: str) -> tuple[str, list[int]]:
    """Append first, then remove the earlier draft: a failure in between leaves two drafts, never none."""
    folder = find_special_folder(client.list_folders(), "drafts")
    if folder is None:
        raise FolderMissing(f"account {record.name}: {record.host} has no Drafts folder (none marked \\Drafts, "
                            f"none named Drafts or Utkast); create one in your mail client")
    client.select_folder(folder)
    earlier = _earlier_drafts(client, deal)
    client.append(folder, marked(message, deal), flags=(_DRAFT, b"\\Seen"), msg_time=datetime.now().astimezone())
    if earlier:
        client.delete_messages(earlier)
        # Without UIDPLUS only a plain EXPUNGE exists, which would also remove whatever else the
        # seller marked deleted: leave ours marked then, and their client removes it.
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(earlier)
    return folder, earlier


def _earlier_drafts(client: IMAPClient, deal: str) -> list[int]:
    """tystnad's own, unedited drafts for `deal`: SEARCH HEADER matches substrings, so check exactly."""
    candidates = client.search(["HEADER", DEAL_HEADER, deal])
    if not candidates:
        return []
    fetched = client.fetch(candidates, ["FLAGS", f"BODY.PEEK[HEADER.FIELDS ({DEAL_HEADER} {DIGEST_HEADER})]",
                                        "BODY.PEEK[TEXT]"])
    earlier = []
    for uid, item in fetched.items():
        headers: dict[str, str] = {}
        text = b""
        for key, value in item.items():
            if isinstance(key, bytes) and key.startswith(b"BODY[HEADER.FIELDS"):
                for line in bytes(value).decode("utf-8", "replace").splitlines():
                    name, _, content = line.partition(":")
                    headers[name.strip().lower()] = content.strip()
            elif key == b"BODY[TEXT]":
                text = bytes(value)
        if (_DRAFT in item.get(b"FLAGS", ()) and headers.get(DEAL_HEADER.lower()) == deal
                and headers.get(DIGEST_HEADER.lower()) == body_digest(text)):
            earlier.append(int(uid))
    return sorted(earlier)

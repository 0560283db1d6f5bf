"""Put tystnad's draft into the seller's own Drafts folder, for them to read, change and send.

The one place tystnad writes to a server. Its drafts start with X-Tystnad-Deal (which deal) and
X-Tystnad-Digest (a digest of every other byte of the message as tystnad wrote it): saving again
for the same deal removes the earlier draft only if it is still byte for byte what tystnad wrote
and still a \\Draft, so a draft the seller changed in any way (a recipient, the subject, a line
break), and every other message, is never touched. Drafts is opened read-only to look and
read-write only when there is such a draft to remove; removal is by UID EXPUNGE of exactly those
UIDs (UIDPLUS, RFC 4315), and without UIDPLUS the draft is only marked \\Deleted."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from imapclient import IMAPClient

from tystnad.accounts.credentials import AskPassword
from tystnad.accounts.errors import FolderMissing
from tystnad.accounts.imap.connect import close_quietly, connect, server_errors
from tystnad.accounts.imap.folders import find_special_folder

if TYPE_CHECKING:
    from tystnad.accounts.imap.account import ImapAccount

__all__ = ["append_draft", "marked", "DEAL_HEADER", "DIGEST_HEADER"]

log = logging.getLogger(__name__)

DEAL_HEADER = "X-Tystnad-Deal"
DIGEST_HEADER = "X-Tystnad-Digest"
_DRAFT = b"\\Draft"


def message_digest(message: bytes) -> str:
    """The fingerprint of the message exactly as written: one changed byte anywhere changes it."""
    return hashlib.sha256(message).hexdigest()[:32]


def _crlf(message: bytes) -> bytes:
    # IMAP carries CRLF (RFC 3501 4.3) and servers give it back so: fingerprint what they will return.
    return re.sub(rb"\r?\n", b"\r\n", message)


def _marks(deal: str, digest: str) -> bytes:
    return f"{DEAL_HEADER}: {deal}\r\n{DIGEST_HEADER}: {digest}\r\n".encode()


def marked(message: bytes, deal: str) -> bytes:
    """The message with tystnad's two marker headers first."""
    if any(character in deal for character in "\r\n"):
        raise ValueError("a deal name is one line")
    message = _crlf(message)
    return _marks(deal, message_digest(message)) + message


def is_unchanged(stored: bytes, deal: str) -> bool:
    """Whether `stored` is, byte for byte, what marked(message, deal) wrote for some message."""
    _, _, rest = stored.partition(b"\r\n")
    second, _, message = rest.partition(b"\r\n")
    digest = second.decode("ascii", "replace").removeprefix(f"{DIGEST_HEADER}: ")
    return stored.startswith(_marks(deal, digest)) and digest == message_digest(message)


@dataclass(frozen=True, slots=True)
class _Saved:
    folder: str
    replaced: int  # earlier drafts of tystnad's removed
    marked_deleted: int  # earlier drafts only marked \Deleted: the server has no UIDPLUS


def append_draft(account: ImapAccount, message: bytes, deal: str, *,
                 ask_password: AskPassword | None = None, timeout: float | None = None) -> str:
    """APPEND `message` (from draft_to_eml) as a \\Draft; returns where it went, for the seller to read."""
    client = connect(account, account.credentials(ask_password), timeout=timeout)
    try:
        with server_errors(account, "saving the draft", again="save it again"):
            saved = _append_and_replace(client, account, message, deal)
        log.info("account %s: draft for %s saved in %s, %d earlier removed, %d marked deleted",
                 account.name, deal, saved.folder, saved.replaced, saved.marked_deleted)
    finally:
        close_quietly(client)
    where = f"{saved.folder} of {account.user} on {account.host}"
    if saved.replaced:
        return f"{where}, replacing the earlier draft"
    if saved.marked_deleted:
        return f"{where}; marked the earlier draft deleted (your mail client removes it when it expunges)"
    return where


def _append_and_replace(client: IMAPClient, record: ImapAccount, message: bytes, deal: str) -> _Saved:
    """Append first, then remove the earlier draft: a failure in between leaves two drafts, never none."""
    folder = find_special_folder(client.list_folders(), "drafts")
    if folder is None:
        raise FolderMissing(f"account {record.name}: {record.host} has no Drafts folder (none marked \\Drafts, "
                            f"none named Drafts or Utkast); create one in your mail client")
    client.select_folder(folder, readonly=True)
    earlier = _earlier_drafts(client, deal)
    client.append(folder, marked(message, deal), flags=(_DRAFT, b"\\Seen"), msg_time=datetime.now().astimezone())
    if not earlier:
        return _Saved(folder, 0, 0)
    client.select_folder(folder)
    # Looked at again now that it is writable: the seller may have edited it meanwhile. The draft
    # just appended matches too, so only the UIDs seen before the append count.
    earlier = [uid for uid in _earlier_drafts(client, deal) if uid in earlier]
    if not earlier:
        return _Saved(folder, 0, 0)
    client.delete_messages(earlier)
    # Without UIDPLUS only a plain EXPUNGE exists, which would also remove whatever else the
    # seller marked deleted: leave ours marked then, and their client removes it.
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(earlier)
        return _Saved(folder, len(earlier), 0)
    return _Saved(folder, 0, len(earlier))


def _earlier_drafts(client: IMAPClient, deal: str) -> list[int]:
    """tystnad's own, unedited drafts for `deal`: SEARCH HEADER matches substrings, so check exactly."""
    charset = None if deal.isascii() else "UTF-8"
    candidates = client.search(["HEADER", DEAL_HEADER, deal], charset=charset)
    if not candidates:
        return []
    fetched = client.fetch(candidates, ["FLAGS", "BODY.PEEK[]"])
    earlier = [int(uid) for uid, item in fetched.items()
               if _DRAFT in item.get(b"FLAGS", ()) and is_unchanged(bytes(item.get(b"BODY[]") or b""), deal)]
    return sorted(earlier)

"""Draft -> a ready .eml that any mail client opens and threads under the customer's mail.

The one writer of mail; reading stays in parse.py. The stdlib's modern policy is right here:
a single message, where correctness of folding and encoding matters more than speed."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from tystnad.model import Draft

__all__ = ["draft_to_eml"]


def draft_to_eml(draft: Draft, *, now: datetime) -> bytes:
    message = EmailMessage()
    sender = draft.sender
    if sender:
        message["From"] = sender
    message["To"] = ", ".join(draft.to)
    if draft.cc:
        message["Cc"] = ", ".join(draft.cc)
    message["Subject"] = draft.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if draft.in_reply_to:
        message["In-Reply-To"] = draft.in_reply_to
        message["References"] = " ".join(draft.references)
    # Drafts are unsent mail; clients that honour this header open it for editing.
    message["X-Unsent"] = "1"
    message.set_content(draft.body)
    # Message ids must never be folded into encoded words: keep lines long enough for them.
    return message.as_bytes(policy=SMTP.clone(max_line_length=998))

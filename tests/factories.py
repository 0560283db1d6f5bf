"""Builders for messages, mail files and mailboxes, so tests avoid page-long literals."""

from __future__ import annotations

import gzip
import itertools
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

from tystnad.model import Seller

SELLER = Seller(domains=frozenset({"saljare.se"}))
STOCKHOLM_WINTER = timezone(timedelta(hours=1))
_ids = itertools.count(1)


def when(text: str) -> datetime:
    """"2026-03-02 09:30" in Swedish winter time."""
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM_WINTER)


def eml(
    *,
    sender: str = "Anna Berg <anna.berg@kvarnbyn.se>",
    to: str = "Erik Lund <erik.lund@saljare.se>",
    subject: str = "Offert lagerautomation",
    date: datetime | str | None = "2026-03-02 09:30",
    message_id: str | None = "auto",
    in_reply_to: str | None = None,
    references: tuple[str, ...] = (),
    body: str = "Hej Erik,\n\nTack för offerten. Vi tittar på den.\n\nMvh\nAnna",
    charset: str = "utf-8",
    headers: dict[str, str] | None = None,
) -> bytes:
    """One message as a plain client would write it (8bit text/plain)."""
    # Non-ASCII subjects travel as RFC 2047 encoded words, as every client sends them.
    encoded = subject if subject.isascii() else Header(subject, "utf-8").encode()
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {encoded}"]
    if date is not None:
        moment = when(date) if isinstance(date, str) else date
        lines.append(f"Date: {format_datetime(moment)}")
    if message_id == "auto":
        message_id = f"<test{next(_ids)}@mail.example>"
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    if references:
        lines.append("References: " + " ".join(references))
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    lines += ["MIME-Version: 1.0", f"Content-Type: text/plain; charset={charset}",
              "Content-Transfer-Encoding: 8bit", ""]
    return ("\r\n".join(lines) + "\r\n").encode("ascii") + body.replace("\n", "\r\n").encode(
        charset
    )


def message_id_of(data: bytes) -> str:
    for line in data.decode("latin-1").splitlines():
        if line.lower().startswith("message-id:"):
            return line.split(":", 1)[1].strip()
    raise ValueError("no Message-ID")


def write_mbox(path: Path, messages: list[bytes], *, compress: bool = False) -> Path:
    """mboxo as mail clients export it: "From " separators, body "From " lines escaped."""
    chunks = []
    for data in messages:
        text = data.replace(b"\r\n", b"\n")
        escaped = b"\n".join(
            b">" + line if line.startswith(b"From ") else line for line in text.split(b"\n")
        )
        chunks.append(b"From sender@example.com Mon Mar  2 09:30:00 2026\n" + escaped + b"\n\n")
    blob = b"".join(chunks)
    path.write_bytes(gzip.compress(blob) if compress else blob)
    return path


def write_maildir(root: Path, messages: list[bytes]) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for index, data in enumerate(messages):
        folder = "cur" if index % 2 else "new"
        suffix = ":2,S" if folder == "cur" else ""
        (root / folder / f"1700000000.{index}.host{suffix}").write_bytes(data)
    return root


def conversation(
    *,
    customer: str = "Anna Berg <anna.berg@kvarnbyn.se>",
    seller: str = "Erik Lund <erik.lund@saljare.se>",
    subject: str = "Offert lagerautomation",
    steps: list[tuple[str, str]] | list[tuple[str, str, str]],
    body: str = "Hej,\n\nHär kommer ett meddelande om offerten och nästa steg.\n",
) -> list[bytes]:
    """A threaded exchange: steps are ("seller"|"customer", "YYYY-MM-DD HH:MM"[, body])."""
    messages: list[bytes] = []
    chain: list[str] = []
    for index, step in enumerate(steps):
        side, moment = step[0], step[1]
        text = step[2] if len(step) > 2 else body
        message_id = f"<conv{next(_ids)}@mail.example>"
        sender, to = (seller, customer) if side == "seller" else (customer, seller)
        prefix = "SV: " if index else ""
        messages.append(eml(sender=sender, to=to, subject=prefix + subject, date=moment,
                            message_id=message_id, in_reply_to=chain[-1] if chain else None,
                            references=tuple(chain), body=text))
        chain.append(message_id)
    return messages


def run_tystnad(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, with its own data directory and no other environment."""
    return subprocess.run([sys.executable, "-m", "tystnad", *args], capture_output=True, text=True,
                          env={"TYSTNAD_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=120)


def free_port() -> int:
    """A port nothing on 127.0.0.1 listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

"""Every MIME shape a mailbox holds gives its text: CPython's own email test messages, and the shapes
real clients write that a fast parser gets wrong (RFC 2231 boundaries, forwards as message/rfc822,
digests, a missing empty line after the headers, a text part that names a file)."""

from __future__ import annotations

import email
import email.policy
import importlib.util
import re
from pathlib import Path

import pytest

from tystnad.model import Message, RawMessage, Skipped
from tystnad.pipeline import read_one

HEAD = "From: Anna Berg <anna.berg@kvarnbyn.se>\nTo: erik@saljare.se\nDate: Mon, 2 Feb 2026 09:00:00 +0100\n"


def _read(data: bytes | str) -> Message:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    found = read_one(RawMessage(data=raw, origin="test.eml"))
    assert not isinstance(found, Skipped), found.reason
    return found


def test_a_boundary_in_rfc_2231_form_is_read() -> None:
    data = HEAD + ("Content-Type: multipart/signed; protocol*=us-ascii''application%2Fpgp-signature;\n"
                   "\tboundary*=\"us-ascii''EeQfGw\"\n\n--EeQfGw\nContent-Type: text/plain; "
                   "charset*=us-ascii''us-ascii\n\nVi tar beslutet i styrelsen den 12 mars.\n"
                   "--EeQfGw\nContent-Type: application/pgp-signature\n\nSIG\n--EeQfGw--\n")
    assert _read(data).new_text == "Vi tar beslutet i styrelsen den 12 mars."


def test_a_forward_sent_as_a_whole_message_is_read_for_its_text() -> None:
    data = HEAD + ("Subject: Fwd: offerten\nContent-Type: message/rfc822\n\n"
                   "From: Per Ek <per.ek@kvarnbyn.se>\nSubject: offerten\n\nBudgeten ligger fast till hösten.\n")
    assert "Budgeten ligger fast" in _read(data).new_text


def test_a_digest_reads_its_parts_as_messages() -> None:
    data = HEAD + ("Content-Type: multipart/digest; boundary=D\n\n--D\n\nFrom: a@b.se\nSubject: ett\n\n"
                   "Det första meddelandet.\n--D\n\nFrom: c@d.se\n\nDet andra.\n--D--\n")
    assert _read(data).new_text == "Det första meddelandet."


def test_headers_without_the_empty_line_end_at_the_first_line_that_is_no_header() -> None:
    data = HEAD + "Subject: offert\nContent-Type: text/plain\nVi har bestämt oss för er lösning.\n"
    message = _read(data)
    assert message.subject == "offert" and message.new_text == "Vi har bestämt oss för er lösning."


def test_a_text_part_that_names_a_file_but_is_no_attachment_is_the_text() -> None:
    data = HEAD + ("Content-Type: multipart/mixed; boundary=B\n\n--B\n"
                   "Content-Type: text/plain; name=\"msg.txt\"\n\nKan ni leverera i april?\n--B--\n")
    message = _read(data)
    assert message.new_text == "Kan ni leverera i april?" and message.attachments == ("msg.txt",)


def test_an_attached_message_does_not_replace_the_writers_own_words() -> None:
    data = HEAD + ("Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/html\n\n"
                   "<p>Se nedan, vi hörs på fredag.</p>\n--B\nContent-Type: message/rfc822\n"
                   "Content-Disposition: attachment\n\nFrom: x@y.se\n\nGammalt meddelande.\n--B--\n")
    assert _read(data).new_text == "Se nedan, vi hörs på fredag."


def _cpython_messages() -> list[Path]:
    spec = importlib.util.find_spec("test.test_email")
    if spec is None or spec.origin is None:
        return []
    return sorted((Path(spec.origin).parent / "data").glob("msg_*.txt"))


# Where the stdlib's text is no message text a reader would see: a made-up text/x-* type, one boundary
# reused inside itself, and raw MIME inside a text/html part.
_NOT_TEXT = {"msg_37.txt", "msg_39.txt", "msg_40.txt"}


@pytest.mark.parametrize("path", _cpython_messages(), ids=lambda path: path.name)
def test_every_cpython_email_test_message_is_read_with_its_text(path: Path) -> None:
    data = path.read_bytes()
    if data.startswith(b"From "):  # an mbox's separator line: a mailbox reader takes it off
        data = data.split(b"\n", 1)[1]
    head = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
    # Some have no sender address or date (a bounce, a fragment): a real mailbox would hold both.
    if not re.search(rb"(?mi)^from:[^\n]*@", head):
        data = b"From: Anna Berg <anna.berg@kvarnbyn.se>\n" + data
    if not re.search(rb"(?mi)^date:", head):
        data = b"Date: Mon, 2 Feb 2026 09:00:00 +0100\n" + data
    message = _read(data)
    stdlib = email.message_from_bytes(data, policy=email.policy.default)
    texts = [part for part in stdlib.walk()
             if part.get_content_type() in ("text/plain", "text/html") and not part.is_attachment()]
    if any(str(part.get_content()).strip() for part in texts) and path.name not in _NOT_TEXT:
        assert message.new_text.strip() or message.signature.strip(), path.name

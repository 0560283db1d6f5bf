"""The sample-mailbox generator: deterministic, streamed, and mail that real readers accept."""

from __future__ import annotations

import ast
import email
import gzip
import mailbox
import re
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

import tystnad_sample
from tystnad_sample import GeneratedMailbox, generate_mailbox
from tystnad_sample.cast import holiday_dates
from tystnad_sample.generator import iter_messages
from tystnad_sample.output import Rendered

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
SELLERS = ("erik.lund@norrsken.se", "sara.nyberg@norrsken.se", "james.whitfield@norrsken.se")


@pytest.fixture(scope="module")
def sample() -> list[Rendered]:
    """Large enough that the rare cases (0.2 % broken, 0.5 % bad dates) occur."""
    return list(iter_messages(deals=150, messages=4000, seed=11, now=NOW))


@pytest.fixture(scope="module")
def parsed(sample: list[Rendered]) -> list[Message]:
    return [email.message_from_bytes(m.data) for m in sample]


@pytest.fixture(scope="module")
def plain_text(sample: list[Rendered], parsed: list[Message]) -> str:
    """The decoded text/plain parts of all intact messages, as a reader would see them."""
    texts = []
    for rendered, msg in zip(sample, parsed, strict=True):
        if rendered.broken:
            continue
        for part in msg.walk():
            if part.get_content_type() == "text/plain" and not part.get_filename():
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(texts)


def _defects(msg: Message) -> list[object]:
    return [d for part in msg.walk() for d in part.defects]


# --- determinism, counts, arguments ---------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a = generate_mailbox(tmp_path / "a.mbox", deals=12, messages=200, seed=5, now=NOW)
    b = generate_mailbox(tmp_path / "b.mbox", deals=12, messages=200, seed=5, now=NOW)
    c = generate_mailbox(tmp_path / "c.mbox", deals=12, messages=200, seed=6, now=NOW)
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.path.read_bytes() != c.path.read_bytes()


def test_result_describes_the_mailbox(tmp_path: Path) -> None:
    out = tmp_path / "box.mbox"
    result = generate_mailbox(out, deals=10, messages=150, now=NOW)
    assert result == GeneratedMailbox(
        path=out, messages=result.messages, deals=10, seller_domain="norrsken.se"
    )
    assert len(mailbox.mbox(out)) == result.messages


@pytest.mark.parametrize(("deals", "messages"), [(1, 2), (10, 120), (40, 1500), (100, 900)])
def test_message_count_within_ten_percent(deals: int, messages: int) -> None:
    produced = sum(1 for _ in iter_messages(deals=deals, messages=messages, seed=2, now=NOW))
    assert abs(produced - messages) <= messages * 0.1


def test_deals_have_varied_lengths_and_distinct_organisations(sample: list[Rendered]) -> None:
    per_deal = Counter(m.deal for m in sample)
    assert len(per_deal) == 150
    assert min(per_deal.values()) >= 2 and max(per_deal.values()) <= 40
    assert len(set(per_deal.values())) > 15
    domains = {
        m.sender.rpartition("@")[2]
        for m in sample
        if not m.sender.endswith("@norrsken.se")
        and not m.sender.endswith(("gmail.com", "hotmail.com", "outlook.com", "icloud.com"))
    }
    assert len(domains) > 100
    tlds = Counter(d.split(".", 1)[1] for d in domains)
    assert tlds["se"] > sum(tlds.values()) * 0.4
    assert {"no", "dk", "nl", "co.uk", "de", "com"} <= set(tlds)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deals": 5, "messages": 50, "now": datetime(2026, 3, 14)},  # naive time
        {"deals": 5, "messages": 5, "now": NOW},  # fewer than 2 per deal
        {"deals": 0, "messages": 10, "now": NOW},
        {"deals": 5, "messages": 50, "now": NOW, "fmt": "pst"},
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        generate_mailbox(tmp_path / "x", **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


# --- every message parses; the broken ones are rare and detectable -----------------------


def test_every_message_parses_and_only_broken_ones_have_defects(
    sample: list[Rendered], parsed: list[Message]
) -> None:
    broken = 0
    for rendered, msg in zip(sample, parsed, strict=True):
        if rendered.broken:
            broken += 1
            assert _defects(msg), rendered.data[:400]
            continue
        assert not _defects(msg), rendered.data[:400]
        assert msg["From"] and msg["Subject"] and msg["To"]
        assert any(p.get_content_maintype() == "text" for p in msg.walk())
    assert 1 <= broken <= len(sample) * 0.01


def test_modern_email_api_reads_the_messages(sample: list[Rendered]) -> None:
    for rendered in sample[::25]:
        if rendered.broken:
            continue
        msg = email.message_from_bytes(rendered.data, policy=policy.default)
        assert str(msg["From"]) and str(msg["Subject"])
        body = msg.get_body(("plain", "html"))
        assert body is not None
        assert body.get_content().strip()


def test_rare_header_cases(sample: list[Rendered], parsed: list[Message]) -> None:
    whole = [(r, m) for r, m in zip(sample, parsed, strict=True) if not r.broken]
    no_id = [m for _, m in whole if m["Message-ID"] is None and m["Message-Id"] is None]
    assert 0 < len(no_id) < len(whole) * 0.03
    bad_dates = 0
    for _, msg in whole:
        try:
            date = parsedate_to_datetime(msg["Date"]) if msg["Date"] else None
        except (TypeError, ValueError):
            date = None
        if date is None:
            bad_dates += 1
            received = msg.get_all("Received")
            assert received
            assert parsedate_to_datetime(received[0].rsplit(";", 1)[1].strip())
    assert 0 < bad_dates < len(whole) * 0.02


def test_dates_lie_in_the_last_six_to_twelve_months(sample: list[Rendered]) -> None:
    first = min(m.sent for m in sample)
    last = max(m.sent for m in sample)
    assert last < NOW
    assert timedelta(days=150) < NOW - first < timedelta(days=380)
    assert sample == sorted(sample, key=lambda m: m.sent)


def test_people_write_in_working_hours(sample: list[Rendered], parsed: list[Message]) -> None:
    swedish = holiday_dates("SE", ("public", "de_facto"), tuple(range(2024, 2028)))
    weekend = on_holiday = counted = 0
    for rendered, msg in zip(sample, parsed, strict=True):
        if rendered.broken or msg["Auto-Submitted"]:
            continue
        try:
            local = parsedate_to_datetime(msg["Date"])
        except (TypeError, ValueError):
            continue
        if local.utcoffset() == timedelta(0):
            continue  # stamped in UTC by Exchange; local hour unknown
        counted += 1
        weekend += local.weekday() >= 5
        sender_is_swedish = rendered.language == "sv" or rendered.sender in SELLERS
        on_holiday += sender_is_swedish and local.date() in swedish
    assert counted > 3000
    assert weekend < counted * 0.02
    assert on_holiday == 0


# --- clients, languages, charsets ---------------------------------------------------------


def test_both_languages_and_all_client_styles(sample: list[Rendered]) -> None:
    blob = b"\n".join(m.data for m in sample)
    assert Counter(m.language for m in sample).keys() == {"sv", "en"}
    assert re.search(rb"Message-ID: <[A-Z0-9]+@[A-Z0-9]+\.eurprd\d\d\.prod\.outlook\.com>", blob)
    assert b"Thread-Index: " in blob and b"Thread-Topic: " in blob and b"X-MS-Has-Attach:" in blob
    assert re.search(rb"Message-ID: <CA[^@>]+@mail\.gmail\.com>", blob)
    assert re.search(
        rb"Message-Id: <[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}@", blob
    )
    assert b"X-Mailer: iPhone Mail (22D72)" in blob
    assert b"X-Mailer: Apple Mail (2.3826" in blob
    for marker in (b"gmail_quote", b'blockquote type=3D"cite"', b"divRplyFwdMsg", b"MsoNormal"):
        assert marker in blob
    for prefix in (b"Subject: SV: ", b"Subject: RE: ", b"Subject: Re: ", b"Subject: Sv: "):
        assert prefix in blob
    assert b"Subject: VB: " in blob or b"Subject: FW: " in blob or b"=?iso-8859-1?Q?VB" in blob


def test_quoted_history_as_each_client_writes_it(plain_text: str) -> None:
    text = plain_text
    assert "________________________________\nFrån: " in text
    assert "________________________________\nFrom: " in text
    assert "-----Ursprungligt meddelande-----" in text
    assert "-----Original Message-----" in text
    assert re.search(r"\nSkickat: den \d{1,2} [a-zé]+ 20\d\d \d\d:\d\d\n", text)
    assert re.search(
        r"\nSent: [A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, 20\d\d \d{1,2}:\d\d [AP]M\n", text
    )
    assert re.search(r"Den [a-zö]{3,4} \d{1,2} [a-z]+\.? 20\d\d kl \d\d:\d\d skrev .+ <", text)
    assert re.search(
        r"On [A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}, 20\d\d at \d{1,2}:\d\d [AP]M ", text
    )
    assert re.search(r"> \d{1,2} [a-z]+\.? 20\d\d kl\. \d\d:\d\d skrev .+:", text)
    assert re.search(r"On \d{1,2} [A-Z][a-z]{2} 20\d\d, at \d\d:\d\d, .+ wrote:", text)
    assert "Skickat från min iPhone" in text and "Sent from my iPhone" in text
    for signoff in ("Med vänliga hälsningar", "Best regards", "Kind regards"):
        assert signoff in text


def test_charsets_and_encoded_words(sample: list[Rendered], parsed: list[Message]) -> None:
    blob = b"\n".join(m.data for m in sample)
    assert b'charset="windows-1252"' in blob
    assert b'charset="iso-8859-1"' in blob
    assert b"charset=utf-8" in blob and b'charset="UTF-8"' in blob
    assert b"Content-Transfer-Encoding: base64" in blob
    assert b"Content-Transfer-Encoding: quoted-printable" in blob
    assert b"format=flowed" in blob
    for word in (b"=?iso-8859-1?Q?", b"=?utf-8?B?", b"=?UTF-8?Q?", b"=?utf-8?Q?"):
        assert word in blob
    mislabelled = 0
    for msg in parsed:
        for part in msg.walk():
            if part.get_content_charset() == "iso-8859-1" and not part.is_multipart():
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes) and re.search(rb"[\x92\x96]", payload):
                    mislabelled += 1
    assert mislabelled > 0


def test_auto_replies_attachments_html_only(sample: list[Rendered], parsed: list[Message]) -> None:
    autos = [m for m in parsed if m["Auto-Submitted"] == "auto-replied"]
    assert autos
    subjects = [
        str(email.header.make_header(email.header.decode_header(m["Subject"]))) for m in autos
    ]
    assert any(s.startswith(("Automatiskt svar:", "Automatic reply:")) for s in subjects)
    assert any(m["X-Auto-Response-Suppress"] == "All" for m in autos)
    names = [name for m in parsed for p in m.walk() if (name := p.get_filename())]
    assert any(n.endswith(".pdf") and ("Offert" in n or "Proposal" in n) for n in names)
    pdfs = [
        p.get_payload(decode=True)
        for m in parsed
        for p in m.walk()
        if p.get_content_type() == "application/pdf"
    ]
    assert pdfs and all(isinstance(b, bytes) and b.startswith(b"%PDF-") for b in pdfs)
    html_only = [
        part
        for m in parsed
        if not any(p.get_content_type() == "text/plain" for p in m.walk())
        for part in m.walk()
        if part.get_content_type() == "text/html"
    ]
    assert html_only
    payloads = [p.get_payload(decode=True) for p in html_only]
    html = b"".join(p for p in payloads if isinstance(p, bytes))
    assert b"<p>" in html and b"<li>" in html and b"<blockquote" in html


# --- threading --------------------------------------------------------------------------


def test_replies_refer_to_earlier_messages(sample: list[Rendered], parsed: list[Message]) -> None:
    seen: set[str] = set()
    replies = fresh = unknown = 0
    for rendered, msg in zip(sample, parsed, strict=True):
        reply_to = msg["In-Reply-To"]
        if reply_to and not rendered.broken:
            replies += 1
            refs = (msg["References"] or "").split()
            assert refs and refs[-1] == reply_to
            # A parent whose headers were damaged on purpose leaves its id unreadable.
            unknown += len(set(refs) - seen)
        subject = msg["Subject"] or ""
        is_customer_reply = rendered.inbound and not msg["Auto-Submitted"]
        if is_customer_reply and not reply_to and not subject.startswith(("VB", "FW", "Fwd", "Vb")):
            fresh += 1
        mid = msg["Message-ID"] or msg["Message-Id"]
        if mid:
            seen.add(mid)
    broken = sum(m.broken for m in sample)
    assert unknown <= broken * 40
    assert replies > len(sample) * 0.7
    assert fresh > 0


def test_every_seller_appears(sample: list[Rendered]) -> None:
    assert set(SELLERS) <= {m.sender for m in sample}


# --- formats on disk ----------------------------------------------------------------------


def _small(tmp_path: Path, fmt: str, name: str) -> GeneratedMailbox:
    return generate_mailbox(tmp_path / name, deals=20, messages=400, seed=9, now=NOW, fmt=fmt)


def test_mbox_from_lines_and_escaping(tmp_path: Path) -> None:
    result = _small(tmp_path, "mbox", "box.mbox")
    data = result.path.read_bytes()
    envelope = re.compile(rb"From \S+@\S+ [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}")
    starts = [line for line in data.split(b"\n") if line.startswith(b"From ")]
    assert len(starts) == result.messages
    assert all(envelope.fullmatch(line) for line in starts)
    originals = list(iter_messages(deals=20, messages=400, seed=9, now=NOW))
    from_lines = sum(
        1 for m in originals for line in m.data.split(b"\n") if line.startswith(b"From ")
    )
    assert from_lines > 0
    assert data.count(b"\n>From ") == from_lines + sum(
        1 for m in originals for line in m.data.split(b"\n") if line.startswith(b">From ")
    )
    box = mailbox.mbox(result.path)
    assert len(box) == result.messages
    assert {m.get_from().split()[0] for m in box} <= {m.sender for m in originals}


def test_mbox_gz_holds_the_same_mbox(tmp_path: Path) -> None:
    plain = _small(tmp_path, "mbox", "box.mbox")
    packed = _small(tmp_path, "mbox.gz", "box.mbox.gz")
    assert packed.path.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(packed.path.read_bytes()) == plain.path.read_bytes()
    assert (
        packed.path.read_bytes() == _small(tmp_path, "mbox.gz", "again.mbox.gz").path.read_bytes()
    )


def test_maildir_is_readable(tmp_path: Path) -> None:
    result = _small(tmp_path, "maildir", "Maildir")
    root = result.path
    assert {p.name for p in root.iterdir()} == {"cur", "new", "tmp"}
    assert not any((root / "tmp").iterdir())
    names = [p.name for sub in ("cur", "new") for p in (root / sub).iterdir()]
    assert len(names) == len(set(names)) == result.messages
    box = mailbox.Maildir(root, create=False)
    assert len(box) == result.messages
    assert all(msg["From"] for msg in box)


def test_eml_folder_per_month(tmp_path: Path) -> None:
    result = _small(tmp_path, "eml", "eml")
    files = sorted(result.path.rglob("*.eml"))
    assert len(files) == result.messages
    assert {f.parent.name for f in files} and all(
        re.fullmatch(r"20\d\d-\d\d", f.parent.name) for f in files
    )
    for f in files[:50]:
        data = f.read_bytes()
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
        assert email.message_from_bytes(data)["From"]


# --- streaming and size -------------------------------------------------------------------


def test_output_grows_with_size_and_memory_stays_small(tmp_path: Path) -> None:
    small = generate_mailbox(tmp_path / "s.mbox", deals=20, messages=200, seed=4, now=NOW)
    large = generate_mailbox(tmp_path / "l.mbox", deals=20, messages=800, seed=4, now=NOW)
    size = large.path.stat().st_size
    assert 2.5 < size / small.path.stat().st_size < 8

    next(iter_messages(deals=2, messages=4, seed=4, now=NOW))  # language files, calendars
    tracemalloc.start()
    for _ in iter_messages(deals=20, messages=800, seed=4, now=NOW):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # Only the open deals' state is held, never the mailbox written so far.
    assert peak < size / 5


def test_worker_processes_give_the_same_messages() -> None:
    def run(workers: int) -> list[bytes]:
        stream = iter_messages(deals=60, messages=900, seed=12, now=NOW, workers=workers)
        return [m.data for m in stream]

    assert run(1) == run(3)
    stream = iter_messages(deals=60, messages=900, seed=12, now=NOW, workers=2)
    next(stream)
    stream.close()  # stopping early must not leave workers behind or hang


# --- its own package ----------------------------------------------------------------------


def test_the_generator_imports_nothing_from_tystnad() -> None:
    """sample/ installs on its own (the `sample` extra); importing tystnad would tie it back in."""
    imported: set[str] = set()
    for module in Path(tystnad_sample.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert "tystnad" not in imported
    assert "tystnad_sample" in imported

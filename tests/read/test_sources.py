"""Sources stream every supported layout, count each message once, and never touch the mail."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from factories import eml, write_maildir, write_mbox
from tystnad.errors import SourceUnavailable
from tystnad.model import RawMessage, Skipped
from tystnad.read.sources import SOURCES, load, open_source, open_sources
from tystnad.read.sources.files import mail_files, read_file


def _raws(items: object) -> list[RawMessage]:
    return [item for item in items if isinstance(item, RawMessage)]  # type: ignore[attr-defined]


def test_a_single_eml_file(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(eml())
    found = _raws(open_source(path))
    assert [raw.origin for raw in found] == [str(path)]


def test_a_folder_of_eml_files_is_searched_recursively(tmp_path: Path) -> None:
    (tmp_path / "2026" / "03").mkdir(parents=True)
    (tmp_path / "a.eml").write_bytes(eml())
    (tmp_path / "2026" / "03" / "b.eml").write_bytes(eml())
    (tmp_path / ".DS_Store").write_bytes(b"\0\0")
    assert len(_raws(open_source(tmp_path))) == 2


def test_mbox_escaped_from_lines_are_restored(tmp_path: Path) -> None:
    body = "Hej,\nFrom now on we meet on Mondays.\n\nMvh"
    path = write_mbox(tmp_path / "box.mbox", [eml(body=body), eml()])
    found = _raws(open_source(path))
    assert len(found) == 2
    assert b"\nFrom now on we meet" in load(found[0])
    assert load(found[1]).startswith(b"From: Anna")
    assert found[0].origin.endswith("box.mbox#1") and found[1].origin.endswith("#2")


def test_gzip_mbox_reads_like_plain(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "box.mbox.gz", [eml(), eml(), eml()], compress=True)
    assert len(_raws(open_source(path))) == 3


def test_truncated_gzip_keeps_what_came_before_and_reports_the_rest(tmp_path: Path) -> None:
    whole = gzip.compress(b"".join(
        b"From x@y Mon Mar  2 09:30:00 2026\n" + eml(body="Hej " * 4000) + b"\n\n"
        for _ in range(20)
    ))
    path = tmp_path / "cut.mbox.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = list(open_source(path))
    assert any(isinstance(item, Skipped) and "damaged" in item.reason for item in items)
    assert len(_raws(items)) >= 1


def test_maildir_is_read_without_renaming_or_flagging(tmp_path: Path) -> None:
    root = write_maildir(tmp_path / "Maildir", [eml(), eml(), eml()])
    (root / ".Sent" / "cur").mkdir(parents=True)
    (root / ".Sent" / "new").mkdir()
    (root / ".Sent" / "cur" / "1.2.host:2,S").write_bytes(eml())
    before = sorted((p, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file())
    assert len(_raws(open_source(root))) == 4
    after = sorted((p, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file())
    assert before == after  # nothing moved from new/ to cur/, no flag suffix changed


def test_several_sources_at_once(tmp_path: Path) -> None:
    (tmp_path / "one.eml").write_bytes(eml())
    box = write_mbox(tmp_path / "box.mbox", [eml(), eml()])
    assert len(_raws(open_sources([tmp_path / "one.eml", box]))) == 3


def test_one_source_that_is_not_what_its_name_says_is_reported_and_the_rest_still_read(tmp_path: Path) -> None:
    good = write_mbox(tmp_path / "inbox.mbox", [eml(), eml(message_id="<second@x>")])
    fake = tmp_path / "archive.mbox.gz"
    fake.write_bytes(b"From a@b Mon Jan  1 00:00:00 2001\nSubject: not compressed\n\nhej\n")
    items = list(open_sources([fake, good]))
    assert sum(isinstance(item, RawMessage) for item in items) == 2
    (skipped,) = [item for item in items if isinstance(item, Skipped)]
    assert skipped.origin == str(fake) and "gzip" in skipped.reason
    assert fake.read_bytes().startswith(b"From a@b")  # left as it was
    with pytest.raises(SourceUnavailable, match="archive.mbox.gz"):
        list(open_sources([fake]))  # the only source: nothing to scan, say so


def test_missing_path_fails_before_any_mail_is_read(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="no such file"):
        open_sources([tmp_path / "nowhere.mbox"]).__next__()


def test_a_file_that_is_not_mbox_is_read_as_one_message(tmp_path: Path) -> None:
    path = tmp_path / "message.txt"
    path.write_bytes(eml())
    assert len(_raws(open_source(path))) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_in_a_folder_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "ok.eml").write_bytes(eml())
    locked = tmp_path / "locked.eml"
    locked.write_bytes(eml())
    locked.chmod(0)
    items = list(open_source(tmp_path))
    assert len(_raws(items)) == 1
    assert any(isinstance(item, Skipped) for item in items)


def test_a_stray_archive_in_a_folder_is_skipped_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "ok.eml").write_bytes(eml())
    (tmp_path / "photos.tar.gz").write_bytes(gzip.compress(b"not mail at all"))
    write_mbox(tmp_path / "archive.mbox", [eml(), eml()])
    items = list(open_source(tmp_path))
    assert len(_raws(items)) == 3
    (skip,) = [item for item in items if isinstance(item, Skipped)]
    assert skip.origin.endswith("photos.tar.gz") and "not an mbox" in skip.reason


def test_each_layout_is_read_by_the_one_source_kind_made_for_it(tmp_path: Path) -> None:
    """The registry is asked in order: every layout a client writes lands with its own kind, and
    each kind streams the messages that layout holds."""
    layouts = {
        "maildir": write_maildir(tmp_path / "Maildir", [eml(), eml(subject="Två")]),
        "eml folder": tmp_path / "export",
        "mbox.gz": write_mbox(tmp_path / "Inbox.mbox.gz", [eml(), eml(subject="Två")], compress=True),
        "eml": tmp_path / "one.EML",
        "mbox": write_mbox(tmp_path / "Sent", [eml(), eml(subject="Två")]),
        "message": tmp_path / "message.txt",
    }
    layouts["eml folder"].mkdir()
    (layouts["eml folder"] / "a.eml").write_bytes(eml())
    layouts["eml"].write_bytes(eml())
    layouts["message"].write_bytes(eml())
    assert [kind.name for kind in SOURCES] == list(layouts)  # every kind has a layout here
    for name, path in layouts.items():
        chosen = next(kind for kind in SOURCES if kind.recognises(path))
        assert chosen.name == name, path
        assert len(_raws(chosen.read(path))) == (2 if name in ("maildir", "mbox.gz", "mbox") else 1)


def test_a_maildir_file_that_vanished_before_it_was_read_is_skipped_with_its_reason(tmp_path: Path) -> None:
    """A client moves a message (new/ to cur/, or to another folder) between the listing and the read."""
    box = write_maildir(tmp_path / "Maildir", [eml(), eml(subject="Två")])
    files = mail_files([box])
    files[0].path.unlink()
    read = [item for file in files for item in read_file(file, single=False)]
    assert sum(isinstance(item, RawMessage) for item in read) == 1
    (skipped,) = [item for item in read if isinstance(item, Skipped)]
    assert skipped.origin == str(files[0].path) and skipped.reason.startswith("cannot read")

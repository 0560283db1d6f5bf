"""The message index: a rescan reads only new or changed mail files and judges exactly as a fresh
scan of the same mail would, whatever was added, appended, rewritten or removed in between."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import SELLER, conversation, when, write_mbox
from tystnad.act.report import to_json
from tystnad.pipeline import index_version, scan
from tystnad.store.index import MessageIndex

NOW = "2026-03-20 09:00"


def _scan(sources: list[Path], index: MessageIndex | None) -> dict[str, Any]:
    result = scan(sources, seller=SELLER, now=when(NOW), home_country="SE", home_zone="Europe/Stockholm",
                  index=index)
    return to_json(result)


def _deal(number: int, *, customer_reply: bool = True) -> list[bytes]:
    steps = [("seller", f"2026-02-{2 + number % 20:02d} 09:00",
              f"Hej,\n\nHär är offerten nummer {number} på lagerstyrningen.\n\nErik"),
             ("customer", f"2026-02-{2 + number % 20:02d} 15:00",
              "Tack! Budgeten är tyvärr fryst till hösten, så vi återkommer i september.\n\nAnna")]
    return conversation(customer=f"Anna Berg <anna@kund{number}.se>", subject=f"Offert {number}",
                        steps=steps[: 2 if customer_reply else 1])


class Mail:
    """A Maildir and an mbox that change between scans as a client would change them."""

    def __init__(self, root: Path) -> None:
        self.maildir = root / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        self.mbox = root / "export.mbox"
        self.mbox_messages: list[bytes] = []
        self.written = 0

    def deliver(self, messages: list[bytes]) -> None:
        for data in messages:
            self.written += 1
            (self.maildir / "cur" / f"{1700000000 + self.written}.M{self.written}P1.host:2,S").write_bytes(data)

    def append(self, messages: list[bytes]) -> None:
        """What a client does to an mbox: more messages at its end, the rest untouched."""
        self.mbox_messages += messages
        block = write_mbox(self.mbox.with_suffix(".part"), messages).read_bytes()
        with self.mbox.open("ab") as handle:
            handle.write(block)

    def rewrite(self, keep: int) -> None:
        """An export written anew: fewer messages, another file behind the same name."""
        self.mbox_messages = self.mbox_messages[:keep]
        write_mbox(self.mbox, self.mbox_messages)
        stamp = self.mbox.stat().st_mtime_ns + 1_000_000_000
        os.utime(self.mbox, ns=(stamp, stamp))

    def remove_oldest(self) -> None:
        files = sorted((self.maildir / "cur").iterdir())
        if files:
            files[0].unlink()

    @property
    def sources(self) -> list[Path]:
        return [self.maildir, *([self.mbox] if self.mbox.exists() else [])]


def test_a_rescan_after_new_mail_judges_as_a_fresh_scan_and_keeps_what_it_read(tmp_path: Path) -> None:
    mail = Mail(tmp_path)
    mail.deliver(_deal(1) + _deal(2))
    mail.append(_deal(3, customer_reply=False))
    with MessageIndex(tmp_path / "index.sqlite3", version=index_version()) as index:
        first = _scan(mail.sources, index)
        assert first == _scan(mail.sources, None)
        assert set(index.files()) == {str(p) for p in (mail.mbox, *sorted((mail.maildir / "cur").iterdir()))}
        # The customer answers into the mbox (appended) and a new deal arrives in the Maildir.
        mail.append(_deal(3)[1:])
        mail.deliver(_deal(4))
        again = _scan(mail.sources, index)
        assert again == _scan(mail.sources, None)
        assert len(again["deals"]) == 4 and again["messages"] == first["messages"] + 3
        assert index.files()[str(mail.mbox)].messages == 2  # the old message kept, the new one added


def test_a_rewritten_file_is_read_again_and_a_removed_one_leaves_the_index(tmp_path: Path) -> None:
    mail = Mail(tmp_path)
    mail.deliver(_deal(1))
    mail.append(_deal(2) + _deal(3))
    with MessageIndex(tmp_path / "index.sqlite3", version=index_version()) as index:
        _scan(mail.sources, index)
        mail.rewrite(keep=2)
        gone = sorted((mail.maildir / "cur").iterdir())[0]
        mail.remove_oldest()
        rescanned = _scan(mail.sources, index)
        assert rescanned == _scan(mail.sources, None)
        # kund3's two messages went with the rewrite; one of kund1's two files is gone.
        assert sorted(d["organization"] for d in rescanned["deals"]) == ["kund1.se", "kund2.se"]
        assert rescanned["messages"] == 3
        assert str(gone) not in index.files()


def test_an_index_of_another_version_is_never_read(tmp_path: Path) -> None:
    mail = Mail(tmp_path)
    mail.deliver(_deal(1))
    with MessageIndex(tmp_path / "index.sqlite3", version="an older tystnad") as index:
        _scan(mail.sources, index)
    with MessageIndex(tmp_path / "index.sqlite3", version=index_version()) as index:
        assert index.files() == {}
        assert _scan(mail.sources, index) == _scan(mail.sources, None)


CHANGES = st.lists(st.sampled_from(["deliver", "append", "answer", "rewrite", "remove"]), min_size=1, max_size=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=CHANGES)
def test_any_order_of_changes_gives_the_deals_a_fresh_scan_gives(tmp_path_factory: Any,
                                                                  changes: list[str]) -> None:
    root = tmp_path_factory.mktemp("mail")
    mail = Mail(root)
    mail.deliver(_deal(0))
    number = 1
    with MessageIndex(root / "index.sqlite3", version=index_version()) as index:
        _scan(mail.sources, index)
        for change in changes:
            number += 1
            if change == "deliver":
                mail.deliver(_deal(number))
            elif change == "append":
                mail.append(_deal(number, customer_reply=False))
            elif change == "answer":
                mail.append(_deal(number)[1:])
            elif change == "rewrite":
                mail.rewrite(keep=len(mail.mbox_messages) // 2)
            else:
                mail.remove_oldest()
            assert _scan(mail.sources, index) == _scan(mail.sources, None), changes

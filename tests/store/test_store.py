"""The local store: real SQLite files, migrations once, outcomes that survive re-scans."""

from __future__ import annotations

import email
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from factories import conversation, write_mbox
from factories import run_tystnad as tystnad
from tystnad.errors import StoreError
from tystnad.model import Outcome
from tystnad.store import open_store

NOW = "2026-03-20 09:00"
MOMENT = datetime(2026, 3, 20, 9, tzinfo=UTC)


def test_migrations_run_once_and_the_schema_is_versioned(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    store = open_store(tmp_path)  # a second open must not re-run the migration
    store.close()
    with sqlite3.connect(tmp_path / "tystnad.sqlite3") as db:
        migrations = Path(__file__).parents[2] / "src" / "tystnad" / "store" / "migrations"
        latest = max(int(path.name.split("_", 1)[0]) for path in migrations.glob("*.sql"))
        assert db.execute("PRAGMA user_version").fetchone()[0] == latest
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_outcomes_keep_the_latest_per_deal(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.record_outcome(Outcome(organization="kvarnbyn.se", outcome="no_reply", note="", recorded_at=MOMENT))
    store.record_outcome(Outcome(organization="kvarnbyn.se", outcome="meeting", note="tisdag", recorded_at=MOMENT))
    assert store.latest_outcomes()["kvarnbyn.se"].outcome == "meeting"
    with pytest.raises(StoreError, match="unknown outcome"):
        store.record_outcome(Outcome(organization="x.se", outcome="maybe", note="", recorded_at=MOMENT))
    store.close()




def test_draft_outcome_and_info_work_on_the_latest_scan(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten.\n\nMvh\nErik"),
             ("customer", "2026-02-02 15:00", "Tack! Jag återkommer.\n\nAnna"),
             ("seller", "2026-02-16 09:00", "Hej Anna, hur går det?\n\nErik")]
    box = write_mbox(tmp_path / "box.mbox", conversation(steps=steps))
    home = tmp_path / "home"
    assert tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, home=home).returncode == 0
    shown = tystnad("draft", "kvarnbyn.se", "--eml", str(tmp_path / "draft.eml"), home=home)
    assert shown.returncode == 0 and "Hej Anna," in shown.stdout
    written = email.message_from_bytes((tmp_path / "draft.eml").read_bytes())
    assert written["To"] == "anna.berg@kvarnbyn.se" and written["Subject"].startswith("SV:")
    assert written["In-Reply-To"].startswith("<") and written["In-Reply-To"] in written["References"]
    assert tystnad("outcome", "kvarnbyn.se", "meeting", "--note", "bokat", home=home).returncode == 0
    again = tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, "--format", "json", home=home)
    (deal,) = json.loads(again.stdout)["deals"]
    assert deal["outcome"]["outcome"] == "meeting" and deal["outcome"]["note"] == "bokat"
    info = tystnad("info", home=home).stdout
    assert str(home) in info and "scans:          2" in info
    missing = tystnad("draft", "nowhere.se", home=home)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_an_outcome_closes_the_loop_at_once_and_a_sent_play_is_not_sent_again(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten på plockautomationen.\n\nMvh\nErik"),
             ("customer", "2026-02-02 15:00", "Tack! Jag återkommer.\n\nAnna"),
             ("seller", "2026-02-16 09:00", "Hej Anna, hur går det?\n\nErik")]
    other = [("seller", "2026-02-02 09:00", "Hi Sam,\n\nHere is our proposal for the route planning.\n\nErik"),
             ("customer", "2026-02-03 10:00", "Thanks, I'll get back to you.\n\nSam"),
             ("seller", "2026-02-17 09:00", "Hi Sam, any news?\n\nErik")]
    box = write_mbox(tmp_path / "box.mbox", conversation(steps=steps)
                     + conversation(steps=other, customer="Sam Reed <sam.reed@hartley.co.uk>", subject="Routes"))
    home = tmp_path / "home"
    assert tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, home=home).returncode == 0
    listed = tystnad("monday", home=home).stdout
    assert "kvarnbyn.se" in listed and "hartley.co.uk" in listed
    # Won: off the Monday list without a rescan, and closed on the next scan rather than "silent".
    assert tystnad("outcome", "kvarnbyn.se", "won", home=home).returncode == 0
    assert "kvarnbyn.se" not in tystnad("monday", home=home).stdout
    # Sent: the play counts as tried; snoozed needs its day; "no reply" is understood in words too.
    first = json.loads(tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, "--format", "json",
                               home=home).stdout)
    kvarnbyn = next(d for d in first["deals"] if d["organization"] == "kvarnbyn.se")
    assert kvarnbyn["status"] == "closed" and kvarnbyn["play"]["draft"] is None
    hartley = next(d for d in first["deals"] if d["organization"] == "hartley.co.uk")
    sent = tystnad("outcome", "hartley.co.uk", "sent", home=home)
    assert sent.returncode == 0 and hartley["play"]["kind"] in sent.stdout
    assert "hartley.co.uk" not in tystnad("monday", home=home).stdout
    assert tystnad("outcome", "hartley.co.uk", "snoozed", home=home).returncode == 2
    assert tystnad("outcome", "hartley.co.uk", "snoozed", "--until", "2026-01-01", home=home).returncode == 0
    assert "hartley.co.uk" in tystnad("monday", home=home).stdout  # a snooze whose day has passed
    assert tystnad("outcome", "hartley.co.uk", "no", "reply", home=home).returncode == 0
    again = json.loads(tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, "--format", "json",
                               home=home).stdout)
    hartley_again = next(d for d in again["deals"] if d["organization"] == "hartley.co.uk")
    assert hartley_again["play"]["kind"] != hartley["play"]["kind"]  # never the same mail twice
    assert "Already sent" in hartley_again["play"]["why"]


def test_outcomes_from_before_this_version_survive_its_migration(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "tystnad.sqlite3") as db:
        migrations = Path(__file__).parents[2] / "src" / "tystnad" / "store" / "migrations"
        for path in sorted(migrations.glob("*.sql"))[:3]:
            db.executescript(path.read_text(encoding="utf-8"))
        db.execute("PRAGMA user_version = 3")
        db.execute("INSERT INTO outcomes (organization, outcome, note, recorded_at) VALUES "
                   "('kvarnbyn.se', 'meeting', 'tisdag', '2026-03-20T09:00:00+00:00')")
    store = open_store(tmp_path)
    kept = store.latest_outcomes()["kvarnbyn.se"]
    assert (kept.outcome, kept.note, kept.play, kept.until) == ("meeting", "tisdag", "", None)
    store.record_outcome(Outcome(organization="kvarnbyn.se", outcome="sent", note="", recorded_at=MOMENT,
                                 play="honest_checkin"))
    assert [o.outcome for o in store.outcome_history()["kvarnbyn.se"]] == ["meeting", "sent"]
    store.close()


def test_a_deal_named_in_part_is_suggested_with_the_scans_own_moment(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", "Hi Sam,\n\nHere is our proposal.\n\nErik"),
             ("customer", "2026-02-03 10:00", "Thanks, I'll get back to you.\n\nSam")]
    trident = conversation(steps=steps, customer="Sam Reed <sam@tridentdistribution.de>")
    box = write_mbox(tmp_path / "box.mbox", trident)
    home = tmp_path / "home"
    assert tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, home=home).returncode == 0
    missing = tystnad("draft", "trident", home=home)
    assert missing.returncode == 2
    assert "did you mean tridentdistribution.de?" in missing.stderr and "2026-03-20 09:00" in missing.stderr

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

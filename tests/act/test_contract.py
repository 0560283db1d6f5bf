"""What leaves the store is the frozen types a scan returns: the contract's JSON decodes back into a
ScanResult that renders to the very same JSON, and a document this version did not write is refused
with a clear error instead of half-read."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from factories import conversation, write_mbox
from factories import run_tystnad as tystnad
from tystnad import session
from tystnad.act.contract import from_json
from tystnad.act.report import to_json
from tystnad.errors import StoreError
from tystnad.model import Diagnosis, PlayKind, SignalKind, Status

CORPUS = Path(__file__).parents[1] / "corpus"
NOW = "2026-03-20 09:00"


@pytest.fixture(scope="module")
def corpus_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    home = tmp_path_factory.mktemp("contract-home")
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    done = tystnad("scan", str(CORPUS / "mail"), "--me", "saljare.se,vendorly.io", "--now", labels[0]["now"],
                   "--format", "json", home=home)
    assert done.returncode == 0, done.stderr
    return home, json.loads(done.stdout)


def test_the_json_text_gives_each_deal_a_line_of_its_own(tmp_path: Path) -> None:
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    text = tystnad("scan", str(CORPUS / "mail"), "--me", "saljare.se,vendorly.io", "--now", labels[0]["now"],
                   "--format", "json", home=tmp_path).stdout
    document = json.loads(text)
    deals = document["deals"]
    assert isinstance(deals, list) and len(deals) > 3
    # A deal is found with grep, and its line is the whole deal.
    for deal in deals:
        (line,) = [line for line in text.splitlines() if f'"organization": "{deal["organization"]}"' in line]
        assert json.loads(line.strip().rstrip(",")) == deal


def test_a_recorded_scan_decodes_to_types_that_render_the_same_json(
        corpus_scan: tuple[Path, dict[str, object]]) -> None:
    home, document = corpus_scan
    recorded = session.latest_scan(home)
    assert to_json(recorded.result) == document
    assert all(isinstance(diagnosis, Diagnosis) for diagnosis in recorded.result.diagnoses)
    statuses = {diagnosis.timeline.status for diagnosis in recorded.result.diagnoses}
    assert statuses <= set(Status) and len(statuses) > 3  # real enums, and a corpus with variety
    kinds = {signal.kind for diagnosis in recorded.result.diagnoses for signal in diagnosis.signals}
    assert SignalKind.VAGUE_DEFERRAL in kinds


def test_latest_deal_gives_the_play_and_its_draft_as_types(corpus_scan: tuple[Path, dict[str, object]]) -> None:
    home, document = corpus_scan
    deals = document["deals"]
    assert isinstance(deals, list)
    wanted = next(deal for deal in deals if deal["play"] and deal["play"]["draft"])
    found = session.latest_deal(home, wanted["organization"].upper())  # as a seller might type it
    assert found.play is not None and found.play.kind is PlayKind(wanted["play"]["kind"])
    assert found.play.draft is not None and list(found.play.draft.to) == wanted["play"]["draft"]["to"]
    assert [r.messages for r in found.threads] == [t["messages"] for t in wanted["threads"]]


def test_an_outcome_recorded_after_the_scan_counts_at_once_and_the_next_scan_carries_it(tmp_path: Path) -> None:
    box = write_mbox(tmp_path / "box.mbox", conversation(steps=[
        ("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten.\n\nMvh\nErik"),
        ("seller", "2026-02-16 09:00", "Hej Anna, hur går det?\n\nErik")]))
    home = tmp_path / "home"
    assert tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, home=home).returncode == 0
    recorded = session.record_outcome(home, "KVARNBYN.se", "won", note="avtal påskrivet")
    assert recorded.organization == "kvarnbyn.se"
    at_once = session.latest_deal(home, "kvarnbyn.se")  # no rescan: the board and lists follow now
    assert at_once.outcome is not None and at_once.timeline.status.value == "closed"
    assert session.latest_outcomes(home)["kvarnbyn.se"].note == "avtal påskrivet"
    assert tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, home=home).returncode == 0
    outcome = session.latest_deal(home, "kvarnbyn.se").outcome
    assert outcome is not None and outcome.outcome == "won"
    assert "kvarnbyn.se" not in tystnad("monday", home=home).stdout


def test_a_stored_scan_this_version_cannot_read_is_one_clear_error(tmp_path: Path) -> None:
    box = write_mbox(tmp_path / "box.mbox", conversation(steps=[("seller", "2026-03-02 09:00", "Hej Anna!")]))
    home = tmp_path / "home"
    assert tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, home=home).returncode == 0
    with sqlite3.connect(home / "tystnad.sqlite3") as db:
        (text,) = db.execute("SELECT document FROM scans").fetchone()
        document = json.loads(text)
        document["deals"][0]["status"] = "lukewarm"  # a word from another version's vocabulary
        db.execute("UPDATE scans SET document = ?", (json.dumps(document),))
    with pytest.raises(StoreError, match="cannot be read back"):
        session.latest_scan(home)
    done = tystnad("draft", "kvarnbyn.se", home=home)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "tystnad scan" in done.stderr


def test_decoding_keeps_what_the_json_has_and_leaves_the_mail_out() -> None:
    document = {
        "now": "2026-03-20T09:00:00+01:00", "messages": 2, "duplicates": 0, "left_out": {"bulk_threads": 3},
        "skipped": [],
        "deals": [{
            "organization": "kvarnbyn.se", "contacts": ["anna@kvarnbyn.se"],
            "others": [{"email": "per@avanti.se", "name": "Per", "party": "third_party", "kind": "partner"}],
            "language": "sv", "country": "SE",
            "threads": [{"id": "<a@x>", "subject": "Offert", "status": "silent", "risk": 0.8,
                         "last_inbound": None, "last_outbound": "2026-03-02T09:00:00+01:00", "messages": 2}],
            "status": "silent", "risk": 0.8, "risk_drivers": [], "last_inbound": None,
            "last_outbound": "2026-03-02T09:00:00+01:00", "silence_business_days": 13.0, "unanswered": 2,
            "waiting_until": None, "rhythm": {"median_business_days": 2.0, "samples": 0, "source": "default"},
            "signals": [{"kind": "single_threaded", "message_id": None, "quote": None, "detail": "one contact"}],
            "reasons": [], "meddicc": {"metrics": "missing"}, "meddicc_evidence": {}, "play": None,
            "decisions": [{"head": "status", "choice": "silent", "probability": 0.71,
                           "drivers": [{"feature": "signal:single_threaded", "pull": 0.4}]}],
            "outcome": None,
        }],
    }
    result = from_json(document)
    (diagnosis,) = result.diagnoses
    assert diagnosis.deal.threads[0].messages == () and diagnosis.threads[0].messages == 2
    assert diagnosis.signals[0].evidence is None
    assert to_json(result) == document

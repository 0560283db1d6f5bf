"""Against material nobody here wrote: the example cases and real Enron mailboxes, when present."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
CASES = SHARED / "cases"
ENRON = SHARED / "data" / "enron"
CONTRACT_FIELDS = {"organization", "contacts", "threads", "language", "status", "risk",
                   "last_inbound", "last_outbound", "signals", "reasons", "meddicc", "play"}


@pytest.mark.skipif(not (CASES / "labels.json").exists(), reason="../shared/cases not present")
def test_every_example_case_deal_is_found(tmp_path: Path) -> None:
    cli = tmp_path / "tystnad"
    cli.write_text(f"#!/bin/sh\nexec {sys.executable} -m tystnad \"$@\"\n")
    cli.chmod(0o755)
    done = subprocess.run([sys.executable, str(SHARED / "bin" / "score"), str(CASES), str(cli),
                           "--min", "found=1.0"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 or "short:" not in done.stdout.splitlines()[-1], done.stdout
    found = next(line for line in done.stdout.splitlines() if line.startswith("found"))
    assert found.split()[-1] == "1.00", done.stdout


@pytest.mark.skipif(not (CASES / "labels.json").exists(), reason="../shared/cases not present")
def test_example_cases_give_every_contract_field() -> None:
    labels = json.loads((CASES / "labels.json").read_text())
    done = subprocess.run(
        [sys.executable, "-m", "tystnad", "scan", str(CASES / "mail"), "--me",
         "saljab.se,northwind.io", "--now", labels[0]["now"], "--format", "json"],
        capture_output=True, text=True, timeout=300)
    document = json.loads(done.stdout)
    assert document["deals"]
    for deal in document["deals"]:
        assert set(deal) >= CONTRACT_FIELDS
        for thread in deal["threads"]:
            assert {"id", "subject", "status", "risk", "last_inbound", "last_outbound"} <= set(thread)


@pytest.mark.skipif(not ENRON.is_dir(), reason="../shared/data/enron not present")
def test_a_real_enron_mailbox_scans_whole() -> None:
    folders = sorted(ENRON.glob("enron.giron-d.*.mbox.gz"))
    done = subprocess.run(
        [sys.executable, "-m", "tystnad", "scan", *map(str, folders), "--me",
         "darron.giron@enron.com,c..giron@enron.com", "--now", "2002-06-30 00:00",
         "--format", "json"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-500:]
    document = json.loads(done.stdout)
    assert document["messages"] > 1000
    assert document["duplicates"] > 0  # the same mail in all_documents, sent, discussion_threads
    assert len(document["skipped"]) < document["messages"] / 100
    assert len(document["deals"]) > 10

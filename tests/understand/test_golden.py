"""Golden diagnoses of every corpus conversation: a diff here is a behaviour change, read it as one.

Run `pytest tests/test_golden.py --update-golden` to accept a change; volatile values (risk
to one decimal, quotes trimmed) are normalised so only judgement changes show.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).parents[1] / "corpus"
GOLDEN = Path(__file__).parents[1] / "golden"


def _summary(deal: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": deal["status"],
        "risk": round(deal["risk"], 1),
        "language": deal["language"],
        "signals": sorted({(s["kind"], s["quote"][:80]) for s in deal["signals"]}),
        "reasons": [r["reason"] for r in deal["reasons"]],
        "meddicc": deal["meddicc"],
        "play": deal["play"]["kind"] if deal["play"] else None,
    }


@pytest.fixture(scope="module")
def scanned() -> dict[str, dict[str, Any]]:
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "tystnad", "scan", *[str(CORPUS / "mail" / c["id"]) for c in labels],
         "--me", "saljare.se,vendorly.io", "--now", labels[0]["now"], "--format", "json"],
        capture_output=True, text=True, timeout=600, check=True)
    deals = json.loads(done.stdout)["deals"]
    by_domain = {deal["organization"]: deal for deal in deals}
    return {case["id"]: _summary(by_domain[case["customer_domain"]]) for case in labels}


@pytest.mark.skipif(not (CORPUS / "labels.json").exists(), reason="corpus not present")
def test_diagnoses_match_their_golden_files(scanned: dict[str, dict[str, Any]],
                                            request: pytest.FixtureRequest) -> None:
    GOLDEN.mkdir(exist_ok=True)
    changed = []
    for case_id, summary in sorted(scanned.items()):
        path = GOLDEN / f"{case_id}.json"
        text = json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if request.config.getoption("--update-golden") or not path.exists():
            path.write_text(text, encoding="utf-8")
        elif path.read_text(encoding="utf-8") != text:
            changed.append(case_id)
    assert not changed, f"diagnoses changed for {changed}; rerun with --update-golden if intended"

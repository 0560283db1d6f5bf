"""Drafts: in the customer's language, in the thread, short (that every quote is the customer's own
words is tested against the messages themselves in test_compose.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).parents[1] / "corpus"


@pytest.fixture(scope="module")
def deals() -> list[dict[str, object]]:
    labels = json.loads((CASES / "labels.json").read_text(encoding="utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "tystnad", "scan", *[str(CASES / "mail" / c["id"]) for c in labels],
         "--me", "saljare.se,vendorly.io", "--now", labels[0]["now"], "--format", "json"],
        capture_output=True, text=True, timeout=600, check=True)
    found: list[dict[str, object]] = json.loads(done.stdout)["deals"]
    return found


def test_drafts_speak_the_customers_language_in_the_thread(deals: list[dict]) -> None:  # type: ignore[type-arg]
    drafted = [d for d in deals if d["play"] and d["play"]["draft"]]
    assert len(drafted) > 20
    for deal in drafted:
        draft = deal["play"]["draft"]
        assert draft["language"] == deal["language"]
        prefix = "SV: " if deal["language"] == "sv" else "Re: "
        assert draft["subject"].startswith(prefix)
        assert draft["subject"][len(prefix):] in {t["subject"] for t in deal["threads"]}
        assert draft["to"] and all(a in deal["contacts"] for a in draft["to"])
        words = len(re.findall(r"\w+", draft["body"]))
        assert 15 < words < 120, draft["body"]
        assert "{" not in draft["body"] and "}" not in draft["body"]


def test_waiting_deals_send_nothing_and_a_lost_deal_gets_the_honest_exit(deals: list[dict]) -> None:  # type: ignore[type-arg]
    for deal in deals:
        if deal["status"] in ("waiting", "paused"):
            assert deal["play"]["draft"] is None
        if deal["status"] == "closed" and deal["play"]["kind"] == "let_go":
            assert deal["play"]["draft"] is not None

"""One scan as every front end runs it (the CLI and the dashboard alike): sources resolved (a synced
account is its local copy of the mail), the seller's fitted risk model or the prior, each deal's
latest recorded outcome attached, and the scan recorded in the store for draft, monday and serve."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tystnad.config import Settings
from tystnad.imap.accounts import account_mail_folders
from tystnad.model import Seller, Skipped
from tystnad.pipeline import ScanResult
from tystnad.pipeline import scan as run_scan
from tystnad.report import to_json
from tystnad.risk.calibrate import load_model
from tystnad.store import open_store

__all__ = ["ACCOUNT_PREFIX", "Recorded", "resolve_sources", "scan_and_record"]

ACCOUNT_PREFIX = "account:"


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    result: ScanResult
    document: dict[str, Any]  # the contract's JSON, with outcomes
    text: str  # the document serialised once, for output and the store


def resolve_sources(sources: Sequence[Path | str], home: Path) -> list[Path]:
    """Paths as given, and each `account:NAME` as that synced account's local mail folders."""
    resolved: list[Path] = []
    for source in sources:
        text = str(source)
        if text.startswith(ACCOUNT_PREFIX):
            resolved.extend(account_mail_folders(home, text.removeprefix(ACCOUNT_PREFIX)))
        else:
            resolved.append(Path(source))
    return resolved


def scan_and_record(sources: Sequence[Path | str], *, seller: Seller, seller_text: str, now: datetime,
                    settings: Settings, on_skip: Callable[[Skipped], None] | None = None,
                    progress: Callable[[int], None] | None = None) -> Recorded:
    result = run_scan(
        resolve_sources(sources, settings.home), seller=seller, now=now, home_country=settings.country,
        home_zone=settings.timezone, workers=settings.workers, on_skip=on_skip, progress=progress,
        risk_model=load_model(settings.home, seller),
    )
    document = to_json(result)
    store = open_store(settings.home)
    try:
        outcomes = store.latest_outcomes()
        for deal in document["deals"]:
            known = outcomes.get(deal["organization"])
            deal["outcome"] = None if known is None else {"outcome": known.outcome, "note": known.note,
                                                          "recorded_at": known.recorded_at.isoformat()}
        text = json.dumps(document, ensure_ascii=False, indent=2)
        # Sources as the user named them: `account:NAME` tells draft --save which account to use.
        store.record_scan(created_at=datetime.now().astimezone(), sources=[str(s) for s in sources],
                          seller=seller_text, document=document, text=text)
    finally:
        store.close()
    return Recorded(result=result, document=document, text=text)

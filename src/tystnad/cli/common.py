"""What the commands share: reading --me and --now, the progress line, scanning and recording."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from tystnad.config import load_settings
from tystnad.errors import ConfigError
from tystnad.imap.accounts import account_mail_folders
from tystnad.model import Seller, Skipped
from tystnad.pipeline import ScanResult
from tystnad.pipeline import scan as run_scan
from tystnad.report import to_json
from tystnad.risk.calibrate import load_model
from tystnad.store import open_store

RISK_HELP = (
    "risk is the probability, as of --now, that the customer does not reply within 14 days "
    "(calendar days) while you wait for them (you wrote last). It comes from the documented prior "
    "(tystnad/risk/prior.toml) until `tystnad backtest SOURCE --me ... --fit` has fitted it on your own history; "
    "risk_drivers in --format json say which signals moved it most."
)


def parse_seller(value: str) -> Seller:
    items = [item.strip().lower().lstrip("@") for item in value.split(",") if item.strip()]
    if not items:
        raise ConfigError("--me needs at least one domain or address, e.g. --me saljab.se")
    return Seller(
        domains=frozenset(item for item in items if "@" not in item),
        addresses=frozenset(item for item in items if "@" in item),
    )


def parse_now(value: str | None) -> datetime:
    """"YYYY-MM-DD HH:MM" in the machine's zone unless an offset is given."""
    if not value:
        return datetime.now().astimezone()
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise ConfigError(f"--now {value!r}: expected \"YYYY-MM-DD HH:MM\" ({error})") from error
    return moment if moment.tzinfo else moment.astimezone()


class Progress:
    """A one-line counter on stderr, only when a person is watching it."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, count: int) -> None:
        click.echo(f"\rreading mail… {count:,} messages", nl=False, err=True)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 40 + "\r", nl=False, err=True)


def scan_and_record(sources: tuple[Path, ...], me: str, now_text: str | None,
                     workers: int | None) -> tuple[ScanResult, dict[str, Any], str]:
    """Scan, attach each deal's latest recorded outcome, and record the scan in the store."""
    settings = load_settings(workers=workers)
    paths = resolve_sources(sources, settings.home)
    progress = Progress() if sys.stderr.isatty() else None
    result = run_scan(
        paths, seller=parse_seller(me), now=parse_now(now_text),
        home_country=settings.country, home_zone=settings.timezone, workers=settings.workers,
        on_skip=warn_skipped, progress=progress, risk_model=load_model(settings.home, parse_seller(me)),
    )
    if progress is not None:
        progress.done()
    document = to_json(result)
    store = open_store(settings.home)
    outcomes = store.latest_outcomes()
    for deal in document["deals"]:
        known = outcomes.get(deal["organization"])
        deal["outcome"] = None if known is None else {"outcome": known.outcome, "note": known.note,
                                                      "recorded_at": known.recorded_at.isoformat()}
    text = json.dumps(document, ensure_ascii=False, indent=2)
    store.record_scan(created_at=datetime.now().astimezone(), sources=[str(s) for s in sources],
                      seller=me, document=document, text=text)
    store.close()
    return result, document, text


def resolve_sources(sources: tuple[Path, ...] | list[Path], home: Path) -> list[Path]:
    """Paths as given, and each `account:NAME` as that synced account's local mail folders."""
    resolved: list[Path] = []
    for source in sources:
        text = str(source)
        if text.startswith("account:"):
            resolved.extend(account_mail_folders(home, text.removeprefix("account:")))
        else:
            resolved.append(Path(source))
    return resolved


def rescan_if_asked(sources: tuple[Path, ...], me: str | None, now_text: str | None) -> None:
    """draft and monday work on the latest scan, or scan SOURCE --me first, like scan does."""
    if sources:
        if not me:
            raise ConfigError("with SOURCE, --me is needed too (the seller's domains or addresses)")
        scan_and_record(sources, me, now_text, None)


def latest_deal(settings_home: Path, organization: str) -> dict[str, Any]:
    store = open_store(settings_home)
    scan_record = store.latest_scan()
    store.close()
    if scan_record is None:
        raise ConfigError("no scan recorded yet; run `tystnad scan SOURCE --me DOMAINS` first")
    for deal in scan_record.document["deals"]:
        if deal["organization"] == organization.lower():
            return dict(deal)
    raise ConfigError(f"no deal {organization!r} in the latest scan (of {scan_record.created_at:%Y-%m-%d %H:%M})")


def warn_skipped(skipped: Skipped) -> None:
    click.echo(f"tystnad: skipped {skipped.origin}: {skipped.reason}", err=True)



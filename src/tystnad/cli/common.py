"""What the commands share: reading --me and --now, the progress line, scanning and recording."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from tystnad import session
from tystnad.config import load_settings
from tystnad.errors import ConfigError
from tystnad.model import ScanResult, Seller, Skipped

RISK_HELP = (
    "risk is the probability, as of --now, that the customer does not reply within 14 days "
    "(calendar days) while you wait for them (you wrote last). It comes from the documented prior "
    "(tystnad/understand/risk/prior.toml) until `tystnad backtest SOURCE --me ... --fit` has fitted it on "
    "your own history; "
    "risk_drivers in --format json say which signals moved it most."
)


ME_HELP = ("Comma-separated domains (subdomains included) or addresses of the seller's side; "
           "'!' before one leaves it out, e.g. 'saljab.se,!lists.saljab.se'.")


def parse_seller(value: str) -> Seller:
    """"saljab.se,anna@gmail.com,!lists.saljab.se": domains (with their subdomains) and addresses
    that are the seller's side; a "!" takes a subdomain or an address back out of it."""
    items = [item.strip().lower() for item in value.split(",") if item.strip()]
    included = [item.lstrip("@") for item in items if not item.startswith("!")]
    excluded = [item[1:].strip().lstrip("@") for item in items if item.startswith("!")]
    if not included:
        raise ConfigError("--me needs at least one domain or address, e.g. --me saljab.se")
    if any(not item for item in excluded):
        raise ConfigError(f"--me {value!r}: a \"!\" must name the domain or address to leave out")
    return Seller(
        domains=frozenset(item for item in included if "@" not in item),
        addresses=frozenset(item for item in included if "@" in item),
        excluded=frozenset(excluded),
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


class ProgressLine:
    """One line on stderr, rewritten in place; callers create it only when a person is watching."""

    def __init__(self) -> None:
        self.width = 0

    def show(self, text: str) -> None:
        click.echo("\r" + text.ljust(self.width), nl=False, err=True)
        self.width = max(self.width, len(text))

    def done(self) -> None:
        if self.width:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True)
            self.width = 0


class Progress(ProgressLine):
    """Messages read so far by a scan."""

    def __call__(self, count: int) -> None:
        self.show(f"reading mail… {count:,} messages")


def scan_and_record(sources: tuple[Path, ...], me: str, now_text: str | None,
                    workers: int | None) -> tuple[ScanResult, str]:
    """Scan, attach each deal's latest recorded outcome, and record the scan in the store."""
    progress = Progress() if sys.stderr.isatty() else None
    try:
        recorded = session.scan_and_record(sources, seller=parse_seller(me), seller_text=me,
                                           now=parse_now(now_text), settings=load_settings(workers=workers),
                                           on_skip=warn_skipped, progress=progress)
    finally:
        if progress is not None:
            progress.done()
    return recorded.result, recorded.text


def rescan_if_asked(sources: tuple[Path, ...], me: str | None, now_text: str | None) -> None:
    """draft and monday work on the latest scan, or scan SOURCE --me first, like scan does."""
    if sources:
        if not me:
            raise ConfigError("with SOURCE, --me is needed too (the seller's domains or addresses)")
        scan_and_record(sources, me, now_text, None)


def warn_skipped(skipped: Skipped) -> None:
    click.echo(f"tystnad: skipped {skipped.origin}: {skipped.reason}", err=True)



"""`tystnad serve`: the local dashboard."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from urllib.parse import quote

import click

from tystnad.cli.common import ME_HELP, RISK_HELP, Progress, parse_now, parse_seller
from tystnad.config import load_settings
from tystnad.errors import ConfigError
from tystnad.hosts import is_loopback


@click.command(epilog=RISK_HELP)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--me", required=True, help=ME_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything beyond this machine needs --token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", help="Required when --host is not loopback; printed in the address to open. "
                              "Give 'new' to have one made.")
@click.option("--now", "now_text", help='Analysis moment, "YYYY-MM-DD HH:MM" (default: each scan\'s start).')
@click.option("--workers", type=int, help="Processes that parse mail (default: CPU count).")
def serve(sources: tuple[Path, ...], me: str, host: str, port: int, token: str | None, now_text: str | None,
          workers: int | None) -> None:
    """Open the dashboard of SOURCES in a browser: every deal, its timeline, reasons and draft.
    SOURCES are as for scan, or account:NAME for a synced mail account (its Rescan syncs first)."""
    # The web stack loads only for this command, so scans stay quick to start.
    import uvicorn

    from tystnad.web.app import create_app
    from tystnad.web.security import Guard
    from tystnad.web.state import Scanner, ScanRequest, take_snapshot

    if not is_loopback(host) and not token:
        raise ConfigError(f"--host {host} lets other machines in: give --token SECRET (or --token new)")
    if token == "new":
        token = secrets.token_urlsafe(24)
    settings = load_settings(workers=workers)
    request = ScanRequest(sources=tuple(map(str, sources)), seller=parse_seller(me), seller_text=me,
                          now=parse_now(now_text) if now_text else None, settings=settings)
    progress = Progress() if sys.stderr.isatty() else None
    try:
        snapshot = take_snapshot(request, progress=progress)
    finally:
        if progress is not None:
            progress.done()
    app = create_app(Scanner(request=request, snapshot=snapshot), guard=Guard(host=host, port=port, token=token))
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={quote(token, safe='')}" if token else "")
    if not is_loopback(host):
        click.echo("tystnad: plain HTTP beyond this machine: anyone on the network path can read the pages "
                   "and the token; prefer an SSH tunnel to 127.0.0.1", err=True)
    click.echo(f"tystnad: {len(snapshot.rows)} deals from {snapshot.result.messages} messages — open {address}",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)

"""The mail commands: scan, draft, outcome, monday, check, info and generate."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from tystnad import session
from tystnad.act.check import check_draft, verdict_is_fix
from tystnad.act.monday import render_monday_html, render_monday_markdown, render_monday_text
from tystnad.act.outgoing import draft_to_eml
from tystnad.act.report import render_markdown, render_table
from tystnad.cli.accounts import save_to_drafts
from tystnad.cli.common import ME_HELP, RISK_HELP, parse_now, rescan_if_asked, scan_and_record
from tystnad.config import load_settings
from tystnad.errors import ConfigError
from tystnad.model import PlayKind, RawMessage, Skipped
from tystnad.pipeline import read_one
from tystnad.store import OUTCOMES


@click.command(epilog=RISK_HELP)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--me", required=True, help=ME_HELP)
@click.option("--now", "now_text", help='Analysis moment, "YYYY-MM-DD HH:MM" (default: now).')
@click.option("--format", "output", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True)
@click.option("--workers", type=int, help="Processes that parse mail (default: CPU count).")
def scan(sources: tuple[Path, ...], me: str, now_text: str | None, output: str,
         workers: int | None) -> None:
    """Scan SOURCES (.eml files, folders of them, mbox or mbox.gz files, Maildir folders)
    and list every customer deal with where it stands in time."""
    result, text = scan_and_record(sources, me, now_text, workers)
    if output == "json":
        click.echo(text)
    elif output == "markdown":
        click.echo(render_markdown(result), nl=False)
    else:
        click.echo(render_table(result))


@click.command()
@click.argument("deal")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--me", help="With SOURCE: " + ME_HELP)
@click.option("--now", "now_text", help='With SOURCE: the analysis moment, "YYYY-MM-DD HH:MM".')
@click.option("--eml", "eml_path", type=click.Path(path_type=Path),
              help="Also write the draft as a ready .eml file.")
@click.option("--save", is_flag=True, help="Also save it in the mail account's Drafts folder, replacing "
              "tystnad's earlier draft for DEAL (you read and send it from your mail client).")
@click.option("--account", "account_name", metavar="NAME",
              help="With --save: the account (default: the one the latest scan read, or the only one).")
def draft(deal: str, sources: tuple[Path, ...], me: str | None, now_text: str | None,
          eml_path: Path | None, save: bool, account_name: str | None) -> None:
    """Print the draft for DEAL (its organisation as printed, e.g. kvarnbyn.se) from the latest
    scan, or from a scan of SOURCE... --me first."""
    rescan_if_asked(sources, me, now_text)
    settings = load_settings()
    found = session.latest_deal(settings.home, deal)
    organization, play = found.deal.organization, found.play
    written = play.draft if play is not None else None
    if play is None or written is None:
        kind, why = (str(play.kind), play.why) if play is not None else ("no play", "")
        click.echo(f"{organization}: {kind} — nothing to send now. {why}")
        return
    copied = f"Cc: {', '.join(written.cc)}\n" if written.cc else ""
    click.echo(f"To: {', '.join(written.to)}\n{copied}Subject: {written.subject}\nSend on: {play.send_on}\n")
    click.echo(written.body)
    if eml_path is not None:
        eml_path.write_bytes(draft_to_eml(written, now=datetime.now().astimezone()))
        click.echo(f"wrote {eml_path}", err=True)
    if save:
        where = save_to_drafts(settings.home, account_name, written, organization)
        click.echo(f"saved in {where}", err=True)


@click.command()
@click.argument("deal")
@click.argument("outcome", nargs=-1, required=True)
@click.option("--note", default="", help="What happened, in a few words.")
@click.option("--until", "until_text", help="For snoozed: the day the deal comes back (YYYY-MM-DD).")
def outcome(deal: str, outcome: tuple[str, ...], note: str, until_text: str | None) -> None:
    """Record what happened with DEAL: replied, meeting, won, lost, no_reply ("no reply" too), sent
    (the draft went out: the play counts as tried) or snoozed --until DATE. The board and the Monday
    list follow at once."""
    kind = "_".join(word.lower() for word in outcome)
    if kind not in OUTCOMES:
        raise ConfigError(f"unknown outcome {' '.join(outcome)!r}; use one of {', '.join(OUTCOMES)}")
    try:
        until = date.fromisoformat(until_text) if until_text else None
    except ValueError as error:
        raise ConfigError(f"--until {until_text!r}: not a day (YYYY-MM-DD)") from error
    recorded = session.record_outcome(load_settings().home, deal, kind, note=note, until=until)
    extra = f" until {recorded.until.isoformat()}" if recorded.until else (
        f" ({recorded.play})" if recorded.play else "")
    click.echo(f"recorded: {recorded.organization} {recorded.outcome}{extra}")


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--me", help="With SOURCE: " + ME_HELP)
@click.option("--now", "now_text", help='With SOURCE: the analysis moment, "YYYY-MM-DD HH:MM".')
@click.option("--format", "output", type=click.Choice(["text", "markdown", "html"]), default="text",
              show_default=True)
@click.option("--out", "out_path", type=click.Path(path_type=Path), help="Write to this file instead.")
def monday(sources: tuple[Path, ...], me: str | None, now_text: str | None, output: str,
           out_path: Path | None) -> None:
    """The deals that need an honest mail this week, most urgent first, with the drafts
    (latest scan, or a scan of SOURCE... --me first)."""
    rescan_if_asked(sources, me, now_text)
    latest = session.latest_scan(load_settings().home)
    render = {"text": render_monday_text, "markdown": render_monday_markdown, "html": render_monday_html}
    text = render[output](latest.result)
    if out_path is None:
        click.echo(text, nl=False)
    else:
        out_path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_path}", err=True)


def _looks_like_mail(raw: bytes) -> bool:
    """A whole message (headers, a blank line, the body), as a mail client saves or pipes it."""
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii", "replace").splitlines()
    names = {line.split(":", 1)[0].strip().lower() for line in head if ":" in line and not line[:1].isspace()}
    return bool(head) and len(names) == len([line for line in head if not line[:1].isspace()]) and bool(
        names & {"subject", "from"})


@click.command()
@click.argument("draft_file", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path))
@click.option("--deal", "organization", help="The deal it answers, from the latest scan (e.g. kvarnbyn.se).")
@click.option("--play", "play_name", type=click.Choice([str(kind) for kind in PlayKind]),
              help="The play the mail serves (default: the deal's play in the latest scan).")
def check(draft_file: Path, organization: str | None, play_name: str | None) -> None:
    """Judge a mail you wrote before sending it (DRAFT_FILE, or - for standard input): no pressure,
    the ask its play needs, personal, relevant. Exits 1 when something needs fixing."""
    settings = load_settings()
    if str(draft_file) == "-":
        raw = sys.stdin.buffer.read()
    elif not draft_file.is_file():
        raise ConfigError(f"{draft_file}: no such file")
    else:
        raw = draft_file.read_bytes()
    text = raw.decode("utf-8", "replace")
    if draft_file.suffix.lower() == ".eml" or _looks_like_mail(raw):
        read = read_one(RawMessage(data=raw, origin=str(draft_file)))
        if isinstance(read, Skipped):
            raise ConfigError(f"{draft_file}: {read.reason}")
        text = read.new_text
    deal = session.latest_deal(settings.home, organization) if organization else None
    play = PlayKind(play_name) if play_name else None
    findings = check_draft(text, deal=deal, today=datetime.now().astimezone().date(), play=play)
    for finding in findings:
        click.echo(f"{'ok ' if finding.is_ok else 'fix'}  {finding.aspect:10s} {finding.detail}")
    passed = sum(f.is_ok for f in findings)
    click.echo(f"\n{passed}/{len(findings)} fine" + ("" if passed == len(findings) else " — worth another pass"))
    if verdict_is_fix(findings):
        raise SystemExit(1)


@click.command()
def info() -> None:
    """Where tystnad keeps its data, and what is recorded there."""
    settings = load_settings()
    kept = session.describe_store(settings.home)
    click.echo(f"data directory: {settings.home}\nstore:          {kept.path}")
    click.echo(f"scans:          {kept.scans}")
    if kept.latest_at is not None:
        click.echo(f"latest scan:    {kept.latest_at:%Y-%m-%d %H:%M} of {', '.join(kept.latest_sources)}")


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--deals", default=40, show_default=True)
@click.option("--messages", default=400, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--now", "now_text", help='Mail ends before this moment (default: now).')
@click.option("--format", "fmt", type=click.Choice(["mbox", "mbox.gz", "maildir", "eml"]),
              default="mbox", show_default=True)
def generate(out: Path, deals: int, messages: int, seed: int, now_text: str | None,
             fmt: str) -> None:
    """Write a realistic sample mailbox of Swedish and English sales conversations to OUT."""
    # Only this command needs the generator, its word lists and its own package (an extra).
    try:
        from tystnad_sample import generate_mailbox
    except ModuleNotFoundError as error:
        if error.name != "tystnad_sample":
            raise
        raise ConfigError("tystnad generate needs the tystnad-sample package: pip install -e ./sample "
                          "in the tystnad checkout (make install does this)") from None

    made = generate_mailbox(out, deals=deals, messages=messages, seed=seed,
                            now=parse_now(now_text), fmt=fmt)
    click.echo(f"wrote {made.messages} messages over {made.deals} deals to {made.path} "
               f"(seller: {made.seller_domain})", err=True)



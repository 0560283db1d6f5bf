"""The mail commands: scan, draft, outcome, monday, check, info and generate."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from tystnad.check import check_draft
from tystnad.cli.accounts import save_to_drafts
from tystnad.cli.common import RISK_HELP, latest_deal, parse_now, rescan_if_asked, scan_and_record
from tystnad.config import load_settings
from tystnad.errors import ConfigError
from tystnad.model import RawMessage, Skipped
from tystnad.monday import render_monday_html, render_monday_markdown, render_monday_text
from tystnad.outgoing import draft_to_eml
from tystnad.pipeline import read_one
from tystnad.report import render_markdown, render_table
from tystnad.store import OUTCOMES, open_store


@click.command(epilog=RISK_HELP)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--me", required=True, help="Comma-separated domains or addresses of the seller's side.")
@click.option("--now", "now_text", help='Analysis moment, "YYYY-MM-DD HH:MM" (default: now).')
@click.option("--format", "output", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True)
@click.option("--workers", type=int, help="Processes that parse mail (default: CPU count).")
def scan(sources: tuple[Path, ...], me: str, now_text: str | None, output: str,
         workers: int | None) -> None:
    """Scan SOURCES (.eml files, folders of them, mbox or mbox.gz files, Maildir folders)
    and list every customer deal with where it stands in time."""
    result, document, text = scan_and_record(sources, me, now_text, workers)
    if output == "json":
        click.echo(text)
    elif output == "markdown":
        click.echo(render_markdown(result), nl=False)
    else:
        click.echo(render_table(result))


@click.command()
@click.argument("deal")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--me", help="With SOURCE: the seller's domains or addresses, as for scan.")
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
    found = latest_deal(settings.home, deal)
    play = found.get("play") or {}
    written = play.get("draft")
    if not written:
        kind, why = play.get("kind", "no play"), play.get("why", "")
        click.echo(f"{found['organization']}: {kind} — nothing to send now. {why}")
        return
    click.echo(f"To: {', '.join(written['to'])}\nSubject: {written['subject']}\nSend on: {play.get('send_on')}\n")
    click.echo(written["body"])
    if eml_path is not None:
        eml_path.write_bytes(draft_to_eml(written, now=datetime.now().astimezone()))
        click.echo(f"wrote {eml_path}", err=True)
    if save:
        where = save_to_drafts(settings.home, account_name, written, found["organization"])
        click.echo(f"saved in {where}", err=True)


@click.command()
@click.argument("deal")
@click.argument("outcome", type=click.Choice(list(OUTCOMES)))
@click.option("--note", default="", help="What happened, in a few words.")
def outcome(deal: str, outcome: str, note: str) -> None:
    """Record what happened with DEAL: replied, meeting, won, lost or no_reply."""
    store = open_store(load_settings().home)
    store.record_outcome(organization=deal.lower(), outcome=outcome, note=note,
                         recorded_at=datetime.now().astimezone())
    store.close()
    click.echo(f"recorded: {deal.lower()} {outcome}")


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--me", help="With SOURCE: the seller's domains or addresses, as for scan.")
@click.option("--now", "now_text", help='With SOURCE: the analysis moment, "YYYY-MM-DD HH:MM".')
@click.option("--format", "output", type=click.Choice(["text", "markdown", "html"]), default="text",
              show_default=True)
@click.option("--out", "out_path", type=click.Path(path_type=Path), help="Write to this file instead.")
def monday(sources: tuple[Path, ...], me: str | None, now_text: str | None, output: str,
           out_path: Path | None) -> None:
    """The deals that need an honest mail this week, most urgent first, with the drafts
    (latest scan, or a scan of SOURCE... --me first)."""
    rescan_if_asked(sources, me, now_text)
    store = open_store(load_settings().home)
    latest = store.latest_scan()
    store.close()
    if latest is None:
        raise ConfigError("no scan recorded yet; run `tystnad scan SOURCE --me DOMAINS` first")
    render = {"text": render_monday_text, "markdown": render_monday_markdown, "html": render_monday_html}
    text = render[output](latest.document)
    if out_path is None:
        click.echo(text, nl=False)
    else:
        out_path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_path}", err=True)


@click.command()
@click.argument("draft_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deal", "organization", help="The deal it answers, from the latest scan (e.g. kvarnbyn.se).")
def check(draft_file: Path, organization: str | None) -> None:
    """Judge a mail you wrote before sending it: relevant, personal, a next step, no pressure."""
    settings = load_settings()
    raw = draft_file.read_bytes()
    text = raw.decode("utf-8", "replace")
    if draft_file.suffix.lower() == ".eml":
        read = read_one(RawMessage(data=raw, origin=str(draft_file)))
        if isinstance(read, Skipped):
            raise ConfigError(f"{draft_file}: {read.reason}")
        text = read.new_text
    deal = latest_deal(settings.home, organization) if organization else None
    findings = check_draft(text, deal=deal, today=datetime.now().astimezone().date())
    for finding in findings:
        click.echo(f"{'ok ' if finding.is_ok else 'fix'}  {finding.aspect:10s} {finding.detail}")
    passed = sum(f.is_ok for f in findings)
    click.echo(f"\n{passed}/{len(findings)} fine" + ("" if passed == len(findings) else " — worth another pass"))


@click.command()
def info() -> None:
    """Where tystnad keeps its data, and what is recorded there."""
    settings = load_settings()
    store = open_store(settings.home)
    latest = store.latest_scan()
    click.echo(f"data directory: {settings.home}\nstore:          {store.path}")
    click.echo(f"scans:          {store.scan_count()}")
    if latest is not None:
        click.echo(f"latest scan:    {latest.created_at:%Y-%m-%d %H:%M} of {', '.join(latest.sources)}")
    store.close()


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
    # Only this command needs the generator and its word lists.
    from tystnad.sample import generate_mailbox

    made = generate_mailbox(out, deals=deals, messages=messages, seed=seed,
                            now=parse_now(now_text), fmt=fmt)
    click.echo(f"wrote {made.messages} messages over {made.deals} deals to {made.path} "
               f"(seller: {made.seller_domain})", err=True)



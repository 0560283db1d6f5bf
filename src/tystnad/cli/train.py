"""The train command: fit the decision heads on labelled mail, and measure them by author group."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tystnad import session
from tystnad.train.evaluate import METRICS, Tally

__all__ = ["train"]

_HEADINGS = {"status": "status", "reason_top1": "reason1", "reason_top2": "reason2", "play": "play",
             "meddicc_missing": "m_miss", "meddicc_confirmed": "m_conf", "signal_recall": "sig_rec",
             "signal_false_alarm": "sig_fa"}


@click.command()
@click.argument("corpora", nargs=-1, required=True)
@click.option("--out", "out_path", type=click.Path(path_type=Path),
              help="Write the fitted model here (the shipped one: src/tystnad/understand/decide/model.json).")
@click.option("--evaluate", is_flag=True, help="First hold out each author group and judge it with heads "
              "fitted on the others; print the table.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
def train(corpora: tuple[str, ...], out_path: Path | None, evaluate: bool, output: str) -> None:
    """Fit status, reason, play and MEDDICC heads on CORPORA (folders with labels.json and mail/;
    PATH:GROUP names the author group, else a case's id prefix does)."""
    done = session.train_decisions(corpora, evaluate=evaluate)
    if out_path is not None:
        done.model.save(out_path)
        click.echo(f"fitted on {done.examples} conversations in {len(done.groups)} groups; wrote {out_path}",
                   err=True)
    if not evaluate:
        return
    if output == "json":
        click.echo(json.dumps({group: {"rules": _figures(rules), "learned": _figures(learned)}
                               for group, (rules, learned) in done.held_out.items()}, indent=2))
        return
    click.echo(_table(done.held_out))


def _figures(tally: Tally) -> dict[str, float | None]:
    return {metric: tally.figure(metric) for metric in METRICS}


def _table(held_out: dict[str, tuple[Tally, Tally]]) -> str:
    """Per held-out group and pooled: the rules alone, then the learned heads (rules → learned)."""
    metrics = list(_HEADINGS)
    lines = ["held out  cases  " + "  ".join(f"{_HEADINGS[m]:>11}" for m in metrics)]
    pooled_rules, pooled_learned = Tally(), Tally()
    rows = list(held_out.items())
    for rules, learned in held_out.values():
        pooled_rules.add(rules)
        pooled_learned.add(learned)
    for group, (rules, learned) in [*rows, ("pooled", (pooled_rules, pooled_learned))]:
        cells = []
        for metric in metrics:
            before, after = rules.figure(metric), learned.figure(metric)
            cells.append("—".rjust(11) if after is None else f"{before or 0:.2f} → {after:.2f}".rjust(11))
        lines.append(f"{group:8}  {learned.totals.get('found', 0):5d}  " + "  ".join(cells))
    lines += ["", "still wrong when held out:"] + [f"  {failure}" for failure in pooled_learned.failures]
    return "\n".join(lines)

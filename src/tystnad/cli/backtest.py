"""The backtest command: replay the seller's history, measure the risk, and fit it with --fit."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from tystnad import session
from tystnad.backtest.calibrate import Fit
from tystnad.backtest.replay import Backtest
from tystnad.cli.common import ME_HELP, RISK_HELP, Progress, parse_seller, warn_skipped
from tystnad.config import load_settings
from tystnad.errors import ConfigError
from tystnad.session import fit_details, measured_figures
from tystnad.understand.risk.features import HORIZON_DAYS


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ConfigError(f"--since {value!r}: expected YYYY-MM-DD") from error


@click.command(epilog=RISK_HELP)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--me", required=True, help=ME_HELP)
@click.option("--horizon", default=HORIZON_DAYS, show_default=True, help="Calendar days a reply may take.")
@click.option("--since", "since_text", help="First cut point, YYYY-MM-DD (earlier mail is still history).")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--fit", "do_fit", is_flag=True, help="Fit the risk on this history and use it in later scans.")
@click.option("--workers", type=int, help="Processes that parse mail (default: CPU count).")
def backtest(sources: tuple[Path, ...], me: str, horizon: int, since_text: str | None, output: str,
             do_fit: bool, workers: int | None) -> None:
    """Replay SOURCES: at each business morning, the risk of each thread where you were waiting,
    from what was known then, against whether the customer replied within the horizon."""
    if horizon < 1:
        raise ConfigError(f"--horizon {horizon}: must be at least one day")
    if do_fit and horizon != HORIZON_DAYS:
        # Scans ship the stored model as the 14-day risk: a model of another horizon would mislabel it.
        raise ConfigError(f"--fit measures risk as scans use it, over {HORIZON_DAYS} days; "
                          f"drop --horizon {horizon} to fit")
    settings = load_settings(workers=workers)
    progress = Progress() if sys.stderr.isatty() else None
    run = session.run_backtest(sources, seller=parse_seller(me), seller_text=me, settings=settings,
                               horizon=horizon, since=_since(since_text), fit=do_fit, on_skip=warn_skipped,
                               progress=progress, on_read=progress.done if progress is not None else None)
    if run.saved is not None:
        click.echo(f"stored the fitted risk model in {run.saved}", err=True)
    if output == "json":
        document = _backtest_document(run.result, horizon)
        if run.fitted is not None:
            document["fit"] = fit_details(run.fitted)
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(_render(run.result, horizon, run.fitted))


def _backtest_document(result: Backtest, horizon: int) -> dict[str, Any]:
    return {
        "cut_points": result.cut_points, "cut_days": result.cut_days, "horizon_days": horizon,
        "no_reply_rate": result.no_reply_rate, "model": result.model,
        # A stored fitted model has seen (some of) these moments: its figures are not a forecast.
        "in_sample": result.model != "prior",
        **measured_figures(result),
        "baselines": {
            "days_since_last": {"auc": result.days_since_last.auc,
                                "precision_top10": result.days_since_last.precision_top10},
            "reply_rate": {"auc": result.reply_rate.auc, "precision_top10": result.reply_rate.precision_top10},
        },
        "calibration": [{"from": b.low, "to": b.high, "count": b.count,
                         "mean_predicted": round(b.mean_predicted, 4), "observed": round(b.observed, 4)}
                        for b in result.calibration],
    }


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _render(result: Backtest, horizon: int, fitted: Fit | None) -> str:
    lines = [f"tystnad backtest · {result.cut_points:,} moments (waiting threads) on {result.cut_days:,} "
             f"business mornings · no reply within {horizon} days in {_figure(result.no_reply_rate)}",
             f"risk model: {result.model}" + ("" if result.model == "prior" else
                                               " (fitted on this history: the figures below are in-sample)"), "",
             f"{'':24}{'AUC':>7}{'top 10 %':>10}"]
    for name, measured in (("tystnad risk", result.tystnad), ("days since last message", result.days_since_last),
                           ("earlier reply rate", result.reply_rate)):
        lines.append(f"{name:24}{_figure(measured.auc):>7}{_figure(measured.precision_top10):>10}")
    lines += ["", "calibration: predicted risk   moments   mean predicted   observed no reply"]
    for b in result.calibration:
        lines.append(f"{'':13}{b.low:.1f}–{b.high:.1f}{b.count:>14,}{b.mean_predicted:>17.3f}"
                     f"{b.observed:>20.3f}")
    if fitted is not None:
        lines.append("")
        if fitted.model is None:
            lines.append(f"not fitted, the prior stays: {fitted.refused}")
        else:
            assert fitted.in_sample is not None
            lines.append(f"fitted: AUC {_figure(fitted.in_sample.tystnad.auc)} on the moments it learnt from")
            if fitted.later_prior is not None and fitted.later_fitted is not None:
                lines.append(f"honestly, fitted on the earlier 70 % and judged on the later "
                             f"{fitted.later_fitted.cut_points:,} moments: AUC "
                             f"{_figure(fitted.later_fitted.tystnad.auc)} against the prior's "
                             f"{_figure(fitted.later_prior.tystnad.auc)}")
    return "\n".join(lines)

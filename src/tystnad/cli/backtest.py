"""The backtest command: replay the seller's history, measure the risk, and fit it with --fit."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from tystnad.cli.common import RISK_HELP, Progress, parse_seller, warn_skipped
from tystnad.config import load_settings
from tystnad.errors import ConfigError, TystnadError
from tystnad.risk.backtest import Backtest, collect, measure, read_mailbox
from tystnad.risk.calibrate import Fit, fit_and_check, load_model, save_model
from tystnad.risk.features import HORIZON_DAYS
from tystnad.session import resolve_sources


class NothingToMeasure(TystnadError):
    """The mailbox holds no moment where the seller waited with a known outcome."""


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ConfigError(f"--since {value!r}: expected YYYY-MM-DD") from error


@click.command(epilog=RISK_HELP)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--me", required=True, help="Comma-separated domains or addresses of the seller's side.")
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
    seller = parse_seller(me)
    progress = Progress() if sys.stderr.isatty() else None
    messages, skipped = read_mailbox(resolve_sources(sources, settings.home), workers=settings.workers,
                                     progress=progress)
    if progress is not None:
        progress.done()
    for item in skipped:
        warn_skipped(item)
    moments = collect(messages, seller=seller, home_country=settings.country, home_zone=settings.timezone,
                      horizon_days=horizon, since=_since(since_text))
    if not len(moments):
        raise NothingToMeasure(f"{', '.join(map(str, sources))}: no moment where {me} waited for a reply "
                               f"with a known outcome (is --me the mailbox owner?)")
    result = measure(moments, load_model(settings.home, seller))
    fitted = fit_and_check(moments, fitted_at=datetime.now().astimezone()) if do_fit else None
    if fitted is not None and fitted.model is not None:
        saved = save_model(settings.home, seller, fitted.model, details=_fit_document(fitted))
        click.echo(f"stored the fitted risk model in {saved}", err=True)
    if output == "json":
        document = _backtest_document(result, horizon)
        if fitted is not None:
            document["fit"] = _fit_document(fitted)
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(_render(result, horizon, fitted))


def _measured_document(result: Backtest) -> dict[str, Any]:
    return {"auc": result.tystnad.auc, "precision_top10": result.tystnad.precision_top10}


def _backtest_document(result: Backtest, horizon: int) -> dict[str, Any]:
    return {
        "cut_points": result.cut_points, "cut_days": result.cut_days, "horizon_days": horizon,
        "no_reply_rate": result.no_reply_rate, "model": result.model,
        # A stored fitted model has seen (some of) these moments: its figures are not a forecast.
        "in_sample": result.model != "prior",
        **_measured_document(result),
        "baselines": {
            "days_since_last": {"auc": result.days_since_last.auc,
                                "precision_top10": result.days_since_last.precision_top10},
            "reply_rate": {"auc": result.reply_rate.auc, "precision_top10": result.reply_rate.precision_top10},
        },
        "calibration": [{"from": b.low, "to": b.high, "count": b.count,
                         "mean_predicted": round(b.mean_predicted, 4), "observed": round(b.observed, 4)}
                        for b in result.calibration],
    }


def _fit_document(fitted: Fit) -> dict[str, Any]:
    if fitted.model is None:
        return {"fitted": False, "why": fitted.refused}
    return {"fitted": True, "fitted_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "moments": None if fitted.in_sample is None else fitted.in_sample.cut_points,
            "in_sample": None if fitted.in_sample is None else _measured_document(fitted.in_sample),
            "later_slice": None if fitted.later_prior is None or fitted.later_fitted is None else {
                "cut_points": fitted.later_fitted.cut_points,
                "prior": _measured_document(fitted.later_prior),
                "fitted_on_earlier": _measured_document(fitted.later_fitted)}}


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

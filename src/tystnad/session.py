"""The library API every command goes through, the CLI and the dashboard alike: a scan as they all run
it (sources resolved, a synced account being its local copy of the mail; the seller's fitted risk
model or the prior; each deal's latest recorded outcome attached; the scan recorded in the store),
the latest recorded scan read back as frozen types, outcomes recorded, drafts saved to an account,
and the backtest of the risk on the seller's own history."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tystnad.accounts import AskPassword, account_mail_folders, default_account, save_draft
from tystnad.act.contract import from_json
from tystnad.act.outcomes import apply_outcomes, tried_plays
from tystnad.act.outgoing import draft_to_eml
from tystnad.act.report import json_text
from tystnad.backtest.calibrate import Fit, fit_and_check, load_model, save_model
from tystnad.backtest.replay import Backtest, collect, measure, read_mailbox
from tystnad.config import Settings
from tystnad.errors import ConfigError, StoreError, TystnadError
from tystnad.model import Diagnosis, Draft, Outcome, RecordedScan, ScanResult, Seller, Skipped
from tystnad.pipeline import index_version
from tystnad.pipeline import scan as run_scan
from tystnad.store import open_store
from tystnad.store.index import MessageIndex, open_index
from tystnad.train.corpus import LabelledCase, load_corpus
from tystnad.train.evaluate import Tally, cross_validate
from tystnad.train.examples import collect as collect_examples
from tystnad.train.fit import fit_model
from tystnad.understand.decide import DecisionModel

__all__ = ["ACCOUNT_PREFIX", "BacktestRun", "NothingToMeasure", "Recorded", "StoreSummary", "describe_store",
           "fit_details", "latest_deal", "latest_outcomes", "latest_scan", "measured_figures", "outcome_history",
           "record_outcome",
           "resolve_sources", "run_backtest", "save_deal_draft", "scan_and_record", "train_decisions",
           "Training", "labelled_cases"]

ACCOUNT_PREFIX = "account:"


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    result: ScanResult  # with outcomes
    text: str  # the contract's JSON, serialised once for output and the store


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
    with open_store(settings.home) as store:
        history = store.outcome_history()
    with _index(settings.home) as index:
        result = run_scan(
            resolve_sources(sources, settings.home), seller=seller, now=now, home_country=settings.country,
            home_zone=settings.timezone, workers=settings.workers, on_skip=on_skip, progress=progress,
            risk_model=load_model(settings.home, seller), tried=tried_plays(history), index=index,
        )
    with open_store(settings.home) as store:
        outcomes = store.latest_outcomes()
        result = replace(result, diagnoses=tuple(apply_outcomes(result.diagnoses, outcomes, today=now.date())))
        text = json_text(result)
        # Sources as the user named them: `account:NAME` tells draft --save which account to use.
        store.record_scan(created_at=datetime.now().astimezone(), sources=[str(s) for s in sources],
                          seller=seller_text, now=result.now, text=text)
    return Recorded(result=result, text=text)


@contextmanager
def _index(home: Path) -> Iterator[MessageIndex | None]:
    """The message index, so a rescan reads only new mail; a cache, so one that cannot be opened
    (a full disk, a damaged file) means a full read, never a failed scan."""
    try:
        index = open_index(home, version=index_version())
    except StoreError:
        yield None
        return
    with index:
        yield index


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreSummary:
    path: Path
    scans: int
    latest_at: datetime | None
    latest_sources: tuple[str, ...]


def describe_store(home: Path) -> StoreSummary:
    """What is recorded under TYSTNAD_HOME, without reading any scan's deals."""
    with open_store(home) as store:
        latest = store.latest_scan()
        return StoreSummary(path=store.path, scans=store.scan_count(),
                            latest_at=latest.created_at if latest else None,
                            latest_sources=latest.sources if latest else ())


def latest_scan(home: Path) -> RecordedScan:
    """The latest recorded scan, decoded where it leaves the store into the types a scan returns."""
    with open_store(home) as store:
        record = store.latest_scan()
    if record is None:
        raise ConfigError("no scan recorded yet; run `tystnad scan SOURCE --me DOMAINS` first")
    try:
        result = from_json(record.document)
    except (KeyError, ValueError, TypeError) as error:
        raise StoreError(f"{store.path}: the latest scan cannot be read back ({type(error).__name__}: {error}); "
                         f"run `tystnad scan` again") from error
    # Outcomes recorded since the scan count at once: the board and the Monday list need no rescan.
    outcomes = latest_outcomes(home)
    today = max(result.now, datetime.now(result.now.tzinfo)).date()
    result = replace(result, diagnoses=tuple(apply_outcomes(result.diagnoses, outcomes, today=today)))
    return RecordedScan(id=record.id, created_at=record.created_at, sources=record.sources, seller=record.seller,
                        result=result)


def latest_deal(home: Path, organization: str) -> Diagnosis:
    recorded = latest_scan(home)
    wanted = organization.lower().strip()
    known = [diagnosis.deal.organization for diagnosis in recorded.result.diagnoses]
    for diagnosis in recorded.result.diagnoses:
        if diagnosis.deal.organization == wanted:
            return diagnosis
    # "trident" for tridentdistribution.de: the deals whose name holds it, else the closest spellings.
    near = [name for name in known if wanted and wanted in name] or difflib.get_close_matches(wanted, known, n=3)
    hint = f"; did you mean {' or '.join(near[:3])}?" if near else ""
    raise ConfigError(f"no deal {organization!r} in the latest scan (mail up to "
                      f"{recorded.result.now:%Y-%m-%d %H:%M}){hint}")


def record_outcome(home: Path, organization: str, outcome: str, *, note: str = "", play: str = "",
                   until: date | None = None) -> Outcome:
    """`play`: for "sent", the play the mail served (default: the deal's play in the latest scan);
    `until`: for "snoozed", the day it comes back."""
    if outcome == "snoozed" and until is None:
        raise ConfigError("snoozed needs the day it comes back: --until YYYY-MM-DD")
    if outcome == "sent" and not play:
        found = latest_deal(home, organization)
        play = str(found.play.kind) if found.play is not None else ""
    recorded = Outcome(organization=organization.lower(), outcome=outcome, note=note,
                       recorded_at=datetime.now().astimezone(), play=play, until=until)
    with open_store(home) as store:
        store.record_outcome(recorded)
    return recorded


def latest_outcomes(home: Path) -> dict[str, Outcome]:
    """Each deal's latest recorded outcome, by organisation."""
    with open_store(home) as store:
        return store.latest_outcomes()


def outcome_history(home: Path, organization: str) -> list[Outcome]:
    """What the seller recorded for one deal, oldest first: what was tried, and when."""
    with open_store(home) as store:
        return store.outcome_history().get(organization.lower(), [])


def save_deal_draft(home: Path, draft: Draft, organization: str, *, account: str | None,
                    scanned_sources: Sequence[str], ask_password: AskPassword | None = None) -> str:
    """A scan's draft, as the seller may have edited it, into the right account's Drafts: the account
    named, else the one the scan read (`account:NAME`), else the only one. `draft --save` and the
    dashboard both."""
    name = default_account(home, account, tuple(scanned_sources))
    message = draft_to_eml(draft, now=datetime.now().astimezone())
    return save_draft(home, name, message, organization, ask_password=ask_password)


class NothingToMeasure(TystnadError):
    """The mailbox holds no moment where the seller waited with a known outcome."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BacktestRun:
    result: Backtest
    fitted: Fit | None  # with --fit: the fit, or why it was refused
    saved: Path | None  # where the fitted model was stored for later scans


def run_backtest(sources: Sequence[Path | str], *, seller: Seller, seller_text: str, settings: Settings,
                 horizon: int, since: date | None, fit: bool, on_skip: Callable[[Skipped], None] | None = None,
                 progress: Callable[[int], None] | None = None,
                 on_read: Callable[[], None] | None = None) -> BacktestRun:
    """Replay the seller's history and measure the risk scans ship (the stored fit, else the prior);
    with `fit`, fit it on this history and store it for later scans."""
    messages, skipped = read_mailbox(resolve_sources(sources, settings.home), workers=settings.workers,
                                     progress=progress)
    if on_read is not None:
        on_read()
    for item in skipped:
        if on_skip is not None:
            on_skip(item)
    moments = collect(messages, seller=seller, home_country=settings.country, home_zone=settings.timezone,
                      horizon_days=horizon, since=since)
    if not len(moments):
        raise NothingToMeasure(f"{', '.join(map(str, sources))}: no moment where {seller_text} waited for a reply "
                               f"with a known outcome (is --me the mailbox owner?)")
    result = measure(moments, load_model(settings.home, seller))
    fitted = fit_and_check(moments, fitted_at=datetime.now().astimezone()) if fit else None
    saved = None
    if fitted is not None and fitted.model is not None:
        saved = save_model(settings.home, seller, fitted.model, details=fit_details(fitted))
    return BacktestRun(result=result, fitted=fitted, saved=saved)


def fit_details(fitted: Fit) -> dict[str, Any]:
    """What a fit measured, as stored beside the model and printed by `backtest --format json`."""
    if fitted.model is None:
        return {"fitted": False, "why": fitted.refused}
    return {"fitted": True, "fitted_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "moments": None if fitted.in_sample is None else fitted.in_sample.cut_points,
            "in_sample": None if fitted.in_sample is None else measured_figures(fitted.in_sample),
            "later_slice": None if fitted.later_prior is None or fitted.later_fitted is None else {
                "cut_points": fitted.later_fitted.cut_points,
                "prior": measured_figures(fitted.later_prior),
                "fitted_on_earlier": measured_figures(fitted.later_fitted)}}


def measured_figures(result: Backtest) -> dict[str, Any]:
    return {"auc": result.tystnad.auc, "precision_top10": result.tystnad.precision_top10}


@dataclass(frozen=True, slots=True, kw_only=True)
class Training:
    model: DecisionModel
    examples: int
    groups: tuple[str, ...]
    # group -> (rules alone, heads fitted without that group), when evaluated
    held_out: dict[str, tuple[Tally, Tally]]


def labelled_cases(corpora: Sequence[str]) -> list[LabelledCase]:
    """Each corpus as `PATH` (a case's group is its id's prefix, "w1-07" -> "w1") or `PATH:GROUP`."""
    cases: list[LabelledCase] = []
    for corpus in corpora:
        path, _, group = corpus.partition(":") if not Path(corpus).exists() else (corpus, "", "")
        cases.extend(load_corpus(Path(path), group=group or None))
    return cases


def train_decisions(corpora: Sequence[str], *, evaluate: bool) -> Training:
    """Fit the decision heads on every labelled corpus; with `evaluate`, first hold each author group
    out in turn and judge it with heads fitted on the others."""
    examples = collect_examples(labelled_cases(corpora))
    missing = [e.case.id for e in examples if e.understood is None]
    if missing:
        raise ConfigError(f"no deal found for {len(missing)} labelled case(s): {', '.join(missing[:5])}")
    held_out = cross_validate(examples) if evaluate else {}
    fitted = fit_model(examples)
    # The corpora as named, so `make train` and the test that retrains can reproduce it.
    model = replace(fitted, trained_on={**fitted.trained_on, "corpora": list(corpora)})
    return Training(model=model, examples=len(examples), groups=tuple(sorted({e.case.group for e in examples})),
                    held_out=held_out)

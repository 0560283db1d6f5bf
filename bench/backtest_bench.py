"""`make bench`: tystnad's backtest on the real Enron mailboxes, person by person and pooled, and
the wall time and peak memory of `tystnad backtest` on a generated 100,000-message mailbox.

Each Enron file is one folder of one person's mailbox; a person's mailbox is all their folders, and
`--me` is their own addresses: the From of their sent folders whose local part carries the first
five letters of the folder's surname (sandra.brawner, f..brawner; not an assistant sending for
them). The same features and the same prior for everyone: nothing is tuned per person. Pooled
figures are over the union of everyone's moments. Writes bench/out/backtest.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_bench import OUT, RUNS, TYSTNAD, generated, measure  # noqa: E402

from tystnad.backtest.calibrate import fit_and_check  # noqa: E402
from tystnad.backtest.replay import Backtest, Moments, collect, read_mailbox  # noqa: E402
from tystnad.backtest.replay import measure as measure_moments
from tystnad.cli.common import parse_seller  # noqa: E402
from tystnad.model import RawMessage  # noqa: E402
from tystnad.read.parse import parse  # noqa: E402
from tystnad.read.sources import open_source  # noqa: E402
from tystnad.understand.risk.model import prior_model  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = [ROOT.parent / "shared" / "data" / "enron", Path("/work/shared/data/enron")]
SENT = ("sent", "sent_items", "_sent_mail")
# A spelling seen this few times in a sent folder is a quoted or forwarded header, not the owner.
MIN_SENT = 3


def enron_root() -> Path | None:
    return next((path for path in SHARED if path.is_dir()), None)


def people(root: Path) -> dict[str, list[Path]]:
    """Person (folder name, e.g. brawner-s) -> their mailbox files."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(root.glob("enron.*.mbox.gz")):
        found[path.name.split(".")[1]].append(path)
    return dict(found)


def own_addresses(person: str, files: list[Path]) -> list[str]:
    """The addresses a person sends from: their sent folders' From that carry their surname."""
    stem = person.split("-")[0][:5]
    senders: Counter[str] = Counter()
    for path in files:
        if path.name.split(".")[2] not in SENT:
            continue
        for raw in open_source(path):
            if isinstance(raw, RawMessage):
                try:
                    senders[parse(raw).sender.email] += 1
                except ValueError:
                    continue
    return sorted(email for email, count in senders.items()
                  if count >= MIN_SENT and stem in email.partition("@")[0])


def _row(result: Backtest) -> dict[str, Any]:
    return {"cut_points": result.cut_points, "cut_days": result.cut_days,
            "no_reply_rate": _round(result.no_reply_rate),
            "auc": _round(result.tystnad.auc), "precision_top10": _round(result.tystnad.precision_top10),
            "baselines": {"days_since_last": {"auc": _round(result.days_since_last.auc)},
                          "reply_rate": {"auc": _round(result.reply_rate.auc)}}}


def _later_slice(moments: Moments) -> dict[str, Any] | None:
    """A model fitted on a mailbox's earlier 70 % of moments against the prior on the later 30 %."""
    fitted = fit_and_check(moments, fitted_at=datetime.now().astimezone())
    if fitted.later_prior is None or fitted.later_fitted is None:
        return None
    return {"cut_points": fitted.later_fitted.cut_points, "prior_auc": _round(fitted.later_prior.tystnad.auc),
            "fitted_on_earlier_auc": _round(fitted.later_fitted.tystnad.auc)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _pool(parts: list[Moments]) -> Moments:
    return Moments(cuts=np.concatenate([p.cuts for p in parts]),
                   features=np.concatenate([p.features for p in parts]),
                   labels=np.concatenate([p.labels for p in parts]),
                   days_since_last=np.concatenate([p.days_since_last for p in parts]),
                   reply_rate=np.concatenate([p.reply_rate for p in parts]),
                   cut_days=sum(p.cut_days for p in parts))


def bench_enron(root: Path) -> dict[str, Any]:
    prior = prior_model()
    rows: dict[str, Any] = {}
    parts = []
    print(f"{'':12} {'':>8} {'':>6} {'':>6} {'':>6}  {'later 30 %':>13}", flush=True)
    print(f"{'person':12} {'moments':>8} {'AUC':>6} {'days':>6} {'rate':>6}  {'fitted':>6} {'prior':>6}  --me",
          flush=True)
    for person, files in people(root).items():
        me = own_addresses(person, files)
        seller = parse_seller(",".join(me))
        messages, _ = read_mailbox(files, workers=1)
        moments = collect(messages, seller=seller, home_country="US", home_zone="America/Chicago")
        result = measure_moments(moments, prior)
        rows[person] = {"me": me, "messages": len(messages), **_row(result),
                        "fit_later_slice": _later_slice(moments)}
        parts.append(moments)
        later = rows[person]["fit_later_slice"]
        print(f"{person:12} {result.cut_points:>8,} {_text(result.tystnad.auc):>6} "
              f"{_text(result.days_since_last.auc):>6} {_text(result.reply_rate.auc):>6}  "
              f"{_text(later and later['fitted_on_earlier_auc']):>6} {_text(later and later['prior_auc']):>6}  "
              f"{','.join(me)}", flush=True)
    pooled = _pool(parts)
    result = measure_moments(pooled, prior)
    print(f"{'pooled':12} {result.cut_points:>8,} {_text(result.tystnad.auc):>6} "
          f"{_text(result.days_since_last.auc):>6} {_text(result.reply_rate.auc):>6}", flush=True)
    later = _later_slice(pooled)
    if later is not None:
        print(f"pooled, fitted on the earlier 70 %, later {later['cut_points']:,} moments: "
              f"AUC {later['fitted_on_earlier_auc']} against the prior's {later['prior_auc']}", flush=True)
    return {"people": rows, "pooled": _row(result), "pooled_fit_later_slice": later,
            "home_zone": "America/Chicago", "command_per_person":
            "tystnad backtest ../shared/data/enron/enron.PERSON.*.mbox.gz --me ADDRESSES --format json"}


def _text(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def bench_generated() -> dict[str, Any]:
    path = generated(100_000, 5_000)
    command = [*TYSTNAD, "backtest", str(path), "--me", "norrsken.se", "--format", "json"]
    runs = [measure(command) for _ in range(RUNS)]
    document = json.loads(runs[-1][2])
    seconds = statistics.median(run[0] for run in runs)
    peak = statistics.median(run[1] for run in runs)
    print(f"generated 100,000 msgs / 5,000 deals: backtest {seconds:.1f} s (median of {RUNS}), "
          f"peak {peak / 1024:.0f} MiB, {document['cut_points']:,} moments, AUC {document['auc']:.3f} "
          f"(days since last {document['baselines']['days_since_last']['auc']:.3f}, "
          f"reply rate {document['baselines']['reply_rate']['auc']:.3f})", flush=True)
    return {"mailbox": "generated 100,000 msgs / 5,000 deals", "median_seconds": round(seconds, 2),
            "peak_pss_mib": round(peak / 1024), "runs": RUNS, **{k: document[k] for k in
            ("cut_points", "cut_days", "auc", "precision_top10", "baselines")}}


def main() -> None:
    os.environ["TYSTNAD_HOME"] = str(OUT / "home")  # keep any stored model out of the user's
    report: dict[str, Any] = {}
    root = enron_root()
    if root is None:
        print("enron: ../shared/data/enron not present, skipped")
    else:
        report["enron"] = bench_enron(root)
    if "--enron-only" not in sys.argv:
        report["generated"] = bench_generated()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "backtest.json").write_text(json.dumps(report, indent=2))
    print(f"written {OUT / 'backtest.json'}")


if __name__ == "__main__":
    main()

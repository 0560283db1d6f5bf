"""`make bench`: messages per second and peak memory of `tystnad scan --format json`.

Two generated mailboxes (10,000 messages over 500 deals, and 100,000 over 5,000) show how speed
and memory grow with size; the real Enron mailboxes in ../shared/data/enron (all fifteen people
at once) show it on mail nobody here wrote. Each beside its floor (bench/floor.py: a bare
single-process stdlib compat32 parse of the same files, run in turn with the scan) and the ratio
to it. Each run is timed as a whole command; peak memory is the largest sum of PSS over the
process tree (workers included), sampled every 50 ms. PSS, not RSS: forked workers share the
parent's pages, and summing their RSS would count the same memory three times. Medians of
several runs are quoted: the machines are noisy.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ENRON = ROOT.parent / "shared" / "data" / "enron"
TYSTNAD = [sys.executable, "-m", "tystnad"]
NOW = "2026-03-20 09:00"
SIZES = [(10_000, 500), (100_000, 5_000)]
# A million messages (8.7 GB of mbox, about half an hour a scan here) once, not three times;
# BENCH_MILLION=0 leaves it out.
MILLION = (1_000_000, 50_000)
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def tree_rss_kib(root: int) -> int:
    """PSS of `root` and all its descendants, from /proc (cheap enough not to slow the scan)."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kib(pid)
        stack.extend(_children(pid))
    return total


def measure(command: list[str], *, home: Path | None = None) -> tuple[float, int, str]:
    """(seconds, peak KiB over the tree, stdout); `home`: the TYSTNAD_HOME the command runs with."""
    env = {**os.environ, "TYSTNAD_HOME": str(home)} if home is not None else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{err.read().decode()[-2000:]}")
        return seconds, peak, out.read().decode()


def generated(messages: int, deals: int) -> Path:
    path = OUT / f"generated-{messages}-{deals}.mbox"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([*TYSTNAD, "generate", str(path), "--messages", str(messages), "--deals",
                        str(deals), "--seed", "11", "--now", NOW], check=True)
    return path


FLOOR = [sys.executable, str(ROOT / "bench" / "floor.py")]


def bench_scan(label: str, sources: list[Path], me: str, now: str, *, times: int = RUNS) -> dict[str, object]:
    command = [*TYSTNAD, "scan", *map(str, sources), "--me", me, "--now", now, "--format", "json"]
    # The floor and the scan take turns, so a noisy minute slows both alike.
    runs, floors = [], []
    for _ in range(times):
        floors.append(measure([*FLOOR, *map(str, sources)])[0])
        # A first scan: a home of its own, so no message index from an earlier run helps it.
        with tempfile.TemporaryDirectory(dir=OUT) as home:
            runs.append(measure(command, home=Path(home)))
    floor = statistics.median(floors)
    document = json.loads(runs[-1][2])
    read = document["messages"] + document["duplicates"] + len(document["skipped"])
    seconds = statistics.median(run[0] for run in runs)
    peak = statistics.median(run[1] for run in runs)
    row = {
        "mailbox": label,
        "runs": times,
        "messages_read": read,
        "distinct_messages": document["messages"],
        "deals": len(document["deals"]),
        "median_seconds": round(seconds, 2),
        "messages_per_second": round(read / seconds),
        "peak_pss_mib": round(peak / 1024),
        "floor_seconds": round(floor, 2),
        "floor_ratio": round(seconds / floor, 1),
        "skipped": len(document["skipped"]),
        "skipped_reasons": Counter(s["reason"][:90] for s in document["skipped"]),
    }
    print(f"{label:34s} {read:>8,} msgs {seconds:7.2f} s {row['messages_per_second']:>7,} msg/s "
          f"peak {row['peak_pss_mib']:>5} MiB  floor {floor:6.2f} s  x{row['floor_ratio']:<5} "
          f"deals {row['deals']:>6,}  skipped {row['skipped']}", flush=True)
    return row


def bench_rescan(source: Path, *, new_messages: int = 10) -> dict[str, object]:
    """A morning's sync: `new_messages` appended to a scanned mbox, then `tystnad scan` again with
    the message index the first scan left (only the new mail is read; every deal is judged again)."""
    copy = OUT / f"rescan-{source.name}"
    copy.write_bytes(source.read_bytes())
    command = [*TYSTNAD, "scan", str(copy), "--me", "norrsken.se", "--now", NOW, "--format", "json"]
    times = []
    with tempfile.TemporaryDirectory(dir=OUT) as home:
        first = measure(command, home=Path(home))[0]
        for run in range(RUNS):
            extra = OUT / "extra.mbox"
            subprocess.run([*TYSTNAD, "generate", str(extra), "--messages", str(new_messages), "--deals", "2",
                            "--seed", str(100 + run), "--now", NOW], check=True, capture_output=True)
            with copy.open("ab") as handle:
                handle.write(b"\n" + extra.read_bytes())
            times.append(measure(command, home=Path(home))[0])
    seconds = statistics.median(times)
    print(f"{'rescan after ' + str(new_messages) + ' new in ' + source.name:34s} first {first:7.2f} s, "
          f"rescan {seconds:6.2f} s (median of {RUNS})", flush=True)
    return {"mailbox": f"rescan {source.name}", "first_scan_seconds": round(first, 2),
            "rescan_median_seconds": round(seconds, 2), "new_messages": new_messages}


def enron_addresses() -> str:
    """Each person's own addresses: the From of their sent folders (several spellings)."""
    from tystnad.model import RawMessage
    from tystnad.read.parse import parse
    from tystnad.read.sources import open_source

    found: set[str] = set()
    for path in sorted(ENRON.glob("*.mbox.gz")):
        folder = path.name.split(".")[2]
        if folder not in ("sent", "sent_items", "_sent_mail"):
            continue
        for raw in open_source(path):
            if isinstance(raw, RawMessage):
                try:
                    found.add(parse(raw).sender.email)
                except ValueError:
                    continue
    return ",".join(sorted(found))


def main() -> None:
    # Every scan records itself in the store; keep the benchmark's out of the user's.
    os.environ["TYSTNAD_HOME"] = str(OUT / "home")
    rows = []
    print(f"tystnad scan --format json, median of {RUNS} runs, {os.cpu_count()} cores", flush=True)
    for messages, deals in SIZES:
        rows.append(bench_scan(f"generated {messages:,} msgs / {deals:,} deals",
                               [generated(messages, deals)], "norrsken.se", NOW))
    rows.append(bench_rescan(generated(*SIZES[-1])))
    if os.environ.get("BENCH_MILLION", "1") != "0":
        messages, deals = MILLION
        rows.append(bench_scan(f"generated {messages:,} msgs / {deals:,} deals", [generated(messages, deals)],
                               "norrsken.se", NOW, times=1))
    if ENRON.is_dir():
        me = enron_addresses()
        rows.append(bench_scan("enron, 15 people at once", sorted(ENRON.glob("*.mbox.gz")), me,
                               "2002-12-31 00:00"))
        print("  enron skipped:", dict(rows[-1]["skipped_reasons"]))  # type: ignore[call-overload]
    else:
        print("enron: ../shared/data/enron not present, skipped")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scan.json").write_text(json.dumps(rows, indent=2, default=dict))
    print(f"written {OUT / 'scan.json'}")


if __name__ == "__main__":
    main()

"""`make bench-sync`: messages per second and peak memory of a first `tystnad sync` from a local Dovecot.

A generated mailbox (20,000 messages over 1,000 deals; BENCH_SYNC_MESSAGES changes the size) is
written straight into a fresh Dovecot's Maildir, the seller's own mail in Sent and the rest in
INBOX, and indexed once, as a server that has been running would have it. Each run then adds
the account to an empty TYSTNAD_HOME and times `tystnad sync` as a whole command; peak memory
is the largest PSS of its process tree, sampled every 50 ms (scan_bench's `measure`). Medians of
BENCH_RUNS runs (default 3). Writes a row per size to bench/out/sync.json.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from scan_bench import measure

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TYSTNAD = [sys.executable, "-m", "tystnad"]
NOW = "2026-03-20 09:00"
SELLER_DOMAIN = b"norrsken.se"
MESSAGES = int(os.environ.get("BENCH_SYNC_MESSAGES", "20000"))
DEALS = max(1, MESSAGES // 20)
RUNS = int(os.environ.get("BENCH_RUNS", "3"))

sys.path.insert(0, str(ROOT / "tests"))
from dovecot import Dovecot, start_dovecot  # noqa: E402  (the tests' server, started the same way)


def generated() -> Path:
    path = OUT / f"generated-{MESSAGES}-{DEALS}.maildir"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([*TYSTNAD, "generate", str(path), "--format", "maildir", "--messages", str(MESSAGES),
                        "--deals", str(DEALS), "--seed", "11", "--now", NOW], check=True)
    return path


def is_from_seller(data: bytes) -> bool:
    head = data.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    for line in head.splitlines():
        if line.lower().startswith(b"from:"):
            return SELLER_DOMAIN in line.lower()
    return False


def fill(server: Dovecot, user: str, source: Path) -> tuple[int, int]:
    """Copy the generated mail into the user's INBOX and Sent; returns (inbox, sent) counts."""
    counts = {"INBOX": 0, "Sent": 0}
    folders = {name: server.maildir(user, name) for name in counts}
    for path in sorted(source.glob("*/*")):
        if not path.is_file():
            continue
        folder = "Sent" if is_from_seller(path.read_bytes()) else "INBOX"
        target = folders[folder] / "cur" / f"{path.name.split(':')[0]}:2,S"
        shutil.copyfile(path, target)
        os.chown(target, server.mail_uid, server.mail_gid)
        counts[folder] += 1
    # Let Dovecot index both folders now: a server in use has its indexes already.
    client = server.client(user)
    for folder in counts:
        client.select_folder(folder, readonly=True)
    client.logout()
    return counts["INBOX"], counts["Sent"]


def main() -> None:
    source = generated()
    server = start_dovecot()
    try:
        user = server.new_user()
        inbox, sent = fill(server, user, source)
        print(f"tystnad sync, first sync of {inbox + sent:,} messages ({inbox:,} INBOX, {sent:,} Sent) from "
              f"Dovecot on 127.0.0.1, median of {RUNS} runs, {os.cpu_count()} cores", flush=True)
        runs = []
        for _ in range(RUNS):
            with tempfile.TemporaryDirectory(prefix="tystnad-bench-home-") as home:
                os.environ["TYSTNAD_HOME"] = home
                os.environ["BENCH_IMAP_PASSWORD"] = server.password
                subprocess.run([*TYSTNAD, "account", "add", "bench", "--host", server.host, "--port",
                                str(server.port), "--user", user, "--tls", "none", "--password-env",
                                "BENCH_IMAP_PASSWORD"], check=True, capture_output=True)
                seconds, peak_kib, output = measure([*TYSTNAD, "sync", "bench"])
                kept = sum(1 for _ in Path(home, "accounts", "bench", "mail").glob("*/cur/*"))
                if kept != inbox + sent:
                    raise SystemExit(f"synced {kept} messages, expected {inbox + sent}: {output}")
                runs.append((seconds, peak_kib))
                print(f"  run: {seconds:6.2f} s  peak {peak_kib / 1024:6.0f} MiB  {output.strip()}", flush=True)
    finally:
        server.stop()
    seconds = statistics.median(run[0] for run in runs)
    peak = statistics.median(run[1] for run in runs)
    row = {
        "mailbox": f"generated {MESSAGES:,} msgs / {DEALS:,} deals in a local Dovecot",
        "messages": inbox + sent,
        "runs": RUNS,
        "median_seconds": round(seconds, 2),
        "messages_per_second": round((inbox + sent) / seconds),
        "peak_pss_mib": round(peak / 1024),
        "seconds_per_run": [round(run[0], 2) for run in runs],
        "peak_pss_mib_per_run": [round(run[1] / 1024) for run in runs],
    }
    print(f"median {seconds:.2f} s, {row['messages_per_second']:,} msg/s, peak {row['peak_pss_mib']} MiB PSS")
    OUT.mkdir(parents=True, exist_ok=True)
    # One row per mailbox size: a 100,000-message run (BENCH_SYNC_MESSAGES) sits beside the default one.
    path = OUT / "sync.json"
    rows = json.loads(path.read_text()) if path.exists() else []
    rows = [old for old in rows if isinstance(old, dict) and old.get("messages") != row["messages"]] + [row]
    path.write_text(json.dumps(sorted(rows, key=lambda r: int(r["messages"])), indent=2))
    print(f"written {OUT / 'sync.json'}")


if __name__ == "__main__":
    main()

"""`make bench`: server time of the dashboard's pages on a mailbox of 5,000 deals (100,000 messages).

The mailbox is scanned once in this process (as `tystnad serve` does at start); then the board
(first page, a status filter, a search, a late page), the Monday list and 200 deal pages are
rendered through the app in-process, so the time is the server's own, without a network or a
browser; then the board is timed again while a rescan of the whole mailbox runs beside it.
Medians over repeated requests are quoted: the machines are noisy.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
NOW = "2026-03-20 09:00"
ME = "norrsken.se"
MESSAGES, DEALS = 100_000, 5_000
REPEATS = int(os.environ.get("BENCH_RUNS", "3")) * 7


def mailbox() -> Path:
    path = OUT / f"generated-{MESSAGES}-{DEALS}.mbox"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "tystnad", "generate", str(path), "--deals", str(DEALS),
                        "--messages", str(MESSAGES), "--seed", "3", "--now", NOW], check=True)
    return path


def timed(client, url: str, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def during_rescan(scanner, client) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The board while the whole mailbox is read again in the background: still usable?"""
    started = time.perf_counter()
    scanner.start()
    times = []
    while scanner.running:
        begin = time.perf_counter()
        assert client.get("/").status_code == 200
        times.append(time.perf_counter() - begin)
        time.sleep(0.2)
    times.sort()
    return {"rescan_seconds": round(time.perf_counter() - started, 1), "board_requests": len(times),
            "board_median_ms": round(statistics.median(times) * 1000, 1) if times else 0.0,
            "board_p90_ms": round(times[int(len(times) * 0.9)] * 1000, 1) if times else 0.0}


def main() -> None:
    os.environ.setdefault("TYSTNAD_HOME", str(OUT / "home"))
    from tystnad.cli import parse_now, parse_seller
    from tystnad.config import load_settings
    from tystnad.web.app import create_app
    from tystnad.web.security import Guard
    from tystnad.web.state import Scanner, ScanRequest, take_snapshot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    settings = load_settings()
    request = ScanRequest(sources=(str(mailbox()),), seller=parse_seller(ME), seller_text=ME, now=parse_now(NOW),
                          settings=settings)
    started = time.perf_counter()
    snapshot = take_snapshot(request)
    scan_seconds = time.perf_counter() - started
    guard = Guard(host="127.0.0.1", port=80, token=None)
    scanner = Scanner(request=request, snapshot=snapshot)
    app = create_app(scanner, guard=guard)
    client = TestClient(app, base_url="http://127.0.0.1")
    organizations = [row.organization for row in snapshot.rows]
    step = max(1, len(organizations) // 200)
    sample = organizations[::step][:200]
    board = {
        "board": timed(client, "/", REPEATS),
        "board_silent": timed(client, "/?status=silent", REPEATS),
        "board_search": timed(client, "/?q=se", REPEATS),
        "board_page_20": timed(client, "/?page=20", REPEATS),
        "monday": timed(client, "/monday", REPEATS),
    }
    deal_times = [timed(client, f"/deal/{org}", 3) for org in sample]
    largest = max(snapshot.by_organization.values(),
                  key=lambda pair: sum(len(t.messages) for t in pair[0].deal.threads))
    result = {
        "deals": len(organizations), "messages": snapshot.result.messages,
        "scan_seconds": round(scan_seconds, 1),
        "median_ms": {name: round(value, 1) for name, value in board.items()},
        "deal_page_median_ms": round(statistics.median(deal_times), 1),
        "deal_page_max_ms": round(max(deal_times), 1),
        "largest_deal": {"organization": largest[0].deal.organization,
                         "messages": sum(len(t.messages) for t in largest[0].deal.threads),
                         "median_ms": round(timed(client, f"/deal/{largest[0].deal.organization}", 5), 1)},
        "deal_pages_timed": len(sample),
        "during_rescan": during_rescan(scanner, client),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "web.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

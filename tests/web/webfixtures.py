"""A mailbox for the dashboard tests, and `tystnad serve` over it as a real server process."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from factories import conversation, free_port, write_mbox

NOW = "2026-03-20 09:00"
CHROMIUM = "/usr/bin/chromium"
# As DEPENDENCIES.md measured: no sandbox as root, and no calls home the closed network would refuse.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
ME = "saljare.se,norrsken.se"
EVIL = "evil-trading.se"
# What a hostile sender would try: script, event handlers, javascript: links, markup in names.
PAYLOAD = ('<script>window.__pwned = "script"</script> '
           '<img src=x onerror="window.__pwned = \'img\'"> '
           '<a href="javascript:window.__pwned = \'link\'">Klicka här</a>')


def _html_only(*, sender: str, subject: str, date: str, message_id: str, in_reply_to: str) -> bytes:
    """An HTML-only reply as webmail sends it, carrying the payload in markup and in attributes."""
    html = (f"<html><body><p>Hej Erik,</p><p>{PAYLOAD}</p>"
            "<p onclick=\"window.__pwned='onclick'\">Vi hör av oss efter sommaren.</p>"
            "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe></body></html>")
    lines = [f"From: {sender}", "To: Erik Lund <erik.lund@saljare.se>", f"Subject: {subject}",
             f"Date: {date}", f"Message-ID: {message_id}", f"In-Reply-To: {in_reply_to}",
             f"References: {in_reply_to}", "MIME-Version: 1.0", "Content-Type: text/html; charset=utf-8",
             "Content-Transfer-Encoding: 8bit", "", html]
    return "\r\n".join(lines).encode("utf-8")


def write_mailbox(folder: Path) -> list[Path]:
    """Three hand-written deals (one paused, one silent, one hostile) beside a generated sample of forty."""
    folder.mkdir(parents=True, exist_ok=True)
    sample = folder / "sample.mbox"
    subprocess.run([sys.executable, "-m", "tystnad", "generate", str(sample), "--deals", "40",
                    "--messages", "400", "--seed", "11", "--now", NOW], check=True, capture_output=True,
                   timeout=120)
    deferral = conversation(
        customer="Karin Ek <karin.ek@lindvalla.se>", subject="Offert på lagerstyrning", steps=[
            ("seller", "2026-02-02 09:10", "Hej Karin,\n\nHär kommer offerten på lagerstyrning som vi pratade om."
             " Passar det med en genomgång på torsdag?\n\nMvh\nErik"),
            ("customer", "2026-02-03 14:20", "Hej Erik,\n\nTack! Jag måste stämma av med vår VD innan vi kan gå "
             "vidare. Vi hör av oss efter sommaren.\n\nHälsningar\nKarin"),
            ("seller", "2026-02-20 10:00", "Hej Karin,\n\nJag hör av mig igen om offerten. Har ni hunnit titta?"
             "\n\nMvh\nErik"),
        ])
    silence = conversation(
        customer="Johan Sand <johan.sand@granby-bygg.se>", subject="Förslag digitala ritningar", steps=[
            ("seller", "2026-02-09 09:00", "Hej Johan,\n\nTack för ett bra samtal i dag. Jag skickar ett förslag"
             " på hur ni kan samla ritningarna digitalt.\n\nMvh\nErik"),
            ("customer", "2026-02-09 15:30", "Hej Erik,\n\nTack, det ser intressant ut. Hur lång tid tar"
             " införandet för ett bolag i vår storlek?\n\nJohan"),
            ("seller", "2026-02-10 08:45", "Hej Johan,\n\nFör er storlek brukar det ta sex veckor. Här är"
             " offerten. Vad tycker du om upplägget?\n\nMvh\nErik"),
        ])
    hostile_first = conversation(
        customer=f"Eve Mallory <eve@{EVIL}>", subject="<script>window.__pwned='subject'</script> Offert",
        steps=[("seller", "2026-03-02 09:00", "Hej Eve,\n\nHär är offerten.\n\nMvh\nErik"),
               ("customer", "2026-03-03 10:00", f"Hej!\n\n{PAYLOAD}\n\nVi återkommer.\n\nEve")])
    last_id = hostile_first[-1].split(b"Message-ID: ")[1].split(b"\r\n")[0].decode()
    hostile_html = _html_only(sender=f"\"Eve <img src=x onerror=alert(1)>\" <eve@{EVIL}>",
                              subject="Re: Offert", date="Thu, 05 Mar 2026 11:00:00 +0100",
                              message_id=f"<html-reply@{EVIL}>", in_reply_to=last_id)
    mine = write_mbox(folder / "mine.mbox", deferral + silence + hostile_first + [hostile_html])
    return [sample, mine]


@contextmanager
def serving(sources: list[Path] | list[str], *, home: Path, extra: tuple[str, ...] = (),
            env: dict[str, str] | None = None) -> Iterator[str]:
    """`tystnad serve` in its own process; yields its address once it answers."""
    port = free_port()
    # A file, not a pipe: a pipe nobody drains would stall a chatty server.
    log = (home.parent / f"serve-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tystnad", "serve", *map(str, sources), "--me", ME, "--now", NOW,
         "--port", str(port), *extra],
        env={"TYSTNAD_HOME": str(home), "PATH": "/usr/bin:/bin", **(env or {})}, stdout=log,
        stderr=subprocess.STDOUT, text=True)
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"tystnad serve exited: {Path(log.name).read_text()}")
            try:
                with urllib.request.urlopen(address + "/rescan/status", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answered, if only to ask for its token
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

"""The dashboard over a synced IMAP account (a real Dovecot, a real Chromium): Save to Drafts puts the
edited draft in the seller's Drafts folder, once, and Rescan fetches the new mail first."""

from __future__ import annotations

import email
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from webfixtures import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NOW, serving

from dovecot import Dovecot
from factories import conversation, eml, message_id_of, run_tystnad
from tystnad.accounts import ImapAccount, add_account, sync_account

playwright_api = pytest.importorskip("playwright.sync_api")

VARIABLE = "TYSTNAD_TEST_WEB_IMAP_PASSWORD"

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None,
                                reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture()
def account(dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """A seller whose deal with kvarnbyn.se went quiet, synced once into a fresh home."""
    user = dovecot.new_user()
    steps = [("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten på lagerautomation. Passar en "
              "genomgång nästa vecka?\n\nMvh\nErik"),
             ("customer", "2026-02-03 10:00", "Hej Erik,\n\nTack, vi tittar på den. Hur lång är "
              "leveranstiden?\n\nAnna"),
             ("seller", "2026-02-04 09:00", "Hej Anna,\n\nLeveranstiden är sex veckor. Vad tycker ni om "
              "upplägget?\n\nMvh\nErik")]
    messages = conversation(steps=steps)
    client = dovecot.client(user)
    client.append("INBOX", messages[1], flags=(b"\\Seen",))
    client.append("Sent", messages[0], flags=(b"\\Seen",))
    client.append("Sent", messages[2], flags=(b"\\Seen",))
    client.logout()
    home = tmp_path / "home"
    monkeypatch.setenv(VARIABLE, dovecot.password)
    add_account(home, ImapAccount(name="work", host=dovecot.host, port=dovecot.port, user=user, tls="none",
                              secret="env", password_env=VARIABLE))
    sync_account(home, "work")
    yield user, home


def drafts(dovecot: Dovecot, user: str) -> list[tuple[tuple[bytes, ...], email.message.Message]]:
    client = dovecot.client(user)
    client.select_folder("Drafts", readonly=True)
    uids = client.search()
    found = [(item[b"FLAGS"], email.message_from_bytes(item[b"BODY[]"]))
             for item in client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]).values()] if uids else []
    client.logout()
    return found


def test_save_to_drafts_puts_the_edited_draft_in_the_account_once(dovecot: Dovecot, account) -> None:  # type: ignore[no-untyped-def]
    user, home = account
    with serving(["account:work"], home=home, env={VARIABLE: dovecot.password}) as address, \
            playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(address + "/deal/kvarnbyn.se")
        page.fill("#draft-body", "Hej Anna,\n\nJag skrev om det här själv.\n\nMvh\nErik")
        page.click("#save-draft")
        page.wait_for_url(re.compile(r"saved="))
        assert "Drafts" in page.locator("#copy-status").inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "saved-to-drafts.png"), full_page=True)
        page.fill("#draft-body", "Hej Anna,\n\nEn andra version.\n\nMvh\nErik")
        page.click("#save-draft")
        page.wait_for_url(re.compile(r"saved="))
        browser.close()
    saved = drafts(dovecot, user)
    assert len(saved) == 1  # the second save replaced the first
    flags, message = saved[0]
    assert b"\\Draft" in flags
    assert message["To"] == "anna.berg@kvarnbyn.se"
    assert message["In-Reply-To"] and message["References"]
    body = message.get_payload(decode=True).decode("utf-8")
    assert "En andra version." in body


def test_rescan_fetches_new_mail_from_the_server_first(dovecot: Dovecot, account) -> None:  # type: ignore[no-untyped-def]
    user, home = account
    before = run_tystnad("scan", "account:work", "--me", "saljare.se", "--now", NOW, "--format", "json",
                         home=home)
    assert '"status": "silent"' in before.stdout or '"status": "ghosted"' in before.stdout
    with serving(["account:work"], home=home, env={VARIABLE: dovecot.password}) as address, \
            playwright_api.sync_playwright() as playwright:
        last = conversation(steps=[("seller", "2026-02-04 09:00")])[0]
        answer = eml(sender="Anna Berg <anna.berg@kvarnbyn.se>", subject="SV: Offert lagerautomation",
                     date="2026-03-19 15:00", in_reply_to=message_id_of(last),
                     body="Hej Erik,\n\nVi vill gärna gå vidare. Kan du ringa mig i morgon?\n\nAnna")
        dovecot.deliver_files(user, [answer])
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(address + "/")
        page.click("#rescan")
        page.wait_for_selector("#rescan-done", timeout=60_000)
        page.goto(address + "/deal/kvarnbyn.se")
        assert page.locator(".deal-head .badge").inner_text() == "Your move"
        newest = page.locator("article.message").last.locator("div.body").first
        assert "Vi vill gärna gå vidare." in newest.inner_text()
        browser.close()

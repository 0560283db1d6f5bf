"""The dashboard in a real browser: Debian's Chromium driven by Playwright against `tystnad serve`
running as its own process. Screenshots land in test-artifacts/web/."""

from __future__ import annotations

import email
import json
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from webfixtures import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, EVIL, ME, NOW, serving, write_mailbox

from factories import run_tystnad

playwright_api = pytest.importorskip("playwright.sync_api")


pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None,
                                reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_mailbox(tmp_path_factory.mktemp("web-mail"))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-home")


@pytest.fixture(scope="module")
def server(mailbox: list[Path], home: Path) -> Iterator[str]:
    with serving(mailbox, home=home) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB",
                                  permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda request: None if request.url.startswith(server) else outside.append(request.url))
    tab.outside = outside
    yield tab
    context.close()
    # Everything is served by tystnad itself: no CDN, nothing fetched from elsewhere.
    assert outside == []


def shot(tab, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def contract(mailbox: list[Path], home: Path) -> dict:  # type: ignore[type-arg]
    result = run_tystnad("scan", *map(str, mailbox), "--me", ME, "--now", NOW, "--format", "json", home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_board_lists_every_deal_most_urgent_first_and_filters(page, server, mailbox, home) -> None:
    document = contract(mailbox, home)
    page.goto(server + "/")
    rows = page.locator("table.deals tbody tr")
    assert rows.count() == len(document["deals"])
    names = page.locator("a.deal-link").all_inner_texts()
    assert names == [deal["organization"] for deal in document["deals"]]
    shot(page, "board")
    page.click("nav.filters a[data-status=silent]")
    page.wait_for_url(re.compile(r"status=silent"))
    statuses = page.locator("table.deals tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses and set(statuses) == {"silent"}
    assert len(statuses) == sum(deal["status"] == "silent" for deal in document["deals"])
    shot(page, "board-silent")


def test_search_finds_a_deal_by_its_contact(page, server) -> None:
    page.goto(server + "/")
    page.keyboard.press("/")  # the search is one key away
    page.keyboard.type("karin.ek")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=karin"))
    assert page.locator("a.deal-link").all_inner_texts() == ["lindvalla.se"]


def test_deal_page_shows_the_timeline_and_marks_each_quote_where_it_stands(page, server, mailbox, home) -> None:
    deal = next(d for d in contract(mailbox, home)["deals"] if d["organization"] == "lindvalla.se")
    page.goto(server + "/")
    page.click("a.deal-link:text-is('lindvalla.se')")
    page.wait_for_url(re.compile(r"/deal/lindvalla.se$"))
    chart = page.locator("svg.timeline")
    assert chart.is_visible()
    # One mark per message, on the seller's and the customer's own rows.
    assert page.locator("svg.timeline circle.mark.seller").count() == 2
    assert page.locator("svg.timeline circle.mark.customer").count() == 1
    assert page.locator("svg.timeline rect.offday").count() >= 6  # the weekends since February
    # A deal paused until after the summer is not a silence to worry about: no waiting band.
    assert deal["status"] == "paused"
    assert page.locator("svg.timeline rect.silence").count() == 0
    marked = " ".join(page.locator(".message .body mark").all_inner_texts())
    quotes = [s["quote"] for s in deal["signals"] if s["quote"] and s["message_id"]]
    assert quotes, deal["signals"]
    for quote in quotes:
        assert " ".join(quote.split()) in " ".join(marked.split())
    assert page.locator("#risk").inner_text() == f"{round(deal['risk'] * 100)} %"
    shot(page, "deal")


def test_a_silent_deal_shows_the_wait_it_is_in(page, server, mailbox, home) -> None:
    silent = next(d for d in contract(mailbox, home)["deals"] if d["status"] == "silent")
    page.goto(server + "/?status=silent")
    page.click(f"a.deal-link:text-is('{silent['organization']}')")
    assert page.locator("svg.timeline rect.silence").count() == 1
    assert page.locator(".badge").first.inner_text() == "Silent"


def test_draft_can_be_edited_copied_and_downloaded(page, server) -> None:
    page.goto(server + "/deal/granby-bygg.se")
    body = page.locator("#draft-body")
    assert body.input_value().strip()
    body.fill("Hej Johan,\n\nEn rad jag själv skrev.\n\nMvh\nErik")
    page.click("#copy-draft")
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == "Hej Johan,\n\nEn rad jag själv skrev.\n\nMvh\nErik"
    with page.expect_download() as info:
        page.click("#draft-form button[type=submit]:not([formaction])")
    saved = email.message_from_bytes(Path(info.value.path()).read_bytes())
    assert "En rad jag själv skrev." in saved.get_payload(decode=True).decode("utf-8")
    assert saved["In-Reply-To"] and saved["To"] == "johan.sand@granby-bygg.se"
    # The edit survives a reload, so a half-written mail is not lost.
    page.reload()
    assert "En rad jag själv skrev." in page.locator("#draft-body").input_value()


def test_an_outcome_is_recorded_and_still_there_after_a_reload(page, server) -> None:
    page.goto(server + "/deal/lindvalla.se")
    page.click("form.outcomes button[value=meeting]")
    page.wait_for_selector("#recorded-outcome")
    page.reload()
    assert "Meeting" in page.locator("#recorded-outcome").inner_text()
    assert page.locator("form.outcomes button[value=meeting]").get_attribute("aria-pressed") == "true"
    page.goto(server + "/?q=lindvalla")
    assert page.locator(".outcome-tag").inner_text() == "Meeting"
    shot(page, "outcome")


def _nothing_from_mail_became_markup(tab) -> None:  # type: ignore[no-untyped-def]
    """Only tystnad's own script, no image or frame, no handler attribute, no javascript: link."""
    assert tab.locator("script").count() == 1
    assert tab.locator("script").get_attribute("src") == "/static/app.js"
    assert tab.locator("img, iframe, object, embed").count() == 0
    names = tab.evaluate("[...document.querySelectorAll('*')].flatMap(e => e.getAttributeNames())")
    assert not [name for name in names if name.lower().startswith("on")]
    hrefs = tab.evaluate("[...document.querySelectorAll('[href]')].map(e => e.getAttribute('href'))")
    assert not [href for href in hrefs if href.strip().lower().startswith("javascript:")]


def test_hostile_mail_is_shown_as_text_and_never_runs(browser, server) -> None:  # type: ignore[no-untyped-def]
    # The page's Content-Security-Policy would stop inline script anyway; switched off here, so
    # this proves the escaping alone keeps the mail inert.
    context = browser.new_context(bypass_csp=True)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(server + f"/deal/{EVIL}")
    bodies = tab.locator("article.message div.body")
    assert bodies.count() >= 3
    text = " ".join(bodies.all_inner_texts())
    assert "<script>" in text and "onerror=" in text  # the payload is visible as the words it is
    assert "<script>" in tab.locator(".message .subject").first.inner_text()
    _nothing_from_mail_became_markup(tab)
    shot(tab, "hostile")
    for other in ("/monday", f"/?q={EVIL}"):
        tab.goto(server + other)
        _nothing_from_mail_became_markup(tab)
    tab.goto(server + f"/deal/{EVIL}")
    for mark in tab.locator("article.message mark").all():
        mark.click()
    tab.wait_for_timeout(300)
    assert tab.evaluate("window.__pwned") is None
    assert dialogs == []
    context.close()


def test_interface_follows_the_browser_language_and_can_be_switched(browser, server) -> None:
    context = browser.new_context(locale="sv-SE")
    tab = context.new_page()
    tab.goto(server + "/")
    assert tab.locator("h1").inner_text() == "Affärer"
    tab.click("a[lang=en]")
    assert tab.locator("h1").inner_text() == "Deals"
    tab.goto(server + "/deal/lindvalla.se")
    assert tab.locator("#reasons-h").inner_text() == "Why it may be quiet"
    tab.click("a[lang=sv]")
    assert tab.locator("#reasons-h").inner_text() == "Varför det kan vara tyst"
    shot(tab, "deal-sv")
    context.close()


def test_the_app_can_be_walked_without_javascript(browser, server) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/")
    tab.click("a.deal-link:text-is('lindvalla.se')")
    assert tab.locator("h1").inner_text() == "lindvalla.se"
    tab.click("form.outcomes button[value=replied]")
    assert "Replied" in tab.locator("#recorded-outcome").inner_text()
    tab.click("nav a[href='/monday']")
    assert tab.locator("h1").inner_text() == "Monday list"
    context.close()


def test_keyboard_reaches_the_deals(page, server) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('deal-link')"):
            break
    else:
        pytest.fail("no deal link reachable by Tab")
    name = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/deal/"))
    assert page.locator("h1").inner_text() == name


def test_rescan_shows_progress_and_lands_on_fresh_results(page, server) -> None:
    with urllib.request.urlopen(server + "/rescan/status") as response:
        assert json.load(response)["finished_at"] is None  # no rescan yet in this server's life
    page.goto(server + "/")
    before = page.locator(".board-head .meta").inner_text()
    page.click("#rescan")
    page.wait_for_url(re.compile(r"/rescan$"))
    page.wait_for_selector("#rescan-done", timeout=60_000)
    with urllib.request.urlopen(server + "/rescan/status") as response:
        state = json.load(response)
    assert state["finished_at"] is not None and state["error"] is None
    page.click("text=All deals")
    # The same mail read again: the same deals, now from the new scan.
    assert page.locator(".board-head .meta").inner_text() == before
    assert page.locator("a.deal-link").count() > 0

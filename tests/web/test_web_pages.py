"""The dashboard without a browser: what the pages are made of (views, chart, words) and the guards
in front of them, through Starlette's in-process client."""

from __future__ import annotations

import re
import time
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from webfixtures import EVIL, ME, NOW, write_mailbox

from factories import conversation, free_port, write_mbox
from tystnad.accounts import ImapAccount, add_account, remove_account
from tystnad.cli import parse_now, parse_seller
from tystnad.config import Settings
from tystnad.understand.timing import calendar_for
from tystnad.web.app import create_app
from tystnad.web.chart import ChartMessage, chart
from tystnad.web.i18n import pick_language, words_for
from tystnad.web.security import Guard
from tystnad.web.state import Scanner, ScanRequest, take_snapshot
from tystnad.web.views import BoardRow, board_page, highlight

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CET = timezone(timedelta(hours=1))


def test_a_quote_is_marked_where_it_stands_even_across_a_line_break() -> None:
    text = "Hej!\nVi återkommer efter\nsommaren. Tack för offerten."
    segments = highlight(text, [("Vi återkommer efter sommaren.", "event_deferral")])
    assert "".join(s.text for s in segments) == text  # nothing lost or added
    marked = [s for s in segments if s.kinds]
    assert [s.text for s in marked] == ["Vi återkommer efter\nsommaren."]
    assert marked[0].kinds == ("event_deferral",)


def test_overlapping_quotes_carry_both_signals_and_a_missing_quote_marks_nothing() -> None:
    text = "Vi måste stämma av med vår VD innan vi går vidare."
    segments = highlight(text, [("stämma av med vår VD", "needs_approval"), ("vår VD innan", "x"),
                                ("not in this message", "y")])
    assert "".join(s.text for s in segments) == text
    kinds = {s.text: s.kinds for s in segments if s.kinds}
    assert kinds == {"stämma av med ": ("needs_approval",), "vår VD": ("needs_approval", "x"), " innan": ("x",)}


def _row(organization: str, status: str, contact: str = "") -> BoardRow:
    return BoardRow(organization=organization, status=status, risk=0.5, silence=3.0, top_reason=None,
                    play=None, last_inbound=None, contacts=(contact,) if contact else ())


def test_board_filters_by_status_searches_contacts_and_pages_keeping_the_order() -> None:
    rows = [_row(f"kund{i}.se", "silent" if i % 3 else "waiting", f"anna{i}@kund{i}.se") for i in range(250)]
    page = board_page(rows, status="silent", query="", page=2, page_size=100)
    assert page.total == sum(1 for i in range(250) if i % 3)
    assert page.pages == 2 and page.page == 2
    assert [row.organization for row in page.rows] == [r.organization for r in rows if r.status == "silent"][100:]
    found = board_page(rows, status=None, query="ANNA17@", page=1)
    assert [row.organization for row in found.rows] == ["kund17.se"]
    assert found.counts["silent"] == 1 and found.counts["waiting"] == 0
    assert board_page(rows, status="nonsense", query="", page=99).status is None


def test_chart_shades_weekends_and_sizes_marks_by_length() -> None:
    calendar = calendar_for("SE", "Europe/Stockholm")
    start = datetime(2026, 3, 2, 9, 0, tzinfo=CET)  # a Monday
    messages = [
        ChartMessage(when=start, is_customer=False, words=200, label="", anchor="m0"),
        ChartMessage(when=start + timedelta(days=1), is_customer=True, words=120, label="", anchor="m1"),
        ChartMessage(when=start + timedelta(days=2), is_customer=False, words=80, label="", anchor="m2"),
        ChartMessage(when=start + timedelta(days=9), is_customer=True, words=5, label="", anchor="m3"),
    ]
    picture = chart(messages, now=start + timedelta(days=16), calendar=calendar, waiting_since=None)
    assert len(picture.shaded) == 3  # three weekends in sixteen days from a Monday (and a bit before)
    customer = [mark for mark in picture.marks if mark.is_customer]
    assert customer[0].r > customer[1].r  # the customer's answers shrink, and it shows
    answers = [link for link in picture.links if link.is_customer_answer]
    # The second answer took five business days (Wednesday to the next Wednesday).
    assert [link.label for link in answers] == ["1.0", "5.0"]
    assert all(picture.left <= mark.x <= picture.now_x for mark in picture.marks)


def test_language_follows_the_browser_unless_chosen() -> None:
    assert pick_language(None, "sv-SE,sv;q=0.9,en;q=0.8") == "sv"
    assert pick_language(None, "de-DE,en;q=0.5,sv;q=0.4") == "en"
    assert pick_language(None, "fr") == "en"
    assert pick_language("sv", "en-GB") == "sv"
    assert words_for("sv").term("status", "ghosted") != words_for("en").term("status", "ghosted")


def settings_in(home: Path) -> Settings:
    return Settings(home=home, country="SE", timezone="Europe/Stockholm", workers=1)


@pytest.fixture(scope="module")
def scanner(tmp_path_factory: pytest.TempPathFactory) -> Scanner:
    sources = write_mailbox(tmp_path_factory.mktemp("pages-mail"))
    request = ScanRequest(sources=tuple(map(str, sources)), seller=parse_seller(ME), seller_text=ME,
                          now=parse_now(NOW), settings=settings_in(tmp_path_factory.mktemp("pages-home")))
    return Scanner(request=request, snapshot=take_snapshot(request))


def client(scanner: Scanner, *, host: str = "127.0.0.1", token: str | None = None) -> TestClient:
    app = create_app(scanner, guard=Guard(host=host, port=8765, token=token))
    return TestClient(app, base_url=f"http://{host}:8765", follow_redirects=False)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_every_board_link_leads_to_a_deal_page(scanner: Scanner) -> None:
    web = client(scanner)
    board = web.get("/")
    assert board.status_code == 200
    links = re.findall(r'<a class="deal-link" href="(/deal/[^"]+)"', board.text)
    assert len(links) == len(scanner.snapshot.rows)
    for link in links:
        assert web.get(link).status_code == 200
    assert web.get("/deal/no-such-customer.se").status_code == 404


def test_pages_forbid_inline_script_and_framing(scanner: Scanner) -> None:
    response = client(scanner).get(f"/deal/{EVIL}")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>window.__pwned" not in response.text
    assert "&lt;script&gt;window.__pwned" in response.text


def test_forms_need_their_token_and_our_own_origin(scanner: Scanner) -> None:
    web = client(scanner)
    token = _csrf(web.get("/deal/granby-bygg.se").text)
    url = "/deal/granby-bygg.se/outcome"
    assert web.post(url, data={"outcome": "won"}).status_code == 403
    assert web.post(url, data={"outcome": "won", "csrf": "forged"}).status_code == 403
    assert web.post(url, data={"outcome": "won", "csrf": token},
                    headers={"Origin": "http://evil.example"}).status_code == 403
    recorded = web.post(url, data={"outcome": "lost", "csrf": token})
    assert recorded.status_code == 303
    assert "Lost" in web.get("/deal/granby-bygg.se").text


def test_a_foreign_host_name_is_refused(scanner: Scanner) -> None:
    # DNS rebinding: a page on another site resolving its own name to 127.0.0.1.
    assert client(scanner).get("/", headers={"Host": "attacker.example"}).status_code == 421


def test_beyond_loopback_the_token_is_required_once_then_kept_in_a_cookie(scanner: Scanner) -> None:
    web = client(scanner, host="192.0.2.10", token="s3cret-token")
    assert web.get("/").status_code == 401
    assert web.get("/?token=wrong").status_code == 401
    entered = web.get("/?token=s3cret-token")
    assert entered.status_code == 303 and "token" not in entered.headers["location"]
    assert web.get("/").status_code == 200


def test_serve_refuses_to_listen_beyond_loopback_without_a_token(tmp_path: Path) -> None:
    from factories import run_tystnad

    mailbox = write_mbox(tmp_path / "m.mbox", conversation(steps=[("seller", "2026-03-02 09:00")]))
    result = run_tystnad("serve", str(mailbox), "--me", "saljare.se", "--host", "0.0.0.0", home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--token" in result.stderr


def test_draft_download_is_the_edited_text_in_the_thread(scanner: Scanner) -> None:
    web = client(scanner)
    token = _csrf(web.get("/deal/granby-bygg.se").text)
    response = web.post("/deal/granby-bygg.se/draft.eml",
                        data={"csrf": token, "subject": "SV: Förslag", "body": "Hej Johan,\r\nMin egen rad.\r\n"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("message/rfc822")
    assert 'filename="granby-bygg.se.eml"' in response.headers["content-disposition"]
    data = response.content
    assert b"In-Reply-To: <" in data and b"To: johan.sand@granby-bygg.se" in data
    assert b"Min egen rad." in data


def test_language_switch_only_redirects_to_our_own_pages(scanner: Scanner) -> None:
    web = client(scanner)
    assert web.get("/lang/sv?next=https://evil.example/").headers["location"] == "/"
    assert web.get("/lang/sv?next=//evil.example/").headers["location"] == "/"
    switched = web.get("/lang/sv?next=/monday")
    assert switched.headers["location"] == "/monday"
    assert "Måndagslistan" in web.get("/monday").text


def test_a_failed_rescan_says_why_and_keeps_the_previous_results(tmp_path: Path) -> None:
    mailbox = write_mbox(tmp_path / "inbox.mbox", conversation(steps=[
        ("seller", "2026-03-02 09:00"), ("customer", "2026-03-03 10:00"), ("seller", "2026-03-04 11:00")]))
    request = ScanRequest(sources=(str(mailbox),), seller=parse_seller("saljare.se"), seller_text="saljare.se",
                          now=parse_now(NOW), settings=settings_in(tmp_path / "home"))
    scanner = Scanner(request=request, snapshot=take_snapshot(request))
    before = scanner.snapshot
    mailbox.unlink()  # the export was moved away between two scans
    assert scanner.start()
    deadline = time.monotonic() + 30
    while scanner.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scanner.error is not None and "inbox.mbox" in scanner.error
    assert scanner.snapshot is before
    page = client(scanner).get("/")
    assert "inbox.mbox" in page.text and "kvarnbyn.se" in page.text


@pytest.mark.parametrize("url", ["/rescan", "/deal/granby-bygg.se/draft.eml", "/deal/granby-bygg.se/save-draft",
                                 "/deal/granby-bygg.se/outcome"])
def test_no_form_changes_anything_without_its_token(scanner: Scanner, url: str) -> None:
    response = client(scanner).post(url, data={"outcome": "won", "body": "x"})
    assert response.status_code == 403
    assert not scanner.running


def test_beyond_loopback_any_host_name_is_let_in_but_only_with_the_token(scanner: Scanner) -> None:
    # Bound to every interface, the browser on another machine names us by the address it used.
    web = client(scanner, host="0.0.0.0", token="s3cret-token")
    lan = {"Host": "192.168.1.20:8765"}
    assert web.get("/", headers=lan).status_code == 401
    assert web.get("/?token=s3cret-token", headers=lan).status_code == 303
    assert web.get("/", headers=lan).status_code == 200


def test_a_guessed_token_beyond_ascii_is_refused_not_a_crash(scanner: Scanner) -> None:
    web = client(scanner, host="192.0.2.10", token="s3cret-token")
    assert web.get("/?token=%C3%A9").status_code == 401
    loopback = client(scanner)
    assert loopback.post("/deal/granby-bygg.se/outcome", data={"outcome": "won", "csrf": "é"}).status_code == 403


def test_a_draft_that_cannot_be_saved_says_why_and_keeps_the_edit(scanner: Scanner) -> None:
    home = scanner.request.settings.home
    add_account(home, ImapAccount(name="work", host="127.0.0.1", port=free_port(), user="erik@saljare.se",
                                  tls="none", secret="env", password_env="TYSTNAD_TEST_NO_SUCH_VARIABLE"))
    try:
        web = client(scanner)
        page = web.get("/deal/granby-bygg.se")
        assert 'id="save-draft"' in page.text
        response = web.post("/deal/granby-bygg.se/save-draft",
                            data={"csrf": _csrf(page.text), "subject": "SV: Förslag", "body": "Min egen text."})
        assert response.status_code == 502
        assert "TYSTNAD_TEST_NO_SUCH_VARIABLE" in response.text  # what to do about it
        assert "Min egen text." in response.text
    finally:
        remove_account(home, "work")


def test_an_outcome_takes_a_deal_off_the_monday_list_at_once(scanner: Scanner) -> None:
    web = client(scanner)
    listed = re.findall(r'<h2><a href="/deal/([^"]+)"', web.get("/monday").text)
    assert listed
    chosen = listed[0]
    token = _csrf(web.get(f"/deal/{chosen}").text)
    assert web.post(f"/deal/{chosen}/outcome", data={"outcome": "replied", "csrf": token}).status_code == 303
    assert chosen not in re.findall(r'<h2><a href="/deal/([^"]+)"', web.get("/monday").text)


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example", "/\x07x"])
def test_the_language_switch_never_leaves_the_app(scanner: Scanner, target: str) -> None:
    assert client(scanner).get("/lang/sv", params={"next": target}).headers["location"] == "/"


def test_a_language_refused_with_q0_is_not_chosen() -> None:
    assert pick_language(None, "sv;q=0, en;q=0.5") == "en"


def test_the_silence_band_fills_the_chart_when_the_wait_began_before_it() -> None:
    calendar = calendar_for("SE", "Europe/Stockholm")
    now = datetime(2026, 3, 20, 9, 0, tzinfo=CET)
    old = now - timedelta(days=900)
    messages = [ChartMessage(when=old, is_customer=False, words=50, label="", anchor="m0"),
                ChartMessage(when=now - timedelta(days=30), is_customer=False, words=40, label="", anchor="m1")]
    picture = chart(messages, now=now, calendar=calendar, waiting_since=old)
    assert picture.hidden == 1
    assert picture.silence is not None
    assert picture.silence.x == picture.left and picture.silence.x + picture.silence.width == picture.now_x


def test_mondays_stand_where_the_customers_weekend_ends_in_their_own_zone() -> None:
    calendar = calendar_for("US", "America/New_York")
    now = datetime(2026, 3, 20, 9, 0, tzinfo=CET)
    messages = [ChartMessage(when=now - timedelta(days=20), is_customer=True, words=10, label="", anchor="m0")]
    picture = chart(messages, now=now, calendar=calendar, waiting_since=None)
    ends = {round(band.x + band.width, 1) for band in picture.shaded}
    assert picture.ticks and all(round(tick.x, 1) in ends for tick in picture.ticks)


def test_a_conversation_of_one_message_or_none_still_draws() -> None:
    calendar = calendar_for("SE", "Europe/Stockholm")
    now = datetime(2026, 3, 20, 9, 0, tzinfo=CET)
    assert chart([], now=now, calendar=calendar, waiting_since=None).marks == ()
    single = chart([ChartMessage(when=now - timedelta(days=3), is_customer=False, words=0, label="", anchor="m0")],
                   now=now, calendar=calendar, waiting_since=now - timedelta(days=3))
    assert len(single.marks) == 1 and single.links == () and single.silence is not None

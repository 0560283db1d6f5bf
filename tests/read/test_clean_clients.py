"""Reading mail exactly as real clients write it.

Every file in tests/data/clients/ is one message as a named client sends it (Outlook in
several UIs and ages, Gmail, Apple Mail, iPhone, Thunderbird, mutt, eM Client, Samsung
Email, webmails, auto-replies and bounces), with its expected reading in expected.json:

    client, language        what the file is (for the reader of a failure)
    subject                 the decoded Subject header, exact
    sender                  the From address, lower-cased
    date                    ISO 8601 instant of the Date header, or of the newest Received
                            header when Date is missing or unusable
    new_text_contains       whole lines or sentences that must be in the new text
    new_text_excludes       quoted history, signature and phone-footer text that must not
    new_text_lines          lines that must each stand as a line of their own in the new
                            text (paragraphs, list items, <br> breaks); a leading list
                            bullet is ignored
    signature_contains      strings that must be in the signature
    is_auto_reply           bool, or null when not asserted (bounces)
    is_bounce               bool
    return_date             "YYYY-MM-DD" or null
    has_message_id          false when the file carries no Message-ID header
    must_report_defect      true when the message must carry a defect (missing or
                            broken Date, missing Message-ID)

Text is compared with runs of whitespace (including no-break spaces) collapsed to one
space, so line wrapping by the client does not matter.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parents[1] / "data" / "clients"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (DATA / "expected.json").read_text(encoding="utf-8")
)
NAMES = sorted(EXPECTED)


def _collapse(text: str) -> str:
    return " ".join(text.split())


_BULLET = re.compile(r"^(?:[-*•·◦▪]|\d+[.)])\s+")


def _as_line(text: str) -> str:
    return _BULLET.sub("", _collapse(text))


def _read(name: str) -> Any:
    # Imported here, not at module level, so that a missing or broken implementation
    # fails these tests one by one instead of stopping the whole test collection.
    from tystnad.model import RawMessage
    from tystnad.read.clean import clean
    from tystnad.read.parse import parse

    path = DATA / name
    return clean(parse(RawMessage(data=path.read_bytes(), origin=str(path))))


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in DATA.glob("*.eml")}
    assert on_disk == set(EXPECTED), "every .eml needs an entry in expected.json and back"
    assert len(on_disk) >= 40


@pytest.mark.parametrize("name", NAMES)
def test_headers(name: str) -> None:
    exp = EXPECTED[name]
    m = _read(name)
    assert m.subject == exp["subject"]
    assert m.sender.email == exp["sender"]
    assert m.date.tzinfo is not None and m.date.utcoffset() is not None
    assert m.date == datetime.fromisoformat(exp["date"])
    assert isinstance(m.message_id, str) and m.message_id.strip()
    if not exp["has_message_id"]:
        assert m.defects, "a synthesised Message-ID must be reported as a defect"
    if exp["must_report_defect"]:
        assert m.defects


@pytest.mark.parametrize("name", NAMES)
def test_new_text(name: str) -> None:
    exp = EXPECTED[name]
    m = _read(name)
    new = _collapse(m.new_text)
    for want in exp["new_text_contains"]:
        assert _collapse(want) in new, f"missing from new text: {want!r}\n---\n{m.new_text}"
    for unwanted in exp["new_text_excludes"]:
        assert _collapse(unwanted) not in new, (
            f"should not be new text: {unwanted!r}\n---\n{m.new_text}"
        )
    lines = {_as_line(line) for line in m.new_text.splitlines()}
    for want in exp["new_text_lines"]:
        assert _as_line(want) in lines, f"not a line of its own: {want!r}\n---\n{m.new_text}"


@pytest.mark.parametrize("name", NAMES)
def test_signature(name: str) -> None:
    exp = EXPECTED[name]
    m = _read(name)
    signature = _collapse(m.signature)
    for want in exp["signature_contains"]:
        assert _collapse(want) in signature, f"missing from signature: {want!r}\n---\n{m.signature}"


@pytest.mark.parametrize("name", NAMES)
def test_auto_reply_bounce_and_return_date(name: str) -> None:
    exp = EXPECTED[name]
    m = _read(name)
    assert m.is_bounce is exp["is_bounce"]
    if exp["is_auto_reply"] is not None:
        assert m.is_auto_reply is exp["is_auto_reply"]
    want = date.fromisoformat(exp["return_date"]) if exp["return_date"] else None
    assert m.return_date == want


@pytest.mark.parametrize("name", NAMES)
def test_clean_is_idempotent(name: str) -> None:
    from tystnad.model import RawMessage
    from tystnad.read.clean import clean
    from tystnad.read.parse import parse

    path = DATA / name
    once = clean(parse(RawMessage(data=path.read_bytes(), origin=str(path))))
    assert clean(once) == once


def test_a_disclaimer_and_a_list_footer_are_set_aside_with_the_signature() -> None:
    from tystnad.read.clean import split_signature

    lines = ["Hej Erik,", "", "Tack, vi återkommer efter styrelsemötet.", "", "Anna Berg", "Region Fjällmark", "",
             "Region Fjällmark behandlar personuppgifter enligt dataskyddsförordningen. Skicka inte "
             "patientuppgifter via e-post."]
    text, signature = split_signature(lines, sender_name="Anna Berg")
    assert "\n".join(text).strip() == "Hej Erik,\n\nTack, vi återkommer efter styrelsemötet."
    assert "behandlar personuppgifter" in signature[-1]
    listed = ["Thanks Sarah - see below.", "", "We'll take it to the board on 10 March.", "_" * 47,
              "Users mailing list", "users@lists.vendor.com", "To unsubscribe from this list, visit the site."]
    text, signature = split_signature(listed, sender_name="Jane Doe")
    assert "\n".join(text).strip() == "Thanks Sarah - see below.\n\nWe'll take it to the board on 10 March."
    assert signature[0] == "_" * 47


def test_a_customer_asking_about_the_mailing_list_keeps_their_question() -> None:
    from tystnad.read.clean import split_signature

    lines = ["Hi,", "Is this mailing list the right place to ask about pricing?"]
    assert split_signature(lines)[0] == lines


def test_a_sentence_wrapped_at_72_columns_is_quoted_whole() -> None:
    from tystnad.read.quotes import sentences

    text = ("Tack för offerten. Vi tittar på den tillsammans med ekonomichefen och\n"
            "återkommer nästa vecka.\n- punkt ett\n- punkt två\nAnna Berg\nRegion Fjällmark")
    found = [text[start:end] for start, end in sentences(text)]
    assert "Vi tittar på den tillsammans med ekonomichefen och\nåterkommer nästa vecka." in found
    assert {"- punkt ett", "- punkt två", "Anna Berg", "Region Fjällmark"} <= set(found)


def test_a_format_flowed_soft_break_is_joined_and_a_greeting_line_is_not() -> None:
    from tystnad.read.quotes import sentences

    text = "Hej Erik,\ntack för offerten. Vi tittar på den med ekonomichefen och \nåterkommer nästa vecka."
    found = [text[start:end] for start, end in sentences(text)]
    assert found[0] == "Hej Erik,"
    assert found[-1] == "Vi tittar på den med ekonomichefen och \nåterkommer nästa vecka."


def test_a_rule_ends_a_sentence_and_is_never_quoted_but_a_word_with_dashes_stays_whole() -> None:
    from tystnad.read.quotes import first_sentence, sentences

    text = "Michael Rosa, CEO          ----------------------\nYou have received a file.\nOh f-----k, fine."
    found = [text[start:end] for start, end in sentences(text)]
    assert found == ["Michael Rosa, CEO", "You have received a file.", "Oh f-----k, fine."]
    assert first_sentence("--------------------\nNews from Control Solutions.") == "News from Control Solutions."


def test_a_salutation_with_a_dash_or_a_colon_is_not_the_first_sentence() -> None:
    from tystnad.read.quotes import first_sentence

    assert first_sentence("Jeff--\n\tper our call, the offer is here.") == "per our call, the offer is here."
    assert first_sentence("Richard:\n\nWe sent your login again.") == "We sent your login again."
    assert first_sentence("Anna –\nvi kör på det.") == "vi kör på det."


def test_a_legal_marking_line_is_set_aside_but_the_word_in_a_sentence_stays() -> None:
    from tystnad.model import RawMessage
    from tystnad.read.clean import clean
    from tystnad.read.parse import parse

    body = ("Privileged and Confidential\nPrepared at the Request of Counsel\n\nGary,\n\n"
            "The figures are confidential until the board meets.\n\nKONFIDENTIELLT\n")
    data = ("From: Sean <sean@seller.example>\nTo: gary@customer.example\nSubject: Data\n"
            "Date: Mon, 5 Feb 2001 10:00:00 -0600\nMessage-ID: <m1@seller.example>\n\n" + body).encode()
    message = clean(parse(RawMessage(data=data, origin="memo.eml")))
    assert message.new_text == "Gary,\n\nThe figures are confidential until the board meets."
    assert "Privileged and Confidential" in message.signature and "KONFIDENTIELLT" in message.signature


def test_outlook_s_rule_inside_a_line_whose_breaks_were_lost_cuts_the_history_there() -> None:
    from tystnad.read.clean import split_history

    line = ("However, not sure we want to be there that night!??-----Original Message-----?From: Erik "
            "[mailto:erik@x.example] ?Sent: Tuesday, February 26, 2002 11:40 AM?Subject: RE: plans")
    new, quoted = split_history(["Noted the dinner.", line])
    assert new == ["Noted the dinner.", "However, not sure we want to be there that night!??"]
    assert quoted[0].startswith("-----Original Message-----")
    prose = ["We wrote 'Original Message' in the subject - sorry -- it was a test."]
    assert split_history(prose) == (prose, [])


def test_a_bilingual_dutch_disclaimer_is_set_aside_and_its_error_is_no_pain() -> None:
    from tystnad.read.clean import split_signature
    from tystnad.read.phrases import find_phrases

    lines = ["Hi Erik,", "", "Can you say something about the month-end risk?", "", "Joost", "",
             "Dit e-mailbericht is uitsluitend bestemd voor de geadresseerde(n). Als u dit bericht onterecht",
             "heeft ontvangen, verzoeken wij u de afzender te informeren. / This e-mail is intended for the",
             "addressee(s) only. If you received it in error, please notify the sender and delete it."]
    text, signature = split_signature(lines, sender_name="Joost de Vries")
    kept = "\n".join(text)
    assert kept.strip() == "Hi Erik,\n\nCan you say something about the month-end risk?"
    assert not [h for h in find_phrases(kept) if h.family == "pain"]
    assert any("uitsluitend bestemd" in line for line in signature)


def test_a_title_or_an_abbreviation_ends_no_sentence() -> None:
    from tystnad.read.quotes import sentences

    for text, first in [("We have a new CTO, Mr. Anand Joshi, who joined last week. He reviews it all.",
                         "We have a new CTO, Mr. Anand Joshi, who joined last week."),
                        ("Vi kan t.ex. börja med lagret i Borås. Sedan resten.",
                         "Vi kan t.ex. börja med lagret i Borås."),
                        ("The answer is no. Thanks for asking.", "The answer is no.")]:
        start, end = sentences(text)[0]
        assert text[start:end] == first

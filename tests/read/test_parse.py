"""parse(): headers, charsets and bodies decoded the way the writer meant them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from factories import eml
from tystnad.model import RawMessage
from tystnad.read.parse import UnreadableMessage, decode_bytes, parse


def _parse(data: bytes):  # type: ignore[no-untyped-def]
    return parse(RawMessage(data=data, origin="test.eml"))


def test_latin1_label_on_windows_1252_bytes_gives_real_punctuation() -> None:
    assert decode_bytes(b"Pris \x80 12\x96 15 \x92ok\x92", "iso-8859-1") == "Pris € 12– 15 ’ok’"


def test_utf8_bytes_under_a_latin1_label_are_read_as_utf8() -> None:
    assert decode_bytes("Vänliga hälsningar".encode(), "iso-8859-1") == "Vänliga hälsningar"


def test_unknown_label_falls_back_instead_of_failing() -> None:
    assert decode_bytes("Återkommer på fredag".encode(), "x-unknown") == "Återkommer på fredag"
    assert decode_bytes("Återkommer".encode("cp1252"), "x-unknown") == "Återkommer"


def test_rfc2047_subject_and_display_name() -> None:
    data = eml(sender="=?iso-8859-1?Q?=C5sa_L=F6fgren?= <asa@kvarnbyn.se>",
               subject="=?utf-8?q?Offert_f=C3=B6r?= =?utf-8?b?IGxhZ2VyZXQ=?=")
    message = _parse(data)
    assert message.sender.name == "Åsa Löfgren"
    assert message.subject == "Offert för lageret"


def test_missing_date_falls_back_to_received() -> None:
    data = eml(date=None, headers={
        "Received": "from mx.kvarnbyn.se by mx.saljare.se; Tue, 3 Mar 2026 10:15:00 +0100"})
    message = _parse(data)
    assert message.date == datetime(2026, 3, 3, 9, 15, tzinfo=UTC)
    assert any("Received" in defect for defect in message.defects)


def test_no_date_at_all_is_unreadable_with_a_reason() -> None:
    with pytest.raises(UnreadableMessage, match="Date"):
        _parse(eml(date=None))


def test_missing_sender_is_unreadable() -> None:
    with pytest.raises(UnreadableMessage, match="sender"):
        _parse(eml(sender=""))


def test_missing_message_id_gets_a_stable_synthetic_one() -> None:
    first = _parse(eml(message_id=None))
    second = _parse(eml(message_id=None))
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@tystnad.invalid>")
    assert "missing Message-ID" in first.defects


def test_html_only_body_keeps_paragraphs_and_list_items_apart() -> None:
    html = ("<html><body><p>Hej Erik,</p><p>Vi vill g&auml;rna g&aring; vidare med:</p>"
            "<ul><li>pilot i Eskilstuna</li><li>utbildning</li></ul>"
            "<blockquote>gammal text</blockquote><script>alert(1)</script></body></html>")
    data = eml(body="x").replace(b"text/plain", b"text/html").split(b"\r\n\r\n")[0]
    data += b"\r\n\r\n" + html.encode()
    text = _parse(data).body
    lines = text.splitlines()
    assert "Hej Erik," in lines and "Vi vill gärna gå vidare med:" in lines
    assert "- pilot i Eskilstuna" in lines and "- utbildning" in lines
    assert "> gammal text" in lines
    assert "alert" not in text


def test_multipart_alternative_prefers_the_plain_part_and_lists_attachments() -> None:
    data = (
        b"From: Anna <anna@kvarnbyn.se>\r\nTo: erik@saljare.se\r\nSubject: Offert\r\n"
        b"Date: Mon, 2 Mar 2026 09:30:00 +0100\r\nMessage-ID: <m1@x>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="outer"\r\n\r\n'
        b'--outer\r\nContent-Type: multipart/alternative; boundary="inner"\r\n\r\n'
        b"--inner\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nTack f=C3=B6r offerten.\r\n"
        b"--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML</p>\r\n--inner--\r\n"
        b"--outer\r\nContent-Type: application/pdf; name=\"Offert_2026.pdf\"\r\n"
        b"Content-Disposition: attachment; filename=\"Offert_2026.pdf\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--outer--\r\n"
    )
    message = _parse(data)
    assert message.body.strip() == "Tack för offerten."
    assert message.attachments == ("Offert_2026.pdf",)


def _with_attachment(disposition: bytes) -> bytes:
    return (b"From: Anna <anna@kvarnbyn.se>\r\nTo: erik@saljare.se\r\nSubject: Underlag\r\n"
            b"Date: Mon, 2 Mar 2026 09:30:00 +0100\r\nMessage-ID: <m2@x>\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
            b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nH\xc3\xa4r \xc3\xa4r underlaget.\r\n"
            b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n " + disposition +
            b"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n")


def test_an_attachment_name_in_rfc_2231_form_as_apple_mail_writes_it_is_read() -> None:
    # A reply carrying one must stay in its deal, its attachment named as the customer named it.
    whole = _parse(_with_attachment(b"filename*=utf-8''Underlag_Stor%C3%A5sen.pdf"))
    assert whole.body.strip() == "Här är underlaget." and whole.attachments == ("Underlag_Storåsen.pdf",)
    continued = _parse(_with_attachment(
        b"filename*0*=utf-8''Offert%20f%C3%B6r%20;\r\n filename*1=\"Kvarnbyn \";\r\n"
        b" filename*2=v;\r\n filename*3=\"2.pdf\";\r\n filename*10=\"\""))
    assert continued.attachments == ("Offert för Kvarnbyn v2.pdf",)
    latin = _parse(_with_attachment(b"filename*=iso-8859-1'sv'Offert_%E5r_2026.pdf"))
    assert latin.attachments == ("Offert_år_2026.pdf",)


def test_unclosed_multipart_still_gives_its_text() -> None:
    data = (
        b"From: anna@kvarnbyn.se\r\nDate: Mon, 2 Mar 2026 09:30:00 +0100\r\nSubject: x\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nVi h\xf6rs n\xe4sta vecka.\r\n"
    )
    message = _parse(data)
    assert "Vi hörs nästa vecka." in message.body
    assert message.defects  # the missing close is recorded, not fatal


def test_dsn_from_mailer_daemon_is_a_bounce() -> None:
    message = _parse(eml(sender="Mail Delivery System <MAILER-DAEMON@mx.kvarnbyn.se>",
                         subject="Undelivered Mail Returned to Sender"))
    assert message.is_bounce


LIST = {"List-Id": "Users of the vendor's radios <users.lists.vendor.com>",
        "List-Post": "<mailto:users@lists.vendor.com>", "Precedence": "list"}


def test_a_list_that_rewrote_the_sender_gives_the_real_author_from_reply_to() -> None:
    data = eml(sender='"Jane Doe via Users" <users@lists.vendor.com>',
               headers={**LIST, "Reply-To": "Jane Doe <jane.doe@uni-example.ac.uk>"})
    assert _parse(data).sender.email == "jane.doe@uni-example.ac.uk"
    assert _parse(data).sender.name == "Jane Doe"


def test_a_google_group_keeps_the_original_sender_in_its_own_header() -> None:
    data = eml(sender="'Li Wei' via Radio Users <radio-users@googlegroups.com>",
               headers={"X-Original-Sender": "li.wei@126.com", "Reply-To": "radio-users@googlegroups.com"})
    message = _parse(data)
    assert (message.sender.email, message.sender.name) == ("li.wei@126.com", "Li Wei")


def test_a_list_post_that_was_not_rewritten_keeps_its_sender() -> None:
    data = eml(sender="Anna Berg <anna.berg@kvarnbyn.se>", headers={**LIST, "Reply-To": "users@lists.vendor.com"})
    assert _parse(data).sender.email == "anna.berg@kvarnbyn.se"


def test_an_ordinary_reply_to_does_not_change_who_wrote() -> None:
    # A seller's mail tool pointing replies at the shared inbox: Erik still wrote it.
    data = eml(sender="Erik Lund <erik.lund@saljare.se>", headers={"Reply-To": "Salj <salj@saljare.se>"})
    assert _parse(data).sender.email == "erik.lund@saljare.se"


def test_list_mail_names_its_list_and_is_bulk_while_a_person_s_mail_is_neither() -> None:
    listed = _parse(eml(sender='"Jane Doe via Users" <users@lists.vendor.com>',
                        headers={**LIST, "Reply-To": "Jane Doe <jane.doe@uni-example.ac.uk>"}))
    assert (listed.mailing_list, listed.is_bulk) == ("users@lists.vendor.com", True)
    personal = _parse(eml())
    assert (personal.mailing_list, personal.is_bulk) == (None, False)


def test_a_newsletter_and_a_no_reply_notification_are_bulk() -> None:
    newsletter = _parse(eml(sender="Branschforum <nyhetsbrev@branschforum.se>",
                            headers={"List-Unsubscribe": "<https://branschforum.se/avregistrera>"}))
    notification = _parse(eml(sender="Bokningar <no-reply@bokning.example>"))
    assert newsletter.is_bulk and notification.is_bulk
    assert newsletter.mailing_list is None


def test_a_sender_whose_address_names_a_newsletter_or_an_order_robot_is_bulk_but_a_bounce_is_a_bounce() -> None:
    # Old newsletters and shops carry no list headers: the address says what they are.
    for sender in ("business_sub_newsletter@hoovers.example", "news@control-solutions.example",
                   "auto-confirm@shop.example"):
        assert _parse(eml(sender=sender)).is_bulk, sender
    bounce = _parse(eml(sender="MAILER-DAEMON@mx.kvarnbyn.se"))
    assert bounce.is_bounce and not bounce.is_bulk
    assert not _parse(eml(sender="Anna Newman <anna.newman@kvarnbyn.se>")).is_bulk


def test_a_rewritten_list_post_with_only_a_sender_header_names_its_author_there() -> None:
    # Reply-To points back at the list, the bounce address is the list's own: Sender is the author.
    data = eml(sender='"Jane Doe via Users" <users@lists.vendor.com>',
               headers={**LIST, "Reply-To": "users@lists.vendor.com", "Sender": "Jane Doe <jane@doe.example>"})
    assert _parse(data).sender.email == "jane@doe.example"
    bounces = eml(sender='"Jane Doe via Users" <users@lists.vendor.com>',
                  headers={**LIST, "Sender": "users-bounces@lists.vendor.com"})
    assert _parse(bounces).sender.email == "users@lists.vendor.com"  # no author known: the list

"""The Monday list in three formats, from the latest scan; mail text is never markup."""

from __future__ import annotations

from pathlib import Path

from factories import conversation, write_mbox
from factories import run_tystnad as tystnad

NOW = "2026-03-20 09:00"




def test_monday_lists_the_silences_with_their_drafts_and_escapes_html(tmp_path: Path) -> None:
    silent = conversation(steps=[
        ("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten.\n\nMvh\nErik"),
        ("customer", "2026-02-02 15:00", "Tack! Budgeten är <script>alert(1)</script> fryst.\n\nAnna"),
        ("seller", "2026-02-16 09:00", "Hej Anna, hur går det?\n\nErik")])
    waiting = conversation(customer="Bo Ek <bo@lagerhuset.se>", steps=[
        ("seller", "2026-03-19 09:00", "Hej Bo,\n\nHär är underlaget.\n\nErik")])
    box = write_mbox(tmp_path / "box.mbox", silent + waiting)
    home = tmp_path / "home"
    assert tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, home=home).returncode == 0
    text = tystnad("monday", home=home).stdout
    assert "kvarnbyn.se" in text and "lagerhuset.se" not in text  # a fresh wait needs no mail
    assert "Hej Anna," in text and "Why:" in text
    markdown = tystnad("monday", "--format", "markdown", home=home).stdout
    assert markdown.startswith("# Monday list") and "> Hej Anna," in markdown
    assert tystnad("monday", "--format", "html", "--out", str(tmp_path / "m.html"), home=home).returncode == 0
    html = (tmp_path / "m.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Hej Anna," in html


def test_monday_before_any_scan_says_what_to_do(tmp_path: Path) -> None:
    done = tystnad("monday", home=tmp_path / "empty")
    assert done.returncode == 2 and "tystnad scan" in done.stderr

"""tystnad check: a chasing mail is flagged, a relevant one with a dated next step passes."""

from __future__ import annotations

from pathlib import Path

from factories import conversation, write_mbox
from factories import run_tystnad as tystnad

NOW = "2026-03-20 09:00"




def test_check_flags_chasing_and_passes_a_relevant_next_step(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten för plocklagret.\n\nMvh\nErik"),
             ("customer", "2026-02-02 15:00", "Tack! Vi tappar mycket tid på manuell plockning i "
                                             "Eskilstuna, så det här är intressant.\n\nAnna"),
             ("seller", "2026-02-16 09:00", "Hej Anna, hur går det?\n\nErik")]
    home = tmp_path / "home"
    box = write_mbox(tmp_path / "box.mbox", conversation(steps=steps))
    assert tystnad("scan", str(box), "--me", "saljare.se", "--now", NOW, home=home).returncode == 0
    chasing = tmp_path / "chasing.txt"
    chasing.write_text("Hej Anna,\n\nJag ville bara följa upp offerten. Hann du titta?\n\nMvh Erik\n")
    checked = tystnad("check", str(chasing), "--deal", "kvarnbyn.se", "--play", "propose_next_step", home=home)
    verdict = checked.stdout
    assert "fix  pressure" in verdict and "fix  asks" in verdict and "fix  personal" in verdict
    assert checked.returncode == 1  # a verdict of "fix" fails, so a script can stop the send
    good = tmp_path / "good.txt"
    good.write_text("Hej Anna,\n\nDu skrev att ni tappar tid på manuell plockning. Ska vi ses tisdag "
                    "24 mars kl 10 och se hur mycket av den tiden en pilot i Eskilstuna kan ta bort?\n\nErik\n")
    checked = tystnad("check", str(good), "--deal", "kvarnbyn.se", "--play", "propose_next_step", home=home)
    assert "fix" not in checked.stdout and checked.returncode == 0, checked.stdout

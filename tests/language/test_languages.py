"""The language files are the stages' only source of words: each file is well formed, and a language's
greetings, week words, question words, units and offer names reach the stages with no code of its own
(Norwegian, Danish and German here, beside Swedish and English)."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import tystnad
from factories import conversation, run_tystnad, write_mbox
from tystnad.language import Language, languages
from tystnad.model import Address, Message
from tystnad.read.absence import is_auto_reply_subject
from tystnad.read.dates import find_dates
from tystnad.read.quotes import first_sentence
from tystnad.read.reading import Reading, read
from tystnad.read.timewords import find_moments
from tystnad.understand.signals.questions import is_answered
from tystnad.understand.signals.trends import is_proposal
from tystnad.understand.threads import normalize_subject

FILES = sorted(entry.name for entry in resources.files("tystnad.language").iterdir()
               if entry.name.endswith(".toml") and entry.name != "mailboxes.toml")


def _file(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("tystnad.language").joinpath(name).read_text("utf-8"))


@pytest.mark.parametrize("name", FILES)
def test_a_language_file_is_named_for_its_code_and_uses_only_keys_english_has(name: str) -> None:
    """A misspelt table or key would be read as absent, silently: English is the reference file."""
    data, english = _file(name), _file("en.toml")
    assert data["code"] == name.removesuffix(".toml")
    problems = [f"{name}: [{table}] is no table en.toml has" for table in data if table not in english]
    problems += [f"{name}: [{table}] {key!r} is no key en.toml has" for table, content in data.items()
                 if isinstance(content, dict) and table in english
                 for key in content if key not in english[table]]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", FILES)
def test_a_unit_may_go_on_only_from_its_end(name: str) -> None:
    units = _file(name).get("metrics", {}).get("units", [])
    assert all(unit and "*" not in unit[:-1] for unit in units), units


def _named_in_code() -> set[str]:
    """Every double-quoted word in tystnad's Python: the names a stage can ask the language files for."""
    package = Path(tystnad.__file__).parent
    return {word for path in package.rglob("*.py") for word in re.findall(r'"([a-z_]+)"', path.read_text("utf-8"))}


@pytest.mark.parametrize("lang", languages(), ids=lambda lang: lang.code)
def test_every_phrase_family_time_rule_and_question_kind_is_one_a_stage_reads(lang: Language) -> None:
    """A family renamed on one side only would be read by nothing; "x_except" serves its family x."""
    named = _named_in_code()
    families = {family.removesuffix("_except") for family in lang.phrases}
    problems = [f"{lang.code}.toml [{table}] {name!r}: no stage reads it"
                for table, names in (("phrases", families), ("time", set(lang.time_phrases)),
                                     ("questions", set(lang.question_words)))
                for name in sorted(names - named)]
    assert not problems, "\n".join(problems)


def test_every_language_is_read() -> None:
    assert {lang.code for lang in languages()} == {name.removesuffix(".toml") for name in FILES}
    assert [lang.code for lang in languages()][:2] == ["sv", "en"]


@pytest.mark.parametrize(("text", "point"), [
    ("Hej alla i projektgruppen\nTack för offerten.", "Tack för offerten."),
    ("Good morning all of you\nThanks for the proposal.", "Thanks for the proposal."),
    ("Hei alle sammen i teamet\nTakk for tilbudet.", "Takk for tilbudet."),
    ("Kære alle i indkøbsafdelingen\nTak for tilbuddet.", "Tak for tilbuddet."),
    ("Sehr geehrte Damen und Herren\nVielen Dank für Ihr Angebot.", "Vielen Dank für Ihr Angebot."),
])
def test_a_greeting_of_any_language_is_not_the_point_of_a_mail(text: str, point: str) -> None:
    assert first_sentence(text) == point


@pytest.mark.parametrize("said", ["vecka 12", "v. 12", "week 12", "uke 12", "uge 12", "KW 12"])
def test_a_week_number_in_any_language_is_its_monday(said: str) -> None:
    found = find_dates(f"Vi ses {said}.", reference=date(2026, 3, 2))
    assert [mention.day for mention in found] == [date(2026, 3, 16)]


def _reading(text: str, *, attachments: tuple[str, ...] = ()) -> Reading:
    message = Message(message_id="<1@fjordkraft.no>", origin="test", date=datetime(2026, 3, 2, 9, tzinfo=UTC),
                      sender=Address(email="kari@fjordkraft.no"), attachments=attachments, is_cleaned=True,
                      new_text=text)
    return Reading(read(message))


@pytest.mark.parametrize(("question", "reply", "is_answer"), [
    # A "when" question wants a day, however many words the reply shares with it.
    ("Når kan dere ta en beslutning om avtalen?", "Vi tar en beslutning om avtalen snart.", False),
    ("Når kan dere ta en beslutning om avtalen?", "Vi bestemmer oss i uke 12.", True),
    ("Hvornår kan I tage en beslutning?", "Vi tager en beslutning i uge 12.", True),
    ("Wann können Sie entscheiden?", "Wir können noch nicht entscheiden, Sie hören von uns.", False),
    # A "who" question wants a name, in any alphabet with capitals.
    ("Hvem andre bør være med på møtet?", "Ta gjerne med Ølstad fra innkjøp.", True),
    # A "how much" question wants a number.
    ("Wie viel kostet die Lizenz pro Jahr?", "Etwa 40 000 im ersten Jahr.", True),
])
def test_question_words_of_any_language_say_what_answers_them(question: str, reply: str, is_answer: bool) -> None:
    assert is_answered(question, [_reading(reply)]) is is_answer


@pytest.mark.parametrize("name", ["Offert_Kvarnbyn.pdf", "Quote-1234.pdf", "Tilbud_Fjordkraft.pdf",
                                  "Angebot_2026.pdf", "Offerte-Jansen.pdf"])
def test_an_offer_is_known_by_its_file_name_in_any_language(name: str) -> None:
    assert is_proposal(_reading("Se vedlegg.", attachments=(name,)))
    assert not is_proposal(_reading("Se vedlegg.", attachments=("Bilder_fra_befaringen.zip",)))


def test_a_norwegian_customer_s_numbers_confirm_metrics_with_no_code_of_norwegian(tmp_path: Path) -> None:
    mbox = write_mbox(tmp_path / "no.mbox", conversation(
        customer="Kari Nilsen <kari.nilsen@fjordkraft.no>", subject="Tilbud lagerstyring", steps=[
            ("seller", "2026-03-02 09:00", "Hei Kari,\n\nHer er tilbudet vi snakket om.\n\nHilsen\nErik"),
            ("customer", "2026-03-03 10:00",
             "Hei Erik,\n\nTakk for tilbudet. I dag bruker vi 40 timer i uken på manuell registrering, "
             "og det er det vi må få ned.\n\nVennlig hilsen\nKari"),
        ]))
    done = run_tystnad("scan", str(mbox), "--me", "saljare.se", "--now", "2026-03-04 09:00", "--format", "json",
                       home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    deal = json.loads(done.stdout)["deals"][0]
    assert deal["language"] == "no"
    assert deal["meddicc"]["metrics"] == "confirmed"


@pytest.mark.parametrize(("text", "due"), [
    ("Vi hör av oss om två till veckor.", date(2026, 3, 16)),
    ("Let's talk again in two more weeks.", date(2026, 3, 16)),
    ("Vi bestemmer oss i 3. kvartal.", date(2026, 7, 1)),  # Norwegian: the ordinal is a dot
    ("We decide in the 3rd quarter.", date(2026, 7, 1)),
])
def test_time_words_between_number_and_unit_and_quarter_ordinals_come_from_the_language_files(
        text: str, due: date) -> None:
    assert [moment.day for moment in find_moments(text, sent=date(2026, 3, 2))] == [due]


@pytest.mark.parametrize("subject", ["AW: Abwesenheitsnotiz: Angebot", "Svar: Frånvaro", "Antw: Afwezig"])
def test_an_auto_reply_behind_any_languages_reply_prefix_is_known(subject: str) -> None:
    assert is_auto_reply_subject(subject)


def test_prefixes_of_clients_in_languages_without_a_file_still_join_the_thread() -> None:
    assert normalize_subject("TR: RIF: Ref: Offert lager") == normalize_subject("Offert lager")

"""The closed vocabularies agree wherever they are listed: SPEC's StrEnums in model.py (status, signal,
reason, play, MEDDICC element and state), the risk's features and the recorded outcomes, against the
JSON schema, every interface language, every draft-template language, the reason and play tables,
the risk prior, the dashboard's styles, the store's schema and the README.

Adding a word to one list and not another fails here, naming the file and the word."""

from __future__ import annotations

import inspect
import json
import pkgutil
import re
import tomllib
from collections.abc import Iterable
from enum import StrEnum
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

import tystnad
from tystnad.act import playbook
from tystnad.language import language
from tystnad.model import MeddiccElement, MeddiccState, PlayKind, Reason, SignalKind, Status
from tystnad.store import OUTCOMES
from tystnad.understand import reasons, signals
from tystnad.understand.risk.features import FEATURES
from tystnad.web.views import STATUSES

ROOT = Path(__file__).parents[2]
PACKAGE = Path(tystnad.__file__).parent
SCHEMA = PACKAGE / "act" / "schema" / "scan.schema.json"
INTERFACE = PACKAGE / "web" / "interface.toml"
TEMPLATES = PACKAGE / "act" / "playbook" / "templates"
PRIOR = PACKAGE / "understand" / "risk" / "prior.toml"
STYLESHEET = PACKAGE / "web" / "static" / "app.css"
MIGRATIONS = PACKAGE / "store" / "migrations"
README = ROOT / "README.md"
# The module, not the function `tystnad.understand.risk.explain` that its package exports.
EXPLAIN = import_module("tystnad.understand.risk.explain")

SPEC: dict[str, type[StrEnum]] = {
    "status": Status, "signal": SignalKind, "reason": Reason, "play": PlayKind,
    "meddicc element": MeddiccElement, "meddicc state": MeddiccState,
}
# Plays that send nothing now, so need no draft (write_draft returns None for them).
SILENT_PLAYS = frozenset({PlayKind.WAIT})


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _disagreements(where: str, expected: Iterable[str], found: Iterable[str]) -> list[str]:
    """One line for each word the list lacks, and for each word it has that the vocabulary does not."""
    expected, found = [str(word) for word in expected], {str(word) for word in found}
    lines = [f"{where} lacks {word!r}" for word in expected if word not in found]
    lines += [f"{where} has {word!r}, which the vocabulary does not" for word in sorted(found - set(expected))]
    return lines


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text("utf-8"))


@pytest.mark.parametrize(("vocabulary", "words", "location"), [
    pytest.param("status", Status, ("$defs", "status", "enum"), id="status"),
    pytest.param("signal", SignalKind, ("$defs", "signal", "properties", "kind", "enum"), id="signal"),
    pytest.param("reason", Reason, ("$defs", "reason", "properties", "reason", "enum"), id="reason"),
    pytest.param("play", PlayKind, ("$defs", "play", "properties", "kind", "enum"), id="play"),
    pytest.param("meddicc element", MeddiccElement, ("$defs", "meddicc_element", "enum"), id="meddicc-element"),
    pytest.param("meddicc element", MeddiccElement, ("$defs", "deal", "properties", "meddicc", "required"),
                 id="meddicc-required"),
    pytest.param("meddicc state", MeddiccState, ("$defs", "meddicc_state", "enum"), id="meddicc-state"),
    pytest.param("risk driver", FEATURES, ("$defs", "risk_driver", "properties", "signal", "enum"),
                 id="risk-driver"),
])
def test_the_schema_lists_every_word(vocabulary: str, words: Iterable[str], location: tuple[str, ...]) -> None:
    node: Any = json.loads(SCHEMA.read_text("utf-8"))
    where = f"{_shown(SCHEMA)} {'/'.join(location)}"
    for key in location:
        assert isinstance(node, dict) and key in node, f"{where} is missing: no list of {vocabulary} words"
        node = node[key]
    problems = _disagreements(where, words, node)
    assert not problems, "\n".join(problems)


# The interface's vocabulary tables (web/i18n.py's Words.term) and the words each must translate.
INTERFACE_TABLES: dict[str, tuple[str, ...]] = {
    "status": tuple(Status), "play": tuple(PlayKind), "reason": tuple(Reason), "signal": tuple(SignalKind),
    "meddicc": (*MeddiccElement, *MeddiccState), "driver": FEATURES, "outcome_kind": OUTCOMES,
}


@pytest.mark.parametrize("code", sorted(_toml(INTERFACE)))
def test_every_interface_language_names_every_word(code: str) -> None:
    """A missing word falls back to English on the page, so nothing else would notice it."""
    table = _toml(INTERFACE)[code]
    problems = []
    for vocabulary, words in INTERFACE_TABLES.items():
        where = f"{_shown(INTERFACE)} [{code}.{vocabulary}]"
        found = table.get(vocabulary, {})
        problems += _disagreements(where, words, found)
        problems += [f"{where} {word!r} is empty" for word, said in found.items() if not str(said).strip()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.toml")), ids=lambda path: path.name)
def test_every_play_that_sends_mail_has_drafts_in_every_template_language(path: Path) -> None:
    templates = _toml(path)
    problems = []
    try:
        language(path.stem)
    except KeyError:
        problems.append(f"{_shown(path)}: no language file src/tystnad/language/{path.stem}.toml reads its mail")
    problems += [f"{_shown(path)} lacks {key!r}" for key in ("subject_prefix", "greeting", "greeting_no_name",
                                                              "sign_off") if key not in templates]
    plays = templates.get("plays", {})
    problems += [f"{_shown(path)} [plays] lacks {str(kind)!r}" for kind in PlayKind
                 if kind not in SILENT_PLAYS and not plays.get(str(kind))]
    problems += [f"{_shown(path)} [plays] has {name!r}, which is no play" for name in sorted(plays)
                 if name not in set(PlayKind)]
    assert not problems, "\n".join(problems)


def _sources(package: Any) -> dict[Path, str]:
    modules = [package] + [import_module(f"{package.__name__}.{info.name}")
                           for info in pkgutil.iter_modules(package.__path__)]
    return {Path(inspect.getfile(module)): inspect.getsource(module) for module in modules}


def test_every_signal_has_a_detector() -> None:
    sources = _sources(signals)
    missing = [kind for kind in SignalKind
               if not any(re.search(rf"\bSignalKind\.{kind.name}\b", text) for text in sources.values())]
    folder = _shown(Path(signals.__file__).parent)
    assert not missing, "\n".join(f"no detector in {folder}/ emits {str(kind)!r}" for kind in missing)


def test_every_reason_can_be_given_and_has_a_play() -> None:
    """A reason needs a primary signal or a hint (understand/reasons.py) and a play (act/playbook)."""
    given = {reason for _, reason, _, is_primary in reasons._WEIGHTS if is_primary}
    given |= {reason for reason, _ in reasons.HINTS.values()}
    problems = [f"{_shown(Path(reasons.__file__))}: no primary signal or hint gives {str(reason)!r}"
                for reason in Reason if reason not in given]
    problems += [f"{_shown(Path(playbook.__file__))}: no play for the reason {str(reason)!r}"
                 for reason in Reason if reason not in playbook._BY_REASON]
    assert not problems, "\n".join(problems)


def test_every_play_is_chosen_by_the_playbook() -> None:
    path = Path(playbook.__file__)
    text = path.read_text("utf-8")
    missing = [kind for kind in PlayKind if not re.search(rf"\bPlayKind\.{kind.name}\b", text)]
    assert not missing, "\n".join(f"{_shown(path)} never chooses {str(kind)!r}" for kind in missing)


def test_every_risk_feature_has_a_prior_and_an_explanation() -> None:
    features = _toml(PRIOR).get("features", {})
    problems = _disagreements(f"{_shown(PRIOR)} [features]", FEATURES, features)
    problems += [f"{_shown(PRIOR)} [features.{name}] lacks {key!r}" for name, entry in features.items()
                 for key in ("coefficient", "reference", "meaning", "why") if key not in entry]
    problems += _disagreements(f"{_shown(Path(EXPLAIN.__file__))} _DETAILS", FEATURES, EXPLAIN._DETAILS)
    assert not problems, "\n".join(problems)


def _readme_words() -> set[str]:
    """Words in the README's inline code: `wait`, `replied|meeting|won`, `"status": "silent"`."""
    spans = re.findall(r"`([^`\n]+)`", README.read_text("utf-8"))
    return {token.strip("\"'.:;()[]{}") for span in spans for token in re.split(r"[\s|,/=]+", span)}


@pytest.mark.parametrize(("vocabulary", "words"), [*SPEC.items(), ("outcome", OUTCOMES)],
                         ids=[*SPEC, "outcome"])
def test_the_readme_names_every_word(vocabulary: str, words: Iterable[str]) -> None:
    found = _readme_words()
    missing = [str(word) for word in words if str(word) not in found]
    assert not missing, "\n".join(f"{_shown(README)} never names the {vocabulary} `{word}`" for word in missing)


def test_the_dashboard_orders_and_styles_every_status_and_state() -> None:
    css = STYLESHEET.read_text("utf-8")
    problems = _disagreements("src/tystnad/web/views.py STATUSES", Status, STATUSES)
    problems += [f"{_shown(STYLESHEET)} has no .badge.status-{status}" for status in Status
                 if f".badge.status-{status}" not in css]
    problems += [f"{_shown(STYLESHEET)} has no .m-{state}" for state in MeddiccState if f".m-{state}" not in css]
    assert not problems, "\n".join(problems)


def test_the_store_accepts_every_outcome() -> None:
    """The latest migration that lists the outcomes a seller may record agrees with store.OUTCOMES."""
    listed = [(path, re.findall(r"'([a-z_]+)'", found))
              for path in sorted(MIGRATIONS.glob("*.sql"))
              for found in re.findall(r"outcome\s+IN\s*\(([^)]*)\)", path.read_text("utf-8"))]
    assert listed, f"no migration in {_shown(MIGRATIONS)} lists the outcomes"
    path, outcomes = listed[-1]
    problems = _disagreements(f"{_shown(path)} CHECK (outcome IN ...)", OUTCOMES, outcomes)
    assert not problems, "\n".join(problems)

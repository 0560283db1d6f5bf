"""The backtest: it replays a mailbox without looking ahead, measures the risk beside two baselines,
fits a model that does better on later days, and says so in a stable JSON shape."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from factories import conversation, eml, message_id_of, when, write_mbox
from factories import run_tystnad as tystnad
from tystnad.backtest.calibrate import fit_and_check
from tystnad.backtest.replay import collect, cut_points, deals_of, measure, read_mailbox, replay
from tystnad.cli.common import parse_seller
from tystnad.model import Message
from tystnad.understand.risk.model import prior_model

ROOT = Path(__file__).resolve().parents[2]
ENRON = ROOT.parent / "shared" / "data" / "enron"
GENERATED_NOW = "2026-03-20 09:00"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "mailbox.mbox"
    done = tystnad("generate", str(path), "--deals", "150", "--messages", "2000", "--seed", "3",
                   "--now", GENERATED_NOW, home=path.parent)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def generated_messages(generated: Path) -> list[Message]:
    messages, _ = read_mailbox([generated], workers=1)
    return messages


def _at(messages: list[Message], cut: datetime, me: str = "norrsken.se") -> dict[str, tuple[float, ...]]:
    """Each waiting thread's features and both baselines' inputs, as the replay sees them at `cut`."""
    deals = deals_of(messages, seller=parse_seller(me))
    return {moment.thread_id: (*moment.features, moment.days_since_last, moment.reply_rate)
            for moment in replay(deals, seller=parse_seller(me), home_country="SE", home_zone="Europe/Stockholm",
                                 cuts=[cut])}


def test_nothing_after_a_cut_point_leaks_into_its_prediction(generated_messages: list[Message]) -> None:
    dates = sorted(m.date for m in generated_messages)
    for share in (0.4, 0.7):
        cut = cut_points(dates[int(len(dates) * share)].date(), dates[-1], home_country="SE",
                         home_zone="Europe/Stockholm")[1]
        full = _at(generated_messages, cut)
        truncated = _at([m for m in generated_messages if m.date <= cut], cut)
        assert full and full == truncated
        model = prior_model()
        assert [model.probability(v[:-2]) for v in full.values()] == \
            [model.probability(v[:-2]) for v in truncated.values()]


def _mail(tmp_path: Path, messages: list[bytes]) -> list[Message]:
    read, _ = read_mailbox([write_mbox(tmp_path / "m.mbox", messages)], workers=1)
    return read


def test_a_later_reply_from_another_company_does_not_decide_whose_thread_it_was(tmp_path: Path) -> None:
    # The seller writes to two companies at once; only the second answers, and only after the cut.
    # Before the cut the thread is the first company's: the second's good record must not count yet.
    seller = "Erik Lund <erik.lund@saljare.se>"
    history = []
    for number, day in enumerate(("2025-09-01", "2025-09-22", "2025-10-13")):
        history += conversation(customer="Bo Ek <bo.ek@bygg-ab.se>", seller=seller, subject=f"Order {number}",
                                steps=[("seller", f"{day} 09:00"), ("customer", f"{day} 14:00")])
    joint = eml(sender=seller, to="Anna Berg <anna.berg@kvarnbyn.se>, Bo Ek <bo.ek@bygg-ab.se>",
                subject="Gemensamt upplägg", date="2026-02-02 09:00", message_id="<joint@saljare.se>")
    late = eml(sender="Bo Ek <bo.ek@bygg-ab.se>", to=seller, subject="SV: Gemensamt upplägg",
               date="2026-02-20 10:00", in_reply_to="<joint@saljare.se>")
    messages = _mail(tmp_path, [*history, joint, late])
    cut = when("2026-02-10 09:00")
    assert _at(messages, cut, "saljare.se") == _at([m for m in messages if m.date <= cut], cut, "saljare.se")


def test_a_later_message_cannot_pull_an_old_thread_forward_to_swallow_a_new_one(tmp_path: Path) -> None:
    # June's thread is answered again in January; December's fresh mail with the same subject is its own
    # thread at a December cut, because in December June's thread had been quiet for half a year.
    seller = "Erik Lund <erik.lund@saljare.se>"
    june = conversation(customer="Anna Berg <anna.berg@kvarnbyn.se>", seller=seller, subject="Offert",
                        steps=[("seller", "2025-06-02 09:00"), ("customer", "2025-06-03 09:00")])
    december = eml(sender=seller, to="anna.berg@kvarnbyn.se", subject="Offert", date="2025-12-01 09:00")
    january = eml(sender="Anna Berg <anna.berg@kvarnbyn.se>", to=seller, subject="SV: Offert",
                  date="2026-01-12 09:00", in_reply_to=message_id_of(june[1]))
    messages = _mail(tmp_path, [*june, december, january])
    cut = when("2025-12-10 09:00")
    found = _at(messages, cut, "saljare.se")
    assert found and found == _at([m for m in messages if m.date <= cut], cut, "saljare.se")


def test_backtest_json_has_the_promised_shape(generated: Path, tmp_path: Path) -> None:
    done = tystnad("backtest", str(generated), "--me", "norrsken.se", "--format", "json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["cut_points"] > 1000
    for figure in (document["auc"], document["precision_top10"], document["baselines"]["days_since_last"]["auc"],
                   document["baselines"]["reply_rate"]["auc"]):
        assert 0 <= figure <= 1
    bins = document["calibration"]
    assert sum(b["count"] for b in bins) == document["cut_points"]
    assert {"from", "to", "count", "mean_predicted", "observed"} <= set(bins[0])
    assert document["auc"] > 0.7  # far better than chance on a mailbox with real silences


def test_the_table_shows_the_figures_beside_the_baselines(generated: Path, tmp_path: Path) -> None:
    done = tystnad("backtest", str(generated), "--me", "norrsken.se", "--since", "2025-12-01", home=tmp_path)
    assert done.returncode == 0, done.stderr
    for words in ("tystnad risk", "days since last message", "earlier reply rate", "calibration"):
        assert words in done.stdout


def test_a_model_fitted_on_earlier_days_ranks_later_days_better_than_the_prior(
        generated_messages: list[Message]) -> None:
    moments = collect(generated_messages, seller=parse_seller("norrsken.se"), home_country="SE",
                      home_zone="Europe/Stockholm")
    fitted = fit_and_check(moments, fitted_at=when(GENERATED_NOW))
    assert fitted.model is not None and fitted.later_prior is not None and fitted.later_fitted is not None
    later_fitted, later_prior = fitted.later_fitted.tystnad.auc, fitted.later_prior.tystnad.auc
    assert later_fitted is not None and later_prior is not None
    assert later_fitted > later_prior


def test_fit_stores_a_model_that_later_scans_use(generated: Path, tmp_path: Path) -> None:
    args = ("--me", "norrsken.se", "--now", GENERATED_NOW, "--format", "json")
    before = json.loads(tystnad("scan", str(generated), *args, home=tmp_path).stdout)
    done = tystnad("backtest", str(generated), "--me", "norrsken.se", "--fit", "--format", "json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    fit = json.loads(done.stdout)["fit"]
    assert fit["fitted"] and fit["later_slice"]["cut_points"] > 0
    assert list((tmp_path / "risk").glob("*.json"))
    after = json.loads(tystnad("scan", str(generated), *args, home=tmp_path).stdout)
    assert [d["status"] for d in before["deals"]] == [d["status"] for d in after["deals"]]
    assert [d["risk"] for d in before["deals"]] != [d["risk"] for d in after["deals"]]


def test_too_little_history_keeps_the_prior_and_says_why(tmp_path: Path) -> None:
    mailbox = write_mbox(tmp_path / "small.mbox", conversation(steps=[
        ("seller", "2026-01-05 09:00"), ("customer", "2026-01-07 10:00"), ("seller", "2026-01-12 09:00"),
        ("customer", "2026-02-20 10:00")]))
    done = tystnad("backtest", str(mailbox), "--me", "saljare.se", "--fit", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "not fitted, the prior stays: only" in done.stdout
    assert not (tmp_path / "risk").exists()


@pytest.mark.parametrize("args, words", [
    (("missing.mbox", "--me", "saljare.se"), "missing.mbox"),
    (("MAILBOX", "--me", "saljare.se", "--since", "last week"), "--since"),
    (("MAILBOX", "--me", "saljare.se", "--horizon", "0"), "--horizon"),
    (("MAILBOX", "--me", "saljare.se", "--horizon", "7", "--fit"), "over 14 days"),
    (("MAILBOX", "--me", "nobody.example"), "no moment where nobody.example waited"),
])
def test_cli_errors_are_one_line(args: tuple[str, ...], words: str, tmp_path: Path) -> None:
    mailbox = write_mbox(tmp_path / "m.mbox", conversation(steps=[
        ("seller", "2026-01-05 09:00"), ("customer", "2026-01-07 10:00"), ("seller", "2026-02-12 09:00")]))
    done = tystnad("backtest", *[str(mailbox) if a == "MAILBOX" else a for a in args], home=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and lines[0].startswith("tystnad: error:")


def test_help_defines_the_risk_it_measures(tmp_path: Path) -> None:
    done = tystnad("backtest", "--help", home=tmp_path)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "does not reply within 14 days" in text and "--fit" in text and "--horizon" in text


@pytest.mark.skipif(not ENRON.is_dir(), reason="../shared/data/enron not present")
def test_a_real_enron_mailbox_ranks_its_silences_better_than_chance(tmp_path: Path) -> None:
    files = sorted(ENRON.glob("enron.whitt-m.*.mbox.gz"))
    messages, _ = read_mailbox(files, workers=1)
    moments = collect(messages, seller=parse_seller("mark.whitt@enron.com"), home_country="US",
                      home_zone="America/Chicago")
    result = measure(moments, prior_model())
    assert result.cut_points > 1000
    assert result.tystnad.auc is not None and result.tystnad.auc > 0.6

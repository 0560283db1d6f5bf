"""Risk: the documented prior on an empty history, its drivers in the scan's JSON, and the metrics
the backtest judges it by."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from factories import SELLER, conversation, write_mbox
from factories import run_tystnad as tystnad
from tystnad.backtest.calibrate import load_model, model_path
from tystnad.backtest.metrics import auc, calibration, precision_top
from tystnad.model import Seller
from tystnad.understand.risk import FEATURES, prior_model

NOW = "2026-03-20 09:00"


def test_auc_on_known_small_inputs_counts_ties_as_half() -> None:
    labels = np.array([False, False, True, True])
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), labels) == pytest.approx(0.75)
    # Positives 2 and 3 against negatives 1 and 2: 1 + 0.5 + 1 + 1 of 4 pairs.
    assert auc(np.array([1.0, 2.0, 2.0, 3.0]), labels) == pytest.approx(0.875)
    assert auc(np.array([0.5, 0.5, 0.5, 0.5]), labels) == pytest.approx(0.5)
    assert auc(np.array([0.2, 0.3]), np.array([True, True])) is None


def test_auc_agrees_with_scikit_learn_on_many_ties() -> None:
    generator = np.random.default_rng(5)
    scores = generator.integers(0, 6, 500).astype(np.float64)
    labels = generator.random(500) < 0.3 + scores / 10
    assert auc(scores, labels) == pytest.approx(roc_auc_score(labels, scores))


def test_precision_and_calibration_on_a_known_ranking() -> None:
    scores = np.linspace(0.05, 0.95, 20)
    labels = scores > 0.5
    assert precision_top(scores, labels) == 1.0  # the two riskiest both went unanswered
    bins = calibration(scores, labels)
    assert sum(b.count for b in bins) == 20
    assert [b.observed for b in bins if b.high <= 0.5] == [0.0] * len([b for b in bins if b.high <= 0.5])


def test_the_prior_is_a_documented_data_file_with_one_coefficient_per_feature() -> None:
    text = resources.files("tystnad.understand.risk").joinpath("prior.toml").read_text("utf-8")
    for name in FEATURES:
        assert f"[features.{name}]" in text
    model = prior_model()
    assert model.source == "prior" and len(model.coefficients) == len(FEATURES)
    assert model.coefficients[FEATURES.index("silence")] > 0
    assert model.coefficients[FEATURES.index("reply_rate")] < 0


def test_an_empty_data_directory_means_the_prior(tmp_path: Path) -> None:
    assert load_model(tmp_path, SELLER) == prior_model()
    assert not model_path(tmp_path, SELLER).exists()


def _scan(mailbox: Path, home: Path, now: str = NOW) -> dict[str, object]:
    done = tystnad("scan", str(mailbox), "--me", "saljare.se", "--now", now, "--format", "json", home=home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_a_first_mail_without_any_history_gets_the_priors_risk_and_its_drivers(tmp_path: Path) -> None:
    mailbox = write_mbox(tmp_path / "one.mbox", conversation(steps=[("seller", "2026-03-09 09:00")]))
    (deal,) = _scan(mailbox, tmp_path)["deals"]  # type: ignore[misc]
    assert deal["status"] in ("silent", "ghosted")
    assert 0.5 < deal["risk"] < 0.98
    signals = [driver["signal"] for driver in deal["risk_drivers"]]
    assert "silence" in signals and "cold_thread" in signals


def test_risk_drivers_follow_the_schema_and_come_largest_first(tmp_path: Path) -> None:
    mailbox = write_mbox(tmp_path / "deals.mbox", conversation(steps=[
        ("seller", "2026-01-12 09:00"), ("customer", "2026-01-13 10:00", "Hej,\n\nTack, vi tittar på det.\n"),
        ("seller", "2026-01-20 09:00"), ("customer", "2026-01-21 11:00", "Hej,\n\nJag återkommer.\n"),
        ("seller", "2026-02-16 09:00"), ("seller", "2026-03-02 09:00")]))
    document = _scan(mailbox, tmp_path)
    schema = json.loads(resources.files("tystnad.act").joinpath("schema/scan.schema.json").read_text("utf-8"))
    jsonschema.validate(document, schema)
    (deal,) = document["deals"]  # type: ignore[misc]
    effects = [abs(driver["effect"]) for driver in deal["risk_drivers"]]
    assert effects and effects == sorted(effects, reverse=True) and len(effects) <= 5
    assert all(driver["detail"] for driver in deal["risk_drivers"])
    silence = next(d for d in deal["risk_drivers"] if d["signal"] == "silence")
    assert silence["effect"] > 0 and "business days silent" in silence["detail"]


def test_risk_rises_as_the_silence_grows(tmp_path: Path) -> None:
    mailbox = write_mbox(tmp_path / "wait.mbox", conversation(steps=[
        ("seller", "2026-02-02 09:00"), ("customer", "2026-02-03 10:00"), ("seller", "2026-03-02 09:00")]))
    risks = [_scan(mailbox, tmp_path, now)["deals"][0]["risk"]  # type: ignore[index]
             for now in ("2026-03-03 09:00", "2026-03-10 09:00", "2026-03-31 09:00")]
    assert risks == sorted(risks) and risks[0] < risks[-1]


def test_a_customer_whose_turn_it_is_has_no_risk_drivers(tmp_path: Path) -> None:
    mailbox = write_mbox(tmp_path / "turn.mbox", conversation(steps=[
        ("seller", "2026-03-02 09:00"), ("customer", "2026-03-18 10:00")]))
    (deal,) = _scan(mailbox, tmp_path)["deals"]  # type: ignore[misc]
    assert deal["status"] == "your_move" and deal["risk_drivers"] == []


def test_a_stored_model_names_the_seller_it_was_fitted_for(tmp_path: Path) -> None:
    one = model_path(tmp_path, Seller(domains=frozenset({"saljare.se"})))
    other = model_path(tmp_path, Seller(domains=frozenset({"norrsken.se"})))
    assert one != other and one.parent == other.parent == tmp_path / "risk"


def test_an_extreme_stored_model_gives_a_probability_not_a_crash() -> None:
    import numpy as np

    from tystnad.understand.risk.features import FEATURES
    from tystnad.understand.risk.model import RiskModel

    steep = RiskModel(intercept=0.0, coefficients=(900.0,) + (0.0,) * (len(FEATURES) - 1),
                      reference=(0.0,) * len(FEATURES), source="test")
    for value in (-5.0, 5.0):
        row = (value,) + (0.0,) * (len(FEATURES) - 1)
        single = steep.probability(row)
        many = steep.probabilities(np.asarray([row]))
        assert 0.0 <= single <= 1.0 and abs(single - float(many[0])) < 1e-12
    assert steep.probability((-5.0,) + (0.0,) * (len(FEATURES) - 1)) < 1e-100

"""The training page's topic: its data sets, its experiment (the right losses and the mistakes side by
side), its words and messages, its figures (valid, frames included) and the PyTorch snippet, which is run
here and must print core's losses step for step."""

import base64
import json
import zlib
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

from snippet_runner import printed_by
from tools import page_states
from topics.shared.url_params import read_params
from topics.training import data, figures, numbers, snippets, state, words
from topics.training.state import TrainingState, values_from_state

DEFAULT = TrainingState()
BLOBS = replace(DEFAULT, dataset="blobs", hidden=False, lr=0.1, batch_size=10, epochs=20)  # 320 steps
PRINT_TOLERANCE = 2e-6  # losses printed with 6 decimals from float32 tensors


def printed_losses(output):
    return np.array([float(line.split("= ")[1]) for line in output.splitlines() if line.startswith("step ")])


@pytest.mark.parametrize("name", data.DATASETS)
@pytest.mark.parametrize("classes", [2, 5])
def test_data_sets_are_seeded_split_and_balanced(name, classes):
    first = data.make_dataset(name, classes, 200, 0.3, 11)
    again = data.make_dataset(name, classes, 200, 0.3, 11)
    other = data.make_dataset(name, classes, 200, 0.3, 12)
    np.testing.assert_array_equal(first.train_inputs, again.train_inputs)
    assert not np.array_equal(first.train_inputs, other.train_inputs)
    assert len(first.val_labels) == data.validation_count(200) == 40
    assert len(first.train_labels) == state.training_size(200) == 160
    assert first.train_inputs.dtype == np.float32
    assert first.is_planar == (name != "seed004")
    if name != "seed004":
        counts = np.bincount(np.concatenate([first.train_labels, first.val_labels]), minlength=classes)
        assert counts.min() == counts.max() == 200 // classes or counts.max() - counts.min() <= 1
        inputs = np.vstack([first.train_inputs, first.val_inputs]).astype(float)
        np.testing.assert_allclose(inputs.mean(axis=0), 0, atol=1e-6)  # centred, one scale for both axes
        assert abs(((inputs - inputs.mean(axis=0)) ** 2).mean() - 1) < 1e-5


def test_noise_spreads_the_clusters():
    quiet = data.make_dataset("circles", 2, 400, 0.0, 3)
    noisy = data.make_dataset("circles", 2, 400, 1.0, 3)
    radius = [np.linalg.norm(d.train_inputs, axis=1)[d.train_labels == 0].std() for d in (quiet, noisy)]
    assert radius[1] > 3 * radius[0]


def test_the_default_run_learns_and_nll_and_cross_entropy_are_one_curve():
    result = numbers.experiment(DEFAULT)
    curves = result.main.curves
    assert curves.train_loss[-1] < 0.3 < 1.0 < curves.train_loss[0]
    assert curves.val_accuracy[-1] > 0.9
    assert result.correct_difference() < 1e-6  # float32 rounding only
    assert result.steps == 300 and len(result.frame_steps) == numbers.MAX_FRAMES


def test_on_the_default_spiral_every_mistake_trails_cross_entropy():
    result = numbers.experiment(DEFAULT)
    verdicts = {name: words.verdict(result, name) for name in state.LOSSES}
    assert verdicts["nll_log_softmax"] == "learns"
    assert verdicts["keras_probs"] == "stuck"
    assert {verdicts[name] for name in ("softmax_ce", "mse_softmax", "nll_probs", "sigmoid_bce")} == {"slow"}
    reference = result.runs["cross_entropy"].curves
    for name in state.MISTAKES:
        assert result.runs[name].curves.train_loss[-1] > 1.5 * reference.train_loss[-1]


def test_every_run_starts_from_the_same_weights_and_batches():
    result = numbers.experiment(DEFAULT)
    starts = [outcome.curves.train_loss[0] for outcome in result.runs.values()]
    assert len(set(starts)) == 1  # the same initial model, measured with the true cross-entropy
    assert {outcome.run.batch_losses.size for outcome in result.runs.values()} == {result.steps}


def test_mistakes_do_what_the_one_batch_numbers_predict():
    result = numbers.experiment(replace(BLOBS, lr=0.05, noise=0.5))
    verdicts = {name: words.verdict(result, name) for name in state.LOSSES}
    assert verdicts["cross_entropy"] == "reference"
    assert verdicts["nll_log_softmax"] == "learns"
    assert verdicts["keras_probs"] == "stuck"  # logits read as probabilities: nothing sensible to follow
    assert verdicts["mse_softmax"] == "slow"  # the gradient carries p: weak when confidently wrong
    own = result.runs["nll_probs"].run.batch_losses
    assert own[-1] < 0  # nll_loss on probabilities: -mean p_y, a loss below zero
    softmax_ce = result.runs["softmax_ce"].run.batch_losses
    floor = -np.log(np.e / (np.e + 2))  # CrossEntropyLoss of probabilities cannot go below this
    assert softmax_ce.min() > floor
    norms = {
        name: np.median(result.runs[name].run.gradient_norms[:20]) for name in ("cross_entropy", "softmax_ce")
    }
    assert norms["softmax_ce"] < norms["cross_entropy"]


def test_switching_the_loss_or_the_sample_reuses_the_runs():
    numbers.clear_caches()
    numbers.experiment(replace(DEFAULT, loss="mse_softmax"))
    _, trained, _ = numbers.objective_run.cache_info()
    result = numbers.experiment(replace(DEFAULT, loss="mse_softmax", sample=5))
    assert numbers.objective_run.cache_info()[1] == trained  # no new run was trained
    assert result.main.objective == "mse_softmax"
    np.testing.assert_allclose(result.playback.sample_probs.sum(axis=1), 1, rtol=1e-5)


def test_only_the_chosen_objective_is_trained_until_the_others_are_asked_for():
    numbers.clear_caches()
    result = numbers.experiment(replace(DEFAULT, loss="softmax_ce"))
    assert numbers.objective_run.cache_info()[2] == 1
    assert list(result.runs) == list(state.LOSSES)
    assert numbers.objective_run.cache_info()[2] == len(state.LOSSES)
    assert result.runs["softmax_ce"] is result.main


def test_a_long_run_is_shortened_to_whole_epochs_and_said_so():
    result = numbers.experiment(replace(BLOBS, batch_size=1, epochs=50))
    assert result.steps <= state.MAX_STEPS and result.steps % 160 == 0 and result.shortened
    kinds = dict(words.messages(result, "en"))
    assert "stops after" in kinds["warning"]


def test_a_diverging_run_gets_an_error_message_not_an_exception():
    result = numbers.experiment(replace(BLOBS, hidden=True, lr=100.0, epochs=10, seed=7))
    assert result.main.run.diverged_at is not None
    (kind, message), *_ = words.messages(result, "en")
    assert kind == "error" and f"step {result.main.run.diverged_at}" in message
    table = words.mistakes_table(result, "en")
    assert table["What it does"][state.LOSSES.index("nll_log_softmax")].startswith("diverged at step")
    diverging = values_from_state(replace(BLOBS, hidden=True, lr=100.0, epochs=10, seed=7))
    for page_figure in figures.page_figures(diverging).values():
        go.Figure(page_figure.figure.to_dict())


def test_an_empty_class_is_named():
    seed = next(s for s in range(200) if data.make_dataset("seed004", 5, 20, 0.0, s).empty_classes())
    result = numbers.experiment(replace(DEFAULT, dataset="seed004", num_classes=5, size=20, seed=seed))
    missing = result.data.empty_classes()
    warnings = [message for kind, message in words.messages(result, "en") if kind == "warning"]
    assert any(f"class {', '.join(map(str, missing))}" in message for message in warnings)


def test_state_round_trips_through_the_url_specs():
    values = values_from_state(DEFAULT)
    assert values == {spec.key: spec.default for spec in state.url_specs()}
    assert state.state_from_values(values) == DEFAULT
    valid, refused = read_params(
        {"trn_lr": "0.5", "trn_loss": "softmax_ce", "trn_batch": "0"}, state.url_specs()
    )
    assert valid == {"trn_lr": 0.5, "trn_loss": "softmax_ce"} and refused == ["trn_batch"]
    assert state.inconsistent_values(values | {"trn_size": 20, "trn_sample": 16}) == ["trn_sample"]
    assert state.inconsistent_values(values | {"trn_size": 20, "trn_sample": 15}) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("dataset", ["blobs", "seed004"])
def test_page_figures_are_valid_frames_included(lang, dataset):
    values = values_from_state(replace(DEFAULT, dataset=dataset, hidden=True))
    page_figures = figures.page_figures(values, lang, "dark" if lang == "zh" else "light")
    assert list(page_figures) == ["playback", "curves", "gradient_norm", "mistakes"]
    for page_figure in page_figures.values():
        validated = go.Figure(page_figure.figure.to_dict())  # raises on any invalid property
        assert page_figure.caption and page_figure.alt
    playback = page_figures["playback"].figure
    result = numbers.experiment(state.state_from_values(values))
    assert len(playback.frames) == len(result.frame_steps)
    assert [frame.name for frame in playback.frames] == [str(step) for step in result.frame_steps]
    assert len(playback.layout.sliders[0].steps) == len(playback.frames)
    assert [button.label for button in playback.layout.updatemenus[0].buttons][0].startswith("▶")
    json.dumps(validated.to_plotly_json(), default=str)


def test_playback_frames_carry_each_snapshot():
    result = numbers.experiment(DEFAULT)
    playback = figures.playback_figure(result)
    last = playback.to_dict()["frames"][-1]
    regions = np.frombuffer(base64.b64decode(last["data"][0]["z"]["bdata"]), np.uint8)
    np.testing.assert_array_equal(regions, result.playback.regions[-1].ravel())
    logits = np.frombuffer(base64.b64decode(last["data"][2]["y"]["bdata"]), np.float32)
    np.testing.assert_allclose(logits, result.playback.sample_logits[-1], rtol=1e-6)
    assert playback.layout.updatemenus[0].buttons[0].args[1]["frame"]["duration"] == pytest.approx(1000 / 30)


def test_the_exporter_reads_the_page_state():
    figure = page_states.page_figure("training", "trn_loss=softmax_ce&trn_epochs=5", "mistakes", lang="zh")
    assert "softmax" in figure.caption or "nll_loss" in figure.caption
    with pytest.raises(page_states.StateError):
        page_states.read_state("training", "trn_lr=1e9")


SNIPPET_STATES = {
    "default": DEFAULT,
    "blobs": BLOBS,
    "seed004_hidden_momentum": replace(
        DEFAULT, dataset="seed004", size=100, lr=0.01, hidden=True, momentum=0.9, weight_decay=0.01, epochs=10
    ),
    "spiral_smoothing_mistake": replace(
        DEFAULT,
        dataset="spiral",
        num_classes=4,
        loss="softmax_ce",
        label_smoothing=0.1,
        batch_size=32,
        epochs=15,
    ),
    "moons_mse": replace(DEFAULT, dataset="moons", num_classes=2, loss="mse_softmax", lr=0.5, epochs=8),
}


@pytest.mark.parametrize("name", list(SNIPPET_STATES))
def test_the_pytorch_snippet_prints_cores_losses(torch_cpu, name):
    training_state = SNIPPET_STATES[name]
    result = numbers.experiment(training_state)
    printed = printed_losses(printed_by(snippets.torch_snippet(training_state, result.epochs)))
    assert printed.size == result.steps
    np.testing.assert_allclose(printed, result.main.run.batch_losses, rtol=0, atol=PRINT_TOLERANCE)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("loss", state.LOSSES)
def test_the_keras_snippet_prints_the_same_losses_for_every_objective(torch_cpu, loss, label_smoothing):
    """Real Keras (KERAS_BACKEND=torch) runs the snippet; its losses are core's, step for step, for the
    right losses and each mistake, with label smoothing where the objective's code takes it."""
    pytest.importorskip("keras")
    result = numbers.experiment(replace(DEFAULT, epochs=3, loss=loss, label_smoothing=label_smoothing))
    printed = printed_losses(printed_by(snippets.keras_snippet(result.state, result.epochs)))
    assert printed.size == result.steps
    np.testing.assert_allclose(printed, result.main.run.batch_losses, rtol=0, atol=PRINT_TOLERANCE)


def test_the_players_data_holds_every_frame_at_the_pages_speed():
    result = numbers.experiment(replace(DEFAULT, speed="2", sample=3))
    player = figures.player_data(result, "zh")
    assert player["steps"] == list(result.frame_steps) and player["speed"] == "2" and player["fps"] == 30
    frames, points = len(result.frame_steps), result.data.train_labels.size

    def inflated(packed, dtype):
        return np.frombuffer(zlib.decompress(base64.b64decode(packed)), dtype)

    regions = inflated(player["regions"], np.uint8).reshape(frames, -1)
    np.testing.assert_array_equal(regions[-1], result.playback.regions[-1].ravel())
    shades = inflated(player["shades"], np.uint8).reshape(frames, points)
    losses = result.playback.point_losses[5]  # white (255) at loss 0, black (0) at LOSS_CAP and above
    expected = np.round(255 * (1 - np.minimum(losses, figures.LOSS_CAP) / figures.LOSS_CAP))
    np.testing.assert_array_equal(shades[5], expected)
    assert shades.max() > 200 and shades.min() < 60  # well-learnt points and wrong ones
    np.testing.assert_array_equal(inflated(player["points"]["label"], np.uint8), result.data.train_labels)
    np.testing.assert_allclose(inflated(player["points"]["x"], np.float32), result.data.train_inputs[:, 0])
    assert len(json.dumps(player)) < 100_000  # sent once per run: compact
    assert player["logits"][-1] == pytest.approx(result.playback.sample_logits[-1].tolist(), abs=1e-4)
    assert player["sample"]["label"] == result.sample_label()
    assert player["text"]["stepOf"] == "第 {step} 步,共 {total} 步"
    assert (
        player["key"] == figures.player_data(replace(result, state=replace(result.state, speed="1")))["key"]
    )
    flat = figures.player_data(numbers.experiment(replace(DEFAULT, dataset="seed004")))
    assert flat["regions"] is None and flat["grid"] is None
    json.dumps(player)

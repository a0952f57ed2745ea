"""Every refusal in core raises ValueError with a message that names the argument and what is allowed."""

import numpy as np
import pytest

from core import gradients, keras_losses, losses

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])


@pytest.mark.parametrize("module", [losses, gradients])
@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m: m.cross_entropy(LOGITS, np.array([0, 3])), r"target class 3 is out of range: .* 0\.\.2"),
        (lambda m: m.cross_entropy(LOGITS, np.array([0, -1])), r"target class -1 is out of range"),
        (lambda m: m.cross_entropy(LOGITS, np.array([0.0, 2.0])), r"must hold integers; got float64"),
        (lambda m: m.cross_entropy(LOGITS, np.array([0, 1, 2])), r"target has shape \(3,\).* shape \(2,\)"),
        (
            lambda m: m.cross_entropy(LOGITS, np.array([0, 2]), label_smoothing=1.5),
            r"label_smoothing must be between 0\.0 and 1\.0; got 1\.5",
        ),
        (
            lambda m: m.cross_entropy(LOGITS, np.array([0, 2]), reduction="avg"),
            r"reduction must be one of 'none', 'mean', 'sum'; got 'avg'",
        ),
        (
            lambda m: m.cross_entropy(LOGITS, np.array([0, 2]), weight=[1.0, 2.0]),
            r"weight must hold one value per class, shape \(3,\); got shape \(2,\)",
        ),
        (
            lambda m: m.cross_entropy(LOGITS, np.ones((2, 3), dtype=np.int64)),
            r"class probabilities and must hold floats",
        ),
        (
            lambda m: m.cross_entropy(LOGITS, np.full((2, 3), 1 / 3), ignore_index=0),
            r"ignore_index is not supported with class-probability targets",
        ),
        (lambda m: m.cross_entropy(np.float64(1.0), np.array(0)), r"input must have a class dimension"),
        (lambda m: m.nll_loss(LOGITS, np.array([5, 0])), r"target class 5 is out of range"),
        (
            lambda m: m.binary_cross_entropy(np.array([0.5, 1.2]), np.array([0.0, 1.0])),
            r"all elements of input must be between 0 and 1; got 1\.2",
        ),
        (
            lambda m: m.binary_cross_entropy(np.array([0.5, np.nan]), np.array([0.0, 1.0])),
            r"all elements of input must be between 0 and 1; got nan",
        ),
        (
            lambda m: m.binary_cross_entropy(np.array([0.5, 0.2]), np.array([0.0, 2.0])),
            r"all elements of target must be between 0 and 1; got 2\.0",
        ),
        (
            lambda m: m.binary_cross_entropy(np.array([0.5, 0.2]), np.array([0.0])),
            r"target and input must have the same shape; got \(1,\) and \(2,\)",
        ),
        (
            lambda m: m.binary_cross_entropy_with_logits(np.array([0.5, 0.2]), np.array([[0.0, 1.0]])),
            r"target and input must have the same shape",
        ),
        (lambda m: m.kl_div(LOGITS, LOGITS, reduction="average"), r"reduction must be one of .*'batchmean'"),
    ],
)
def test_torch_style_errors_name_the_argument(module, call, message):
    with pytest.raises(ValueError, match=message):
        call(module)


def test_softmax_rejects_non_positive_temperature():
    with pytest.raises(ValueError, match=r"temperature must be greater than 0; got 0"):
        losses.softmax(LOGITS, temperature=0)


def test_ragged_and_non_numeric_input_is_refused():
    with pytest.raises(ValueError, match=r"input must be a rectangular array of numbers"):
        losses.softmax([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match=r"input must hold numbers"):
        losses.softmax(["a", "b"])


@pytest.mark.parametrize("module", [keras_losses, gradients])
@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda m: m.sparse_categorical_crossentropy(np.array([0, 3]), LOGITS),
            r"target class 3 is out of range",
        ),
        (
            lambda m: m.sparse_categorical_crossentropy(np.array([0.5, 1.0]), LOGITS),
            r"y_true must hold integer class labels",
        ),
        (
            lambda m: m.sparse_categorical_crossentropy(np.array([0, 1, 2]), LOGITS),
            r"y_true has shape \(3,\), but y_pred of shape \(2, 3\) needs one integer label per sample, "
            r"shape \(2,\)",
        ),
        (
            lambda m: m.categorical_crossentropy(np.eye(3)[:1], LOGITS),
            r"y_true and y_pred must have the same shape; got \(1, 3\) and \(2, 3\)",
        ),
        (
            lambda m: m.binary_crossentropy(np.array([[0.0, 2.0, 1.0]] * 2), np.full((2, 3), 0.5)),
            r"all elements of target must be between 0 and 1",
        ),
        (
            lambda m: m.call_loss("hinge", np.array([0, 1]), LOGITS),
            r"name must be one of binary_crossentropy",
        ),
        (
            lambda m: m.call_loss(
                "sparse_categorical_crossentropy", np.array([0, 1]), LOGITS, reduction="avg"
            ),
            r"reduction must be one of 'sum_over_batch_size'",
        ),
    ],
)
def test_keras_style_errors_name_the_argument(module, call, message):
    with pytest.raises(ValueError, match=message):
        call(module)

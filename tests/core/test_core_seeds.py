"""The seed articles' worked numbers (../shared/seeds/), reproduced by core and by torch.

Printed values are compared at the precision the articles print them; the torch value is the
independent oracle at full precision.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core import losses

SEED_LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=np.float32)
SEED_LABELS = np.array([0, 2])


def test_seed_000_softmax_rows_and_mean_loss():
    probs = losses.softmax(SEED_LOGITS, axis=1)
    np.testing.assert_allclose(probs, [[0.6590, 0.2424, 0.0986], [0.1587, 0.7113, 0.1299]], atol=5e-5)
    per_sample = losses.cross_entropy(SEED_LOGITS, SEED_LABELS, reduction="none")
    np.testing.assert_allclose(per_sample, [0.4170, 2.0406], atol=5e-5)
    mean = losses.cross_entropy(SEED_LOGITS, SEED_LABELS)
    assert mean == pytest.approx(1.2288, abs=5e-5)
    torch_mean = torch.nn.CrossEntropyLoss()(torch.tensor(SEED_LOGITS), torch.tensor(SEED_LABELS))
    assert mean == pytest.approx(torch_mean.item(), rel=1e-6)  # the seed prints 1.2288230657577515


def test_seed_002_bce_of_softmax_against_hard_labels():
    probs = losses.softmax(np.array([0.2939, 0.939]))
    np.testing.assert_allclose(probs, [0.3441, 0.6559], atol=5e-5)
    loss = losses.binary_cross_entropy(probs, np.array([0.0, 1.0]))
    assert loss == pytest.approx(0.4217, abs=5e-5)  # the seed's by-hand value: 0.4217469406824472
    assert loss == pytest.approx(
        F.binary_cross_entropy(torch.tensor(probs), torch.tensor([0.0, 1.0], dtype=torch.float64)).item(),
        rel=1e-12,
    )


def test_seed_002_puzzle_bce_against_soft_label_is_larger():
    pred = np.array([0.91276], dtype=np.float32)
    hard = losses.binary_cross_entropy(pred, np.array([1.0], np.float32))
    soft = losses.binary_cross_entropy(pred, np.array([0.92], np.float32))
    assert hard < soft  # the seed's puzzle: the closer label costs more
    floor = losses.entropy(np.array([0.92, 0.08], np.float32))
    kl = soft - floor
    assert kl < hard  # by KL, 0.92 is the closer label
    assert soft == pytest.approx(
        F.binary_cross_entropy(torch.tensor(pred), torch.tensor([0.92])).item(), rel=1e-6
    )


def test_seed_002_bce_with_logits_3x3_example():
    pred = np.array(
        [[-0.4089, -1.2471, 0.5907], [-0.4897, -0.8267, -0.7349], [0.5241, -0.1246, -0.4751]],
        dtype=np.float32,
    )
    label = np.array([[0, 1, 1], [0, 0, 1], [1, 0, 1]], dtype=np.float32)
    core_loss = losses.binary_cross_entropy_with_logits(pred, label, reduction="none")
    torch_loss = torch.nn.BCEWithLogitsLoss(reduction="none")(torch.tensor(pred), torch.tensor(label))
    np.testing.assert_allclose(core_loss, torch_loss.numpy(), rtol=1e-6)
    # the seed's by-hand route: sigmoid, then -(y log(a + eps) + (1 - y) log(1 - a + eps)) with eps = 1e-20
    sig = 1 / (1 + np.exp(-pred.astype(np.float64)))
    by_hand = -(label * np.log(sig + 1e-20) + (1 - label) * np.log(1 - sig + 1e-20))
    np.testing.assert_allclose(core_loss, by_hand, rtol=1e-6)


def test_seed_004_cross_entropy_is_log_softmax_then_nll_loss():
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(10, 3)).astype(np.float32)
    labels = rng.integers(0, 3, size=10)
    via_nll = losses.nll_loss(losses.log_softmax(logits, axis=1), labels)
    direct = losses.cross_entropy(logits, labels)
    assert via_nll == pytest.approx(direct, rel=1e-6)
    torch_value = F.nll_loss(F.log_softmax(torch.tensor(logits), dim=1), torch.tensor(labels))
    assert direct == pytest.approx(torch_value.item(), rel=1e-6)


def test_seed_001_multiclass_example_matches_torch():
    y_pred = np.array([[2.0, 1.0, 0.5], [1.0, 2.0, 0.1], [0.1, 1.5, 2.0]], dtype=np.float32)
    y_true = np.array([2, 0, 1])
    expected = torch.nn.CrossEntropyLoss()(torch.tensor(y_pred), torch.tensor(y_true)).item()
    assert losses.cross_entropy(y_pred, y_true) == pytest.approx(expected, rel=1e-6)

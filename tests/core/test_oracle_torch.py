"""core.losses and core.gradients against the real torch.nn.functional (values and autograd).

Every check runs the same inputs through core and through torch, then compares with the `oracle`
fixture (conftest.py), which also counts the comparisons. Gradients are torch autograd's with respect
to the first input, of the loss itself or, for reduction="none", of the sum of the outputs.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st

import strategies as S
from core import gradients, losses
from framework_calls import gradient_scale, input_scale

pytestmark = [
    pytest.mark.usefixtures("torch_cpu"),
    # torch warns that kl_div's reduction="mean" will change meaning; today's meaning is the one tested.
    pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss:UserWarning"),
]

TORCH_FUNCTIONS = {
    "cross_entropy": F.cross_entropy,
    "nll_loss": F.nll_loss,
    "binary_cross_entropy": F.binary_cross_entropy,
    "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits,
    "kl_div": F.kl_div,
}


def _tensor(value):
    return torch.tensor(np.asarray(value)) if isinstance(value, np.ndarray | np.generic) else value


def torch_value_and_grad(name, x, target, **kwargs):
    """torch's loss and d(loss or sum of losses)/d(input), by autograd."""
    xt = torch.tensor(x, requires_grad=True)
    out = TORCH_FUNCTIONS[name](xt, _tensor(target), **{k: _tensor(v) for k, v in kwargs.items()})
    (out if out.ndim == 0 else out.sum()).backward()
    return out.detach(), xt.grad


def check_loss(oracle, name, x, target, **kwargs):
    """Compare core's value and gradient of `name` with torch's; returns torch's (value, grad)."""
    expected, expected_grad = torch_value_and_grad(name, x, target, **kwargs)
    value = getattr(losses, name)(x, target, **kwargs)
    grad = getattr(gradients, name)(x, target, **kwargs)
    label = f"{name}(shape={np.shape(x)}, dtype={np.asarray(x).dtype}, {kwargs})"
    scale = max(input_scale(x), input_scale(expected))
    oracle.close(value, expected, f"value of {label}", scale=scale)
    oracle.close(grad, expected_grad, f"gradient of {label}", scale=gradient_scale(**kwargs))
    return expected, expected_grad


# --------------------------------------------------------------------------- softmax family


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, temperature=S.temperatures)
def test_softmax_and_log_softmax_match_torch_with_temperature(oracle, data, shape, dtype, temperature):
    x = data.draw(S.logits(shape, dtype))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    xt = torch.tensor(x) / temperature
    oracle.close(
        losses.softmax(x, axis=axis, temperature=temperature), torch.softmax(xt, dim=axis), "softmax"
    )
    oracle.close(
        losses.log_softmax(x, axis=axis, temperature=temperature),
        torch.log_softmax(xt, dim=axis),
        "log_softmax",
        scale=max(1.0, input_scale(x) / temperature),
    )


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, keepdims=st.booleans())
def test_logsumexp_matches_torch(oracle, data, shape, dtype, keepdims):
    x = data.draw(S.logits(shape, dtype))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    expected = torch.logsumexp(torch.tensor(x), dim=axis, keepdim=keepdims)
    oracle.close(
        losses.logsumexp(x, axis=axis, keepdims=keepdims), expected, "logsumexp", scale=input_scale(x)
    )


def test_softmax_defaults_are_last_axis_and_temperature_one(oracle):
    x = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])
    oracle.close(losses.softmax(x), torch.softmax(torch.tensor(x), dim=-1), "softmax default")
    oracle.close(losses.log_softmax(x), torch.log_softmax(torch.tensor(x), dim=-1), "log_softmax default")
    oracle.close(losses.logsumexp(x), torch.logsumexp(torch.tensor(x), dim=-1), "logsumexp default")


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes)
def test_entropy_matches_torch_entr_with_exact_zeros(oracle, data, shape, dtype):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    p = data.draw(S.probability_targets(shape, dtype, axis))
    expected = torch.special.entr(torch.tensor(p)).sum(dim=axis)
    oracle.close(losses.entropy(p, axis=axis), expected, "entropy vs entr")


@given(data=st.data(), shape=S.torch_shapes())
def test_entropy_matches_torch_categorical(oracle, data, shape):
    p = data.draw(S.probability_targets(shape, np.float64, -1))
    assume(np.all(p.sum(axis=-1) > 0))
    expected = torch.distributions.Categorical(probs=torch.tensor(p)).entropy()
    # Categorical renormalises p and goes through log-probabilities: a few ulps apart from entr.
    oracle.close(losses.entropy(p), expected, "entropy vs Categorical", dtype=np.float32)


# --------------------------------------------------------------------------- cross_entropy


def draw_class_index_case(data, shape, dtype):
    """Logits, class indices (some equal to ignore_index), optional class weights, ignore_index and
    label smoothing for an input of `shape`."""
    c = S.num_classes(shape)
    ignore_index = data.draw(S.ignore_indices(c))
    return (
        data.draw(S.logits(shape, dtype)),
        data.draw(S.index_targets(shape, ignore_index)),
        data.draw(S.optional_class_weights(c, dtype)),
        ignore_index,
        data.draw(st.one_of(st.just(0.0), S.label_smoothings)),
    )


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, reduction=S.reductions)
def test_cross_entropy_class_indices_match_torch(oracle, data, shape, dtype, reduction):
    x, target, weight, ignore_index, label_smoothing = draw_class_index_case(data, shape, dtype)
    check_loss(
        oracle,
        "cross_entropy",
        x,
        target,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, reduction=S.reductions)
def test_cross_entropy_probability_targets_match_torch(oracle, data, shape, dtype, reduction):
    c = S.num_classes(shape)
    x = data.draw(S.logits(shape, dtype))
    target = data.draw(S.probability_targets(shape, dtype, S.class_axis(shape)))
    weight = data.draw(S.optional_class_weights(c, dtype))
    label_smoothing = data.draw(st.one_of(st.just(0.0), S.label_smoothings))
    check_loss(
        oracle,
        "cross_entropy",
        x,
        target,
        weight=weight,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


@given(data=st.data(), shape=S.torch_shapes(unbatched=False), dtype=S.dtypes)
def test_mean_with_weights_divides_by_sum_of_target_weights(oracle, data, shape, dtype):
    c = S.num_classes(shape)
    x = data.draw(S.logits(shape, dtype, extreme=False))
    target = data.draw(S.index_targets(shape))
    weight = data.draw(S.class_weights(c, dtype))
    check_loss(oracle, "cross_entropy", x, target, weight=weight, reduction="mean")
    check_loss(oracle, "nll_loss", x, target, weight=weight, reduction="mean")


@given(data=st.data(), shape=S.torch_shapes(unbatched=False), dtype=S.dtypes)
def test_mean_with_probability_targets_divides_by_batch_not_weight_sum(oracle, data, shape, dtype):
    c = S.num_classes(shape)
    x = data.draw(S.logits(shape, dtype, extreme=False))
    target = data.draw(S.probability_targets(shape, dtype, 1))
    weight = data.draw(S.class_weights(c, dtype))
    check_loss(oracle, "cross_entropy", x, target, weight=weight, reduction="mean")


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, reduction=S.reductions)
def test_ignore_index_that_is_a_valid_class_is_ignored(oracle, data, shape, dtype, reduction):
    c = S.num_classes(shape)
    x = data.draw(S.logits(shape, dtype, extreme=False))
    ignore_index = data.draw(st.sampled_from([0, c - 1]))
    target = data.draw(S.index_targets(shape))
    weight = data.draw(S.optional_class_weights(c, dtype))
    for name in ("cross_entropy", "nll_loss"):
        check_loss(oracle, name, x, target, weight=weight, ignore_index=ignore_index, reduction=reduction)


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 3, 2, 2)])
def test_all_targets_ignored_gives_nan_mean_and_zero_gradient(
    oracle, dtype, weighted, label_smoothing, shape
):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(dtype)
    target = np.full(S.shape_without_class_axis(shape), 1, dtype=np.int64)
    weight = np.array([0.5, 2.0, 1.5], dtype=dtype) if weighted else None
    for reduction in ("mean", "sum", "none"):
        expected, expected_grad = check_loss(
            oracle,
            "cross_entropy",
            x,
            target,
            weight=weight,
            ignore_index=1,
            reduction=reduction,
            label_smoothing=label_smoothing,
        )
        assert not expected_grad.any()
        if reduction == "mean":
            assert torch.isnan(expected)
        check_loss(oracle, "nll_loss", x, target, weight=weight, ignore_index=1, reduction=reduction)


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, reduction=S.reductions)
def test_label_smoothing_with_weights_matches_torch(oracle, data, shape, dtype, reduction):
    c = S.num_classes(shape)
    x = data.draw(S.logits(shape, dtype, extreme=False))
    weight = data.draw(S.class_weights(c, dtype))
    label_smoothing = data.draw(S.label_smoothings)
    if data.draw(st.booleans()):
        ignore_index = data.draw(S.ignore_indices(c))
        target = data.draw(S.index_targets(shape, ignore_index))
        options = {"ignore_index": ignore_index}
    else:
        target = data.draw(S.probability_targets(shape, dtype, S.class_axis(shape)))
        options = {}
    check_loss(
        oracle,
        "cross_entropy",
        x,
        target,
        weight=weight,
        reduction=reduction,
        label_smoothing=label_smoothing,
        **options,
    )


@given(data=st.data(), dtype=S.dtypes, reduction=S.reductions, c=st.integers(2, 6))
def test_unbatched_input_with_0d_target(oracle, data, dtype, reduction, c):
    x = data.draw(S.logits((c,), dtype))
    weight = data.draw(S.optional_class_weights(c, dtype))
    label_smoothing = data.draw(st.one_of(st.just(0.0), S.label_smoothings))
    index = np.array(data.draw(st.integers(0, c - 1)), dtype=np.int64)  # 0-d
    check_loss(
        oracle, "cross_entropy", x, index, weight=weight, reduction=reduction, label_smoothing=label_smoothing
    )
    check_loss(oracle, "nll_loss", x, index, weight=weight, reduction=reduction)
    probs = data.draw(S.probability_targets((c,), dtype, 0))
    check_loss(
        oracle, "cross_entropy", x, probs, weight=weight, reduction=reduction, label_smoothing=label_smoothing
    )


@given(
    data=st.data(),
    dtype=S.dtypes,
    reduction=S.reductions,
    shape=st.tuples(st.integers(1, 3), st.integers(2, 5), st.integers(1, 3), st.integers(1, 3)),
)
def test_spatial_inputs_n_c_d1_d2_match_torch(oracle, data, dtype, reduction, shape):
    x, target, weight, ignore_index, label_smoothing = draw_class_index_case(data, shape, dtype)
    check_loss(
        oracle,
        "cross_entropy",
        x,
        target,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )
    check_loss(oracle, "nll_loss", x, target, weight=weight, ignore_index=ignore_index, reduction=reduction)
    probs = data.draw(S.probability_targets(shape, dtype, 1))
    check_loss(
        oracle, "cross_entropy", x, probs, weight=weight, reduction=reduction, label_smoothing=label_smoothing
    )


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, reduction=S.reductions)
def test_extreme_logits_1e4_match_torch_and_stay_finite(oracle, data, shape, dtype, reduction):
    x = data.draw(S.logits(shape, dtype, extreme=True).filter(lambda a: np.any(np.abs(a) >= 100)))
    target = data.draw(S.index_targets(shape))
    expected, _ = check_loss(oracle, "cross_entropy", x, target, reduction=reduction)
    assert torch.isfinite(expected).all()
    probs = data.draw(S.probability_targets(shape, dtype, S.class_axis(shape)))
    check_loss(oracle, "cross_entropy", x, probs, reduction=reduction, label_smoothing=0.1)


def test_seed_example_matches_torch_and_1_2288(oracle):
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])
    labels = np.array([0, 2])
    expected, _ = check_loss(oracle, "cross_entropy", logits, labels)
    assert abs(float(expected) - 1.2288) < 5e-5  # the project seed's printed value, as a sanity check
    assert abs(float(losses.cross_entropy(logits, labels)) - 1.2288) < 5e-5


# --------------------------------------------------------------------------- nll_loss


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, reduction=S.reductions)
def test_nll_loss_matches_torch(oracle, data, shape, dtype, reduction):
    c = S.num_classes(shape)
    if data.draw(st.booleans()):  # log-probabilities, as nll_loss expects
        x = torch.log_softmax(
            torch.tensor(data.draw(S.logits(shape, dtype))), dim=S.class_axis(shape)
        ).numpy()
    else:  # any floats: nll_loss does not check
        x = data.draw(S.logits(shape, dtype))
    ignore_index = data.draw(S.ignore_indices(c))
    target = data.draw(S.index_targets(shape, ignore_index))
    weight = data.draw(S.optional_class_weights(c, dtype))
    check_loss(oracle, "nll_loss", x, target, weight=weight, ignore_index=ignore_index, reduction=reduction)


# --------------------------------------------------------------------------- binary_cross_entropy


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, reduction=S.reductions)
def test_binary_cross_entropy_matches_torch_with_exact_0_and_1(oracle, data, shape, dtype, reduction):
    x = data.draw(S.probabilities(shape, dtype))
    target = data.draw(S.binary_targets(shape, dtype))
    weight = data.draw(st.one_of(st.none(), S.broadcast_weights(shape, dtype)))
    check_loss(oracle, "binary_cross_entropy", x, target, weight=weight, reduction=reduction)


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
def test_binary_cross_entropy_clamps_each_log_at_minus_100(oracle, dtype):
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30, 1 - 1e-7], dtype=dtype)
    target = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0], dtype=dtype)
    for reduction in ("none", "sum", "mean"):
        expected, _ = check_loss(oracle, "binary_cross_entropy", x, target, reduction=reduction)
        assert torch.isfinite(expected).all()


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
def test_binary_cross_entropy_gradient_at_0_and_1_is_torchs_clamped_ratio(oracle, dtype):
    x = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.25], dtype=dtype)
    target = np.array([0.0, 1.0, 0.0, 1.0, 0.3, 0.7, 0.25], dtype=dtype)
    weight = np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 1.0], dtype=dtype)
    for reduction in ("none", "sum", "mean"):
        check_loss(oracle, "binary_cross_entropy", x, target, reduction=reduction)
        check_loss(oracle, "binary_cross_entropy", x, target, weight=weight, reduction=reduction)


# --------------------------------------------------------------------------- bce with logits


@given(data=st.data(), shape=S.torch_shapes(), dtype=S.dtypes, reduction=S.reductions)
def test_binary_cross_entropy_with_logits_matches_torch(oracle, data, shape, dtype, reduction):
    x = data.draw(S.logits(shape, dtype))
    target = data.draw(S.binary_targets(shape, dtype))
    weight = data.draw(st.one_of(st.none(), S.broadcast_weights(shape, dtype)))
    pos_weight = data.draw(st.one_of(st.none(), S.broadcast_weights(shape, dtype)))
    check_loss(
        oracle,
        "binary_cross_entropy_with_logits",
        x,
        target,
        weight=weight,
        pos_weight=pos_weight,
        reduction=reduction,
    )


@given(
    data=st.data(),
    dtype=S.dtypes,
    reduction=S.reductions,
    n=st.integers(1, 5),
    c=st.integers(2, 6),
    weighted=st.booleans(),
)
def test_pos_weight_of_shape_c_broadcasts_against_n_c_target(oracle, data, dtype, reduction, n, c, weighted):
    x = data.draw(S.logits((n, c), dtype))
    target = data.draw(S.binary_targets((n, c), dtype))
    pos_weight = data.draw(S.broadcast_weights((c,), dtype, low=0.125, high=10.0))
    assert pos_weight.shape in {(c,), (1,), ()}
    pos_weight = np.broadcast_to(pos_weight, (c,)).copy()
    weight = data.draw(S.broadcast_weights((n, c), dtype)) if weighted else None
    check_loss(
        oracle,
        "binary_cross_entropy_with_logits",
        x,
        target,
        weight=weight,
        pos_weight=pos_weight,
        reduction=reduction,
    )


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
def test_binary_cross_entropy_with_logits_is_stable_at_1e4(oracle, dtype):
    x = np.array([1e4, -1e4, 1e4, -1e4, 100.0, -100.0, 0.0], dtype=dtype)
    target = np.array([0.0, 1.0, 1.0, 0.0, 0.3, 0.7, 0.5], dtype=dtype)
    pos_weight = np.full(7, 3.0, dtype=dtype)
    for reduction in ("none", "sum", "mean"):
        for pw in (None, pos_weight):
            expected, expected_grad = check_loss(
                oracle, "binary_cross_entropy_with_logits", x, target, pos_weight=pw, reduction=reduction
            )
            assert torch.isfinite(expected).all() and torch.isfinite(expected_grad).all()


# --------------------------------------------------------------------------- kl_div


@given(
    data=st.data(),
    shape=S.torch_shapes(),
    dtype=S.dtypes,
    reduction=st.sampled_from(["none", "sum", "mean", "batchmean"]),
    log_target=st.booleans(),
)
def test_kl_div_matches_torch(oracle, data, shape, dtype, reduction, log_target):
    axis = S.class_axis(shape)
    raw = data.draw(S.logits(shape, dtype, extreme=False))
    if data.draw(st.booleans()):  # log-probabilities, as kl_div expects
        x = torch.log_softmax(torch.tensor(raw), dim=axis).numpy()
    else:
        x = raw
    if log_target:
        target = torch.log_softmax(
            torch.tensor(data.draw(S.logits(shape, dtype, extreme=False))), dim=axis
        ).numpy()
    else:
        target = data.draw(S.probability_targets(shape, dtype, axis))  # exact zeros included
    check_loss(oracle, "kl_div", x, target, reduction=reduction, log_target=log_target)


def test_kl_div_defaults_are_mean_and_probability_target(oracle):
    x = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]))
    target = np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])
    check_loss(oracle, "kl_div", x, target)


# --------------------------------------------------------------------------- dtypes


def _float32_cases():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4)).astype(np.float32)
    labels = np.array([0, 3, 1])
    probs = np.full((3, 4), 0.25, dtype=np.float32)
    binary = np.array([[0.0, 1.0, 0.5, 1.0]] * 3, dtype=np.float32)
    sig = (1 / (1 + np.exp(-x))).astype(np.float32)
    return [
        ("cross_entropy", x, labels, {}),
        ("cross_entropy", x, probs, {"label_smoothing": 0.1}),
        ("nll_loss", x, labels, {}),
        ("binary_cross_entropy", sig, binary, {}),
        ("binary_cross_entropy_with_logits", x, binary, {"pos_weight": np.full(4, 2.0, np.float32)}),
        ("kl_div", x, probs, {"reduction": "batchmean"}),
    ]


@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("case", _float32_cases(), ids=lambda case: f"{case[0]}-{len(case[3])}")
def test_float32_in_gives_float32_value_and_gradient(oracle, case, reduction):
    name, x, target, options = case
    options = {**options, "reduction": options.get("reduction", reduction)}
    check_loss(oracle, name, x, target, **options)  # dtypes compared with torch's (float32)
    oracle.dtype_is(getattr(losses, name)(x, target, **options), np.float32, name)
    oracle.dtype_is(getattr(gradients, name)(x, target, **options), np.float32, f"gradient of {name}")


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
def test_softmax_family_and_entropy_keep_dtype(oracle, dtype):
    x = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=dtype)
    p = np.array([[0.0, 0.5, 0.5], [0.2, 0.3, 0.5]], dtype=dtype)
    for name in ("softmax", "log_softmax", "logsumexp"):
        oracle.dtype_is(getattr(losses, name)(x), dtype, name)
    oracle.dtype_is(losses.entropy(p), dtype, "entropy")


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_counted_rows_whose_weights_sum_to_zero_give_nan_gradients_like_torch(label_smoothing):
    """mean over a zero weight sum is 0/0: NaN loss, NaN gradient rows for the counted samples, zeros for
    the ignored ones (all ignored gives zeros instead; tested with the other all-ignored cases)."""
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3], [0.1, 0.2, 0.3]])
    labels, weight = np.array([0, 2, -100]), np.array([0.0, 1.0, 0.0])
    x = torch.tensor(logits, requires_grad=True)
    F.cross_entropy(
        x, torch.tensor(labels), weight=torch.tensor(weight), label_smoothing=label_smoothing
    ).backward()
    core_grad = gradients.cross_entropy(logits, labels, weight=weight, label_smoothing=label_smoothing)
    np.testing.assert_allclose(core_grad, x.grad.numpy(), equal_nan=True)
    log_probs = torch.tensor(losses.log_softmax(logits, axis=1), requires_grad=True)
    F.nll_loss(log_probs, torch.tensor(labels), weight=torch.tensor(weight)).backward()
    core_nll_grad = gradients.nll_loss(log_probs.detach().numpy(), labels, weight=weight)
    np.testing.assert_allclose(core_nll_grad, log_probs.grad.numpy(), equal_nan=True)


# --------------------------------------------------------------------------- gradient descent


def torch_sgd_path(logits, target, learning_rate, steps, temperature, label_smoothing, moving):
    """torch.optim.SGD on a leaf z with F.cross_entropy(z / T, target), the frozen classes' gradient
    zeroed before each step: z after 0..steps steps."""
    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([z], lr=learning_rate)
    mask = torch.tensor(moving, dtype=torch.float64)
    path = [z.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(z / temperature, torch.tensor(target), label_smoothing=label_smoothing).backward()
        z.grad *= mask
        optimizer.step()
        path.append(z.detach().clone())
    return torch.stack(path)


@pytest.mark.parametrize("seed", range(40))
def test_cross_entropy_descent_steps_as_torch_sgd(oracle, seed):
    rng = np.random.default_rng(seed)
    classes = int(rng.integers(2, 6))
    logits = rng.uniform(-4, 4, classes)
    if seed % 2:
        target = np.array(int(rng.integers(classes)))  # a class index
    else:
        target = rng.dirichlet(np.ones(classes))  # a probability distribution
    moving = np.ones(classes, bool) if seed % 3 else np.arange(classes) > 0  # the gradient page holds z0
    learning_rate, temperature = float(rng.uniform(0.05, 2.0)), float(rng.uniform(0.5, 3.0))
    label_smoothing = float(rng.choice([0.0, rng.uniform(0, 0.5)]))
    steps = int(rng.integers(0, 40))
    expected = torch_sgd_path(logits, target, learning_rate, steps, temperature, label_smoothing, moving)
    path = gradients.cross_entropy_descent(
        logits, target, learning_rate, steps, temperature, label_smoothing, moving=moving
    )
    oracle.close(path, expected, f"descent seed {seed}")

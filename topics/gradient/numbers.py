"""The gradient page's numbers: why dL/dz = (p - y) / T (the softmax Jacobian, central differences), the
loss landscape of three classes with gradient descent on it, and why mean squared error on softmax
outputs learns slowly when the model is confidently wrong. The loss and its gradient are the shared
sample's (topics.shared.sample.evaluate); this module adds the views around them.
"""

from dataclasses import dataclass

import numpy as np

from core import gradients, losses
from topics.gradient.state import LOGIT_RANGE, NUM_CLASSES
from topics.shared.cache import cached_by
from topics.shared.sample import evaluate, loss_arguments, target_distribution

SWEEP_RANGE = (-12.0, 12.0)  # the true-class logit from very wrong to very right
FINITE_DIFFERENCE_STEP = 1e-5
FINITE_DIFFERENCE_TOLERANCE = (
    1e-6  # central differences with that step agree with the analytic gradient to this
)
GRID_POINTS = 121  # the landscape's grid: 0.1 apart over [-6, 6]
ARROW_POINTS = 11  # arrows of -grad: 1.0 apart over [-5, 5]
CLICK_POINTS = 25  # invisible points a click on the map can select: 0.5 apart
SWEEP_POINTS = 241
FIELDS_KEPT = 32  # loss fields kept by the server (~0.2 MB each): one per class, T and smoothing in use


def softmax_jacobian(probs):
    """J = diag(p) - p p^T, the Jacobian dp_k / ds_j of p = softmax(s): J_kj = p_k (delta_kj - p_j)."""
    probs = np.asarray(probs, dtype=float)
    return np.diag(probs) - np.outer(probs, probs)


def loss_gradient_wrt_probs(target, probs):
    """dL/dp_k = -y_k / p_k for L = -sum_k y_k log p_k."""
    return -np.asarray(target, dtype=float) / np.asarray(probs, dtype=float)


def chain_rule_gradient(readout, temperature):
    """dL/dz = J^T (-y / p) / T: the softmax Jacobian carries dL/dp back to the logits. Equal to
    (p - y) / T because J^T (-y / p) = -y + p * sum_k y_k and sum_k y_k = 1."""
    jacobian = softmax_jacobian(readout.probs)
    return jacobian.T @ loss_gradient_wrt_probs(readout.target, readout.probs) / temperature


def central_difference(function, point, step=FINITE_DIFFERENCE_STEP):
    """The numerical gradient (f(x + h e_i) - f(x - h e_i)) / 2h, one coordinate i at a time."""
    point = np.asarray(point, dtype=float)
    shifts = np.eye(point.size) * step
    return np.array([(function(point + s) - function(point - s)) / (2 * step) for s in shifts])


@dataclass(frozen=True)
class FiniteDifferenceCheck:
    analytic: np.ndarray  # (p - y) / T from core.gradients
    numerical: np.ndarray  # central differences of core.losses.cross_entropy
    max_difference: float


def finite_difference_check(state):
    """The analytic gradient beside central differences of the loss itself."""
    target, smoothing = loss_arguments(state)

    def loss_at(logits):
        return float(losses.cross_entropy(logits / state.temperature, target, label_smoothing=smoothing))

    analytic = evaluate(state).gradient
    numerical = central_difference(loss_at, state.logits)
    return FiniteDifferenceCheck(analytic, numerical, float(np.max(np.abs(analytic - numerical))))


def batch_loss(logit_rows, state):
    """The loss of every row of an (N, 3) array of logits in one call: losses.cross_entropy on rows / T
    with reduction='none' (class index target, label smoothing as on the page)."""
    scaled, labels, options = _batch_arguments(logit_rows, state)
    return losses.cross_entropy(scaled, labels, **options)


def batch_gradient(logit_rows, state):
    """dL/dz of every row in one call: gradients.cross_entropy on rows / T, divided by T."""
    scaled, labels, options = _batch_arguments(logit_rows, state)
    return gradients.cross_entropy(scaled, labels, **options) / state.temperature


def batch_loss_and_gradient(logit_rows, state):
    return batch_loss(logit_rows, state), batch_gradient(logit_rows, state)


def _batch_arguments(logit_rows, state):
    _, smoothing = loss_arguments(state)
    scaled = np.asarray(logit_rows, dtype=float) / state.temperature
    labels = np.full(scaled.shape[0], state.true_class)
    return scaled, labels, {"reduction": "none", "label_smoothing": smoothing}


def plane_rows(z1_values, z2_values):
    """(N, 3) logits (0, z1, z2) for every pair of the two axes' values, z2 varying slowest."""
    z1_grid, z2_grid = np.meshgrid(z1_values, z2_values)
    return np.stack([np.zeros(z1_grid.size), z1_grid.ravel(), z2_grid.ravel()], axis=1)


def smoothing_gap(smoothing, num_classes=NUM_CLASSES):
    """The logit gap z_c - z_k (k != c) where the smoothed loss is smallest:
    log((1 - eps + eps / C) / (eps / C)), because there p = y' = (1 - eps) onehot + eps / C. Infinite
    for eps = 0 (the loss only approaches its infimum as the gap grows)."""
    if smoothing <= 0:
        return np.inf
    return float(np.log((1 - smoothing + smoothing / num_classes) / (smoothing / num_classes)))


def smoothing_minimum(state):
    """(z1, z2) of the smallest loss on the plane z0 = 0 (gap times T, as the loss sees z / T), or None
    without smoothing: the true class's logit T * gap above the other two, which are equal."""
    gap = smoothing_gap(state.smoothing if state.target_kind == "smoothed" else 0.0)
    if not np.isfinite(gap):
        return None
    logits = np.zeros(NUM_CLASSES)
    logits[state.true_class] = state.temperature * gap
    logits -= logits[0]  # back onto the plane z0 = 0
    return float(logits[1]), float(logits[2])


@dataclass(frozen=True)
class DescentPath:
    points: np.ndarray  # (steps + 1, 2): (z1, z2) after each step
    losses: np.ndarray  # (steps + 1,)


def descent_path(state, learning_rate, steps):
    """Gradient descent on the map's function f(z1, z2) = L(0, z1, z2): (z1, z2) <- (z1, z2) - lr *
    (dL/dz1, dL/dz2), z0 held at 0 (so the path stays on the drawn plane)."""
    target, smoothing = loss_arguments(state)
    start = (0.0, *state.logits[1:])
    logits = gradients.cross_entropy_descent(
        start, target, learning_rate, steps, state.temperature, smoothing, moving=(False, True, True)
    )
    return DescentPath(points=logits[:, 1:], losses=batch_loss(logits, state))


@dataclass(frozen=True)
class Landscape:
    axis: np.ndarray  # the grid's values on both axes, GRID_POINTS of them
    loss: np.ndarray  # (GRID_POINTS, GRID_POINTS): loss[i, j] at z2 = axis[i], z1 = axis[j]
    arrow_tails: np.ndarray  # (M, 2) points of the coarse grid
    arrow_steps: np.ndarray  # (M, 2) -grad there, (dL/dz1, dL/dz2) negated
    point: tuple  # the current (z1, z2)
    point_loss: float
    path: DescentPath
    minimum: tuple | None  # the smoothing minimum (z1, z2), None without smoothing


def field_key(state):
    """What the loss field over the plane depends on: the true class, T and the smoothing the loss uses,
    not the point (nor the learning rate or the steps)."""
    return state.true_class, float(state.temperature), float(loss_arguments(state)[1])


@cached_by(field_key, maxsize=FIELDS_KEPT)
def loss_field(state):
    """(axis, loss over the grid, arrow tails, -grad at the tails) on the square [-6, 6]^2 of (z1, z2)
    with z0 = 0. Every grid is one vectorised call, no loop per point. Kept by field_key (read-only)."""
    axis = np.linspace(*LOGIT_RANGE, GRID_POINTS)
    grid_losses = batch_loss(plane_rows(axis, axis), state)
    arrow_axis = np.linspace(LOGIT_RANGE[0] + 1, LOGIT_RANGE[1] - 1, ARROW_POINTS)
    arrow_rows = plane_rows(arrow_axis, arrow_axis)
    arrow_gradients = batch_gradient(arrow_rows, state)
    return axis, grid_losses.reshape(GRID_POINTS, GRID_POINTS), arrow_rows[:, 1:], -arrow_gradients[:, 1:]


def landscape(state, learning_rate, steps):
    """The loss over the square [-6, 6]^2 of (z1, z2) with z0 = 0, -grad on a coarse grid (loss_field),
    the current point and the descent path from it."""
    axis, grid_losses, arrow_tails, arrow_steps = loss_field(state)
    path = descent_path(state, learning_rate, steps)
    return Landscape(
        axis=axis,
        loss=grid_losses,
        arrow_tails=arrow_tails,
        arrow_steps=arrow_steps,
        point=(float(state.logits[1]), float(state.logits[2])),
        point_loss=float(path.losses[0]),
        path=path,
        minimum=smoothing_minimum(state),
    )


def click_grid():
    """(N, 2) points a click on the map can select (Plotly selects points of a scatter, not contours)."""
    axis = np.linspace(*LOGIT_RANGE, CLICK_POINTS)
    return plane_rows(axis, axis)[:, 1:]


def flat_direction_check(state, shift=3.0):
    """Loss at z and at z + shift * (1, 1, 1): equal, because softmax(z + c) = softmax(z)."""
    logits = np.asarray(state.logits, dtype=float)
    rows = np.stack([logits, logits + shift])
    row_losses = batch_loss(rows, state)
    return float(row_losses[0]), float(row_losses[1])


def mse_on_softmax(logits, target, temperature=1.0):
    """MSE of softmax outputs against the target, and its gradient with respect to the logits.

    L = mean_k (p_k - y_k)^2 with p = softmax(z / T) over the last axis (torch's F.mse_loss(softmax,
    y), reduction 'mean' over the C entries of each row); g = dL/dp = 2 (p - y) / C and
    dL/dz = J^T g / T = p * (g - sum_k p_k g_k) / T. The factor p makes it vanish when p_c -> 0.
    """
    probs = losses.softmax(np.asarray(logits, dtype=float) / temperature, axis=-1)
    difference = probs - target
    num_classes = probs.shape[-1]
    loss = np.mean(difference**2, axis=-1)
    upstream = 2 * difference / num_classes
    grad = probs * (upstream - np.sum(probs * upstream, axis=-1, keepdims=True)) / temperature
    return loss, grad


@dataclass(frozen=True)
class Sweep:
    true_class: int
    values: np.ndarray  # the true-class logit z_c along the sweep
    true_probs: np.ndarray  # p_c along the sweep
    ce_loss: np.ndarray
    ce_grad_norm: np.ndarray  # ||dL/dz||
    ce_push: np.ndarray  # -dL/dz_c: how hard a step raises the true-class logit
    mse_loss: np.ndarray
    mse_grad_norm: np.ndarray
    mse_push: np.ndarray
    current: dict  # the same quantities at the current logits (z, p, ce_loss, ce_norm, ce_push, ...)


def sweep(state, points=SWEEP_POINTS):
    """Cross-entropy and MSE (on softmax outputs, same target) as z_c runs over SWEEP_RANGE with the
    other logits held: the loss, the gradient norm ||dL/dz|| and the push on the true logit -dL/dz_c of
    each, vectorised over the sweep."""
    values = np.linspace(*SWEEP_RANGE, points)
    rows = np.tile(np.asarray(state.logits, dtype=float), (points + 1, 1))
    rows[:-1, state.true_class] = values  # the last row is the current state
    ce_loss, ce_grad = batch_loss_and_gradient(rows, state)
    target = target_distribution(state)
    mse_loss, mse_grad = mse_on_softmax(rows, target, state.temperature)
    true_probs = losses.softmax(rows / state.temperature, axis=1)[:, state.true_class]
    columns = {
        "true_probs": true_probs,
        "ce_loss": ce_loss,
        "ce_grad_norm": np.linalg.norm(ce_grad, axis=1),
        "ce_push": -ce_grad[:, state.true_class],
        "mse_loss": mse_loss,
        "mse_grad_norm": np.linalg.norm(mse_grad, axis=1),
        "mse_push": -mse_grad[:, state.true_class],
    }
    current = {"z": float(rows[-1, state.true_class])} | {
        name: float(col[-1]) for name, col in columns.items()
    }
    return Sweep(
        true_class=state.true_class,
        values=values,
        current=current,
        **{name: col[:-1] for name, col in columns.items()},
    )


def confidently_wrong(sweep_result):
    """The sweep's most wrong end (z_c = SWEEP_RANGE[0]) in the same keys as Sweep.current, plus
    `ratio`: how many times harder cross-entropy pushes the true logit up than MSE does."""
    names = ("true_probs", "ce_loss", "ce_grad_norm", "ce_push", "mse_loss", "mse_grad_norm", "mse_push")
    end = {"z": float(sweep_result.values[0])} | {n: float(getattr(sweep_result, n)[0]) for n in names}
    end["ratio"] = end["ce_push"] / end["mse_push"] if end["mse_push"] > 0 else np.inf
    return end

"""A small classifier trained with SGD in NumPy, step for step as PyTorch trains it.

The model is seed 004's `nn.Linear(d, C)`, optionally with one hidden `nn.Linear(d, H)` and a ReLU
before it. One step, as `optimizer.zero_grad(); loss = criterion(model(x), y); loss.backward();
optimizer.step()` does it:

    forward    a_0 = x,  s_l = a_{l-1} W_l^T + b_l,  a_l = relu(s_l) (not after the last layer),  z = s_L
    loss       L = objective(z, y), and g = dL/dz from core.gradients (p - y for cross-entropy, / N)
    backward   dL/dW_l = g_l^T a_{l-1},  dL/db_l = sum_n g_l,  g_{l-1} = (g_l W_l) * [s_{l-1} > 0]
    SGD        torch.optim.SGD (dampening 0, no Nesterov), per parameter w with gradient d:
                 d <- d + weight_decay * w
                 m <- d at the first step, else m <- momentum * m + d       (only if momentum != 0)
                 w <- w - lr * m    (or w - lr * d without momentum)

The objectives are the losses a training script can be written with, the right ones and the classic
mistakes, each computing what that code computes and the true gradient of it with respect to the logits.
Arrays keep their dtype: a float32 run rounds as torch's default float32 run does.
"""

from dataclasses import dataclass

import numpy as np

from core import gradients, keras_losses, losses
from core._arrays import as_float_array, check_class_indices, check_class_weight, effective_label_smoothing


@dataclass
class Layer:
    """One nn.Linear: weight of shape (out, in), bias of shape (out,)."""

    weight: np.ndarray
    bias: np.ndarray

    def copy(self):
        return Layer(self.weight.copy(), self.bias.copy())


@dataclass(frozen=True)
class SGD:
    """torch.optim.SGD's settings (dampening 0, nesterov False, maximize False)."""

    lr: float
    momentum: float = 0.0
    weight_decay: float = 0.0


def init_layers(sizes, rng, dtype=np.float64):
    """Layers for sizes (d, H, ..., C) drawn as nn.Linear draws them: weight and bias uniform on
    [-1/sqrt(in), 1/sqrt(in)] (kaiming_uniform with a = sqrt(5) gives exactly that bound)."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = 1 / np.sqrt(fan_in)
        weight = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype)
        bias = rng.uniform(-bound, bound, fan_out).astype(dtype)
        layers.append(Layer(weight, bias))
    return layers


def copy_layers(layers):
    return [layer.copy() for layer in layers]


def forward(layers, inputs):
    """(logits, activations): z = the last layer's output, and a_0 = x, a_1, ... the inputs of each layer
    (relu outputs of the hidden layers)."""
    activations = [inputs]
    for index, layer in enumerate(layers):
        outputs = activations[-1] @ layer.weight.T + layer.bias
        if index == len(layers) - 1:
            return outputs, activations
        activations.append(np.maximum(outputs, 0))
    raise ValueError("a model needs at least one layer")


def backward(layers, activations, grad_logits):
    """[(dL/dW, dL/db)] per layer from g = dL/dz: dW = g^T a, db = sum over the batch of g, and g carried
    back through W and the ReLU (whose derivative is 0 where its input is <= 0, as torch's)."""
    grads = [None] * len(layers)
    upstream = grad_logits
    for index in range(len(layers) - 1, -1, -1):
        layer_input = activations[index]
        grads[index] = (upstream.T @ layer_input, upstream.sum(axis=0))
        if index > 0:
            upstream = (upstream @ layers[index].weight) * (layer_input > 0)
    return grads


def sgd_step(layers, grads, buffers, sgd):
    """torch.optim.SGD.step in place: weight decay added to the gradient, then the momentum buffer
    (initialised to the first gradient), then w <- w - lr * update. `buffers` is a list (one entry per
    parameter, None before the first step) that this call fills in."""
    params = [array for layer in layers for array in (layer.weight, layer.bias)]
    flat_grads = [array for pair in grads for array in pair]
    for index, (param, grad) in enumerate(zip(params, flat_grads, strict=True)):
        if sgd.weight_decay != 0:
            grad = grad + sgd.weight_decay * param
        if sgd.momentum != 0:
            if buffers[index] is None:
                buffers[index] = grad.copy()
            else:
                buffers[index] *= sgd.momentum
                buffers[index] += grad
            grad = buffers[index]
        param -= param.dtype.type(sgd.lr) * grad


def gradient_norm(grads):
    """||dL/dtheta||: the 2-norm of every parameter's gradient together (clip_grad_norm_'s total norm),
    summed in float64."""
    flat = np.concatenate([array.ravel() for pair in grads for array in pair]).astype(np.float64)
    return float(np.sqrt(flat @ flat))


# The objectives: (logits, targets) -> (loss, dL/dlogits), on arguments `train` checked once per run. Each
# calls the same kernels as core's public, checked functions (losses.cross_entropy_of_log_probs and
# nll_at_labels are what losses.cross_entropy and nll_loss compute after their checks), so the loop runs
# without checking every step and each formula is still written once.


@dataclass(frozen=True)
class LossOptions:
    """What nn.CrossEntropyLoss takes besides the batch: class weights and label smoothing."""

    weight: np.ndarray | None = None
    label_smoothing: float = 0.0


@dataclass(frozen=True)
class Targets:
    """One batch's labels, checked, in the forms the kernels take: the class indices, the counted mask
    (every sample: a training batch ignores none), w_{y_n} per sample, the one-hot rows, and the options
    (the class weight checked, the smoothing as torch applies it)."""

    labels: np.ndarray
    counted: np.ndarray
    target_weight: np.ndarray
    onehot: np.ndarray
    class_weight: np.ndarray | None
    label_smoothing: float


def cross_entropy(logits, targets):
    """nn.CrossEntropyLoss(weight, label_smoothing)(z, y); dL/dz = (p - y) / N without options, with
    p = exp(log_softmax(z)): the log-softmax is computed once for the loss and the gradient."""
    log_probs = losses.log_softmax(logits, axis=1)
    arguments = (targets.labels, targets.counted, targets.target_weight, targets.class_weight)
    loss = losses.cross_entropy_of_log_probs(log_probs, *arguments, targets.label_smoothing, "mean")
    probs = np.exp(log_probs, out=log_probs)  # the log-probabilities are not needed any more
    return loss, gradients.cross_entropy_at_labels(probs, *arguments, targets.label_smoothing, "mean")


def _nll_at_labels(values, targets):
    """(F.nll_loss(values, y, weight), its gradient with respect to values)."""
    arguments = (values, targets.labels, targets.counted, targets.target_weight, "mean")
    return losses.nll_at_labels(*arguments), gradients.nll_at_labels(*arguments)


def nll_of_log_softmax(logits, targets):
    """F.nll_loss(F.log_softmax(z, dim=1), y, weight): the same function as cross_entropy (nll_loss has
    no label smoothing), its gradient carried back through log_softmax."""
    log_probs = losses.log_softmax(logits, axis=1)
    loss, upstream = _nll_at_labels(log_probs, targets)
    return loss, gradients.log_softmax_backward(np.exp(log_probs), upstream, axis=1)


def softmax_then_cross_entropy(logits, targets):
    """Mistake: nn.CrossEntropyLoss()(F.softmax(z, dim=1), y): a second softmax over probabilities, so
    the loss cannot fall below -log(e / (e + C - 1)) and the gradient is squeezed."""
    probs = losses.softmax(logits, axis=1)
    loss, upstream = cross_entropy(probs, targets)
    return loss, gradients.softmax_backward(probs, upstream, axis=1)


def mse_on_softmax(logits, targets):
    """Mistake: F.mse_loss(F.softmax(z, dim=1), F.one_hot(y).float()): mean over N * C of (p - y)^2."""
    probs = losses.softmax(logits, axis=1)
    loss = losses.squared_error(probs, targets.onehot, "mean")
    upstream = gradients.squared_error(probs, targets.onehot, "mean")
    return loss, gradients.softmax_backward(probs, upstream, axis=1)


def nll_of_probabilities(logits, targets):
    """Mistake: F.nll_loss(F.softmax(z, dim=1), y, weight) = -mean p_y: a loss that goes negative and
    pushes hardest where the model is already right."""
    probs = losses.softmax(logits, axis=1)
    loss, upstream = _nll_at_labels(probs, targets)
    return loss, gradients.softmax_backward(probs, upstream, axis=1)


def keras_probabilities_on_logits(logits, targets):
    """Mistake: keras.losses.CategoricalCrossentropy()(one_hot(y), z), from_logits=False by default, so
    Keras reads the logits as probabilities: q = clip(z / sum(z), 1e-7, 1 - 1e-7), mean over the batch."""
    values = keras_losses.categorical_crossentropy_of(targets.onehot, logits, from_logits=False)
    per_sample_grad = gradients.categorical_crossentropy_of(targets.onehot, logits, from_logits=False)
    coefficients = keras_losses.reduction_coefficients(values)
    return keras_losses.reduce_weighted_values(values), per_sample_grad * coefficients[:, None]


def sigmoid_bce_on_one_hot(logits, targets):
    """Mistake: nn.BCELoss()(torch.sigmoid(z), F.one_hot(y).float()): C independent yes/no questions
    instead of one choice among C (it still learns: one-vs-rest)."""
    probs = losses.sigmoid(logits)
    loss = losses.binary_cross_entropy_of(probs, targets.onehot, None, "mean")
    upstream = gradients.binary_cross_entropy_of(probs, targets.onehot, None, "mean")
    return loss, gradients.sigmoid_backward(probs, upstream)


OBJECTIVES = {
    "cross_entropy": cross_entropy,
    "nll_log_softmax": nll_of_log_softmax,
    "softmax_ce": softmax_then_cross_entropy,
    "mse_softmax": mse_on_softmax,
    "nll_probs": nll_of_probabilities,
    "keras_probs": keras_probabilities_on_logits,
    "sigmoid_bce": sigmoid_bce_on_one_hot,
}


def one_hot(labels, num_classes, dtype):
    """F.one_hot(y, C).to(dtype)."""
    return np.eye(num_classes, dtype=dtype)[labels]


def checked_targets(labels, num_classes, dtype, options=LossOptions()):
    """Targets for every sample, checked once: labels are class indices in [0, C), the class weight has
    C entries, the smoothing is one torch accepts. `Targets` of a batch are rows of these."""
    labels = check_class_indices(labels, (np.size(labels), num_classes), num_classes, ignore_index=-100)
    if labels.ndim != 1 or (labels == -100).any():
        raise ValueError("training labels must be a vector of class indices in [0, C)")
    class_weight = check_class_weight(options.weight, num_classes, dtype)
    sample_weight = np.ones(labels.size, dtype) if class_weight is None else class_weight[labels]
    smoothing = effective_label_smoothing(options.label_smoothing)
    counted = np.ones(labels.size, bool)
    return Targets(
        labels, counted, sample_weight, one_hot(labels, num_classes, dtype), class_weight, smoothing
    )


def batch_targets(targets, batch):
    """The rows `batch` (an index array) of checked Targets."""
    rows = (targets.labels, targets.counted, targets.target_weight, targets.onehot)
    return Targets(*(array[batch] for array in rows), targets.class_weight, targets.label_smoothing)


def loss_and_gradient(objective, logits, labels, options=LossOptions()):
    """(loss, dL/dlogits) of OBJECTIVES[objective] for one batch (N, C) of floating logits, checked."""
    logits = as_float_array(logits, "logits")
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (N, C); got {logits.shape}")
    return OBJECTIVES[objective](logits, checked_targets(labels, logits.shape[1], logits.dtype, options))


# The loop.


@dataclass(frozen=True)
class Run:
    """One training run: per step the batch loss and the gradient norm; the layers at `snapshot_steps`
    (0 = before the first step); `diverged_at` is the first step whose loss or weights are not finite."""

    batch_losses: np.ndarray
    gradient_norms: np.ndarray
    snapshot_steps: tuple
    snapshots: tuple
    diverged_at: int | None


def epoch_batches(num_samples, batch_size, epochs, rng):
    """The index arrays of every step: each epoch a fresh permutation cut into batches (the last one
    shorter), as DataLoader(shuffle=True, drop_last=False) serves them."""
    batches = []
    for _ in range(epochs):
        order = rng.permutation(num_samples)
        batches += [order[start : start + batch_size] for start in range(0, num_samples, batch_size)]
    return batches


def train(layers, inputs, labels, batches, objective, sgd, options=LossOptions(), snapshot_steps=None):
    """Train a copy of `layers` on inputs[batch], labels[batch] for each batch in order with
    OBJECTIVES[objective] and SGD; returns a Run. `snapshot_steps` (sorted step numbers, 0 to the number of
    steps) says after which steps to keep the layers (default: every step). A run that diverges stops: its
    remaining losses and norms are NaN and its remaining snapshots repeat the last finite layers."""
    loss_and_gradient = OBJECTIVES[objective]
    inputs = as_float_array(inputs, "inputs")
    if inputs.ndim != 2 or inputs.shape[1] != layers[0].weight.shape[1]:
        raise ValueError(f"inputs must have shape (N, {layers[0].weight.shape[1]}); got {inputs.shape}")
    targets = checked_targets(labels, layers[-1].weight.shape[0], inputs.dtype, options)
    if len(targets.labels) != len(inputs):
        raise ValueError(f"{len(inputs)} inputs and {len(targets.labels)} labels")
    batches = [np.asarray(batch, dtype=np.intp) for batch in batches]
    if any(batch.size and (batch.min() < 0 or batch.max() >= len(inputs)) for batch in batches):
        raise ValueError(f"a batch indexes past the {len(inputs)} samples")
    layers = copy_layers(layers)
    steps = len(batches)
    wanted = range(steps + 1) if snapshot_steps is None else snapshot_steps
    wanted_set = set(wanted)
    batch_losses = np.full(steps, np.nan)
    norms = np.full(steps, np.nan)
    kept = {0: copy_layers(layers)}
    buffers = [None] * (2 * len(layers))
    diverged_at = None
    for step, batch in enumerate(batches, start=1):
        with np.errstate(all="ignore"):
            logits, activations = forward(layers, inputs[batch])
            loss, grad_logits = loss_and_gradient(logits, batch_targets(targets, batch))
            grads = backward(layers, activations, grad_logits)
            batch_losses[step - 1], norms[step - 1] = float(loss), gradient_norm(grads)
            if not (np.isfinite(batch_losses[step - 1]) and np.isfinite(norms[step - 1])):
                diverged_at = step
                break
            sgd_step(layers, grads, buffers, sgd)
        if not all(np.isfinite(layer.weight).all() and np.isfinite(layer.bias).all() for layer in layers):
            diverged_at = step
            break
        if step in wanted_set:
            kept[step] = copy_layers(layers)
    snapshots, last = [], kept.get(0, layers)
    for step in wanted:
        last = kept.get(step, last)
        snapshots.append(last)
    return Run(batch_losses, norms, tuple(wanted), tuple(snapshots), diverged_at)


@dataclass(frozen=True)
class Evaluation:
    """Models (one per snapshot) on a data set: per snapshot the mean cross-entropy and the accuracy, and
    each sample's cross-entropy and logits, shaped (snapshots, samples[, C])."""

    loss: np.ndarray
    accuracy: np.ndarray
    sample_losses: np.ndarray
    logits: np.ndarray


def evaluate(snapshots, inputs, labels):
    """The true cross-entropy, whatever a run was trained with, and the accuracy of argmax z, for every
    snapshot in one cross_entropy call."""
    with np.errstate(all="ignore"):
        logits = np.stack([forward(layers, inputs)[0] for layers in snapshots])
        frames, samples, classes = logits.shape
        flat = logits.reshape(frames * samples, classes)
        sample_losses = losses.cross_entropy(flat, np.tile(labels, frames), reduction="none")
        sample_losses = sample_losses.reshape(frames, samples)
        mean_losses = sample_losses.mean(axis=1)
    accuracy = (logits.argmax(axis=2) == labels).mean(axis=1)
    return Evaluation(mean_losses, accuracy, sample_losses, logits)


def predict(layers, inputs):
    """argmax_k z_k for each row of inputs."""
    with np.errstate(all="ignore"):
        return forward(layers, inputs)[0].argmax(axis=1)

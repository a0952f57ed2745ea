"""Code that reproduces the page's run: seed 004's PyTorch loop (and the Keras equivalent) with the page's
settings, the same data, initial weights and batch order drawn with NumPy from the same seeds, printing
each step's loss as `step <n>: loss = <x>` (the tests run the PyTorch snippet and compare with core).
"""

import inspect

from topics.training import data
from topics.training.data import SEED_004_FEATURES, validation_count
from topics.training.state import HIDDEN_UNITS

STEP_LINE = 'print(f"step {step}: loss = {loss:.6f}")'

ONE_HOT = "F.one_hot(y, {classes}).float()"
TORCH_LOSSES = {  # the loss line of each objective, on the batch's logits and labels y
    "cross_entropy": "loss = criterion(logits, y)",
    "nll_log_softmax": "loss = F.nll_loss(F.log_softmax(logits, dim=1), y)",
    "softmax_ce": "loss = criterion(F.softmax(logits, dim=1), y)  # mistake: softmax twice",
    "mse_softmax": f"loss = F.mse_loss(F.softmax(logits, dim=1), {ONE_HOT})  # mistake",
    "nll_probs": "loss = F.nll_loss(F.softmax(logits, dim=1), y)  # mistake: probabilities, not logs",
    "keras_probs": f"loss = keras.losses.CategoricalCrossentropy()({ONE_HOT}, logits)  # mistake",
    "sigmoid_bce": f"loss = nn.BCELoss()(torch.sigmoid(logits), {ONE_HOT})  # mistake",
}


def data_lines(state):
    """NumPy code drawing the page's data set and splitting off the validation fifth."""
    size, classes = state.size, state.num_classes
    lines = [f"rng = np.random.default_rng({state.seed})"]
    if state.dataset == "seed004":
        lines += [
            f"inputs = rng.standard_normal(({size}, {SEED_004_FEATURES}))  # seed 004's torch.randn(N, 20)",
            f"labels = rng.integers(0, {classes}, {size})  # and torch.randint(0, C, (N,))",
        ]
    else:
        generator = data.GENERATORS[state.dataset]
        lines = [inspect.getsource(generator).rstrip(), "", "", *lines]
        lines += [
            f"labels = np.arange({size}) % {classes}",
            f"inputs = {generator.__name__}(labels, {classes}, {state.noise!r}, rng)",
            "inputs = inputs - inputs.mean(axis=0)",
            "inputs = inputs / inputs.std()",
        ]
    held_out = validation_count(size)
    lines += [
        f"order = rng.permutation({size})",
        'inputs, labels = inputs[order].astype("float32"), labels[order]',
        f"x_val, y_val = inputs[:{held_out}], labels[:{held_out}]",
        f"x_train, y_train = inputs[{held_out}:], labels[{held_out}:]",
    ]
    return lines


def _features(state):
    return SEED_004_FEATURES if state.dataset == "seed004" else 2


def torch_snippet(state, epochs):
    """The PyTorch loop for `epochs` epochs (the run's, after any shortening)."""
    features, classes = _features(state), state.num_classes
    if state.hidden:
        hidden = HIDDEN_UNITS
        model = f"nn.Sequential(nn.Linear({features}, {hidden}), nn.ReLU(), nn.Linear({hidden}, {classes}))"
    else:
        model = f"nn.Sequential(nn.Linear({features}, {classes}))"
    smoothing = f"label_smoothing={state.label_smoothing!r}" if state.label_smoothing else ""
    options = f"lr={state.lr!r}" + (f", momentum={state.momentum!r}" if state.momentum else "")
    options += f", weight_decay={state.weight_decay!r}" if state.weight_decay else ""
    keras_import = ["import os", 'os.environ.setdefault("KERAS_BACKEND", "torch")', "import keras"]
    lines = [
        *(keras_import if state.loss == "keras_probs" else []),
        "import numpy as np",
        "import torch",
        "import torch.nn as nn",
        "import torch.nn.functional as F",
        "",
        *data_lines(state),
        "features, targets = torch.from_numpy(x_train), torch.from_numpy(y_train)",
        "",
        f"model = {model}",
        f"rng = np.random.default_rng({state.seed + 1})",
        "with torch.no_grad():  # nn.Linear's own init, U(-1/sqrt(in), 1/sqrt(in)), drawn with NumPy",
        "    for layer in model[::2]:",
        "        bound = 1 / np.sqrt(layer.in_features)",
        "        layer.weight.copy_(torch.from_numpy(rng.uniform(-bound, bound, tuple(layer.weight.shape))))",
        "        layer.bias.copy_(torch.from_numpy(rng.uniform(-bound, bound, layer.out_features)))",
        f"criterion = nn.CrossEntropyLoss({smoothing})",
        f"optimizer = torch.optim.SGD(model.parameters(), {options})",
        "",
        "step = 0",
        f"for epoch in range({epochs}):",
        "    order = rng.permutation(len(x_train))  # DataLoader(shuffle=True), in NumPy's order",
        f"    for start in range(0, len(x_train), {state.batch_size}):",
        f"        batch = torch.from_numpy(order[start : start + {state.batch_size}])",
        "        x, y = features[batch], targets[batch]",
        "        optimizer.zero_grad()",
        "        logits = model(x)",
        "        "
        + TORCH_LOSSES[state.loss]
        .format(classes=classes)
        .replace("targets)", "labels_)")
        .replace("targets,", "labels_,"),
        "        loss.backward()",
        "        optimizer.step()",
        "        step += 1",
        "        loss = loss.item()",
        "        " + STEP_LINE,
    ]
    return "\n".join(lines)


# Each objective in Keras: (the loss given to compile, whether it takes one-hot targets). Keras' losses
# reduce with sum_over_batch_size (the batch mean), as the torch code's 'mean' does; the mean over the
# classes of mean_squared_error and binary_crossentropy then makes torch's mean over N * C.
SOFTMAX, SIGMOID = "keras.ops.softmax(z)", "keras.ops.sigmoid(z)"
KERAS_LOSSES = {
    "softmax_ce": (
        "lambda y, z: keras.losses.categorical_crossentropy(y, {softmax}, from_logits=True{smooth})"
    ),
    "mse_softmax": f"lambda y, z: keras.losses.mean_squared_error(y, {SOFTMAX})",
    "nll_probs": f"lambda y, z: -keras.ops.sum(y * {SOFTMAX}, axis=-1)",
    "sigmoid_bce": f"lambda y, z: keras.losses.binary_crossentropy(y, {SIGMOID})",
}


SMOOTHED = ("cross_entropy", "softmax_ce")  # the objectives written with CrossEntropyLoss(label_smoothing)


def keras_loss(state):
    """(loss expression for compile, one-hot targets?) of the state's objective in Keras."""
    smoothing = state.label_smoothing if state.loss in SMOOTHED else 0
    if state.loss in KERAS_LOSSES:
        smooth = f", label_smoothing={smoothing!r}" if smoothing else ""
        return KERAS_LOSSES[state.loss].format(softmax=SOFTMAX, smooth=smooth), True
    from_logits = state.loss != "keras_probs"  # the Keras mistake: the default from_logits=False
    if smoothing:
        return f"keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing={smoothing!r})", True
    return f"keras.losses.SparseCategoricalCrossentropy(from_logits={from_logits})", False


def keras_snippet(state, epochs):
    """The Keras equivalent: the same model and weights, SGD, train_on_batch over the same batches, and the
    page's loss (a mistake written the way Keras code makes it)."""
    features, classes = _features(state), state.num_classes
    hidden = f'keras.layers.Dense({HIDDEN_UNITS}, activation="relu"), ' if state.hidden else ""
    loss, one_hot = keras_loss(state)
    target = f'np.eye({classes}, dtype="float32")[y_train[batch]]' if one_hot else "y_train[batch]"
    optimizer = f"keras.optimizers.SGD(learning_rate={state.lr!r}, momentum={state.momentum!r})"
    lines = [
        "import os",
        "",
        'os.environ.setdefault("KERAS_BACKEND", "torch")  # or jax / tensorflow',
        "import keras",
        "import numpy as np",
        "",
        *data_lines(state),
        "",
        f"model = keras.Sequential([keras.Input(({features},)), {hidden}keras.layers.Dense({classes})])",
        f"rng = np.random.default_rng({state.seed + 1})",
        "for layer in model.layers:  # the PyTorch weights: U(-1/sqrt(in), 1/sqrt(in)), kernel = weight.T",
        "    fan_in = layer.kernel.shape[0]",
        "    bound = 1 / np.sqrt(fan_in)",
        '    weight = rng.uniform(-bound, bound, (layer.units, fan_in)).astype("float32")',
        '    bias = rng.uniform(-bound, bound, layer.units).astype("float32")',
        "    layer.set_weights([weight.T, bias])",
        *(
            [
                f"# weight_decay={state.weight_decay!r}: torch adds it to the gradient, Keras' SGD",
                "# decays the weights apart from it: they differ once momentum is on.",
            ]
            if state.weight_decay
            else []
        ),
        f"model.compile(optimizer={optimizer}, loss={loss})",
        "",
        f"# model.fit(x_train, y_train, batch_size={state.batch_size}, epochs={epochs}) trains the same way",
        "# in Keras' own batch order; train_on_batch follows this page's order:",
        "step = 0",
        f"for epoch in range({epochs}):",
        "    order = rng.permutation(len(x_train))",
        f"    for start in range(0, len(x_train), {state.batch_size}):",
        f"        batch = order[start : start + {state.batch_size}]",
        f"        loss = float(model.train_on_batch(x_train[batch], {target}))",
        "        step += 1",
        "        " + STEP_LINE,
    ]
    return "\n".join(lines)

"""Keras's own tests of its three cross-entropy losses, with core answering every call beside Keras.

The keras wheel ships `keras/src/losses/losses_test.py`. Its BinaryCrossentropyTest,
CategoricalCrossentropyTest and SparseCategoricalCrossentropyTest run here as Keras wrote them, with
one change: the `losses` module they call is a stand-in (ComparingLosses) that builds the real Keras
loss, and on every call also runs core on the same inputs (keras_losses.call_loss or the function
form, and core.gradients) and compares value and gradient with Keras's (autograd through Keras on the
torch backend), or checks that core raises where Keras raises. Keras's result goes back to its test,
so its own assertions still run (and must pass). The inputs and the expected behaviour are Keras's;
no number is copied here.

Not run: test_config (serialization) and test_dtype_arg (bfloat16, which NumPy and so core lack).
"""

import unittest

import numpy as np
import pytest

from core import gradients, keras_losses
from framework_calls import agreement_problem, as_numpy, core_keras_outcome, keras_outcome

pytestmark = [
    pytest.mark.usefixtures("torch_cpu"),
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),  # Keras warns on a class axis of size 1
]

KERAS_CLASSES = {
    "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
}
KERAS_FUNCTIONS = tuple(KERAS_CLASSES.values())
TEST_CLASSES = ("BinaryCrossentropyTest", "CategoricalCrossentropyTest", "SparseCategoricalCrossentropyTest")
NOT_NUMERIC = ("test_config", "test_dtype_arg")
CLASS_ONLY = ("reduction", "name", "dtype")  # constructor arguments that are not the function's options
MINIMUM_CALLS = 40  # 46 in Keras 3.15.1


class ComparingLosses:
    """Stands in for keras.src.losses.losses inside Keras's test module: the three cross-entropy
    classes and functions compare with core on every call; everything else is Keras's own."""

    def __init__(self, keras_losses_module, oracle):
        self._real = keras_losses_module
        self._oracle = oracle
        self.calls = 0
        self.problems = []

    def __getattr__(self, attribute):
        if attribute in KERAS_CLASSES:
            return lambda **config: ComparingLoss(self, attribute, config)
        if attribute in KERAS_FUNCTIONS:
            return lambda y_true, y_pred, **options: self.compare_function(attribute, y_true, y_pred, options)
        return getattr(self._real, attribute)

    def record(self, label, expected, actual):
        self.calls += 1
        problem = agreement_problem(self._oracle, label, expected, actual, grad_scale=_grad_scale(expected))
        if problem:
            self.problems.append(problem)

    def compare_function(self, name, y_true, y_pred, options):
        """keras.losses.<name>(y_true, y_pred, **options) against core's function form."""
        pred = np.asarray(as_numpy(y_pred))
        expected, result = keras_outcome(getattr(self._real, name), y_true, pred, **options)
        actual = core_keras_outcome(
            lambda: getattr(keras_losses, name)(as_numpy(y_true), pred, **options),
            lambda: getattr(gradients, name)(as_numpy(y_true), pred, **options),
        )
        self.record(f"keras.losses.{name}(shape={pred.shape}, {options})", expected, actual)
        return _returned(expected, result)


class ComparingLoss:
    """A Keras loss object whose every call also runs core.keras_losses.call_loss."""

    def __init__(self, comparer, class_name, config):
        self.comparer, self.class_name, self.config = comparer, class_name, config
        self.keras_loss = getattr(comparer._real, class_name)(**config)

    def __call__(self, y_true, y_pred, sample_weight=None):
        # The class converts y_true and y_pred to its dtype (float32 unless told) before anything else.
        dtype = np.dtype(self.keras_loss.dtype)
        pred = np.asarray(as_numpy(y_pred)).astype(dtype)
        labels = np.asarray(as_numpy(y_true)).astype(dtype)
        weight = None if sample_weight is None else as_numpy(sample_weight)
        expected, result = keras_outcome(self.keras_loss, y_true, pred, sample_weight=sample_weight)
        name = KERAS_CLASSES[self.class_name]
        options = {k: v for k, v in self.config.items() if k not in CLASS_ONLY}
        reduction = self.config.get("reduction", "sum_over_batch_size")
        arguments = dict(sample_weight=weight, reduction=reduction, **options)
        actual = core_keras_outcome(
            lambda: keras_losses.call_loss(name, labels, pred, **arguments),
            lambda: gradients.call_loss(name, labels, pred, **arguments),
        )
        label = f"keras.losses.{self.class_name}({self.config})(shape={pred.shape}, sample_weight={weight})"
        self.comparer.record(label, expected, actual)
        return _returned(expected, result)


def _returned(expected, result):
    """What Keras's test receives: Keras's own result, or Keras's own error."""
    if expected.error is not None:
        raise expected.error
    return result


def _grad_scale(expected):
    """Gradients through the 1e-7 clip of probabilities cancel terms as large as the largest gradient."""
    if expected.grad is None:
        return 1.0
    finite = np.abs(expected.grad.numpy().astype(np.float64))
    finite = finite[np.isfinite(finite)]
    return float(finite.max()) if finite.size else 1.0


@pytest.fixture(scope="module")
def keras_test_module():
    from keras.src.losses import losses_test

    return losses_test


def test_keras_own_loss_tests_agree_with_core(oracle, keras_test_module, monkeypatch):
    comparer = ComparingLosses(keras_test_module.losses, oracle)
    monkeypatch.setattr(keras_test_module, "losses", comparer)
    loader = unittest.TestLoader()
    result = unittest.TestResult()
    methods_run = 0
    for class_name in TEST_CLASSES:
        test_class = getattr(keras_test_module, class_name)
        for method in loader.getTestCaseNames(test_class):
            if method in NOT_NUMERIC:
                continue
            test_class(method).run(result)
            methods_run += 1
    oracle.note("Keras's own loss tests (calls compared)", comparer.calls)
    print(f"Keras's own tests: {methods_run} test methods, {comparer.calls} calls compared")
    keras_failures = [f"{test}: {trace.splitlines()[-1]}" for test, trace in result.failures + result.errors]
    assert not keras_failures, "Keras's own assertions failed:\n" + "\n".join(keras_failures)
    assert comparer.calls >= MINIMUM_CALLS, f"only {comparer.calls} Keras calls were compared"
    assert not comparer.problems, f"{len(comparer.problems)} of {comparer.calls} calls differ:\n" + "\n".join(
        comparer.problems
    )

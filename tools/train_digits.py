"""Train the outputs page's shipped example: a small classifier on the handwritten digits that
scikit-learn ships (load_digits: 1,797 images of 8 x 8 pixels, no download), and save its logits on the
held-out half with the true labels to assets/digits_outputs.npz.

    python tools/train_digits.py            # writes assets/digits_outputs.npz (about 40 KB)

The model is a one-hidden-layer MLP (64 -> 32 ReLU -> 10) trained by scikit-learn's MLPClassifier with
almost no regularisation and for many epochs: it fits its training half perfectly and is over-confident on
the other half, which is what the page's calibration section is about. The logits are computed from the
fitted weights (MLPClassifier only gives probabilities): z = relu(x W1 + b1) W2 + b2. The images travel
with the outputs (uint8, 0..16) so the page can show the worst samples. Needs scikit-learn (a dev
dependency); the page itself only reads the .npz.
"""

import argparse
import warnings
from pathlib import Path

import numpy as np

OUTPUT = Path(__file__).resolve().parents[1] / "assets" / "digits_outputs.npz"
SEED = 0


def train(seed=SEED):
    """(logits float32 (N, 10), labels int64 (N,), images uint8 (N, 64)) on the held-out half."""
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=0.5, random_state=seed, stratify=digits.target
    )
    model = MLPClassifier(
        hidden_layer_sizes=(32,), alpha=1e-6, max_iter=2000, tol=1e-8, n_iter_no_change=200, random_state=seed
    )
    with warnings.catch_warnings():  # it stops at max_iter on purpose: an over-fitted, over-confident model
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x_train / 16.0, y_train)
    logits = mlp_logits(model, x_test / 16.0)
    # The fitted model's own probabilities are softmax of these logits: the computation is the model's.
    assert np.allclose(_softmax(logits), model.predict_proba(x_test / 16.0), atol=1e-6)
    return logits.astype(np.float32), y_test.astype(np.int64), x_test.astype(np.uint8)


def mlp_logits(model, x):
    """z = relu(x W1 + b1) W2 + b2 from a fitted one-hidden-layer MLPClassifier."""
    hidden = np.maximum(x @ model.coefs_[0] + model.intercepts_[0], 0.0)
    return hidden @ model.coefs_[1] + model.intercepts_[1]


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    logits, labels, images = train()
    np.savez_compressed(args.output, logits=logits, labels=labels, images=images)
    accuracy = float((logits.argmax(axis=1) == labels).mean())
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({size:,} bytes): {len(labels)} samples, accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()

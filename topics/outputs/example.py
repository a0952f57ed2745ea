"""The shipped example: a small MLP's logits on the held-out half of scikit-learn's handwritten digits
(tools/train_digits.py wrote assets/digits_outputs.npz; reading it needs only NumPy)."""

from functools import lru_cache
from pathlib import Path

import numpy as np

from topics.outputs.inputs import check_outputs
from topics.outputs.numbers import analyse

EXAMPLE_PATH = Path(__file__).resolve().parents[2] / "assets" / "digits_outputs.npz"
EXAMPLE_NAME = "digits_outputs.npz"
IMAGE_SIDE = 8


@lru_cache(maxsize=1)
def example_arrays():
    """{logits (N, 10) float32, labels (N,), images (N, 64) uint8 0..16}."""
    with np.load(EXAMPLE_PATH, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


@lru_cache(maxsize=1)
def example_analysis():
    """The example's Analysis, once per process (the page, the figure exporter, the checkable)."""
    arrays = example_arrays()
    return analyse(check_outputs(arrays["logits"], arrays["labels"], "logits"))


def example_image(index):
    """Sample `index`'s 8 x 8 digit as a uint8 array 0..255 (dark ink on white, as on paper)."""
    pixels = example_arrays()["images"][index].reshape(IMAGE_SIDE, IMAGE_SIDE).astype(np.float64)
    return (255 - pixels * (255 / 16)).astype(np.uint8)

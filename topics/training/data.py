"""The training page's data sets, drawn with NumPy from a seed (no scikit-learn at run time).

seed004: seed 004's own setup, torch.randn(N, 20) features and torch.randint(0, C, (N,)) labels (random
labels: nothing to learn beyond memorising, so validation stays at chance). The 2-D toy sets, each with
C = 2..5 classes of equal size and a noise level in 0..1, standardised so the grid of the decision
regions fits every set:
    blobs    C Gaussian clusters on a circle
    moons    C interleaved half circles (C = 2 is scikit-learn's make_moons)
    circles  C concentric rings
    spiral   C arms of a spiral (cs231n's), which no linear model can separate
A fifth of the samples (shuffled) is held out for validation.
"""

from dataclasses import dataclass

import numpy as np

DATASETS = ("blobs", "moons", "circles", "spiral", "seed004")
SEED_004_FEATURES = 20
VALIDATION_SHARE = 0.2


@dataclass(frozen=True)
class Dataset:
    """Training and validation samples, their labels, and the number of classes."""

    name: str
    train_inputs: np.ndarray
    train_labels: np.ndarray
    val_inputs: np.ndarray
    val_labels: np.ndarray
    num_classes: int

    @property
    def is_planar(self):
        """Two features: the decision regions can be drawn."""
        return self.train_inputs.shape[1] == 2

    def empty_classes(self):
        """The classes with no training sample (the model never sees them)."""
        counts = np.bincount(self.train_labels, minlength=self.num_classes)
        return [k for k in range(self.num_classes) if counts[k] == 0]


def make_dataset(name, num_classes, size, noise, seed, dtype=np.float32):
    """The data set `name` with `size` samples (train + validation) in `dtype`."""
    rng = np.random.default_rng(seed)
    if name == "seed004":
        inputs = rng.standard_normal((size, SEED_004_FEATURES))
        labels = rng.integers(0, num_classes, size)
    else:
        labels = np.arange(size) % num_classes
        inputs = GENERATORS[name](labels, num_classes, noise, rng)
        inputs = inputs - inputs.mean(axis=0)
        inputs = inputs / inputs.std()
    order = rng.permutation(size)
    inputs, labels = inputs[order].astype(dtype), labels[order]
    held_out = validation_count(size)
    return Dataset(
        name, inputs[held_out:], labels[held_out:], inputs[:held_out], labels[:held_out], num_classes
    )


def validation_count(size):
    """How many of `size` samples are held out for validation: a fifth, at least one."""
    return max(1, int(round(size * VALIDATION_SHARE)))


def blobs(labels, num_classes, noise, rng):
    """Cluster k around (cos, sin)(2 pi k / C) * 2, spread 0.25 + 1.25 * noise."""
    angles = 2 * np.pi * labels / num_classes
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    return centres + rng.normal(0, 0.25 + 1.25 * noise, centres.shape)


def moons(labels, num_classes, noise, rng):
    """Half circle k centred at (k, k mod 2 / 2), opening up for even k and down for odd k; noise
    0.05 + 0.4 * noise (make_moons' two classes for C = 2)."""
    angles = rng.uniform(0, np.pi, labels.size)
    sign = np.where(labels % 2 == 0, 1.0, -1.0)
    points = np.column_stack([labels + sign * np.cos(angles), 0.5 * (labels % 2) + sign * np.sin(angles)])
    return points + rng.normal(0, 0.05 + 0.4 * noise, points.shape)


def circles(labels, num_classes, noise, rng):
    """Ring k of radius (k + 1) / C, noise 0.02 + 0.2 * noise."""
    angles = rng.uniform(0, 2 * np.pi, labels.size)
    radii = (labels + 1) / num_classes
    points = radii[:, None] * np.column_stack([np.cos(angles), np.sin(angles)])
    return points + rng.normal(0, 0.02 + 0.2 * noise, points.shape)


def spiral(labels, num_classes, noise, rng):
    """Arm k: radius r uniform in 0.05..1 at angle 2 pi k / C + 4 r, the angle jittered by 0.1 + noise."""
    radii = rng.uniform(0.05, 1.0, labels.size)
    angles = 2 * np.pi * labels / num_classes + 4 * radii + rng.normal(0, 0.1 + noise, labels.size)
    return radii[:, None] * np.column_stack([np.cos(angles), np.sin(angles)])


GENERATORS = {"blobs": blobs, "moons": moons, "circles": circles, "spiral": spiral}

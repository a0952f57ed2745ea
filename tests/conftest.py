"""Shared test setup: Keras backend, hypothesis profiles, torch threads, and the oracle counter.

The oracle tests compare `core` with the real PyTorch and Keras. Every comparison goes through the
`oracle` fixture, which asserts closeness and counts; the total is printed at the end of the run as
"oracle comparisons: N".
"""

import os
import sys
from pathlib import Path

# Keras reads its backend once, at import: this must run before any test module imports keras.
os.environ.setdefault("KERAS_BACKEND", "torch")
# The production config hides error details from visitors behind a friendly box (ui/errors.py); tests
# want every error in full: raised again after the box, with its message. The environment reaches the
# `streamlit run` servers tests start; AppTest reads the config in this process (pytest_configure below).
os.environ.setdefault("EXPLORER_RAISE_ERRORS", "1")
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from core import agreement  # noqa: E402

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# `import core` and `import strategies` work under plain `pytest` as well as `python -m pytest`.
for path in (str(ROOT), str(TESTS)):
    if path not in sys.path:
        sys.path.insert(0, path)

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=60,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The lanes: tests/browser drive a real Chromium, tests/deploy start servers (and a balancer). Everything
# else is the fast lane: python -m pytest -m "not browser and not hosting".
LANES = {"browser": "browser", "deploy": "hosting"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        folder = Path(item.fspath).relative_to(TESTS).parts[0]
        if folder in LANES:
            item.add_marker(LANES[folder])


def pytest_configure(config):
    """AppTest runs pages in this process: show their exceptions in full, not the visitors' redacted text;
    and scan the installed packages for Streamlit components once per process, not once per AppTest."""
    from streamlit import config as streamlit_config

    streamlit_config.set_option("client.showErrorDetails", "full")
    scan_components_once()


def scan_components_once():
    """Every new AppTest scans every installed distribution's metadata for component manifests (about
    0.2 s here; a server does it once, at start-up). The packages do not change during a test run, so
    the first scan's result is reused: tests/pages ran in 74 s instead of 102 s."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    if not hasattr(scan, "cache_info"):  # BidiComponentManager imports it from the module at each call
        manifest_scanner.scan_component_manifests = functools.lru_cache(maxsize=1)(scan)


class Oracle:
    """Compares core's output with the framework's and counts each comparison."""

    def __init__(self):
        self.count = 0
        self.notes = {}  # what a test wants said at the end of the run, e.g. how many cases it ran

    def note(self, label, number):
        """Report `label: number` in the run's summary (summed over the xdist workers)."""
        self.notes[label] = self.notes.get(label, 0) + number

    def close(self, actual, expected, what="", dtype=None, scale=None, check_dtype=True):
        """Assert `actual` (core) agrees with `expected` (torch/Keras) under core.agreement's rule, with the
        tolerance of `dtype`.

        `expected` may be a torch tensor or an array. NaN must meet NaN and infinities must match.
        `dtype` defaults to the expected value's dtype. `scale` sets the absolute tolerance, atol *
        max(1, scale): a number, or an array (broadcast against `expected`) when the size of the
        terms that cancel differs per element; default: the largest finite |expected|. With
        `check_dtype` the dtypes must be equal too.
        """
        self.count += 1
        expected = _as_numpy(expected)
        actual = np.asarray(actual)
        assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != framework {expected.shape}"
        if check_dtype:
            assert actual.dtype == expected.dtype, (
                f"{what}: dtype {actual.dtype} != framework {expected.dtype}"
            )
        dtype = dtype if dtype is not None else expected.dtype  # a NumPy dtype is falsy: no `or`
        ok = agreement.agreeing(actual, expected, dtype, scale)  # the one rule: core/agreement.py
        a, e = actual.astype(np.float64), expected.astype(np.float64)
        if not np.all(ok):
            bad = np.argwhere(~np.broadcast_to(ok, e.shape))[:5]
            rows = [
                f"  at {tuple(int(i) for i in idx)}: core {a[tuple(idx)]!r}, framework {e[tuple(idx)]!r}"
                for idx in bad
            ]
            limits = agreement.tolerance(dtype)
            raise AssertionError(
                f"{what}\n{int((~ok).sum())} of {e.size} elements differ "
                f"(rtol={limits.rtol:g}, atol={limits.atol:g} x max(1, scale)):\n"
                + "\n".join(rows)
                + f"\ncore:\n{a!r}\nframework:\n{e!r}"
            )

    def dtype_is(self, actual, dtype, what=""):
        """Assert core's output has `dtype` (counted as an oracle comparison of the dtype rule)."""
        self.count += 1
        assert np.asarray(actual).dtype == np.dtype(dtype), (
            f"{what}: dtype {np.asarray(actual).dtype} != {dtype}"
        )


def _as_numpy(value):
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


_ORACLE = Oracle()


@pytest.fixture(scope="session")
def oracle():
    """The shared comparer (session-scoped so hypothesis tests may use it)."""
    return _ORACLE


@pytest.fixture(scope="session")
def torch_cpu():
    """torch on one CPU thread: reproducible float32 sums and no oversubscription on small CI boxes.

    Imported here, not at the top, so the tests that do not compare with torch never load it.
    """
    import torch

    torch.set_num_threads(1)
    return torch


def pytest_sessionfinish(session):
    """Under pytest-xdist a worker hands its count to the controller (pytest_testnodedown)."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["oracle_count"] = _ORACLE.count
        session.config.workeroutput["oracle_notes"] = dict(_ORACLE.notes)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _ORACLE.count += getattr(node, "workeroutput", {}).get("oracle_count", 0)
    for label, number in getattr(node, "workeroutput", {}).get("oracle_notes", {}).items():
        _ORACLE.note(label, number)


def pytest_terminal_summary(terminalreporter):
    if _ORACLE.count:
        terminalreporter.write_line(f"oracle comparisons: {_ORACLE.count}")
    for label, number in sorted(_ORACLE.notes.items()):
        terminalreporter.write_line(f"{label}: {number}")

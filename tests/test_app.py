"""The Streamlit app, run headless through AppTest (no browser)."""

import ast
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import losses

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"

SEED_LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])
SEED_LABELS = np.array([0, 2])
SEED_LOSS_TEXT = "1.2288"  # printed by the project seed for this example


@pytest.fixture
def home() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    return at


def test_app_runs_without_exception(home: AppTest) -> None:
    assert not home.exception, [e.value for e in home.exception]


def test_home_metric_is_core_cross_entropy(home: AppTest) -> None:
    expected = f"{float(losses.cross_entropy(SEED_LOGITS, SEED_LABELS)):.4f}"
    metrics = {m.label: m.value for m in home.metric}
    assert metrics["mean loss"] == expected
    assert metrics["mean loss"] == SEED_LOSS_TEXT


def test_home_table_is_core_softmax(home: AppTest) -> None:
    shown = home.dataframe[0].value.to_numpy(dtype=float)
    np.testing.assert_allclose(shown, losses.softmax(SEED_LOGITS, axis=1), rtol=0, atol=1e-12)


def _registered_pages() -> set[str]:
    """The string paths passed to st.Page(...) in app.py."""
    found = set()
    for node in ast.walk(ast.parse(APP.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(Path(node.args[0].value).as_posix())
    return found


def test_every_page_file_is_registered() -> None:
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")}
    registered = _registered_pages()
    assert on_disk, "pages/ has no .py files"
    assert on_disk <= registered, f"pages/ files not in st.navigation: {sorted(on_disk - registered)}"
    assert registered <= on_disk, f"st.Page paths with no file: {sorted(registered - on_disk)}"

"""The pages of the app, in the order of the navigation: the one list that app.py's st.navigation, the
figure exporter (tools), the load test (bench/load) and the page tests read.

Each page names its script in pages/, its title (an i18n key) and icon, and what its topic package gives:
its URL parameters (state.url_specs), its figures (figures.page_figures) and its cross-check of values
that do not fit together (state.inconsistent_values), and what an exercise on it can check (checkable:
QUANTITY_NAMES, quantities(values), control_label(key); topics.shared.exercises). A page is served at
/<name>, the default page at /.
"""

from collections.abc import Callable
from dataclasses import dataclass

from topics import batch, binary, frameworks, gradient, lessons, outputs, playground, training
from topics.batch import checkable as batch_checkable
from topics.binary import checkable as binary_checkable
from topics.frameworks import checkable as frameworks_checkable
from topics.gradient import checkable as gradient_checkable
from topics.outputs import checkable as outputs_checkable
from topics.playground import checkable as playground_checkable
from topics.training import checkable as training_checkable


@dataclass(frozen=True)
class Page:
    name: str  # its url path, and the exporter's name for it
    script: str  # the storyboard in pages/
    title_key: str  # i18n key of its title in the navigation
    icon: str
    url_specs: Callable  # () -> the URL parameters of its controls (topics.shared.url_params)
    page_figures: Callable  # (values, lang, theme) -> {name: PageFigure}
    inconsistent_values: Callable | None = None  # values -> keys whose values do not fit together
    default: bool = False  # the page at /
    checkable: object = None  # the topic's checkable module: what an exercise on the page can check

    @property
    def url_path(self):
        """What st.Page and a browser use: "" for the default page, else the name."""
        return "" if self.default else self.name


PAGES = (
    Page(
        "playground",
        "pages/playground.py",
        "page.playground",
        ":material/tune:",
        playground.state.url_specs,
        playground.figures.page_figures,
        playground.state.inconsistent_values,
        default=True,
        checkable=playground_checkable,
    ),
    Page(
        "batch",
        "pages/batch.py",
        "page.batch",
        ":material/table_rows:",
        batch.state.url_specs,
        batch.figures.page_figures,
        batch.state.inconsistent_values,
        checkable=batch_checkable,
    ),
    Page(
        "binary",
        "pages/binary.py",
        "page.binary",
        ":material/contrast:",
        binary.state.url_specs,
        binary.figures.page_figures,
        binary.state.inconsistent_values,
        checkable=binary_checkable,
    ),
    Page(
        "gradient",
        "pages/gradient.py",
        "gr.page",
        ":material/trending_down:",
        gradient.state.url_specs,
        gradient.figures.page_figures,
        checkable=gradient_checkable,
    ),
    Page(
        "frameworks",
        "pages/frameworks.py",
        "page.frameworks",
        ":material/compare_arrows:",
        frameworks.state.url_specs,
        frameworks.figures.page_figures,
        frameworks.state.inconsistent_values,
        checkable=frameworks_checkable,
    ),
    Page(
        "training",
        "pages/training.py",
        "page.training",
        ":material/model_training:",
        training.state.url_specs,
        training.figures.page_figures,
        training.state.inconsistent_values,
        checkable=training_checkable,
    ),
    Page(
        "outputs",
        "pages/outputs.py",
        "page.outputs",
        ":material/query_stats:",
        outputs.state.url_specs,
        outputs.figures.page_figures,
        checkable=outputs_checkable,
    ),
    Page(
        "lessons",
        "pages/lessons.py",
        "page.lessons",
        ":material/school:",
        lessons.state.url_specs,
        lessons.figures.page_figures,
    ),
)
BY_NAME = {page.name: page for page in PAGES}

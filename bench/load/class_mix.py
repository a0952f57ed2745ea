"""What a class does on each page: how many of the students are on it, how often one of them acts, and
what an action is there. The Locust students (locustfile.py) and the per-page CPU measurement
(cpu_per_page.py) both act through StudentOnPage, so the CPU table and the load levels measure the same
use of each page.

The shares are an assumption, not a measurement (we have no classroom logs); docs/hosting.md says why
each is what it is. A class that follows the guided path spends its time on the lessons' pages, with the
exercise panel open; the rest explore. Every page of topics.registry must have a line here
(tests/deploy/test_hosting.py checks), so a new page cannot slip into the load test unweighted.
"""

import statistics
from dataclasses import dataclass

from st_client import app_url_paths


@dataclass(frozen=True)
class PageUse:
    page: str  # url path ("" for the default page)
    share: float  # of the class on this page at any moment (the shares add up to 1)
    wait_seconds: tuple  # (least, most) between two actions of one student
    why: str  # what a student does there, and why that often

    @property
    def actions_per_second(self):
        """Actions of one student on the page, per second (the mean of a uniform wait)."""
        return 2 / sum(self.wait_seconds)


LESSONS_PAGE = "lessons"
CHANGES_PER_LESSON = 6  # slider changes on a lesson's page before the student goes back for the next one

MIX = (
    PageUse("", 0.20, (2, 4), "the playground: drags a logit, the class or T, and reads the numbers"),
    PageUse("batch", 0.10, (2, 4), "moves a sample's logits, the reduction or the weights"),
    PageUse("binary", 0.10, (2, 4), "moves p, the label, pos_weight or the smoothing"),
    PageUse("gradient", 0.10, (2, 4), "moves the point, the class, T or the learning rate"),
    PageUse("frameworks", 0.05, (2, 4), "reads the API cards; moves the one slider of a mistake card"),
    PageUse(
        "training",
        0.10,
        (10, 20),
        "changes one training setting, then watches the playback (it runs in the browser, seconds "
        "long) and the curves before the next change",
    ),
    PageUse("outputs", 0.05, (3, 6), "the shipped digits example: the worst table's rows, bins, smoothing"),
    PageUse(
        LESSONS_PAGE,
        0.30,
        (2, 4),
        f"starts a lesson (its page opens with the exercise panel), makes {CHANGES_PER_LESSON} changes "
        "there, goes back to the lessons page and starts the next",
    ),
)
BY_PAGE = {use.page: use for use in MIX}


def missing_pages():
    """Pages of the app without a line in MIX (should be none), and lines for pages that do not exist."""
    pages = set(app_url_paths())
    return sorted(pages - set(BY_PAGE)), sorted(set(BY_PAGE) - pages)


def change_shares():
    """{page: share of all the actions of a class that happen on it}: a page's students times how often
    each acts. What the mix's CPU per change is weighted by."""
    rates = {use.page: use.share * use.actions_per_second for use in MIX}
    total = sum(rates.values())
    return {page: rate / total for page, rate in rates.items()}


def weighted_mean(values, weights):
    return sum(values[key] * weights[key] for key in values) / sum(weights[key] for key in values)


def weighted_median(values, weights):
    """The value at which half the weight lies below: the middle action of a class, by cost."""
    ordered = sorted(values, key=values.get)
    half, running = sum(weights[key] for key in ordered) / 2, 0.0
    for key in ordered:
        running += weights[key]
        if running >= half:
            return values[key]
    return statistics.median(values.values())


class StudentOnPage:
    """One student's session and what they do next on its page (PageUse)."""

    def __init__(self, session, use):
        self.session = session
        self.use = use
        self.changes_in_lesson = 0

    def act(self, rng):
        """One action, as (the run's result, the slider key moved or None, its new value or None)."""
        if self.use.page == LESSONS_PAGE:
            return self._lesson_action(rng)
        return self._move_a_slider(rng)

    def _move_a_slider(self, rng):
        sliders = self.session.sliders
        if not sliders:
            return None, None, None
        slider = sliders[rng.choice(sorted(sliders))]
        value = slider.random_value(rng)
        return self.session.set_slider(slider, value), slider.key, value

    def _lesson_action(self, rng):
        if self.session.page == LESSONS_PAGE:
            starts = sorted(key for key in self.session.buttons if key.startswith("ls_start_"))
            self.changes_in_lesson = 0
            return self.session.click(rng.choice(starts)), None, None
        if self.changes_in_lesson >= CHANGES_PER_LESSON or not self.session.sliders:
            return self.session.go_to(LESSONS_PAGE), None, None
        self.changes_in_lesson += 1
        return self._move_a_slider(rng)

"""Accessibility of every page, checked with axe-core in Chromium, and keyboard focus where Streamlit
gives none (ui/accessibility).

axe-core comes from the PyPI package axe-playwright-python (requirements-dev.txt), which ships axe.min.js
inside the wheel: CI installs it with everything else and no test fetches a script from the network. Only
its bundled script is used; the tests run axe through page.evaluate themselves.

Every page in topics.registry, at 1280 and 390 px, in English and Chinese, in the shipped theme (light on
a light device), with every axe rule: no serious or critical violation, and no "heading-order" one
(moderate; also checked on its own for every page, known contrast gaps or not). In the dark theme
(?theme=dark), the colour rules at both widths in English: colour is what the theme changes. What each run
found, moderate and minor included, is printed as a table at the end of the module.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from st_harness import registered_pages, wait_charts, wait_idle

from topics.shared.i18n import LANGUAGES

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
# Moderate rules that fail a page too, because every page is expected to pass them: "heading-order" (a
# page's sections are h2 under its h1 title, never h1 -> h3; issue 20).
BLOCKING_RULES = ("heading-order",)
WIDTHS = (1280, 390)
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
PAGES = registered_pages()
# Pages and themes that still fail axe's contrast rules: xfail, not strict, so the audit still prints what
# it finds on them. Empty since round 2 of issues 22 and 23 (the lessons page in dark: dark text on the
# primary buttons, ui/accessibility/accessibility.css; the outputs page in light: alt text on the digits).
KNOWN_CONTRAST_GAPS = set()


def case(spec, lang, theme):
    reason = "known contrast gap on this page and theme (open; see KNOWN_CONTRAST_GAPS)"
    known = (spec.name, theme) in KNOWN_CONTRAST_GAPS
    return pytest.param(spec, lang, theme, marks=[pytest.mark.xfail(reason=reason)] if known else [])


CASES = [
    *[case(spec, lang, "light") for lang in LANGUAGES for spec in PAGES],
    *[case(spec, "en", "dark") for spec in PAGES],
]
# Where a violation comes from Streamlit's own markup and the app cannot fix it: {(rule, CSS selector):
# why}. Nodes matching an entry are left out of the count. Empty: every serious one found so far is fixed.
EXCLUDED: dict[tuple[str, str], str] = {}

SCHEME_JS = """(scheme) =>
  getComputedStyle(document.querySelector('[data-testid=stApp]')).colorScheme === scheme"""
SIDEBAR_CLOSED_JS = """() =>
  document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right <= 0"""
SCROLLERS = '[data-testid="stCode"] pre, .katex-display'  # as in ui/accessibility/accessibility.js
# Every scroller is a tab stop exactly when it overflows (ui/accessibility has caught up with the page).
_SCROLLERS_MARKED_JS = """(selector) => [...document.querySelectorAll(selector)].every((element) =>
  (element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight)
  === (element.hasAttribute('data-cee-scroll') && element.tabIndex === 0))"""
_AXE_JS = """async ([options, excluded]) => {
  const results = await axe.run(document, options);
  const kept = (rule, node) => !excluded.some(([id, selector]) => id === rule
    && node.target.length === 1 && document.querySelector(node.target[0])?.matches(selector));
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.filter((node) => kept(violation.id, node)).map((node) => ({
      target: node.target.flat().join(" >> ").slice(-160),
      why: (node.any[0] || node.all[0] || node.none[0] || {}).message || "",
    })),
  })).filter((violation) => violation.nodes.length);
}"""


@pytest.fixture(scope="module")
def findings(request):
    """Rows (page, lang, theme, width, violations), printed as a table when the module ends (past
    pytest's output capture, so a passing run shows it too)."""
    rows = []
    yield rows
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if rows and capture is not None:
        with capture.global_and_fixture_disabled():
            print("\n" + "\n".join(findings_table(rows)))


def findings_table(rows):
    lines = [f"{'page':<11} {'lang':<4} {'theme':<5} {'width':>5}  serious+  moderate  minor  rules (nodes)"]
    for name, lang, theme, width, violations in rows:
        count = {impact: 0 for impact in ("critical", "serious", "moderate", "minor")}
        for violation in violations:
            count[violation["impact"]] += len(violation["nodes"])
        rules = ", ".join(f"{v['rule']} ({len(v['nodes'])}, {v['impact']})" for v in violations) or "-"
        blocking = count["critical"] + count["serious"]
        lines.append(
            f"{name:<11} {lang:<4} {theme:<5} {width:>5}  {blocking:>8}  {count['moderate']:>8}  "
            f"{count['minor']:>5}  {rules}"
        )
    return lines


def settle(page):
    """Idle, charts drawn, and ui/accessibility caught up marking the scrollable regions (it checks at
    most every 150 ms); if that last wait runs out, axe and the tests report what is unmarked."""
    wait_idle(page)
    wait_charts(page)
    try:
        page.wait_for_function(_SCROLLERS_MARKED_JS, arg=SCROLLERS, polling=100, timeout=5_000)
    except PlaywrightTimeoutError:
        pass


def audit(page, rules=None):
    """axe's violations on the page as it is: [{rule, impact, nodes: [{target, why}]}]."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    return page.evaluate(_AXE_JS, [options, [list(key) for key in EXCLUDED]])


def show_at_width(page, width):
    """Resize; below its breakpoint Streamlit slides the sidebar away, as a phone opens the app: wait
    for that, so axe sees what a phone shows."""
    page.set_viewport_size({"width": width, "height": 900})
    if width < 640:
        page.wait_for_function(SIDEBAR_CLOSED_JS)
    settle(page)


def blocking_lines(violations):
    return [
        f"{violation['rule']} ({violation['impact']}): {node['target']}: {node['why']}"
        for violation in violations
        if violation["impact"] in BLOCKING or violation["rule"] in BLOCKING_RULES
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize(
    ("spec", "lang", "theme"),
    CASES,
    ids=[f"{spec.name}-{lang}-{theme}" for spec, lang, theme in (case.values for case in CASES)],
)
def test_no_serious_or_critical_violations(page, findings, spec, lang, theme):
    query = f"lang={lang}" + ("&theme=dark" if theme == "dark" else "")
    page.goto(f"{spec.url_path}?{query}")
    wait_idle(page)
    page.wait_for_function(SCHEME_JS, arg=theme)  # ui/theme applies it when the first run is drawn
    problems = []
    for width in WIDTHS:
        show_at_width(page, width)
        violations = audit(page, COLOUR_RULES if theme == "dark" else None)
        findings.append((spec.name, lang, theme, width, violations))
        problems += [f"{width} px: {line}" for line in blocking_lines(violations)]
    assert not problems, f"{spec.name} ({lang}, {theme}):\n" + "\n".join(problems)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_headings_in_order(page, spec):
    """Every page's headings go down one level at a time (h1 title, h2 sections, h3 inside them), at
    both widths: axe's "heading-order" finds none out of order."""
    page.goto(f"{spec.url_path}?lang=en")
    problems = []
    for width in WIDTHS:
        show_at_width(page, width)
        problems += [f"{width} px: {line}" for line in blocking_lines(audit(page, ["heading-order"]))]
    assert not problems, f"{spec.name}:\n" + "\n".join(problems)


RING_JS = """(element) => {
  const style = getComputedStyle(element);
  return {focusVisible: element.matches(':focus-visible'), style: style.outlineStyle,
          width: parseFloat(style.outlineWidth), offset: parseFloat(style.outlineOffset)};
}"""


def tab_until(page, matches_js, max_presses=200):
    """Press Tab until the focused element satisfies `matches_js` (a JS predicate of the element)."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({matches_js})(document.activeElement)"):
            return page.evaluate_handle("() => document.activeElement").as_element()
    raise AssertionError(f"{max_presses} Tab presses never reached an element where {matches_js}")


def test_sidebar_links_show_a_focus_ring(page):
    """Keyboard focus on a page link draws a ring on screen (Streamlit draws none of its own)."""
    page.goto("/frameworks")
    wait_idle(page)
    link = tab_until(page, "(e) => e.dataset.testid === 'stSidebarNavLink'")
    ring = page.evaluate(RING_JS, link)
    assert ring["focusVisible"] and ring["style"] == "solid" and ring["width"] >= 2, ring
    box = link.bounding_box()
    # The band just above the link, where only the ring is drawn (outline-offset 2 px, width 2 px).
    band = {"x": box["x"], "y": box["y"] - ring["offset"] - ring["width"], "width": box["width"], "height": 2}
    focused = page.screenshot(clip=band)
    page.evaluate("() => document.activeElement.blur()")
    assert page.screenshot(clip=band) != focused, "the focus ring is not visible on screen"


def test_scrolling_code_takes_keyboard_focus_and_scrolls(page):
    """On the frameworks page, every code block or formula that overflows its column is a tab stop, and
    the arrow keys scroll it; one that fits is not a tab stop (checked at 390 and then 1280 px)."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/frameworks")
    settle(page)
    assert page.evaluate(_SCROLLERS_MARKED_JS, SCROLLERS)
    marked = page.locator("[data-cee-scroll]")
    assert marked.count() >= 10  # the API cards' code is wider than a phone
    scroller = tab_until(page, "(e) => e.hasAttribute('data-cee-scroll')")
    assert page.evaluate(RING_JS, scroller)["focusVisible"]
    before = scroller.evaluate("(e) => e.scrollLeft")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    # Key scrolling may be animated (smooth): wait for it to move rather than read it at once.
    page.wait_for_function("([e, before]) => e.scrollLeft > before", arg=[scroller, before], timeout=10_000)
    at_phone_width = marked.count()
    page.set_viewport_size({"width": 1280, "height": 900})
    settle(page)
    assert page.evaluate(_SCROLLERS_MARKED_JS, SCROLLERS)  # blocks that fit now lost their tab stop
    assert 0 < marked.count() < at_phone_width

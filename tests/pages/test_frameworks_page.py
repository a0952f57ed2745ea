"""The frameworks page through Streamlit's AppTest: every number shown is core's, the code shown is the
code the core tests execute, the symptom finder filters the cards, the batch comes from the URL or a
checked paste, and a bad link opens the defaults with a notice, in both languages."""

import pytest

from apptest_pages import open_app_page
from topics import frameworks
from topics.shared.formatting import fmt, fmt_signed
from topics.shared.i18n import STRINGS

PAGE = "frameworks"
EN, ZH = STRINGS["en"], STRINGS["zh"]


def open_page(**query):
    return open_app_page(PAGE, timeout=120, **query)


@pytest.fixture(scope="module")
def seed_app():
    return open_page()


def expected_metrics(state, symptom="all"):
    """The metric values in page order: each shown card's three, then each difference row's two."""
    values = []
    for card in frameworks.mistakes.matching(frameworks.mistakes.all_mistakes(state), symptom):
        values += [fmt(card.written.loss), fmt(card.meant.loss), fmt_signed(card.difference)]
    for row in frameworks.differences.diff_rows(state):
        values += [fmt(row.torch_value), fmt(row.keras_value)]
    return values


def shown_metrics(app):
    return [metric.value for metric in app.metric]


def card_titles(app):
    return [m.value for m in app.markdown if m.value.startswith("### #")]


def api_table_frame(app):
    return next(d.value for d in app.dataframe if EN["fw.col.agrees"] in d.value.columns)


def test_every_number_on_the_cards_and_differences_is_cores(seed_app):
    assert shown_metrics(seed_app) == expected_metrics(frameworks.state.FrameworkState())
    assert len(card_titles(seed_app)) == len(frameworks.mistakes.CARDS)


def test_keras_from_logits_card_shows_1_3359_against_1_2288(seed_app):
    keys = [card.key for card in frameworks.mistakes.all_mistakes(frameworks.state.FrameworkState())]
    start = 3 * keys.index("keras_from_logits")
    assert shown_metrics(seed_app)[start : start + 2] == ["1.3359", "1.2288"]


def test_agreement_table_rows_agree_and_show_cores_values(seed_app):
    rows = frameworks.apis.api_rows(frameworks.state.FrameworkState())
    frame = api_table_frame(seed_app)
    assert list(frame[EN["fw.col.value"]]) == [fmt(r.value, 7) for r in rows]
    assert set(frame[EN["fw.col.agrees"]]) == {"✓"}
    assert list(frame[EN["fw.col.call"]]) == [r.call for r in rows]
    reference = rows[0].value
    assert all(abs(r.value - reference) <= 1e-6 for r in rows)


def test_the_code_shown_is_the_code_the_core_tests_run(seed_app):
    state = frameworks.state.FrameworkState()
    shown = {code.value for code in seed_app.code}
    snippets = [card.snippet for card in frameworks.mistakes.all_mistakes(state)]
    snippets += [row.snippet for row in frameworks.apis.api_rows(state)]
    for row in frameworks.differences.diff_rows(state):
        snippets += [row.torch_snippet, row.keras_snippet]
    missing = [snippet.splitlines()[-1] for snippet in snippets if snippet not in shown]
    assert not missing


@pytest.mark.parametrize(
    ("symptom", "numbers"),
    [
        ("negative", ["3a", "3b"]),
        ("spikes", ["4", "6b", "8"]),
        ("framework", ["4"]),
        ("floor", ["1", "2", "4"]),
    ],
)
def test_symptom_finder_names_and_shows_only_the_matching_cards(symptom, numbers):
    app = open_page()
    app.selectbox(key="fw_symptom").set_value(symptom).run()
    assert not app.exception
    assert [title.split(" · ")[0] for title in card_titles(app)] == [f"### #{n}" for n in numbers]
    assert shown_metrics(app) == expected_metrics(frameworks.state.FrameworkState(), symptom)
    assert any(f"#{numbers[0]} " in box.value for box in app.info)  # the box naming the cards
    assert app.query_params["fw_symptom"] in (symptom, [symptom])


def test_url_sets_the_batch_weights_and_big_logit():
    state = frameworks.state.FrameworkState(
        logits=((1.0, -2.0), (0.5, 3.0), (4.0, 0.0)), labels=(1, 1, 0), weight=(2.0, 0.5), big_logit=10.0
    )
    app = open_page(fw_logits="1,-2;0.5,3;4,0", fw_labels="1,1,0", fw_weight="2,0.5", fw_big="10")
    assert shown_metrics(app) == expected_metrics(state)
    assert app.slider(key="fw_big").value == 10.0
    assert not [w for w in app.warning if "link" in w.value.lower()]


@pytest.mark.parametrize(
    "query",
    [
        {"fw_logits": "abc"},
        {"fw_big": "1e308"},
        {"fw_labels": "0,7"},  # class 7 of 3
        {"fw_weight": "1,2"},  # two weights for three classes
        {"fw_symptom": "<script>"},
        {"fw_logits": "1," * 2000},
    ],
)
def test_bad_url_values_give_defaults_and_a_notice(query):
    app = open_page(**query)
    assert shown_metrics(app) == expected_metrics(frameworks.state.FrameworkState())
    notices = [w.value for w in app.warning]
    assert any(EN["app.notice_bad_url"].split(":")[0] in notice for notice in notices)


def test_paste_replaces_the_batch_and_a_bad_paste_keeps_it():
    app = open_page()
    app.text_area(key="fw_paste_logits").set_value("tensor([[0.0, 5.0, -1.0, 2.0]])")
    app.text_input(key="fw_paste_labels").set_value("tensor([3])")
    app.button(key="fw_paste_apply").click().run()
    assert not app.exception
    state = frameworks.state.FrameworkState(
        logits=((0.0, 5.0, -1.0, 2.0),), labels=(3,), weight=(1.0, 1.0, 1.0, 2.0)
    )
    assert shown_metrics(app) == expected_metrics(state)
    assert app.query_params["fw_logits"] in ("0,5,-1,2", ["0,5,-1,2"])
    app.text_area(key="fw_paste_logits").set_value("[[1, 2], [3, inf]]")
    app.button(key="fw_paste_apply").click().run()
    assert not app.exception
    assert shown_metrics(app) == expected_metrics(state)
    assert any(EN["fw.keeps_batch"] in e.value for e in app.error)


def test_big_logit_slider_moves_card_8():
    app = open_page()
    app.slider(key="fw_big").set_value(5.0).run()
    assert shown_metrics(app) == expected_metrics(frameworks.state.FrameworkState(big_logit=5.0))


def test_check_panel_adds_live_values_that_agree():
    app = open_page()
    app.session_state["fw_check_open"] = True  # the panel is built only while open
    app.run()
    app.toggle(key="fw_check").set_value(True).run()
    assert not app.exception
    frame = next(d.value for d in app.dataframe if EN["fw.col.live"] in d.value.columns)
    rows = frameworks.apis.api_rows(frameworks.state.FrameworkState())
    live = list(frame[EN["fw.col.live"]])
    torch_live = [value for value, row in zip(live, rows, strict=True) if row.framework == "PyTorch"]
    assert torch_live == [fmt(row.value, 7) for row in rows if row.framework == "PyTorch"]
    assert EN["check.not_run"] == live[-1]  # NumPy is core's own arithmetic: nothing to run
    assert any("agrees with core" in m.value for m in app.markdown)


def test_chinese_page_has_chinese_titles_and_the_same_numbers():
    app = open_page(lang="zh")
    assert app.title[0].value == ZH["fw.title"]
    assert shown_metrics(app) == expected_metrics(frameworks.state.FrameworkState())
    assert card_titles(app)[0] == f"### #1 · {ZH['fw.m.double_softmax.title']}"
    assert app.metric[0].label == ZH["fw.card.loss_written"]


def test_each_card_shows_cores_gradients(seed_app):
    shown = "\n".join(code.value for code in seed_app.code)
    for card in frameworks.mistakes.all_mistakes(frameworks.state.FrameworkState()):
        for outcome in (card.written, card.meant):
            for row in frameworks.words.gradient_text(outcome).splitlines():
                assert "  " + row in shown, card.key

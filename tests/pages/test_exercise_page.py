"""Exercises, lessons and presenter mode through Streamlit's AppTest: a teacher's exercise made on a page
opens from its link with the same locked and hidden controls and the same check; a hostile link opens the
page with a notice; a lesson started from the lessons page is checked from the page's live state."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_pages import APP, open_app_page, page_script
from topics.lessons import lessons as path
from topics.lessons.snippet_fix import STARTING_CODE, check_fix
from topics.registry import BY_NAME
from topics.shared.exercises import MAX_CHECKS
from topics.shared.formatting import fmt
from topics.shared.i18n import STRINGS
from ui.controls import CONTROL_MODES
from ui.exercise import OPENED

EN = STRINGS["en"]


def open_page(name, **query):
    """The page through app.py (its shell: language, presenter mode) with `query` in the URL."""
    if not BY_NAME[name].default:
        return open_app_page(name, **query)  # the page's ensure_app_shell reruns it through app.py
    app = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, app.exception
    return app


def current_values(specs, app):
    """The control values the app's session holds."""
    return {spec.key: app.session_state[spec.key] for spec in specs if spec.key in app.session_state}


def texts(app):
    """Every piece of text the page shows (markdown, text, captions, alerts)."""
    found = [element.value for kind in ("markdown", "text", "caption") for element in getattr(app, kind)]
    return found + [
        box.value for kind in ("warning", "success", "info", "error") for box in getattr(app, kind)
    ]


def open_maker(app):
    app.session_state["ex_make"] = True  # what a click on the expander sets
    app.run()
    assert not app.exception, app.exception
    return app


def made_link(app):
    """The link the exercise maker shows."""
    links = [code.value for code in app.code if "://" in code.value]
    assert len(links) == 1, links
    return links[0]


def query_of(link):
    return dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))


@pytest.mark.parametrize("page", [name for name, entry in BY_NAME.items() if entry.checkable])
def test_every_page_offers_the_exercise_maker_with_a_link_and_a_qr_code(page):
    app = open_page(page)
    assert EN["ex.make"] in [expander.label for expander in app.expander]
    page_images = {image.proto.imgs[0].url for image in app.get("image")}  # the outputs page's digits
    link = made_link(open_maker(app))
    assert urlsplit(link).path.rstrip("/") == ("" if BY_NAME[page].default else f"/{page}")
    assert query_of(link)["ex_check"].split(":")[0] in ("near", "between", "below", "above", "logk")
    # nothing was made while the maker was closed; now one image more: the QR code, an SVG
    qr_code = [image for image in app.get("image") if image.proto.imgs[0].url not in page_images]
    assert len(qr_code) == 1 and qr_code[0].proto.imgs[0].url


def test_an_exercise_made_on_the_playground_opens_from_its_link_with_the_same_locks_hides_and_check():
    teacher = open_maker(open_page("playground", pg_t="2"))
    teacher.multiselect(key="ex_make_lock").set_value(["pg_z0", "pg_class"]).run()
    teacher.multiselect(key="ex_make_hide").set_value(["pg_k"]).run()
    teacher.text_area(key="ex_make_task").input("Make the loss < 0.1 using only the temperature.").run()
    teacher.selectbox(key="ex_make_quantity_0").set_value("loss").run()
    teacher.selectbox(key="ex_make_kind_0").set_value("below").run()
    teacher.number_input(key="ex_make_n0_0_loss_below").set_value(0.1).run()
    assert not teacher.exception
    query = query_of(made_link(teacher))
    assert query["pg_t"] == "2" and query["ex_lock"] == "pg_z0,pg_class" and query["ex_hide"] == "pg_k"

    student = open_page("playground", **query)
    exercise = student.session_state[OPENED]["playground"]
    assert exercise.locked == ("pg_z0", "pg_class") and exercise.hidden == ("pg_k",)
    assert [check.text() for check in exercise.checks] == ["below:loss:0.1"]
    assert dict(exercise.locked_values) == {"pg_z0": 2.0, "pg_class": 0}
    assert student.session_state[CONTROL_MODES] == {"pg_z0": "locked", "pg_class": "locked", "pg_k": "hidden"}
    assert "Make the loss < 0.1 using only the temperature." in [text.value for text in student.text]
    assert EN["ex.make"] not in [expander.label for expander in student.expander]  # the maker gives way
    student.segmented_control(key="pg_input").set_value("sliders").run()
    assert student.slider(key="pg_z0").disabled and not student.slider(key="pg_z1").disabled
    assert "pg_k" not in [slider.key for slider in student.slider]  # hidden: not drawn
    assert EN["ex.not_yet"] in texts(student)
    student.slider(key="pg_t").set_value(0.3).run()
    assert EN["ex.done"] in texts(student)
    assert student.query_params["ex_check"] == "below:loss:0.1"  # a reload keeps the exercise


def test_an_exercise_with_several_checks_round_trips_and_the_student_sees_each_check():
    teacher = open_maker(open_page("playground", pg_input="sliders"))
    teacher.selectbox(key="ex_make_quantity_0").set_value("loss").run()
    teacher.selectbox(key="ex_make_kind_0").set_value("below").run()
    teacher.number_input(key="ex_make_n0_0_loss_below").set_value(0.1).run()
    teacher.button(key="ex_make_add").click().run()
    teacher.selectbox(key="ex_make_quantity_1").set_value("p0").run()
    teacher.selectbox(key="ex_make_kind_1").set_value("above").run()
    teacher.number_input(key="ex_make_n0_1_p0_above").set_value(0.85).run()
    teacher.button(key="ex_make_add").click().run()
    teacher.selectbox(key="ex_make_quantity_2").set_value("entropy").run()
    teacher.button(key="ex_make_remove_2").click().run()  # a third check, then removed
    assert not teacher.exception
    assert EN["ex.make.summary"].format(passing=0, total=2) in texts(teacher)
    query = query_of(made_link(teacher))
    assert query["ex_check"] == "below:loss:0.1;above:p0:0.85"

    student = open_page("playground", **query)
    exercise = student.session_state[OPENED]["playground"]
    assert [check.text() for check in exercise.checks] == ["below:loss:0.1", "above:p0:0.85"]
    assert EN["ex.checks_summary"].format(passing=0, total=2) in texts(student)
    student.slider(key="pg_z0").set_value(3.5).run()  # p0 0.897 passes, the loss 0.109 does not
    assert EN["ex.checks_summary"].format(passing=1, total=2) in texts(student)
    assert EN["ex.not_yet"] in texts(student)
    lines = [text for text in texts(student) if ":material/" in text and "·" in text]
    assert len(lines) == 2 and "unchecked" in lines[0] and "check_circle" in lines[1]
    playground = BY_NAME["playground"]
    now = playground.checkable.quantities(current_values(playground.url_specs(), student))
    assert lines[0].endswith(fmt(now["loss"])) and lines[1].endswith(fmt(now["p0"]))  # the values it sees now
    student.slider(key="pg_z0").set_value(4.0).run()
    assert EN["ex.checks_summary"].format(passing=2, total=2) in texts(student)
    assert EN["ex.done"] in texts(student)


def test_the_maker_offers_at_most_the_limit_of_checks():
    teacher = open_maker(open_page("playground", pg_input="sliders"))
    for _ in range(MAX_CHECKS - 1):
        teacher.button(key="ex_make_add").click().run()
    assert teacher.session_state["ex_make_rows"] == list(range(MAX_CHECKS))
    assert teacher.button(key="ex_make_add").disabled
    assert len(query_of(made_link(teacher))["ex_check"].split(";")) <= MAX_CHECKS


def test_a_locked_logit_disables_the_paste_and_keeps_its_value_through_a_random_draw():
    app = open_page("playground", ex_lock="pg_z0", ex_check="below:loss:0.1")
    assert app.text_input(key="pg_paste").disabled  # a paste would set the locked logit
    app.button(key="pg_random_button").click().run()
    assert app.session_state["pg_z0"] == 2.0


HOSTILE = [
    {"ex_task": "<script>alert('x')</script>", "ex_check": "below:loss:0.1"},
    {"ex_task": "<img src=x onerror=alert(1)>"},
    {"ex_task": "broken \ufffd text", "ex_check": "below:loss:0.1"},
    {"ex_task": "x" * 5000},
    {"ex_check": "below:loss:nan"},
    {"ex_check": "eval:__import__('os'):1"},
    {"ex_check": "below:loss:1;" * 40},
    {"ex_check": ";".join(f"below:loss:{n}" for n in range(1, 6))},  # five checks: one over the limit
    {"ex_check": "below:loss:0.1;;above:p0:0.5"},  # an empty check
    {"ex_check": "below:loss:0.1;above:p0:0.5;"},
    {"ex_check": "below:loss:0.1;below:loss:0.1"},  # the same check twice
    {"ex_check": "below:loss:0.1;above:p0:0.5;between:p1:0.9:0.1"},  # one bad among good ones
    {"ex_check": "below:loss:0.1;above:__class__:0.5"},
    {"ex_check": "below:loss:0.1;above:p0:1e999"},
    {"ex_lock": "pg_z0,no_such_control"},
    {"ex_hide": "lang"},
    {"lesson": "no_such_lesson"},
    {"lesson": "soft_label"},  # a lesson of another page
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_or_broken_exercise_link_opens_the_page_with_a_notice(query):
    app = open_page("playground", **query)
    notices = [box.value for box in app.warning]
    assert any(notice.startswith(EN["ex.notice_bad"].split("(")[0]) for notice in notices), notices
    assert not app.session_state[OPENED].get("playground")
    assert not any(
        "<script>" in text or "<img" in text for text in texts(app) if "could not be used" not in text
    )
    assert app.metric[0].value == "0.4170"  # the page itself works


def test_a_lesson_started_from_the_lessons_page_is_checked_and_marked_done():
    app = open_page("lessons")
    assert EN["ls.progress"].format(done=0, total=10) in [bar.proto.text for bar in app.get("progress")]
    app.button(key="ls_start_temperature").click().run()
    assert not app.exception
    assert app.session_state[OPENED]["playground"].lesson == "temperature"
    heading = EN["ex.lesson_heading"].format(number=3, total=10, title=EN["ls.temperature.title"])
    assert f"**{heading}**" in texts(app)
    assert EN["ex.answer_after_try"] in texts(app) and EN["ex.not_yet"] in texts(app)
    app.switch_page(page_script("playground"))  # AppTest's next runs stay on the page it was told
    app.segmented_control(key="pg_input").set_value("sliders").run()
    assert app.slider(key="pg_z0").disabled and not app.slider(key="pg_t").disabled
    app.slider(key="pg_t").set_value(0.5).run()
    assert EN["ex.not_yet"] in texts(app)
    assert EN["ex.answer"] in [expander.label for expander in app.expander]  # the answer, after a try
    app.slider(key="pg_t").set_value(0.4).run()
    assert EN["ex.done"] in texts(app)
    app.switch_page(page_script("lessons")).run()
    assert EN["ls.progress"].format(done=1, total=10) in [bar.proto.text for bar in app.get("progress")]


def test_an_explain_lesson_asks_its_question_only_after_the_state_is_produced_on_the_page():
    app = open_page("batch", lesson="all_ignored")
    assert EN["ex.question_after_state"] in texts(app)
    assert EN["ls.all_ignored.question"] not in " ".join(texts(app))
    app.session_state["bt_labels"] = (-100, -100)  # what editing both labels in the table sets
    app.run()
    assert app.metric[0].value == "NaN"  # the student sees the NaN on the page
    assert EN["ls.all_ignored.question"] in " ".join(texts(app))
    app.radio(key="ls_choice_all_ignored").set_value(1).run()
    app.button(key="ls_check_all_ignored").click().run()
    wrong = f"{EN['ex.answer_wrong']} {EN['ls.all_ignored.why.1']}"
    assert wrong in [box.value for box in app.error]  # why that option is wrong
    assert EN["ex.not_yet"] in texts(app)
    app.radio(key="ls_choice_all_ignored").set_value(0).run()
    app.button(key="ls_check_all_ignored").click().run()
    assert f"{EN['ex.answer_right']} {EN['ls.all_ignored.why.0']}" in [box.value for box in app.success]
    assert EN["ex.done"] in texts(app)


def test_the_fix_the_snippet_lesson_reads_the_students_code_and_says_what_it_computes():
    app = open_page("binary", bin_mistake="1", lesson="api_mistake")
    assert app.toggle(key="bin_mistake").disabled  # the page's switch would show the fix
    editor = app.text_area(key="ls_code_api_mistake")
    assert editor.value == STARTING_CODE
    assert EN["ls.code.not_checked"] in texts(app)
    editor.input(STARTING_CODE.replace("loss_fn(y_pred", "loss_fn(torch.sigmoid(y_pred)")).run()
    app.button(key="ls_code_check_api_mistake").click().run()
    assert EN["ls.code.double_sigmoid"].format(line=8) in [box.value for box in app.error]
    assert EN["ex.not_yet"] in texts(app)
    app.text_area(key="ls_code_api_mistake").input("loss = (").run()
    app.button(key="ls_code_check_api_mistake").click().run()
    assert any(box.value.startswith(EN["ls.code.syntax"].split("(")[0]) for box in app.error)
    fixed = STARTING_CODE.replace("nn.BCEWithLogitsLoss()", "nn.BCELoss()")
    app.text_area(key="ls_code_api_mistake").input(fixed).run()
    app.button(key="ls_code_check_api_mistake").click().run()
    assert EN["ls.code.right"].format(line=8) in [box.value for box in app.success]
    verdict = check_fix(fixed)
    assert EN["ls.code.loss"].format(loss=fmt(verdict.loss), intended=fmt(verdict.intended)) in texts(app)
    assert EN["ex.done"] in texts(app)
    app.button(key="ls_code_reset_api_mistake").click().run()
    assert app.text_area(key="ls_code_api_mistake").value == STARTING_CODE


def test_each_lesson_link_opens_its_page_with_the_lesson_in_chinese_too():
    for lesson in path.LESSONS:
        specs = BY_NAME[lesson.page].url_specs()
        query = {
            spec.key: spec.encode(lesson.values[spec.key]) for spec in specs if spec.key in lesson.values
        }
        app = open_page(lesson.page, lesson=lesson.id, lang="zh", **query)
        assert app.session_state[OPENED][lesson.page].lesson == lesson.id
        assert STRINGS["zh"][f"ls.{lesson.id}.goal"] in texts(app)


def test_presenter_mode_hides_the_sidebar_and_the_maker_and_can_be_left():
    app = open_page("playground", present="1", ex_hide="pg_k", ex_check="below:loss:0.1")
    styles = " ".join(element.proto.body for element in app.get("html"))
    assert "stSidebar" in styles and "font-size" in styles and ".st-key-pg_k" in styles
    assert app.query_params["present"] == "1"
    app.button(key="ex_present_exit").click().run()
    assert "present" not in dict(app.query_params)
    assert "stSidebar" not in " ".join(element.proto.body for element in app.get("html"))


@pytest.mark.parametrize("page", ["lessons", "training"])
def test_presenter_mode_has_its_exit_button_on_pages_without_an_exercise_panel(page):
    app = open_page(page, present="1")
    assert "stSidebar" in " ".join(element.proto.body for element in app.get("html"))
    if page == "lessons":
        assert app.query_params["present"] == "1"  # a reload stays in presenter mode
    app.button(key="ex_present_exit").click().run()
    assert not app.exception
    assert "stSidebar" not in " ".join(element.proto.body for element in app.get("html"))
    assert "present" not in dict(app.query_params)

"""Lessons: the guided path, in order, with each lesson's goal, its page and whether it is done."""

import streamlit as st

from topics.lessons import lessons as path
from topics.registry import BY_NAME
from ui import progress
from ui.exercise import follow_switch, presenter_params, start_lesson
from ui.language import t
from ui.shell import ensure_app_shell
from ui.url_state import publish

ensure_app_shell()
follow_switch()
st.title(t("ls.title"))
st.write(t("ls.intro"))
done = progress.done_lessons(path.BY_ID)
with st.container(key="ls_progress"):
    st.progress(len(done) / len(path.LESSONS), text=t("ls.progress", done=len(done), total=len(path.LESSONS)))
if len(done) == len(path.LESSONS):
    st.success(t("ls.all_done"), icon=":material/celebration:")

for number, lesson in enumerate(path.LESSONS, start=1):
    finished = lesson.id in done
    with st.container(border=True, key=f"ls_card_{lesson.id}"):
        page_title = t(BY_NAME[lesson.page].title_key)
        st.caption(t("ls.number", number=number, page=page_title))
        st.markdown(f"## {t(f'ls.{lesson.id}.title')}")
        st.markdown(t(f"ls.{lesson.id}.goal"))
        with st.container(horizontal=True, vertical_alignment="center"):
            label, kind = (t("ls.again"), "secondary") if finished else (t("ls.start"), "primary")
            icon = ":material/play_arrow:"
            st.button(
                label,
                key=f"ls_start_{lesson.id}",
                type=kind,
                icon=icon,
                on_click=start_lesson,
                args=(lesson,),
            )
            if finished:
                st.badge(t("ls.done"), icon=":material/check:", color="green")
            else:
                st.badge(t("ls.open"), color="gray")

st.caption(t("ls.saved_note"))
st.button(t("ls.reset"), key="ls_reset", on_click=progress.forget, icon=":material/restart_alt:")
progress.sync(path.BY_ID)
presenter_params()
publish([])

"""Streamlit helpers that several pages share: language, URL state. (Every .py file in pages/ is a page,
so shared helpers live here.)"""

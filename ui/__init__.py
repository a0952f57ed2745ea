"""Streamlit helpers and components the pages draw with: the check panel, messages after callbacks,
controls drawn from URL specs, editable tables, readouts, charts, URL state, language, errors, and the
drag bars, history and theme components. (Every .py file in pages/ is a page, so they live here.)"""

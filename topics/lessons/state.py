"""The lessons page has no controls of its own in the URL: progress lives in the session and in the
browser's local storage (ui.progress), and a lesson's state in its page's own URL parameters."""


def url_specs():
    return []

"""A minimal Streamlit client: what a browser tab does, in protobuf, over Streamlit's own websocket.

The browser loads the page and /_stcore/health over HTTP (which set, behind a balancer, the affinity
cookie, and the `_streamlit_xsrf` cookie), opens ws://host/_stcore/stream with the subprotocols
["streamlit", <xsrf token>, <session id to resume>], then sends BackMsg(rerun_script=ClientState) for
the first run and for every widget change. The server answers with ForwardMsgs: new_session,
navigation, delta (one per element), page_info_changed (the URL query string), script_finished.

This module has no Locust in it, so tests can drive a session directly; bench/load/locustfile.py wraps
it in a Locust user.
"""

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
RUN_DONE = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
ERROR_ALERT_FORMAT = 1  # Alert.Format.ERROR: st.error, which the friendly error box (ui/errors.py) uses
ERROR_ID = re.compile(r"\b[0-9a-f]{8}\b")  # ui.errors.new_error_id()
MAX_CACHED_MESSAGE_AGE = 2  # global.maxCachedMessageAge: runs a cached message is kept without use


@dataclass
class Slider:
    """A slider seen in a run: its widget id, its range, and the fragment it lives in (if any)."""

    widget_id: str
    key: str
    minimum: float
    maximum: float
    step: float
    is_int: bool
    default: float
    fragment_id: str = ""

    def value_at(self, fraction):
        """The value on the slider's step grid closest to `fraction` of the way from min to max."""
        steps = round((self.maximum - self.minimum) / self.step)
        value = self.minimum + round(fraction * steps) * self.step
        return int(round(value)) if self.is_int else round(value, 10)

    def random_value(self, rng):
        """A random value on the grid that differs from the default (a default is left out of the URL).

        `default` is the value the slider had when the session first drew it: for a session opened
        without URL parameters, the page's default."""
        while True:
            value = self.value_at(rng.random())
            if abs(value - self.default) > self.step / 2:
                return value


@dataclass
class RunResult:
    """What one script run sent back."""

    seconds: float
    status: str
    sliders: dict = field(default_factory=dict)
    exceptions: list = field(default_factory=list)
    error_boxes: list = field(default_factory=list)
    query_string: str | None = None
    buttons: dict = field(default_factory=dict)  # key -> widget id of each enabled button drawn
    received_bytes: int = 0  # the size of every message the server sent for this run

    @property
    def problems(self):
        """Exceptions and friendly error boxes shown to the visitor, as text."""
        return self.exceptions + self.error_boxes


class MessageCache:
    """The browser's cache of large messages (Streamlit's ForwardMessageCache): a message the server marks
    cacheable (an element of 10 kB or more) is kept under its hash, every rerun request lists the hashes
    kept, and the server then sends an element that did not change as a short reference (`ref_hash`)
    instead of the whole message. A message not sent or referenced for MAX_CACHED_MESSAGE_AGE runs goes,
    counted as the browser counts them (its ForwardMessageCache.incrementRunCount): a run that ended early
    for a rerun does not count, and a fragment run ages only that fragment's messages. Counting those runs
    too made the client drop messages the server still listed for it (st.rerun reuses the first run's
    hashes): 4 of 454 changes at 30 students failed with "referred to a message not in the cache"."""

    def __init__(self):
        self.messages = {}  # hash -> ForwardMsg
        self.last_used = {}  # hash -> the run count when it was last sent or referenced
        self.fragment_of = {}  # hash -> the fragment that drew the message ("" outside fragments)
        self.runs = 0

    def hashes(self):
        return sorted(self.messages)

    def resolve(self, message):
        """The message itself (kept if cacheable), or for a reference the cached message it names."""
        if message.WhichOneof("type") == "ref_hash":
            if message.ref_hash not in self.messages:
                raise SessionError(f"the server referred to a message not in the cache: {message.ref_hash}")
            self.last_used[message.ref_hash] = self.runs
            cached = ForwardMsg()
            cached.CopyFrom(self.messages[message.ref_hash])
            cached.metadata.CopyFrom(message.metadata)  # where the element goes in this run
            return cached
        if message.metadata.cacheable and message.hash:
            self.messages[message.hash] = message
            self.last_used[message.hash] = self.runs
            self.fragment_of[message.hash] = message.delta.fragment_id if message.HasField("delta") else ""
        return message

    def run_finished(self, fragment_id=""):
        """A run finished (a fragment run if `fragment_id`): drop the messages it left unused too long."""
        self.runs += 1
        for old, run in list(self.last_used.items()):
            if fragment_id and self.fragment_of[old] != fragment_id:
                continue  # a fragment run does not touch the rest of the page
            if self.runs - run > MAX_CACHED_MESSAGE_AGE:
                del self.messages[old], self.last_used[old], self.fragment_of[old]


class SessionError(Exception):
    """The server closed the connection, timed out or finished a run abnormally."""


class StreamlitSession:
    """One browser tab on one page of a running Streamlit app."""

    def __init__(self, base_url, page="", timeout=60.0):
        self.base_url = base_url.rstrip("/")
        self.page = page
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.session_id = None
        self.page_script_hash = ""
        self.sliders = {}
        self.buttons = {}
        self.page_paths = {}  # page script hash -> url path, from the navigation message
        self.socket = None
        self.message_cache = MessageCache()

    # Connection

    def load_page(self):
        """GET the page, then /_stcore/health, as the browser does before it connects: the page's
        response carries a balancer's affinity cookie, the health check's the XSRF cookie."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        for path in (self.page, "_stcore/health"):
            with opener.open(f"{self.base_url}/{path}", timeout=self.timeout) as response:
                response.read()

    def connect(self, resume=False):
        """Open the websocket; with `resume`, ask the server to resume this object's earlier session."""
        xsrf = next((c.value for c in self.cookies if c.name == "_streamlit_xsrf"), "")
        protocols = ["streamlit", xsrf] + ([self.session_id] if resume and self.session_id else [])
        cookie_header = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        ws_url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        self.socket = websocket.create_connection(
            ws_url, subprotocols=protocols, cookie=cookie_header or None, timeout=self.timeout
        )

    def open(self):
        """Load the page, connect, and run the page once (as opening a tab does)."""
        self.load_page()
        self.connect()
        return self.rerun()

    def close(self):
        if self.socket is not None:
            self.socket.close()
            self.socket = None

    # Runs

    def rerun(self, widget_states=(), fragment_id="", query_string=""):
        """Send a rerun with `widget_states` and wait for script_finished; the run's result.

        query_string is sent empty on purpose: the pages restore from the URL only on a session's first
        run, so a URL that comes back holding earlier values proves the server kept the session's state."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query_string
        state.page_name = self.page
        state.page_script_hash = self.page_script_hash
        state.fragment_id = fragment_id
        state.widget_states.widgets.extend(widget_states)
        state.cached_message_hashes.extend(self.message_cache.hashes())
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base_url}/{self.page}"
        started = time.perf_counter()
        self.socket.send_binary(message.SerializeToString())
        return self._read_run(started, fragment_id)

    def set_slider(self, slider, value):
        """Move one slider to `value` (the browser sends a slider's value as a one-element double array)."""
        widget = WidgetState(id=slider.widget_id)
        widget.double_array_value.data.append(float(value))
        return self.rerun([widget], fragment_id=slider.fragment_id)

    def click(self, key):
        """Press the button with this key (the browser sends a button press as a one-run trigger)."""
        return self.rerun([WidgetState(id=self.buttons[key], trigger_value=True)])

    def go_to(self, url_path):
        """Open another page of the app in this session, as a click on the sidebar's navigation does."""
        hashes = {path: script_hash for script_hash, path in self.page_paths.items()}
        self.page, self.page_script_hash = url_path, hashes[url_path]
        return self.rerun()

    def _read_run(self, started, fragment_id=""):
        result = RunResult(seconds=0.0, status="")
        while True:
            message = ForwardMsg()
            try:
                frame = self.socket.recv()
            except (websocket.WebSocketException, OSError) as error:
                raise SessionError(f"connection lost: {type(error).__name__}: {error}") from error
            if not frame:
                raise SessionError("connection closed by the server")
            message.ParseFromString(frame)
            result.received_bytes += len(frame)
            message = self.message_cache.resolve(message)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id
                self.page_script_hash = message.new_session.page_script_hash or self.page_script_hash
            elif kind == "navigation":
                self.page_script_hash = message.navigation.page_script_hash or self.page_script_hash
                for app_page in message.navigation.app_pages:
                    # the default page lives at /
                    url_path = "" if app_page.is_default else app_page.url_pathname
                    self.page_paths[app_page.page_script_hash] = url_path
            elif kind == "page_info_changed":
                result.query_string = message.page_info_changed.query_string
            elif kind == "delta":
                self._read_delta(message.delta, result)
            elif kind == "script_finished":
                if message.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # the script reruns at once (st.rerun); wait for that run
                fragment_run = message.script_finished == FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                self.message_cache.run_finished(fragment_id if fragment_run else "")
                result.seconds = time.perf_counter() - started
                result.status = FINISHED.Name(message.script_finished)
                for key, slider in result.sliders.items():
                    if key in self.sliders:  # the page's default is the value first seen
                        slider.default = self.sliders[key].default
                # the page this run ended on (st.switch_page may have moved the session to another)
                self.page = self.page_paths.get(self.page_script_hash, self.page)
                if message.script_finished == FINISHED.FINISHED_SUCCESSFULLY:
                    self.sliders = result.sliders  # a full run draws every slider the page has now
                    self.buttons = result.buttons
                else:
                    self.sliders.update(result.sliders)  # a fragment run redraws its own
                    self.buttons.update(result.buttons)
                if message.script_finished not in RUN_DONE:
                    raise SessionError(f"run ended with {result.status}")
                return result

    def _read_delta(self, delta, result):
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "slider" and not element.slider.disabled:
            slider = slider_from_proto(element.slider, delta.fragment_id)
            if slider is not None:
                result.sliders[slider.key] = slider
        elif kind == "button" and not element.button.disabled:
            result.buttons[element.button.id.rsplit("-", 1)[-1]] = element.button.id
        elif kind == "exception":
            result.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == ERROR_ALERT_FORMAT:
            if ERROR_ID.search(element.alert.body):
                result.error_boxes.append(element.alert.body)


def slider_from_proto(proto, fragment_id):
    """A single-value slider's Slider (range sliders, with two values, are skipped)."""
    if len(proto.default) != 1:
        return None
    key = proto.id.rsplit("-", 1)[-1]  # widget ids end in the user key: "$$ID-<hash>-pg_z0"
    is_int = proto.data_type == proto.DataType.INT
    step = proto.step or 1.0
    # A widget made with key= only has min as its proto default; its value comes from session state,
    # sent as `value` with set_value. That value, in a fresh session, is the page's default.
    current = proto.value[0] if proto.set_value and proto.value else proto.default[0]
    return Slider(proto.id, key, proto.min, proto.max, step, is_int, current, fragment_id)


def query_values(query_string):
    """The URL query string as {key: value}."""
    return dict(urllib.parse.parse_qsl(query_string or ""))


def app_pages():
    """(url path, script) of every page of the app (topics.registry): the url path is "" for the
    default page. New pages join the load test and the hosting tests by themselves."""
    from topics.registry import PAGES

    return [(page.url_path, page.script) for page in PAGES]


def app_url_paths():
    """The url path of every page of the app ("" for the default page)."""
    return [url_path for url_path, _ in app_pages()]

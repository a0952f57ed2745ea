"""The load test's student keeps Streamlit's message cache as the browser does (bench/load/st_client.py's
MessageCache against the frontend's ForwardMessageCache): what it keeps decides which hashes it lists in
a rerun request, and the server sends a reference to any message in that list."""

import sys
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "load"))
from st_client import MAX_CACHED_MESSAGE_AGE, MessageCache, SessionError  # noqa: E402


def element(hash_, fragment_id=""):
    """A cacheable element message as the server sends it the first time."""
    message = ForwardMsg(hash=hash_)
    message.metadata.cacheable = True
    message.delta.fragment_id = fragment_id
    message.delta.new_element.markdown.body = f"element {hash_}"
    return message


def reference(hash_):
    message = ForwardMsg(ref_hash=hash_)
    message.metadata.delta_path.extend([0, 1])
    return message


def test_a_reference_comes_back_as_the_cached_element_at_its_new_place():
    cache = MessageCache()
    cache.resolve(element("a"))
    resolved = cache.resolve(reference("a"))
    assert resolved.delta.new_element.markdown.body == "element a"
    assert list(resolved.metadata.delta_path) == [0, 1]
    with pytest.raises(SessionError, match="not in the cache"):
        cache.resolve(reference("never-sent"))


def test_a_message_unused_for_more_than_the_maximum_age_of_full_runs_goes():
    cache = MessageCache()
    cache.resolve(element("a"))
    for _ in range(MAX_CACHED_MESSAGE_AGE):
        cache.run_finished()
    assert cache.hashes() == ["a"]
    cache.run_finished()
    assert cache.hashes() == []


def test_fragment_runs_age_only_their_own_fragments_messages():
    cache = MessageCache()
    cache.resolve(element("page"))
    cache.resolve(element("inside", fragment_id="f1"))
    cache.resolve(element("other", fragment_id="f2"))
    for _ in range(MAX_CACHED_MESSAGE_AGE + 1):
        cache.run_finished(fragment_id="f1")
    assert cache.hashes() == ["other", "page"]  # a browser still shows them: the server may refer to them


def test_a_referenced_message_stays_young():
    cache = MessageCache()
    cache.resolve(element("a"))
    for _ in range(MAX_CACHED_MESSAGE_AGE + 2):
        cache.resolve(reference("a"))
        cache.run_finished()
    assert cache.hashes() == ["a"]

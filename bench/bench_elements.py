"""What one element costs the server per rerun: a one-slider app drawing N elements, N = 0 ... 300.

    python bench/bench_elements.py

Streamlit sends every element of a run as its own message: the script thread hashes and queues it, the
event loop serialises it and writes it to the websocket. This app draws a slider and N short markdown
elements (or N metrics in keyed containers, as the pages draw their readouts) and measures the server's
CPU per slider change (bench/load/cpu_per_page.py), so the cost of an element is the slope. It is why
the frameworks page's one slider became a fragment (~370 elements per change before). Not a test.
"""

import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
from cpu_per_page import PageCost, measure_page  # noqa: E402
from servers import StreamlitServer  # noqa: E402  (servers puts tests/browser/st_harness on the path)

APP = """
import streamlit as st

st.slider("value", 0, 100, key="value")
for n in range({count}):
    if "{kind}" == "metric":
        with st.container(key=f"box{{n}}"):
            st.metric(f"metric {{n}}", st.session_state.value + n)
    else:
        st.markdown(f"line {{n}}: the value is **{{st.session_state.value}}**")
"""
COUNTS = (0, 50, 100, 200, 300)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    print("| elements | kind | server CPU ms per change | of which the event loop ms |")
    print("| --- | --- | --- | --- |")
    for kind in ("markdown", "metric"):
        for count in COUNTS:
            with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
                script.write(APP.format(count=count, kind=kind))
            server = StreamlitServer(script.name, extra_args=["--runner.postScriptGC", "false"])
            try:
                server.start()
                cost = PageCost("")
                for _ in range(3):
                    measure_page(server.url, server.proc.pid, "", 20, random.Random(count), cost)
            finally:
                server.stop()
                Path(script.name).unlink()
            print(f"| {count} | {kind} | {cost.cpu_ms_median:.1f} | {cost.loop_ms_median:.1f} |")


if __name__ == "__main__":
    main()

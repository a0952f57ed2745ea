// Gives scrollable code blocks and formulas a tab stop, so a keyboard can scroll them (arrow keys once
// focused), and takes it back when one fits its column again. Streamlit re-renders these elements
// freely, so a MutationObserver finds new ones, and a ResizeObserver on the main area sees the columns
// change width (a window resized or turned, the sidebar opened or closed).

/** What can scroll sideways: st.code's <pre> and KaTeX's display formulas (overflow-x: auto). */
export const SCROLLERS = '[data-testid="stCode"] pre, .katex-display';
const MARK = "data-cee-scroll"; // set on the elements this script made focusable
const FOCUSABLE_INSIDE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
const SETTLE_MS = 150; // check at most this often: a rerun changes many nodes in a burst

/** True when `element` has content beyond its box (what axe's rule counts, to the pixel). */
export function overflows(element) {
  return element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight;
}

/** Mark or unmark each scroller in `root`; returns how many are focusable now. */
export function updateScrollers(root = document) {
  let focusable = 0;
  for (const element of root.querySelectorAll(SCROLLERS)) {
    const needsStop = overflows(element) && !element.querySelector(FOCUSABLE_INSIDE);
    if (needsStop && !element.hasAttribute(MARK)) {
      element.setAttribute(MARK, "");
      element.tabIndex = 0;
    } else if (!needsStop && element.hasAttribute(MARK)) {
      element.removeAttribute(MARK);
      element.removeAttribute("tabindex");
    }
    if (needsStop) focusable += 1;
  }
  return focusable;
}

export default function mount() {
  let timer = null;
  let main = null;
  const resizes = new ResizeObserver(() => schedule());
  const update = () => {
    timer = null;
    updateScrollers(document);
    const current = document.querySelector('[data-testid="stMain"]');
    if (current && current !== main) {
      if (main) resizes.unobserve(main);
      main = current;
      resizes.observe(main);
    }
  };
  const schedule = () => {
    if (timer === null) timer = setTimeout(update, SETTLE_MS);
  };
  const mutations = new MutationObserver(schedule);
  mutations.observe(document.body, { childList: true, subtree: true });
  update();
  return () => {
    mutations.disconnect();
    resizes.disconnect();
    if (timer !== null) clearTimeout(timer);
  };
}

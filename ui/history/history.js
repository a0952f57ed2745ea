// One browser-history entry per page, not one per slider step.
//
// Streamlit writes every change of the query string into the address bar with history.pushState
// (its page-info handler; Streamlit 1.67). Every control on every page is in the URL, so each slider
// step, drag release or key press added an entry, and Back (or a phone's back gesture) walked back
// through them one value at a time instead of leaving the page. This module makes a pushState that
// stays on the same path replace the current entry; a change of page (another path) still pushes,
// so Back returns to the previous page in the state it was left in.

/** Whether going from `currentHref` to `url` only changes the query string or the hash. */
export function samePage(url, currentHref) {
  if (url === undefined || url === null) return true;  // pushState(state, title): the URL stays
  const next = new URL(String(url), currentHref);
  const current = new URL(currentHref);
  return next.origin === current.origin && next.pathname === current.pathname;
}

/** Patch `history` once per window: same-page pushes become replaces. */
export function keepOneEntryPerPage(win) {
  const history = win.history;
  if (history.__ceeOneEntryPerPage) return;
  const push = history.pushState.bind(history);
  const replace = history.replaceState.bind(history);
  history.pushState = (state, title, url) =>
    samePage(url, win.location.href) ? replace(state, title, url) : push(state, title, url);
  history.__ceeOneEntryPerPage = true;
}

export default function mount() {
  keepOneEntryPerPage(window);
}

// Applies the sidebar's theme choice to Streamlit, and tells Python which theme the page shows, so the
// Plotly charts (drawn from core with an explicit light or dark template) can follow it.
//
// Applying: Streamlit builds a light, a dark and an "auto" (follow the device) theme from config.toml's
// [theme.light] and [theme.dark]. Visitors pick one in its settings menu, which the viewer toolbar does
// not show, and Python cannot set one. So this finds Streamlit's App component (through React's fiber of
// the stApp element) and calls the setter its menu calls, setAndSendTheme, with the wanted theme. These
// are internals of Streamlit 1.67 (pinned in requirements.txt); tests/browser/test_accessibility_browser.py
// checks the switch restyles the page, so an upgrade that moves them fails there, not silently.
//
// Reporting: st.context.theme is wrong on a session's first load, and a change of the device's theme
// under "auto" reruns nothing. This reads the colour the browser paints (Streamlit's
// --st-background-color) and, when it differs from the theme the last run drew with (`data.theme`),
// sends it with setStateValue: the app reruns with the right theme. A theme change does not remount
// components, so it checks again every second.

const CHECK_EVERY_MS = 1000;

/** Streamlit's names for the themes it builds from config.toml (then, without one there, its own). */
const STREAMLIT_THEMES = {
  auto: ["Custom Theme Auto", "Use system setting"],
  light: ["Custom Theme Light", "Light"],
  dark: ["Custom Theme Dark", "Dark"],
};

/** "dark" or "light" for a CSS colour, by its relative luminance; null when it cannot be read. */
export function themeOf(rgb) {
  const match = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(rgb || "");
  if (!match) return null;
  const [r, g, b] = match.slice(1, 4).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? "dark" : "light";
}

/** The page background as the browser computes it ("rgb(r, g, b)"), through a probe element. */
function backgroundOf(parentElement) {
  const probe = parentElement.querySelector(".cee-theme-probe");
  return probe ? getComputedStyle(probe).color : null;
}

/** Streamlit's App component instance (it owns the theme), or null. */
function streamlitApp() {
  const root = document.querySelector('[data-testid="stApp"]');
  const fiberKey = root && Object.keys(root).find((key) => key.startsWith("__reactFiber$"));
  for (let fiber = fiberKey ? root[fiberKey] : null; fiber; fiber = fiber.return) {
    const node = fiber.stateNode;
    if (node && typeof node.setAndSendTheme === "function" && node.props && node.props.theme) return node;
  }
  return null;
}

let warned = false;

/** Make Streamlit show the theme `choice` ("auto", "light" or "dark"). Returns "changed", "kept" (it
 *  already shows it) or "unavailable" (Streamlit's internals were not found, or no such theme). */
export function applyChoice(choice) {
  const app = streamlitApp();
  const manager = app && app.props.theme;
  const names = STREAMLIT_THEMES[choice] || STREAMLIT_THEMES.auto;
  const wanted = manager && manager.availableThemes.find((theme) => names.includes(theme.name));
  if (!wanted) {
    if (!warned) console.warn(`cee_theme: cannot set Streamlit's theme to ${choice}`);
    warned = true;
    return "unavailable";
  }
  if (manager.activeTheme && manager.activeTheme.name === wanted.name) return "kept";
  app.setAndSendTheme(wanted);
  return "changed";
}

export default function mount({ data, parentElement, setStateValue }) {
  const drawnWith = data && data.theme;
  const choice = (data && data.choice) || "auto";
  const applied = applyChoice(choice);
  // A chosen theme is what this run's charts were drawn in; only "auto" needs the painted one reported.
  if (choice !== "auto") return undefined;
  const check = () => {
    const shown = themeOf(backgroundOf(parentElement));
    if (shown && shown !== drawnWith) setStateValue("theme", shown);
  };
  // After a change Streamlit repaints on its next render: read the colour after that.
  if (applied === "changed") requestAnimationFrame(() => requestAnimationFrame(check));
  else check();
  const timer = setInterval(check, CHECK_EVERY_MS);
  return () => clearInterval(timer);
}

// Tells Python which theme the page shows, so the Plotly charts (drawn from core with an explicit
// light or dark template) can follow it.
//
// st.context.theme is wrong on a session's first load and after a change in the settings menu
// (Streamlit's docs say so), and a theme change reruns nothing. This component reads the theme the
// browser actually paints (Streamlit's --st-background-color) and, when it differs from the theme the
// last run drew with (`data.theme`), sends it with setStateValue: the app reruns with the right theme.
// A theme change does not remount components, so it checks again every second.

const CHECK_EVERY_MS = 1000;

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

export default function mount({ data, parentElement, setStateValue }) {
  const drawnWith = data && data.theme;
  const check = () => {
    const shown = themeOf(backgroundOf(parentElement));
    if (shown && shown !== drawnWith) setStateValue("theme", shown);
  };
  check();
  const timer = setInterval(check, CHECK_EVERY_MS);
  return () => clearInterval(timer);
}

// Keeps the lessons a person has done in the browser's local storage, so progress survives a reload
// and a new session without an account. Python passes the lessons this session knows are done
// (`data.done`); the component adds those it finds stored, stores the union, and sends the union back
// with setStateValue when the session did not know all of it. `data.replace` stores `data.done` as it
// is (a reset of the progress).

const STORAGE_KEY = "cee-lessons-done";

function stored() {
  try {
    const value = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "[]");
    return Array.isArray(value) ? value.filter((id) => typeof id === "string" && id.length < 40) : [];
  } catch (error) {
    return [];  // storage blocked or broken: progress lives in this session only
  }
}

function store(ids) {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(ids));
  } catch (error) {
    // storage blocked (private mode, a policy): nothing to do
  }
}

export default function mount({ data, setStateValue }) {
  const known = (data && Array.isArray(data.done)) ? data.done : [];
  if (data && data.replace) {
    store(known);
    return;
  }
  const union = [...new Set([...known, ...stored()])].slice(0, 100);
  store(union);
  if (union.length !== known.length) setStateValue("done", union);
}

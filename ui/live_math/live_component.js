// What the live components share besides the math: a base class that redraws once per animation frame,
// wires pointer drags and keys to a control, counts what bench/bench_live.py reads, and mounts the
// component once per Streamlit element; and small DOM helpers.

const STATS_KEPT = 1000;
const SVG_NS = "http://www.w3.org/2000/svg";
const STALE_CLASS = "cee-live-stale";
// The page's elements that depend on a live control sit in containers keyed live_dep_* (ui.live_math
// .live_dependent). From the first move until the page has run again they still show the old state:
// their content is dimmed and the cue (data.text.stale, "updates on release") is written above it.
const STALE_CSS = `
[class*="st-key-live_dep_"] { position: relative; }
body.${STALE_CLASS} [class*="st-key-live_dep_"] > * { opacity: 0.35; transition: opacity 80ms; }
body.${STALE_CLASS} [class*="st-key-live_dep_"]::before {
  content: var(--cee-stale-cue, "…");
  position: absolute; top: 0; right: 0; z-index: 2; padding: 0.1rem 0.5rem; border-radius: 0.5rem;
  font-size: 0.8rem; font-style: italic;
  color: var(--cee-stale-ink, inherit); background: var(--cee-stale-background, #f0f2f6);
}`;

/** A live component. A subclass implements render() (draw this.live), snapshot() (a string of the state
 *  a release compares), moveTo(control, event), onKey(control, event) and message() (what a release
 *  sends); update(data, send) is its own too, and calls this.requestDraw() or this.draw(). */
export class LiveComponent {
  constructor(root) {
    this.root = root;
    this.data = null;
    this.live = null;
    this.dragging = null; // {pointerId, control, start, ...} while a pointer holds a control
    this.frame = 0;
    this.firstMoveAt = null; // event time of the first move not yet drawn
    this.send = () => {};
    // Read by bench/bench_live.py and bench/bench_drag.py: moves, redraws, when each redraw ended
    // (performance.now()), how long it took and how long after the first pointer move it answers.
    this.stats = { moves: 0, redraws: 0, drawnAt: [], redrawMs: [], moveToDrawnMs: [], sent: 0 };
  }

  /** Pointer drags and keys on `target` move `control` (a name, or {kind, index}). `focus()` picks the
   *  element to focus on a press (default: the target); `pressed()` adds fields to this.dragging; `shown`
   *  is what an exercise that hides the control hides (default: the target). */
  listen(target, control, { focus = () => target, pressed = () => ({}), shown = target } = {}) {
    this.controls = (this.controls || []).concat([{ target, control, shown }]);
    target.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      if (this.isLocked(control)) return;
      event.preventDefault();
      try {
        target.setPointerCapture(event.pointerId);
      } catch {
        // A synthetic event's pointer cannot be captured; the move events still reach the target.
      }
      focus().focus({ preventScroll: true });
      const start = this.snapshot();
      this.dragging = { pointerId: event.pointerId, control, start, boxes: new Map(), ...pressed() };
      this.moveTo(control, event);
    });
    target.addEventListener("pointermove", (event) => {
      const { dragging } = this;
      if (dragging && dragging.control === control && dragging.pointerId === event.pointerId) {
        this.moveTo(control, event);
      }
    });
    const release = (event) => {
      if (!this.dragging || this.dragging.pointerId !== event.pointerId) return;
      const { start } = this.dragging;
      this.dragging = null;
      if (this.snapshot() !== start) this.commit();
      else this.setStale(false); // back where it started: the page's elements are current again
    };
    target.addEventListener("pointerup", release);
    target.addEventListener("pointercancel", release);
    target.addEventListener("lostpointercapture", release);
    target.addEventListener("keydown", (event) => {
      if (!this.isLocked(control)) this.onKey(control, event);
    });
  }

  /** The URL keys `control` moves: data.controlKeys[kind] is one key, or a list (by control.index when
   *  the control has one, else every key in it: the gradient map's point moves z1 and z2). */
  keysOf(control) {
    const kind = typeof control === "string" ? control : control.kind;
    const keys = (this.data.controlKeys || {})[kind];
    if (keys === undefined) return [];
    if (!Array.isArray(keys)) return [keys];
    return control.index === undefined ? keys : [keys[control.index]];
  }

  /** Whether an open exercise locks (or hides) `control`: one of its keys is in data.locked. */
  isLocked(control) {
    const locked = Array.isArray(this.data.locked) ? this.data.locked : [];
    return this.keysOf(control).some((key) => locked.includes(key));
  }

  /** Whether an open exercise hides `control`: one of its keys is in data.hidden. */
  isHidden(control) {
    const hidden = Array.isArray(this.data.hidden) ? this.data.hidden : [];
    return this.keysOf(control).some((key) => hidden.includes(key));
  }

  /** Grey the locked controls, tell assistive technology they are disabled, and take the hidden ones off
   *  the page (after each update). */
  markLocked() {
    // A rebuild took the old targets off the page: forget them.
    this.controls = (this.controls || []).filter(({ target }) => target.isConnected);
    for (const { target, control, shown } of this.controls) {
      const locked = this.isLocked(control);
      target.classList.toggle("live-locked", locked);
      target.setAttribute("aria-disabled", String(locked));
      shown.classList.toggle("live-hidden", this.isHidden(control));
    }
  }

  /** Whether the page's live_dep_* containers show an older state than this component (see STALE_CSS):
   *  true from a move or a sent value until the page sends its data again (or a release changed nothing). */
  setStale(stale) {
    if (stale === this.stale) return;
    this.stale = stale;
    const { body } = document;
    if (stale) {
      if (!document.getElementById("cee-live-stale-style")) {
        const style = document.createElement("style");
        style.id = "cee-live-stale-style";
        style.textContent = STALE_CSS;
        document.head.append(style);
      }
      body.style.setProperty("--cee-stale-cue", JSON.stringify((this.data.text || {}).stale || ""));
      // The theme's colours are the component's (--st-*), not the page body's: hand them over.
      const theme = getComputedStyle(this.root);
      body.style.setProperty("--cee-stale-ink", theme.getPropertyValue("--st-text-color") || "inherit");
      const background = theme.getPropertyValue("--st-secondary-background-color") || "#f0f2f6";
      body.style.setProperty("--cee-stale-background", background);
    }
    body.classList.toggle(STALE_CLASS, stale);
  }

  /** `element`'s box on the screen. During a drag it is measured once (the page does not scroll under a
   *  held pointer): reading it on every move would force the browser to lay the page out again after each
   *  redraw, in the middle of the pointer events. */
  boxOf(element) {
    const boxes = this.dragging && this.dragging.boxes;
    if (!boxes) return element.getBoundingClientRect();
    if (!boxes.has(element)) boxes.set(element, element.getBoundingClientRect());
    return boxes.get(element);
  }

  /** A pointer move was applied to this.live: count it and draw it in the next frame. */
  moved(event) {
    this.setStale(true);
    this.stats.moves += 1;
    if (this.firstMoveAt === null) this.firstMoveAt = event.timeStamp;
    this.requestDraw();
  }

  commit() {
    this.setStale(true);
    this.stats.sent += 1;
    this.send(this.message());
  }

  requestDraw() {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  draw() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const started = performance.now();
    this.render();
    const finished = performance.now();
    const { stats } = this;
    stats.redraws += 1;
    keep(stats.drawnAt, finished);
    keep(stats.redrawMs, finished - started);
    if (this.firstMoveAt !== null) {
      keep(stats.moveToDrawnMs, finished - this.firstMoveAt);
      this.firstMoveAt = null;
    }
  }

  /** The page sent its data: unless a pointer still holds a control, every element shows one state. */
  settled() {
    if (!this.dragging) this.setStale(false);
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.setStale(false);
  }
}

/** The mount function Streamlit calls on mount and whenever `data` (or the theme) changes: one instance
 *  of `Component` per element, on the element with class `rootClass`; a release sends "release". */
export function mountComponent(rootSelector, Component) {
  const instances = new WeakMap();
  return function mount({ data, parentElement, setTriggerValue }) {
    const root = parentElement.querySelector(rootSelector);
    let instance = instances.get(parentElement);
    if (!instance || instance.root !== root) {
      instance = new Component(root);
      instances.set(parentElement, instance);
    }
    instance.update(data, (state) => setTriggerValue("release", state));
    return () => {
      instance.destroy();
      instances.delete(parentElement);
    };
  };
}

/** A role=slider element with its range: focusable, named, for the arrow keys. */
export function sliderElement(className, label, [low, high], orientation) {
  const track = element("div", className);
  track.tabIndex = 0;
  track.setAttribute("role", "slider");
  track.setAttribute("aria-orientation", orientation);
  track.setAttribute("aria-label", label);
  track.setAttribute("aria-valuemin", String(low));
  track.setAttribute("aria-valuemax", String(high));
  return track;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function svgElement(tag, attributes) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attributes);
  return node;
}

export function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
}

export function percent(fraction) {
  return `${(100 * fraction).toFixed(3)}%`;
}

function keep(list, value) {
  list.push(value);
  if (list.length > STATS_KEPT) list.shift();
}

// What the live components share besides the math: a base class that redraws once per animation frame,
// wires pointer drags and keys to a control, counts what bench/bench_live.py reads, and mounts the
// component once per Streamlit element; and small DOM helpers.

const STATS_KEPT = 1000;
const SVG_NS = "http://www.w3.org/2000/svg";

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

  /** Pointer drags and keys on `target` move `control`. `focus()` picks the element to focus on a press
   *  (default: the target); `pressed()` adds fields to this.dragging. */
  listen(target, control, { focus = () => target, pressed = () => ({}) } = {}) {
    this.controls = (this.controls || []).concat([{ target, control }]);
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
      this.dragging = { pointerId: event.pointerId, control, start: this.snapshot(), ...pressed() };
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
    };
    target.addEventListener("pointerup", release);
    target.addEventListener("pointercancel", release);
    target.addEventListener("lostpointercapture", release);
    target.addEventListener("keydown", (event) => {
      if (!this.isLocked(control)) this.onKey(control, event);
    });
  }

  /** Whether an exercise locks `control`: its URL key (data.controlKeys[kind], a list by index or one
   *  key) is in data.locked. */
  isLocked(control) {
    const keys = (this.data.controlKeys || {})[control.kind];
    const key = Array.isArray(keys) ? keys[control.index] : keys;
    return Array.isArray(this.data.locked) && key !== undefined && this.data.locked.includes(key);
  }

  /** Grey the locked controls and tell assistive technology they are disabled (after each update). */
  markLocked() {
    for (const { target, control } of this.controls || []) {
      if (!target.isConnected) continue;
      const locked = this.isLocked(control);
      target.classList.toggle("live-locked", locked);
      target.setAttribute("aria-disabled", String(locked));
    }
  }

  /** A pointer move was applied to this.live: count it and draw it in the next frame. */
  moved(event) {
    this.stats.moves += 1;
    if (this.firstMoveAt === null) this.firstMoveAt = event.timeStamp;
    this.requestDraw();
  }

  commit() {
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

  destroy() {
    cancelAnimationFrame(this.frame);
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

// The playground's draggable logit bars (Streamlit components v2, drawn in the page, not an iframe).
//
// Python sends `data` (topics.playground.figures.drag_data): the logits, the target distribution y, the
// temperature T, the axis, labels, colours and words. While a bar is dragged this file redraws, once
// per animation frame, the logit bars, the softmax bars and the loss and gradient numbers from the
// few lines of math below; on release (or a key press) it sends the logits to Python with
// setTriggerValue("logits", [...]) and the page recomputes everything from core.
//
// The math is exported so a browser test can check it against topics.shared.sample.evaluate.

/** log softmax(s) = s - logsumexp(s), stable: the max is subtracted before exp. */
export function logSoftmax(scaled) {
  const top = Math.max(...scaled);
  let sum = 0;
  for (const value of scaled) sum += Math.exp(value - top);
  const logSumExp = top + Math.log(sum);
  return scaled.map((value) => value - logSumExp);
}

/** For logits z, target y and temperature T: p = softmax(z / T), L = -sum_k y_k log p_k and
 *  dL/dz = (p - y) / T. log p comes from logSoftmax, never log(p), so p_k = 0 gives no NaN. */
export function preview(logits, target, temperature) {
  const logProbs = logSoftmax(logits.map((z) => z / temperature));
  const probs = logProbs.map(Math.exp);
  let loss = 0;
  target.forEach((y, k) => {
    if (y > 0) loss -= y * logProbs[k];
  });
  const gradient = probs.map((p, k) => (p - target[k]) / temperature);
  return { probs, loss, gradient };
}

/** A logit clipped to [low, high] and put on the sliders' grid (multiples of `step`). */
export function snap(value, low, high, step) {
  const clipped = Math.min(high, Math.max(low, value));
  const decimals = Math.max(0, Math.round(-Math.log10(step)));
  return Number((Math.round(clipped / step) * step).toFixed(decimals));
}

/** topics.shared.formatting.fmt: fixed decimals, scientific beyond 1e5 or below 10^-decimals, no "-0.0000". */
export function fmt(value, decimals = 4) {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || (magnitude > 0 && magnitude < 10 ** -decimals)) {
    // Python writes the exponent with at least two digits: 4.540e-05.
    return value.toExponential(Math.max(decimals - 1, 1)).replace(/e([+-])(\d)$/, "e$10$2");
  }
  const text = value.toFixed(decimals);
  return text.startsWith("-") && Number(text) === 0 ? text.slice(1) : text;
}

const NARROW_COLUMN_PX = 56;
const KEY_STEPS = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1, PageUp: 10, PageDown: -10 };

/** One mounted instance: its DOM, the logits it shows, and the drag in progress. */
class DragLogits {
  constructor(root) {
    this.root = root;
    this.data = null;
    this.logits = [];
    this.dragging = null; // {index, pointerId, startValue} while a pointer holds a bar
    this.frame = 0;
    this.firstMoveAt = null; // event time of the first move not yet drawn
    this.send = () => {};
    // Read by bench/bench_drag.py: moves, redraws, when each redraw ended (performance.now()), how long
    // it took and how long after the first pointer move it answers; the lists keep the last STATS_KEPT.
    this.stats = { moves: 0, redraws: 0, drawnAt: [], redrawMs: [], moveToDrawnMs: [], sent: 0 };
    root.dragLogits = this;
    this.resizeObserver = new ResizeObserver(() => this.data && this.fitLabels());
    this.resizeObserver.observe(root);
  }

  update(data, send) {
    this.send = send;
    const rebuild = !this.data || this.data.logits.length !== data.logits.length || this.textChanged(data);
    this.data = data;
    if (rebuild) this.build();
    if (!this.dragging) this.logits = data.logits.slice();
    this.columns.forEach((column, index) => {
      column.track.classList.toggle("dl-locked", this.isLocked(index));
      column.track.setAttribute("aria-disabled", String(this.isLocked(index)));
    });
    this.draw();
  }

  textChanged(data) {
    return JSON.stringify([data.text, data.labels, data.colours]) !==
      JSON.stringify([this.data.text, this.data.labels, this.data.colours]);
  }

  build() {
    const { data } = this;
    const count = data.logits.length;
    this.root.replaceChildren();
    this.root.setAttribute("role", "group");
    this.root.setAttribute("aria-label", data.text.group);
    this.root.style.setProperty("--k", String(count));

    const head = element("div", "dl-head");
    head.append(element("span", "dl-title", data.text.logits));
    this.lossText = element("span", "dl-loss");
    this.lossText.setAttribute("aria-live", "off");
    head.append(this.lossText);

    const [low, high] = data.range;
    const axis = element("div", "dl-axis");
    axis.append(element("span", "dl-axis-top", String(high)), element("span", "dl-axis-zero", "0"),
      element("span", "dl-axis-bottom", String(low)));
    this.logitRow = element("div", "dl-row dl-logits");
    this.logitRow.append(axis);
    this.valueRow = element("div", "dl-row dl-values");
    this.nameRow = element("div", "dl-row dl-names");
    const probTitle = element("div", "dl-title dl-subtitle", data.text.probs);
    this.probRow = element("div", "dl-row dl-probs");
    this.probValueRow = element("div", "dl-row dl-prob-values");
    const gradTitle = element("div", "dl-title dl-subtitle", data.text.gradient);
    this.gradRow = element("div", "dl-row dl-grads");
    for (const row of [this.valueRow, this.nameRow, this.probRow, this.probValueRow, this.gradRow]) {
      row.append(element("span", "dl-gutter"));
    }

    this.columns = [];
    for (let index = 0; index < count; index++) {
      const column = this.buildColumn(index);
      this.logitRow.append(column.track);
      this.valueRow.append(column.value);
      this.nameRow.append(column.name);
      this.probRow.append(column.probTrack);
      this.probValueRow.append(column.probValue);
      this.gradRow.append(column.grad);
      this.columns.push(column);
    }
    this.root.append(head, this.logitRow, this.valueRow, this.nameRow, probTitle, this.probRow,
      this.probValueRow, gradTitle, this.gradRow);
    this.fitLabels();
  }

  /** Columns too narrow for "0.0066" or "-8.99e-05" across get their numbers written upright. */
  fitLabels() {
    const columnWidth = this.root.clientWidth / this.data.logits.length;
    this.root.classList.toggle("dl-upright", columnWidth > 0 && columnWidth < NARROW_COLUMN_PX);
  }

  buildColumn(index) {
    const { data } = this;
    const isTrue = index === data.trueClass;
    const colour = data.colours[index];
    const track = element("div", "dl-track");
    track.tabIndex = 0;
    track.dataset.index = String(index);
    track.setAttribute("role", "slider");
    track.setAttribute("aria-orientation", "vertical");
    track.setAttribute("aria-label", data.text.sliderLabels[index]);
    track.setAttribute("aria-valuemin", String(data.range[0]));
    track.setAttribute("aria-valuemax", String(data.range[1]));
    const bar = element("div", "dl-bar" + (isTrue ? " dl-true" : ""));
    bar.style.setProperty("--colour", colour);
    const grip = element("div", "dl-grip");
    bar.append(grip);
    track.append(element("div", "dl-zero"), bar);
    this.listen(track, index);

    const probTrack = element("div", "dl-prob-track");
    const probBar = element("div", "dl-bar dl-prob-bar" + (isTrue ? " dl-true" : ""));
    probBar.style.setProperty("--colour", colour);
    const targetMark = element("div", "dl-target");
    probTrack.append(probBar, targetMark);
    return {
      track, bar, probTrack, probBar, targetMark,
      value: element("span", "dl-value"),
      name: element("span", "dl-name" + (isTrue ? " dl-name-true" : ""), data.labels[index]),
      probValue: element("span", "dl-value"),
      grad: element("span", "dl-value dl-grad"),
    };
  }

  listen(track, index) {
    track.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      if (this.isLocked(index)) return;
      event.preventDefault();
      try {
        track.setPointerCapture(event.pointerId);
      } catch {
        // A synthetic event's pointer cannot be captured; the move events still reach the track.
      }
      track.focus({ preventScroll: true });
      this.dragging = { index, pointerId: event.pointerId, startValue: this.logits[index] };
      this.moveTo(index, event);
    });
    track.addEventListener("pointermove", (event) => {
      if (this.dragging && this.dragging.index === index && this.dragging.pointerId === event.pointerId) {
        this.moveTo(index, event);
      }
    });
    const release = (event) => {
      if (!this.dragging || this.dragging.pointerId !== event.pointerId) return;
      const { startValue } = this.dragging;
      this.dragging = null;
      if (this.logits[index] !== startValue) this.commit();
    };
    track.addEventListener("pointerup", release);
    track.addEventListener("pointercancel", release);
    track.addEventListener("lostpointercapture", release);
    track.addEventListener("keydown", (event) => this.onKey(index, event));
  }

  moveTo(index, event) {
    const box = this.columns[index].track.getBoundingClientRect();
    const [low, high] = this.data.range;
    const fraction = (event.clientY - box.top) / box.height; // 0 at the top (high), 1 at the bottom
    this.logits[index] = snap(high - fraction * (high - low), low, high, this.data.step);
    this.stats.moves += 1;
    if (this.firstMoveAt === null) this.firstMoveAt = event.timeStamp;
    this.requestDraw();
  }

  /** A bar an exercise locks (data.locked holds its index) shows its value and does not move. */
  isLocked(index) {
    return Array.isArray(this.data.locked) && this.data.locked.includes(index);
  }

  onKey(index, event) {
    if (this.isLocked(index)) return;
    const [low, high] = this.data.range;
    let value = this.logits[index];
    if (event.key in KEY_STEPS) value += KEY_STEPS[event.key] * this.data.step;
    else if (event.key === "Home") value = low;
    else if (event.key === "End") value = high;
    else return;
    event.preventDefault();
    value = snap(value, low, high, this.data.step);
    if (value === this.logits[index]) return;
    this.logits[index] = value;
    this.requestDraw();
    this.commit();
  }

  commit() {
    this.stats.sent += 1;
    this.send(this.logits.slice());
  }

  requestDraw() {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  /** Redraw every bar and number from this.logits (the preview between Python runs). */
  draw() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const started = performance.now();
    const { data, logits } = this;
    const [low, high] = data.range;
    const span = high - low;
    const { probs, loss, gradient } = preview(logits, data.target, data.temperature);
    this.lossText.textContent = `${data.text.loss}: ${fmt(loss)}`;
    this.columns.forEach((column, k) => {
      const z = logits[k];
      const top = (high - Math.max(z, 0)) / span;
      column.bar.style.top = percent(top);
      column.bar.style.height = percent(Math.abs(z) / span);
      column.bar.classList.toggle("dl-negative", z < 0);
      column.value.textContent = fmt(z, 1);
      column.track.setAttribute("aria-valuenow", String(z));
      column.track.setAttribute("aria-valuetext",
        data.text.valueText.replace("{z}", fmt(z, 1)).replace("{p}", fmt(probs[k])));
      column.probBar.style.height = percent(probs[k]);
      column.targetMark.style.bottom = percent(data.target[k]);
      column.probValue.textContent = fmt(probs[k]);
      column.grad.textContent = fmt(gradient[k], 3);
    });
    this.record(started, performance.now());
  }

  record(started, finished) {
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
    this.resizeObserver.disconnect();
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const STATS_KEPT = 1000;

function keep(list, value) {
  list.push(value);
  if (list.length > STATS_KEPT) list.shift();
}

function percent(fraction) {
  return `${(100 * fraction).toFixed(3)}%`;
}

const instances = new WeakMap();

/** Streamlit calls this on mount and again whenever `data` (or the theme) changes. */
export default function mount({ data, parentElement, setTriggerValue }) {
  const root = parentElement.querySelector(".dl");
  let instance = instances.get(parentElement);
  if (!instance || instance.root !== root) {
    instance = new DragLogits(root);
    instances.set(parentElement, instance);
  }
  instance.update(data, (logits) => setTriggerValue("logits", logits));
  return () => {
    instance.destroy();
    instances.delete(parentElement);
  };
}

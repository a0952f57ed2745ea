// The playground's live controls (Streamlit components v2, drawn in the page, not an iframe): the
// logit bars, the target (soft-label bars, or the true class), the temperature T and label smoothing.
//
// Python sends `data` (topics.playground.figures.drag_data): the logits, the target kind and its
// settings, T, the ranges, labels, colours and words. While any control moves this file redraws, once
// per animation frame, the bars, the softmax, the target, the loss with its terms, H(y), KL and the
// gradient (p - y) / T, from the shared math (ui/live_math/ce_math.js, put in front of this file); on
// release (or a key press) it sends the whole state with setTriggerValue("release", {...}) and the page
// recomputes everything from core. The drag plumbing and DOM helpers are ui/live_math/live_component.js.

const NARROW_COLUMN_PX = 56;
const KEY_STEPS = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1, PageUp: 10, PageDown: -10 };

/** The soft target after one class is set to `value`: the others keep their proportions from the drag's
 *  start and share 1 - value (all equal when they had none), so y stays a distribution. */
export function rescaleTarget(start, index, value) {
  const rest = 1 - start[index];
  const others = start.length - 1;
  return start.map((y, k) => {
    if (k === index) return value;
    return rest > 1e-12 ? (y * (1 - value)) / rest : (1 - value) / others;
  });
}

/** One mounted instance: its DOM and the state it shows (this.live: logits, weights, trueClass,
 *  temperature, smoothing); the drag plumbing is LiveComponent's (ui/live_math/live_component.js). */
class DragLogits extends LiveComponent {
  constructor(root) {
    super(root);
    root.dragLogits = this;
    this.resizeObserver = new ResizeObserver(() => this.data && this.fitLabels());
    this.resizeObserver.observe(root);
  }

  update(data, send) {
    this.send = send;
    const rebuild = !this.data || this.layoutChanged(data);
    this.data = data;
    if (rebuild) this.build();
    if (!this.dragging) this.live = stateOf(data);
    this.markLocked();
    this.settled();
    this.draw();
  }

  layoutChanged(data) {
    const layout = (d) => JSON.stringify([d.logits.length, d.targetKind, d.text, d.labels, d.colours]);
    return layout(data) !== layout(this.data);
  }

  build() {
    const { data } = this;
    const count = data.logits.length;
    this.controls = [];
    this.root.replaceChildren();
    this.root.setAttribute("role", "group");
    this.root.setAttribute("aria-label", data.text.group);
    this.root.style.setProperty("--k", String(count));

    const head = element("div", "dl-head");
    head.append(element("span", "dl-title", data.text.logits));
    this.lossText = element("span", "dl-loss");
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
    const targetTitle = element("div", "dl-title dl-subtitle", data.text.target);
    this.targetRow = element("div", "dl-row dl-targets");
    this.targetValueRow = element("div", "dl-row dl-target-values");
    const gradTitle = element("div", "dl-title dl-subtitle", data.text.gradient);
    this.gradRow = element("div", "dl-row dl-grads");
    for (const row of [this.valueRow, this.nameRow, this.probRow, this.probValueRow, this.targetRow,
      this.targetValueRow, this.gradRow]) {
      row.append(element("span", "dl-gutter"));
    }
    if (data.targetKind !== "soft") {
      this.targetRow.setAttribute("role", "radiogroup");
      this.targetRow.setAttribute("aria-label", data.text.trueClass);
    }

    this.columns = [];
    for (let index = 0; index < count; index++) {
      const column = this.buildColumn(index);
      this.logitRow.append(column.track);
      this.valueRow.append(column.value);
      this.nameRow.append(column.name);
      this.probRow.append(column.probTrack);
      this.probValueRow.append(column.probValue);
      this.targetRow.append(column.targetTrack);
      this.targetValueRow.append(column.targetValue);
      this.gradRow.append(column.grad);
      this.columns.push(column);
    }
    this.knobs = this.buildKnobs();
    this.readout = element("div", "dl-readout");
    this.readout.setAttribute("aria-live", "off");
    this.root.append(head, this.logitRow, this.valueRow, this.nameRow, probTitle, this.probRow,
      this.probValueRow, targetTitle, this.targetRow, this.targetValueRow, gradTitle, this.gradRow,
      this.knobs.box, this.readout);
    this.fitLabels();
  }

  /** Columns too narrow for "0.0066" or "-8.99e-05" across get their numbers written upright. */
  fitLabels() {
    const columnWidth = this.root.clientWidth / this.data.logits.length;
    this.root.classList.toggle("dl-upright", columnWidth > 0 && columnWidth < NARROW_COLUMN_PX);
  }

  buildColumn(index) {
    const { data } = this;
    const colour = data.colours[index];
    const track = sliderElement("dl-track live-focus", data.text.sliderLabels[index], data.range, "vertical");
    track.dataset.index = String(index);
    const bar = element("div", "dl-bar");
    bar.style.setProperty("--colour", colour);
    bar.append(element("div", "dl-grip"));
    track.append(element("div", "dl-zero"), bar);
    this.listen(track, { kind: "logit", index });

    const probTrack = element("div", "dl-prob-track");
    const probBar = element("div", "dl-bar dl-prob-bar");
    probBar.style.setProperty("--colour", colour);
    const targetMark = element("div", "dl-target");
    probTrack.append(probBar, targetMark);

    const soft = data.targetKind === "soft";
    const targetTrack = soft
      ? sliderElement("dl-target-track live-focus", data.text.targetLabels[index], [0, 1], "vertical")
      : element("div", "dl-target-track dl-class-choice live-focus");
    if (!soft) {
      targetTrack.setAttribute("role", "radio");
      targetTrack.setAttribute("aria-label", data.text.classLabels[index]);
    }
    const targetBar = element("div", "dl-bar dl-target-bar");
    targetBar.style.setProperty("--colour", colour);
    if (soft) targetBar.append(element("div", "dl-grip"));
    targetTrack.append(targetBar);
    const control = { kind: soft ? "weight" : "class", index };
    this.listen(targetTrack, control, {
      // A press on the true class's row focuses the radio button of the class it picks.
      focus: () => (soft ? targetTrack : this.columns[this.live.trueClass].targetTrack),
      pressed: () => ({ startTarget: this.softTarget() }),
    });
    return {
      track, bar, probTrack, probBar, targetMark, targetTrack, targetBar,
      value: element("span", "dl-value"),
      name: element("span", "dl-name"),
      probValue: element("span", "dl-value"),
      targetValue: element("span", "dl-value"),
      grad: element("span", "dl-value dl-grad"),
    };
  }

  /** The horizontal live sliders: temperature, and label smoothing in smoothed mode. */
  buildKnobs() {
    const { data } = this;
    const box = element("div", "dl-knobs");
    const knobs = { box };
    const specs = [["temperature", data.text.temperature, data.temperatureRange]];
    if (data.targetKind === "smoothed") specs.push(["smoothing", data.text.smoothing, [0, 1]]);
    for (const [name, label, range] of specs) {
      const row = element("div", "dl-knob live-knob");
      const caption = element("span", "live-knob-label", label);
      const value = element("span", "dl-knob-value live-knob-value");
      const track = sliderElement("dl-knob-track live-knob-track live-focus", label, range, "horizontal");
      const fill = element("div", "live-knob-fill");
      const thumb = element("div", "live-knob-thumb");
      track.append(fill, thumb);
      row.append(caption, value, track);
      box.append(row);
      this.listen(track, { kind: name }, { shown: row });
      knobs[name] = { track, fill, thumb, value };
    }
    return knobs;
  }

  /** The soft target as drawn now: the weights normalised (what core will compute on release). */
  softTarget() {
    const { live } = this;
    return targetDistribution("soft", live.logits.length, 0, live.weights, 0);
  }

  moveTo(control, event) {
    const { data, live } = this;
    if (control.kind === "logit") {
      const [low, high] = data.range;
      const fraction = verticalFraction(this.boxOf(this.columns[control.index].track), event);
      live.logits[control.index] = snap(high - fraction * (high - low), low, high, data.step);
    } else if (control.kind === "weight") {
      const fraction = verticalFraction(this.boxOf(this.columns[control.index].targetTrack), event);
      const value = snap(1 - fraction, 0, 1, data.weightStep);
      this.setWeight(control.index, value, this.dragging.startTarget);
    } else if (control.kind === "class") {
      const box = this.boxOf(this.targetRow);
      const first = this.boxOf(this.columns[0].targetTrack);
      const last = this.boxOf(this.columns[this.columns.length - 1].targetTrack);
      const fraction = (event.clientX - first.left) / Math.max(last.right - first.left, 1);
      const count = this.columns.length;
      if (box.width > 0) live.trueClass = Math.min(count - 1, Math.max(0, Math.floor(fraction * count)));
      this.columns[live.trueClass].targetTrack.focus({ preventScroll: true });
    } else {
      const [low, high] = control.kind === "temperature" ? data.temperatureRange : [0, 1];
      const box = this.boxOf(this.knobs[control.kind].track);
      const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      const step = control.kind === "temperature" ? data.temperatureStep : data.smoothingStep;
      live[control.kind] = snap(fromKnob(control.kind, fraction, low, high), low, high, step);
    }
    this.moved(event);
  }

  /** Soft label `index` set to `value`, the others rescaled from `start`; stored on the weights' grid. */
  setWeight(index, value, start) {
    const target = rescaleTarget(start, index, value);
    this.live.weights = target.map((y) => snap(y, 0, 1, this.data.weightStep));
  }

  onKey(control, event) {
    const { data, live } = this;
    const step = KEY_STEPS[event.key];
    if (step === undefined && event.key !== "Home" && event.key !== "End") return;
    event.preventDefault();
    const before = this.snapshot();
    if (control.kind === "class") {
      const last = live.logits.length - 1;
      if (step !== undefined) live.trueClass = Math.min(last, Math.max(0, live.trueClass + Math.sign(step)));
      else live.trueClass = event.key === "Home" ? 0 : last;
      this.columns[live.trueClass].targetTrack.focus({ preventScroll: true });
    } else {
      const [value, low, high, grid] = this.keyed(control);
      let next = value;
      if (step !== undefined) next += step * grid;
      else next = event.key === "Home" ? low : high;
      next = snap(next, low, high, grid);
      if (control.kind === "logit") live.logits[control.index] = next;
      else if (control.kind === "weight") this.setWeight(control.index, next, this.softTarget());
      else live[control.kind] = next;
    }
    if (this.snapshot() === before) return;
    this.requestDraw();
    this.commit();
  }

  /** [value, low, high, step] of a slider control, for the keyboard. */
  keyed(control) {
    const { data, live } = this;
    if (control.kind === "logit") return [live.logits[control.index], ...data.range, data.step];
    if (control.kind === "weight") return [this.softTarget()[control.index], 0, 1, data.weightStep];
    if (control.kind === "temperature") return [live.temperature, ...data.temperatureRange, data.temperatureStep];
    return [live.smoothing, 0, 1, data.smoothingStep];
  }

  snapshot() {
    return JSON.stringify(this.live);
  }

  message() {
    return JSON.parse(this.snapshot());
  }

  /** Redraw every bar and number from this.live (the preview between Python runs). */
  render() {
    const { data, live } = this;
    const { logits, temperature } = live;
    const count = logits.length;
    const kind = data.targetKind;
    const smoothing = kind === "smoothed" ? live.smoothing : 0;
    const base = targetDistribution(kind === "soft" ? "soft" : "class", count, live.trueClass, live.weights, 0);
    const result = categoricalReadout(logits, base, temperature, smoothing);
    const [low, high] = data.range;
    const span = high - low;
    this.lossText.textContent = `${data.text.loss}: ${fmt(result.loss)}`;
    this.columns.forEach((column, k) => {
      const z = logits[k];
      const isTrue = kind !== "soft" && k === live.trueClass;
      column.bar.style.top = percent((high - Math.max(z, 0)) / span);
      column.bar.style.height = percent(Math.abs(z) / span);
      column.bar.classList.toggle("dl-negative", z < 0);
      for (const bar of [column.bar, column.probBar, column.targetBar]) bar.classList.toggle("dl-true", isTrue);
      column.name.textContent = isTrue ? data.trueLabels[k] : data.labels[k];
      column.name.classList.toggle("dl-name-true", isTrue);
      column.value.textContent = fmt(z, 1);
      column.track.setAttribute("aria-valuenow", String(z));
      column.track.setAttribute("aria-valuetext",
        data.text.valueText.replace("{z}", fmt(z, 1)).replace("{p}", fmt(result.probs[k])));
      column.probBar.style.height = percent(result.probs[k]);
      column.targetMark.style.bottom = percent(result.target[k]);
      column.probValue.textContent = fmt(result.probs[k]);
      column.targetBar.style.height = percent(result.target[k]);
      column.targetValue.textContent = fmt(result.target[k], 3);
      if (kind === "soft") {
        column.targetTrack.setAttribute("aria-valuenow", String(result.target[k]));
        column.targetTrack.setAttribute("aria-valuetext", fmt(result.target[k], 3));
      } else {
        column.targetTrack.setAttribute("aria-checked", String(isTrue));
        column.targetTrack.tabIndex = isTrue ? 0 : -1;
      }
      column.grad.textContent = fmt(result.gradient[k], 3);
    });
    this.drawKnob("temperature", temperature, data.temperatureRange, 1);
    if (this.knobs.smoothing) this.drawKnob("smoothing", live.smoothing, [0, 1], 2);
    this.readout.replaceChildren(...readoutLines(data.text, result, temperature));
  }

  drawKnob(name, value, [low, high], decimals) {
    const knob = this.knobs[name];
    const at = percent(toKnob(name, value, low, high));
    knob.fill.style.width = at;
    knob.thumb.style.left = at;
    knob.value.textContent = fmt(value, decimals);
    knob.track.setAttribute("aria-valuenow", String(value));
    knob.track.setAttribute("aria-valuetext", fmt(value, decimals));
  }
}

/** The readout under the controls: the loss as its two terms, H(y) and KL(y || p) = L - H(y). */
function readoutLines(text, result, temperature) {
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name]);
  const values = {
    lse: fmt(result.logSumExp), target: fmt(result.targetLogit), loss: fmt(result.loss),
    entropy: fmt(result.targetEntropy), kl: fmt(result.kl), t: fmt(temperature, 1),
  };
  return [text.lossTerms, text.klLine].map((template) => {
    const line = element("div", "dl-readout-line", fill(template, values));
    return line;
  });
}

/** The state drawn from Python's data. */
function stateOf(data) {
  return {
    logits: data.logits.slice(),
    weights: data.weights.slice(),
    trueClass: data.trueClass ?? 0,
    temperature: data.temperature,
    smoothing: data.smoothing,
  };
}

function verticalFraction(box, event) {
  return (event.clientY - box.top) / box.height; // 0 at the top (high), 1 at the bottom
}

/** The temperature's track is logarithmic (0.1 ... 1 ... 10 evenly), smoothing's linear. */
function toKnob(name, value, low, high) {
  if (name === "temperature") return Math.log(value / low) / Math.log(high / low);
  return (value - low) / (high - low);
}

function fromKnob(name, fraction, low, high) {
  if (name === "temperature") return low * (high / low) ** fraction;
  return low + fraction * (high - low);
}

/** Streamlit calls this on mount and again whenever `data` (or the theme) changes. */
export default mountComponent(".dl", DragLogits);

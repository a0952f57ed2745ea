// The binary page's live chart (Streamlit components v2): drag the prediction along the BCE curve (as p,
// or as z through the sigmoid) and drag the label y; every readout beside the chart (BCEWithLogitsLoss,
// BCELoss, both Keras values with their clip, H(y), KL, dL/dz, dL/dp, pos_weight's effect) moves with it.
//
// Python sends `data` (topics.binary.figures.live_data): the state, core's readout (shown whenever
// nothing moves), the ranges, colours and words. While the point or y moves, this file computes the
// readout with the shared math (ui/live_math/ce_math.js, in front of this file) on the float32 values
// the frameworks see (sigmoid(20) is 1 in float32); on release it sends {x, y} with
// setTriggerValue("release", ...) and the page recomputes from core. The drag plumbing and DOM helpers
// are ui/live_math/live_component.js.

const KEY_STEPS = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1, PageUp: 10, PageDown: -10 };
const WIDTH = 600;
const HEIGHT = 240;
const PAD = { left: 40, right: 12, top: 10, bottom: 28 };
const LOSS_TOP = 10; // the chart's loss axis: 0 ... 10 (larger losses sit on the top edge)
const CURVE_POINTS = 241;

/** The readout of one state as torch and Keras compute it on float32 tensors (topics.binary.numbers). */
export function binaryReadout(form, value, y, posWeight, smoothing) {
  const y32 = Math.fround(y);
  const weight = Math.fround(posWeight);
  let z;
  let p;
  if (form === "logit") {
    z = Math.fround(value);
    p = Math.fround(sigmoid(z));
  } else {
    p = Math.fround(value);
    z = Math.fround(logit(p));
  }
  const bceProbs = bce(p, y32);
  const floor = binaryEntropy(y32);
  return {
    z, p, y: y32,
    bceLogits: bceWithLogits(z, y32, weight),
    bceLogitsUnweighted: bceWithLogits(z, y32, 1),
    bceProbs,
    kerasLogits: kerasBinaryCrossentropy(y32, z, true, smoothing),
    kerasProbs: kerasBinaryCrossentropy(y32, p, false, smoothing, true),
    floor,
    kl: bceProbs - floor,
    gradZ: bceWithLogitsGradient(z, y32, weight),
    gradP: bceGradient(p, y32),
  };
}

/** One mounted chart; this.live = {x, y, moved}: the prediction (z or p, as the page's form), the label,
 *  and whether they moved since Python last ran. The drag plumbing is LiveComponent's. */
class LiveBinary extends LiveComponent {
  constructor(root) {
    super(root);
    root.liveBinary = this;
  }

  update(data, send) {
    this.send = send;
    const rebuild = !this.data || JSON.stringify([data.form, data.text]) !== JSON.stringify([this.data.form, this.data.text]);
    this.data = data;
    if (rebuild) this.build();
    if (!this.dragging) this.live = { x: data.x, y: data.y, moved: false };
    this.markLocked();
    this.settled();
    this.draw();
  }

  build() {
    const { data } = this;
    this.root.replaceChildren();
    this.root.setAttribute("role", "group");
    this.root.setAttribute("aria-label", data.text.group);
    const chartBox = element("div", "lb-chart-box");
    this.chart = svgElement("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "lb-chart live-focus" });
    this.chart.setAttribute("role", "slider");
    this.chart.setAttribute("tabindex", "0");
    this.chart.setAttribute("aria-label", data.text.pointLabel);
    this.chart.setAttribute("aria-valuemin", String(data.xRange[0]));
    this.chart.setAttribute("aria-valuemax", String(data.xRange[1]));
    this.drawAxes();
    this.floorLine = svgElement("line", { class: "lb-floor" });
    this.curve = svgElement("path", { class: "lb-curve" });
    this.guide = svgElement("line", { class: "lb-guide" });
    this.point = svgElement("circle", { class: "lb-point" });
    this.chart.append(this.floorLine, this.curve, this.guide, this.point);
    chartBox.append(element("div", "lb-title", data.text.title), this.chart);
    this.listen(this.chart, "point", { shown: chartBox });

    const knob = element("div", "lb-knob live-knob");
    this.yValue = element("span", "live-knob-value");
    this.yTrack = sliderElement("lb-knob-track live-knob-track live-focus", data.text.yLabel, [0, 1], "horizontal");
    this.yFill = element("div", "live-knob-fill");
    this.yThumb = element("div", "live-knob-thumb");
    this.yTrack.append(this.yFill, this.yThumb);
    knob.append(element("span", "live-knob-label", data.text.yLabel), this.yValue, this.yTrack);
    this.listen(this.yTrack, "label", { shown: knob });

    this.table = element("dl", "lb-readout");
    this.cells = {};
    for (const [name, label] of data.text.rows) {
      const term = element("dt", "lb-term", label);
      const value = element("dd", "lb-value");
      value.dataset.name = name;
      this.table.append(term, value);
      this.cells[name] = value;
    }
    this.note = element("p", "lb-note");
    this.root.append(chartBox, knob, this.table, this.note, element("p", "lb-caption", data.text.note));
  }

  drawAxes() {
    const { data } = this;
    const axes = svgElement("g", { class: "lb-axes" });
    const ticks = data.form === "logit" ? [-20, -10, 0, 10, 20] : [0, 0.25, 0.5, 0.75, 1];
    for (const tick of ticks) {
      const x = this.toX(tick);
      axes.append(svgElement("line", { x1: x, x2: x, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom + 4 }));
      const label = svgElement("text", { x, y: HEIGHT - 8, "text-anchor": "middle" });
      label.textContent = String(tick);
      axes.append(label);
    }
    for (const loss of [0, 5, 10]) {
      const y = this.toY(loss);
      axes.append(svgElement("line", { x1: PAD.left - 4, x2: WIDTH - PAD.right, y1: y, y2: y, class: "lb-grid" }));
      const label = svgElement("text", { x: PAD.left - 8, y: y + 4, "text-anchor": "end" });
      label.textContent = String(loss);
      axes.append(label);
    }
    const name = svgElement("text", { x: WIDTH - PAD.right, y: HEIGHT - PAD.bottom - 6, "text-anchor": "end", class: "lb-axis-name" });
    name.textContent = data.form === "logit" ? "z" : "p";
    axes.append(name);
    this.chart.append(axes);
  }

  toX(value) {
    const [low, high] = this.data.xRange;
    return PAD.left + ((value - low) / (high - low)) * (WIDTH - PAD.left - PAD.right);
  }

  toY(loss) {
    const clipped = Math.min(LOSS_TOP, Math.max(0, Number.isFinite(loss) ? loss : LOSS_TOP));
    return HEIGHT - PAD.bottom - (clipped / LOSS_TOP) * (HEIGHT - PAD.top - PAD.bottom);
  }

  moveTo(control, event) {
    const { data, live } = this;
    if (control === "point") {
      const box = this.boxOf(this.chart);
      const scale = box.width / WIDTH;
      const fraction = (event.clientX - box.left - PAD.left * scale) / ((WIDTH - PAD.left - PAD.right) * scale);
      const [low, high] = data.xRange;
      live.x = snap(low + fraction * (high - low), low, high, data.xStep);
    } else {
      const box = this.boxOf(this.yTrack);
      live.y = snap((event.clientX - box.left) / box.width, 0, 1, data.yStep);
    }
    live.moved = true;
    this.moved(event);
  }

  onKey(control, event) {
    const { data, live } = this;
    const step = KEY_STEPS[event.key];
    if (step === undefined && event.key !== "Home" && event.key !== "End") return;
    event.preventDefault();
    const [low, high] = control === "point" ? data.xRange : [0, 1];
    const grid = control === "point" ? data.xStep : data.yStep;
    const name = control === "point" ? "x" : "y";
    let next = live[name];
    if (step !== undefined) next += step * grid;
    else next = event.key === "Home" ? low : high;
    next = snap(next, low, high, grid);
    if (next === live[name]) return;
    live[name] = next;
    live.moved = true;
    this.requestDraw();
    this.commit();
  }

  snapshot() {
    return JSON.stringify([this.live.x, this.live.y]);
  }

  message() {
    return { x: this.live.x, y: this.live.y };
  }

  render() {
    const { data, live } = this;
    const result = binaryReadout(data.form, live.x, live.y, data.posWeight, data.smoothing);
    // Between Python runs the numbers are the browser's; once the page has run they are core's.
    const shown = live.moved ? formatted(result, data) : data.core;
    for (const [name, cell] of Object.entries(this.cells)) cell.textContent = shown[name];
    const loss = data.form === "logit" ? result.bceLogits : result.bceProbs;
    this.curve.setAttribute("d", this.curvePath(result.y));
    const floorY = this.toY(result.floor);
    setAttributes(this.floorLine, { x1: PAD.left, x2: WIDTH - PAD.right, y1: floorY, y2: floorY });
    const x = this.toX(live.x);
    setAttributes(this.point, { cx: x, cy: this.toY(loss) });
    setAttributes(this.guide, { x1: x, x2: x, y1: HEIGHT - PAD.bottom, y2: this.toY(loss) });
    const valueText = data.text.pointText.replace("{x}", fmt(live.x, data.form === "logit" ? 2 : 3))
      .replace("{loss}", shown[data.form === "logit" ? "bceLogits" : "bceProbs"]);
    this.chart.setAttribute("aria-valuenow", String(live.x));
    this.chart.setAttribute("aria-valuetext", valueText);
    this.yValue.textContent = fmt(live.y, 2);
    this.yFill.style.width = percent(live.y);
    this.yThumb.style.left = percent(live.y);
    this.yTrack.setAttribute("aria-valuenow", String(live.y));
    this.yTrack.setAttribute("aria-valuetext", fmt(live.y, 2));
    const saturated = result.p === 0 || result.p === 1;
    this.note.textContent = saturated ? data.text.saturated.replace("{p}", String(result.p)) : "";
  }

  /** The loss against x for the label y: BCEWithLogitsLoss (with pos_weight) over z, BCELoss over p. */
  curvePath(y) {
    const { data } = this;
    const [low, high] = data.xRange;
    const parts = [];
    for (let index = 0; index < CURVE_POINTS; index++) {
      const t = index / (CURVE_POINTS - 1);
      // Over p the points crowd near 0 and 1, where BCE bends.
      const x = data.form === "logit" ? low + t * (high - low) : sigmoid(-8 + 16 * t);
      const loss = data.form === "logit" ? bceWithLogits(x, y, data.posWeight) : bce(x, y);
      parts.push(`${index ? "L" : "M"}${this.toX(x).toFixed(2)},${this.toY(loss).toFixed(2)}`);
    }
    return parts.join("");
  }

}

/** The readout's texts, as topics.binary.words writes core's. */
function formatted(result, data) {
  return {
    bceLogits: fmt(result.bceLogits),
    bceProbs: fmt(result.bceProbs),
    kerasLogits: fmt(result.kerasLogits),
    kerasProbs: fmt(result.kerasProbs),
    floor: fmt(result.floor),
    kl: fmt(result.kl),
    gradZ: fmt(result.gradZ),
    gradP: fmt(result.gradP),
    posWeight: data.text.posWeightText.replace("{w}", fmt(data.posWeight, 1))
      .replace("{weighted}", fmt(result.bceLogits)).replace("{plain}", fmt(result.bceLogitsUnweighted)),
    linked: data.form === "logit" ? `p = ${fmt(result.p)}` : `z = ${fmt(result.z)}`,
  };
}

export default mountComponent(".lb", LiveBinary);

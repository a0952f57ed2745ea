// The gradient page's live landscape (Streamlit components v2): drag the current point (z1, z2) on the
// loss map L(0, z1, z2); the -grad L arrow at the point, the gradient-descent path for the page's
// learning rate and steps, and the loss and dL/dz readouts move during the drag.
//
// Python sends `data` (topics.gradient.figures.live_data): the point, the true class, T, eps, the
// learning rate and steps, core's readout (shown whenever nothing moves), the square, the figure's
// colours and words. The map, the arrow, the path and the numbers come from the shared math
// (ui/live_math/ce_math.js, in front of this file); release (or a key press) sends {z1, z2} with
// setTriggerValue("release", ...) and the page recomputes from core. The drag plumbing and DOM helpers
// are ui/live_math/live_component.js.

const KEY_STEPS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
const SIZE = 400; // the overlay's viewBox is SIZE x SIZE
const GRID = 121; // the map's resolution, as topics.gradient.numbers.GRID_POINTS
const ARROW_UNITS_PER_GRADIENT = 4; // the arrow's length in logit units per unit of |grad|, ...
const ARROW_MAX_UNITS = 3; // ... at most this long

/** One mounted map; this.live = {z1, z2, moved}. The drag plumbing is LiveComponent's. */
class LiveLandscape extends LiveComponent {
  constructor(root) {
    super(root);
    root.liveLandscape = this;
  }

  update(data, send) {
    this.send = send;
    const mapKey = (d) => JSON.stringify([d.trueClass, d.temperature, d.smoothing, d.scale, d.text]);
    const rebuild = !this.data || mapKey(data) !== mapKey(this.data);
    this.data = data;
    if (rebuild) this.build();
    if (!this.dragging) this.live = { z1: data.z1, z2: data.z2, moved: false };
    this.markLocked();
    this.settled();
    this.draw();
  }

  target() {
    return [0, 1, 2].map((k) => (k === this.data.trueClass ? 1 : 0));
  }

  build() {
    const { data } = this;
    this.root.replaceChildren();
    this.root.setAttribute("role", "group");
    this.root.setAttribute("aria-label", data.text.group);
    const title = element("div", "ll-title", data.text.title);
    const frame = element("div", "ll-frame");
    this.canvas = document.createElement("canvas");
    this.canvas.className = "ll-map";
    this.canvas.width = GRID;
    this.canvas.height = GRID;
    this.paintMap();
    this.overlay = svgElement("svg", { viewBox: `0 0 ${SIZE} ${SIZE}`, class: "ll-overlay live-focus" });
    this.overlay.setAttribute("role", "slider");
    this.overlay.setAttribute("tabindex", "0");
    this.overlay.setAttribute("aria-label", data.text.pointLabel);
    this.overlay.setAttribute("aria-valuemin", String(data.range[0]));
    this.overlay.setAttribute("aria-valuemax", String(data.range[1]));
    const defs = svgElement("defs", {});
    const marker = svgElement("marker", { id: "ll-head", viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 5, markerHeight: 5, orient: "auto-start-reverse" });
    marker.append(svgElement("path", { d: "M0,0L10,5L0,10z", class: "ll-arrow-head" }));
    defs.append(marker);
    this.pathLine = svgElement("polyline", { class: "ll-path" });
    this.pathDots = svgElement("g", { class: "ll-path-dots" });
    this.arrow = svgElement("line", { class: "ll-arrow", "marker-end": "url(#ll-head)" });
    this.point = svgElement("circle", { class: "ll-point" });
    this.overlay.append(defs, this.axes(), this.pathLine, this.pathDots, this.arrow, this.point);
    frame.append(this.canvas, this.overlay);
    this.listen(this.overlay, "point", { shown: frame });
    this.table = element("dl", "ll-readout");
    this.cells = {};
    for (const [name, label] of data.text.rows) {
      const value = element("dd", "ll-value");
      value.dataset.name = name;
      this.table.append(element("dt", "ll-term", label), value);
      this.cells[name] = value;
    }
    this.root.append(title, frame, this.table);
  }

  axes() {
    const group = svgElement("g", { class: "ll-axes" });
    const [low, high] = this.data.range;
    for (let tick = low; tick <= high; tick += 2) {
      const at = this.toPixel(tick, tick);
      const x = svgElement("text", { x: at[0], y: SIZE - 4, "text-anchor": "middle" });
      x.textContent = String(tick);
      const y = svgElement("text", { x: 4, y: at[1] + 4, "text-anchor": "start" });
      y.textContent = String(tick);
      if (tick !== low) group.append(x);
      if (tick !== low) group.append(y);
    }
    const xName = svgElement("text", { x: SIZE - 6, y: SIZE - 18, "text-anchor": "end", class: "ll-axis-name" });
    xName.textContent = "z1 →";
    const yName = svgElement("text", { x: 6, y: 16, class: "ll-axis-name" });
    yName.textContent = "↑ z2";
    group.append(xName, yName);
    return group;
  }

  /** The loss over the square, one pixel per grid point, in the figure's colour scale. */
  paintMap() {
    const { data } = this;
    const [low, high] = data.range;
    const target = this.target();
    const values = new Float64Array(GRID * GRID);
    let least = Infinity;
    let most = -Infinity;
    for (let row = 0; row < GRID; row++) {
      const z2 = high - (row / (GRID - 1)) * (high - low);
      for (let column = 0; column < GRID; column++) {
        const z1 = low + (column / (GRID - 1)) * (high - low);
        const loss = crossEntropy([0, z1, z2], target, data.temperature, data.smoothing);
        values[row * GRID + column] = loss;
        least = Math.min(least, loss);
        most = Math.max(most, loss);
      }
    }
    const context = this.canvas.getContext("2d");
    const image = context.createImageData(GRID, GRID);
    const stops = data.scale.map(([at, colour]) => [at, hexToRgb(colour)]);
    values.forEach((loss, index) => {
      const rgb = colourAt(stops, most > least ? (loss - least) / (most - least) : 0);
      image.data.set([...rgb, 255], index * 4);
    });
    context.putImageData(image, 0, 0);
  }

  toPixel(z1, z2) {
    const [low, high] = this.data.range;
    return [((z1 - low) / (high - low)) * SIZE, ((high - z2) / (high - low)) * SIZE];
  }

  moveTo(control, event) {
    const { data, live } = this;
    const box = this.boxOf(this.overlay);
    const [low, high] = data.range;
    live.z1 = snap(low + ((event.clientX - box.left) / box.width) * (high - low), low, high, data.step);
    live.z2 = snap(high - ((event.clientY - box.top) / box.height) * (high - low), low, high, data.step);
    live.moved = true;
    this.moved(event);
  }

  onKey(control, event) {
    const { data, live } = this;
    const [low, high] = data.range;
    const direction = KEY_STEPS[event.key];
    const big = event.key === "PageUp" ? 10 : event.key === "PageDown" ? -10 : 0;
    if (!direction && !big) return;
    event.preventDefault();
    const [dx, dy] = direction || [0, Math.sign(big)];
    const factor = big ? 10 : 1;
    const z1 = snap(live.z1 + dx * factor * data.step, low, high, data.step);
    const z2 = snap(live.z2 + dy * factor * data.step, low, high, data.step);
    if (z1 === live.z1 && z2 === live.z2) return;
    Object.assign(live, { z1, z2, moved: true });
    this.requestDraw();
    this.commit();
  }

  snapshot() {
    return JSON.stringify([this.live.z1, this.live.z2]);
  }

  message() {
    return { z1: this.live.z1, z2: this.live.z2 };
  }

  render() {
    const { data, live } = this;
    const logits = [0, live.z1, live.z2];
    const target = this.target();
    const loss = crossEntropy(logits, target, data.temperature, data.smoothing);
    const gradient = crossEntropyGradient(logits, target, data.temperature, data.smoothing);
    const path = descentPath(logits, target, data.temperature, data.smoothing, data.learningRate, data.steps,
      [false, true, true]);
    const shown = live.moved ? {
      loss: fmt(loss),
      gradient: `(${gradient.map((g) => fmt(g)).join(", ")})`,
      pathEnd: fmt(path.losses[path.losses.length - 1]),
    } : data.core;
    for (const [name, cell] of Object.entries(this.cells)) cell.textContent = shown[name];

    const points = path.logits.map(([, z1, z2]) => this.toPixel(z1, z2));
    this.pathLine.setAttribute("points", points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" "));
    this.pathDots.replaceChildren(...points.slice(1).map(([x, y]) => svgElement("circle", { cx: x, cy: y, r: 2.5 })));
    const [x, y] = this.toPixel(live.z1, live.z2);
    setAttributes(this.point, { cx: x, cy: y });
    const norm = Math.hypot(gradient[1], gradient[2]);
    const units = Math.min(ARROW_MAX_UNITS, norm * ARROW_UNITS_PER_GRADIENT);
    const scale = norm > 0 ? units / norm : 0;
    const [tipX, tipY] = this.toPixel(live.z1 - gradient[1] * scale, live.z2 - gradient[2] * scale);
    setAttributes(this.arrow, { x1: x, y1: y, x2: tipX, y2: tipY, visibility: units > 0.05 ? "visible" : "hidden" });
    this.overlay.setAttribute("aria-valuenow", String(live.z1));
    this.overlay.setAttribute("aria-valuetext", data.text.pointText.replace("{z1}", fmt(live.z1, 1))
      .replace("{z2}", fmt(live.z2, 1)).replace("{loss}", shown.loss));
  }

}

function hexToRgb(hex) {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** The colour at `fraction` in a Plotly-style scale [[0, rgb], ..., [1, rgb]], linear between stops. */
function colourAt(stops, fraction) {
  for (let index = 1; index < stops.length; index++) {
    const [at, high] = stops[index];
    const [before, low] = stops[index - 1];
    if (fraction <= at || index === stops.length - 1) {
      const t = Math.min(1, Math.max(0, (fraction - before) / (at - before)));
      return low.map((channel, k) => Math.round(channel + t * (high[k] - channel)));
    }
  }
  return stops[0][1];
}

export default mountComponent(".ll", LiveLandscape);

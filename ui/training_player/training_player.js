// The training page's player (Streamlit components v2, drawn in the page, not an iframe).
//
// Python sends `data` once per run (topics.training.figures.player_data): for every frame the decision
// regions' predicted classes (bytes, row 0 = the lowest x2) and each training point's grey level from
// its own cross-entropy (bytes), each as one zlib-deflated base64 block inflated once here, the followed
// sample's logits and softmax, and the training and validation cross-entropy so far. This file draws a frame on three canvases and plays the frames at
// `fps` times the page's speed setting with play / pause / one step / back to step 0 and a slider. No math here:
// every number was computed by core. Nothing is sent back, so playing costs the server nothing.
//
// The root element carries data-frame (the frame shown) and window.__trainingPlayerStats the times
// frames were drawn and how long each took, for the browser test and bench/bench_training.py.

/** The typed array packed by figures.deflated: base64 -> zlib inflate -> Uint8Array / Float32Array. */
async function inflate(base64, Type) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Type(await new Response(stream).arrayBuffer());
}

function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function sized(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.height = `${height}px`;
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

const stats = (window.__trainingPlayerStats = window.__trainingPlayerStats || { drawnAt: [], drawMs: [] });

class Player {
  constructor(root) {
    this.root = root;
    this.frame = 0;
    this.playing = false;
    this.lastTick = 0;
    this.handle = null;
    root.replaceChildren();
    this.regionTitle = element("div", "tp-title");
    this.regions = element("canvas");
    const row = element("div", "tp-row");
    this.logitTitle = element("div", "tp-title");
    this.probTitle = element("div", "tp-title");
    this.logits = element("canvas");
    this.probs = element("canvas");
    const left = element("div");
    const right = element("div");
    left.append(this.logitTitle, this.logits);
    right.append(this.probTitle, this.probs);
    row.append(left, right);
    this.curveTitle = element("div", "tp-title");
    this.curve = element("canvas");
    const controls = element("div", "tp-controls");
    this.playButton = element("button", "tp-play");
    this.stepButton = element("button", "tp-one-step");
    this.resetButton = element("button", "tp-reset");
    this.slider = element("input", "tp-slider");
    this.slider.type = "range";
    this.slider.min = "0";
    this.stepText = element("span", "tp-step");
    controls.append(this.playButton, this.stepButton, this.resetButton, this.slider, this.stepText);
    root.append(this.regionTitle, this.regions, row, this.curveTitle, this.curve, controls);
    this.playButton.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    this.stepButton.addEventListener("click", () => {
      this.pause();
      this.show(Math.min(this.frame + 1, this.count - 1));
    });
    this.resetButton.addEventListener("click", () => {
      this.pause();
      this.show(0);
    });
    this.slider.addEventListener("input", () => {
      this.pause();
      this.show(Number(this.slider.value));
    });
    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(root);
  }

  async update(data) {
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    const [regions, shades, pointX, pointY, pointLabel] = await Promise.all([
      data.regions ? inflate(data.regions, Uint8Array) : null,
      inflate(data.shades, Uint8Array),
      data.points.x ? inflate(data.points.x, Float32Array) : null,
      data.points.y ? inflate(data.points.y, Float32Array) : null,
      inflate(data.points.label, Uint8Array),
    ]);
    if (ticket !== this.ticket) return; // a newer run arrived while this one was inflating
    const fresh = !this.data || this.data.key !== data.key;
    this.data = data;
    this.count = data.steps.length;
    this.cells = data.grid ? data.grid.n * data.grid.n : 0;
    this.regionBytes = regions;
    this.shades = shades;
    this.points = { x: pointX, y: pointY, label: pointLabel, count: data.points.count };
    this.tints = data.tints.map(hexToRgb);
    this.image = data.grid ? new ImageData(data.grid.n, data.grid.n) : null;
    this.ink = getComputedStyle(this.root).color || "#262730"; // read once: not in the frame loop
    const text = data.text;
    this.regionTitle.textContent = text.regions;
    this.regionTitle.hidden = !data.regions;
    this.regions.hidden = !data.regions;
    this.logitTitle.textContent = text.logits;
    this.probTitle.textContent = text.softmax;
    this.curveTitle.textContent = text.curve;
    this.stepButton.textContent = text.step;
    this.resetButton.textContent = text.reset;
    this.slider.max = String(this.count - 1);
    this.slider.setAttribute("aria-label", text.slider);
    if (fresh) {
      this.pause();
      this.frame = 0;
    }
    this.frame = Math.min(this.frame, this.count - 1);
    this.layout();
  }

  layout() {
    if (!this.data) return;
    const width = this.root.clientWidth || 600;
    this.width = width;
    const half = (width - 16) / 2;
    this.regionContext = sized(this.regions, width, Math.min(width, 460));
    this.logitContext = sized(this.logits, half, 150);
    this.probContext = sized(this.probs, half, 150);
    this.curveContext = sized(this.curve, width, 130);
    this.show(this.frame);
  }

  // The frame shown follows the clock (frames since Play times the frame rate), not a count of
  // animation callbacks: a late callback catches up instead of slowing the whole playback down, and a
  // 60 Hz display draws every second callback at 30 frames per second.
  play() {
    if (this.frame >= this.count - 1) this.show(0);
    this.playing = true;
    this.playButton.textContent = this.data.text.pause;
    const startFrame = this.frame;
    const startTime = performance.now();
    const tick = (now) => {
      if (!this.playing) return;
      const perSecond = this.data.fps * Number(this.data.speed);
      const due = startFrame + Math.floor(((now - startTime) * perSecond) / 1000);
      if (due > this.frame) this.show(due);
      if (this.frame >= this.count - 1) {
        this.pause();
        return;
      }
      this.handle = requestAnimationFrame(tick);
    };
    this.handle = requestAnimationFrame(tick);
  }

  pause() {
    this.playing = false;
    cancelAnimationFrame(this.handle);
    if (this.data) this.playButton.textContent = this.data.text.play;
  }

  show(frame) {
    const started = performance.now();
    this.frame = Math.max(0, Math.min(frame, this.count - 1));
    const data = this.data;
    this.slider.value = String(this.frame);
    this.stepText.textContent = data.text.stepOf
      .replace("{step}", data.steps[this.frame])
      .replace("{total}", data.steps[this.count - 1]);
    this.root.dataset.frame = String(this.frame);
    if (data.regions) this.drawRegions();
    this.drawBars(this.logitContext, data.logits[this.frame], -data.logitRange, data.logitRange);
    this.drawBars(this.probContext, data.probs[this.frame], 0, 1);
    this.drawCurve();
    const finished = performance.now();
    stats.drawnAt.push(finished);
    stats.drawMs.push(finished - started);
    if (stats.drawnAt.length > 2000) {
      stats.drawnAt.shift();
      stats.drawMs.shift();
    }
  }

  drawRegions() {
    const data = this.data;
    const context = this.regionContext;
    const width = this.width;
    const height = Math.min(width, 460);
    const n = data.grid.n;
    const classes = this.regionBytes.subarray(this.frame * this.cells, (this.frame + 1) * this.cells);
    const image = this.image;
    for (let row = 0; row < n; row += 1) {
      for (let col = 0; col < n; col += 1) {
        const rgb = this.tints[classes[row * n + col]];
        const at = 4 * ((n - 1 - row) * n + col); // row 0 is the lowest x2: drawn at the bottom
        image.data[at] = rgb[0];
        image.data[at + 1] = rgb[1];
        image.data[at + 2] = rgb[2];
        image.data[at + 3] = 255;
      }
    }
    if (!this.cell || this.cell.width !== n) {
      this.cell = document.createElement("canvas");
      this.cell.width = n;
      this.cell.height = n;
    }
    this.cell.getContext("2d").putImageData(image, 0, 0);
    context.clearRect(0, 0, width, height);
    context.imageSmoothingEnabled = false;
    context.drawImage(this.cell, 0, 0, width, height);
    const { x0, x1, y0, y1 } = data.grid;
    const px = (x) => ((x - x0) / (x1 - x0)) * width;
    const py = (y) => height - ((y - y0) / (y1 - y0)) * height;
    const points = this.points;
    const shades = this.shades.subarray(this.frame * points.count, (this.frame + 1) * points.count);
    context.lineWidth = 2;
    for (let i = 0; i < points.count; i += 1) {
      const shade = shades[i];
      context.beginPath();
      context.arc(px(points.x[i]), py(points.y[i]), 4.5, 0, 2 * Math.PI);
      context.fillStyle = `rgb(${shade},${shade},${shade})`;
      context.fill();
      context.strokeStyle = data.colours[points.label[i]];
      context.stroke();
    }
    context.beginPath();
    context.arc(px(data.sample.x), py(data.sample.y), 10, 0, 2 * Math.PI);
    context.lineWidth = 3;
    context.strokeStyle = "#000000";
    context.stroke();
  }

  drawBars(context, values, low, high) {
    const data = this.data;
    const width = (this.width - 16) / 2;
    const height = 150;
    const bottom = height - 22;
    const top = 14;
    const y = (v) => top + ((high - Math.max(low, Math.min(high, v))) / (high - low)) * (bottom - top);
    context.clearRect(0, 0, width, height);
    const ink = this.ink;
    context.strokeStyle = ink;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(0, y(Math.max(low, 0)));
    context.lineTo(width, y(Math.max(low, 0)));
    context.stroke();
    const slot = width / values.length;
    context.font = "12px sans-serif";
    context.textAlign = "center";
    values.forEach((value, k) => {
      const base = y(Math.max(low, 0));
      const end = y(value);
      const isLabel = k === data.sample.label;
      context.fillStyle = isLabel ? data.colours[k] : data.tints[k];
      context.fillRect(k * slot + slot * 0.15, Math.min(base, end), slot * 0.7, Math.abs(end - base));
      context.fillStyle = ink;
      context.fillText(isLabel ? `★${k}` : String(k), k * slot + slot / 2, height - 6);
      context.fillText(value.toFixed(2), k * slot + slot / 2, Math.max(top - 2, Math.min(end, base) - 3));
    });
  }

  drawCurve() {
    const data = this.data;
    const context = this.curveContext;
    const width = this.width;
    const height = 130;
    const left = 36;
    const bottom = height - 16;
    context.clearRect(0, 0, width, height);
    const finite = [...data.curve.train, ...data.curve.val].filter(Number.isFinite);
    const top = Math.max(...finite, 1e-9);
    const x = (i) => left + (i / Math.max(1, this.count - 1)) * (width - left - 8);
    const y = (v) => bottom - (Math.min(Number.isFinite(v) ? v : top, top) / top) * (bottom - 8);
    const ink = this.ink;
    context.strokeStyle = ink;
    context.fillStyle = ink;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(left, 8);
    context.lineTo(left, bottom);
    context.lineTo(width - 8, bottom);
    context.stroke();
    context.font = "11px sans-serif";
    context.textAlign = "right";
    context.fillText(top.toFixed(2), left - 4, 14);
    context.fillText("0", left - 4, bottom);
    const line = (values, colour, dash) => {
      context.beginPath();
      context.setLineDash(dash);
      context.strokeStyle = colour;
      context.lineWidth = 2;
      values.forEach((v, i) => (i ? context.lineTo(x(i), y(v)) : context.moveTo(x(i), y(v))));
      context.stroke();
      context.setLineDash([]);
    };
    line(data.curve.train, data.curveColours[0], []);
    line(data.curve.val, data.curveColours[1], [6, 4]);
    context.beginPath();
    context.arc(x(this.frame), y(data.curve.train[this.frame]), 5, 0, 2 * Math.PI);
    context.fillStyle = ink;
    context.fill();
    context.textAlign = "left";
    context.fillStyle = data.curveColours[0];
    context.fillText(data.text.train, left + 8, 18);
    context.fillStyle = data.curveColours[1];
    context.fillText(data.text.val, left + 8, 32);
  }

  destroy() {
    this.pause();
    this.resizeObserver.disconnect();
  }
}

const instances = new WeakMap();

/** Streamlit calls this on mount and again whenever `data` (or the theme) changes. */
export default function mount({ data, parentElement }) {
  const root = parentElement.querySelector(".tp");
  let instance = instances.get(parentElement);
  if (!instance || instance.root !== root) {
    instance = new Player(root);
    instances.set(parentElement, instance);
  }
  instance.update(data).catch((error) => console.error("training player:", error));
  return () => {
    instance.destroy();
    instances.delete(parentElement);
  };
}

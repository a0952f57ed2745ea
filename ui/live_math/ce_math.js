// The cross-entropy math every live component draws from while a control is dragged (float64).
//
// One copy, shared: ui/live_math/__init__.py puts this file in front of each component's own script.
// Each function mirrors one function of core/ (named in its comment) and tests/shared/test_live_math.py
// checks it against core on a few thousand states, logits of +-100 and p of 0 and 1 included. Python
// stays the source of truth: on release every page recomputes from core.

/** torch's binary_cross_entropy clamps each log at -100 (core.losses.BCE_LOG_FLOOR). */
export const BCE_LOG_FLOOR = -100;
/** keras.config.epsilon(): Keras clips probabilities to [1e-7, 1 - 1e-7] (core.keras_losses). */
export const KERAS_EPSILON = 1e-7;
/** torch's BCE backward divides by max(p (1 - p), 1e-12), the float32 constant (core.gradients). */
export const BCE_GRAD_EPSILON = Math.fround(1e-12);

/** logsumexp(s) = m + log sum_k exp(s_k - m), m = max_k s_k (core.losses.logsumexp). */
export function logSumExp(values) {
  const top = Math.max(...values);
  const peak = Number.isFinite(top) ? top : 0;
  let sum = 0;
  for (const value of values) sum += Math.exp(value - peak);
  return peak + Math.log(sum);
}

/** log p_k = z_k / T - logsumexp(z / T), stable (core.losses.log_softmax). */
export function logSoftmax(logits, temperature = 1) {
  const scaled = logits.map((z) => z / temperature);
  const total = logSumExp(scaled);
  return scaled.map((s) => s - total);
}

/** p_k = exp(z_k / T) / sum_j exp(z_j / T) (core.losses.softmax). */
export function softmax(logits, temperature = 1) {
  return logSoftmax(logits, temperature).map(Math.exp);
}

/** y' = (1 - eps) y + eps / K: the smoothed target (core.losses.probability_target). */
export function smoothTarget(target, smoothing = 0) {
  if (!(smoothing > 0)) return target.slice();
  const share = smoothing / target.length;
  return target.map((y) => y * (1 - smoothing) + share);
}

/** The target distribution of a sample (topics.shared.sample.target_distribution): one-hot at the
 *  true class ("class"), smoothed ("smoothed"), or the soft weights normalised ("soft", uniform when
 *  they are all 0). */
export function targetDistribution(kind, count, trueClass, weights, smoothing) {
  if (kind === "soft") {
    const clipped = Array.from({ length: count }, (_, k) => Math.max(0, weights[k] || 0));
    const total = clipped.reduce((sum, w) => sum + w, 0);
    return total > 0 ? clipped.map((w) => w / total) : clipped.map(() => 1 / count);
  }
  const oneHot = Array.from({ length: count }, (_, k) => (k === trueClass ? 1 : 0));
  return kind === "smoothed" ? smoothTarget(oneHot, smoothing) : oneHot;
}

/** L = -sum_k y'_k log softmax(z / T)_k, y' the smoothed target (core.losses.cross_entropy on z / T
 *  with a probability target and label_smoothing; equal to the class-index form for one-hot y). */
export function crossEntropy(logits, target, temperature = 1, smoothing = 0) {
  const logProbs = logSoftmax(logits, temperature);
  let loss = 0;
  smoothTarget(target, smoothing).forEach((y, k) => {
    if (y !== 0) loss -= y * logProbs[k];
  });
  return loss;
}

/** dL/dz = (p sum_k y'_k - y') / T, the familiar (p - y) / T (core.gradients.cross_entropy / T). */
export function crossEntropyGradient(logits, target, temperature = 1, smoothing = 0) {
  const probs = softmax(logits, temperature);
  const smoothed = smoothTarget(target, smoothing);
  const mass = smoothed.reduce((sum, y) => sum + y, 0);
  return probs.map((p, k) => (p * mass - smoothed[k]) / temperature);
}

/** H(p) = -sum_k p_k log p_k with 0 log 0 = 0 (core.losses.entropy). */
export function entropy(probs) {
  let total = 0;
  for (const p of probs) if (p !== 0) total -= p * Math.log(p);
  return total;
}

/** KL(y || p) = sum_k y_k (log y_k - log p_k), p = softmax(z / T)
 *  (core.losses.kl_div(log_softmax(z / T), y, reduction="sum")). */
export function klDivergence(target, logits, temperature = 1) {
  const logProbs = logSoftmax(logits, temperature);
  let total = 0;
  target.forEach((y, k) => {
    if (y !== 0) total += y * (Math.log(y) - logProbs[k]);
  });
  return total;
}

/** Everything a categorical readout shows for logits z, target y, T and eps, in one pass. */
export function categoricalReadout(logits, target, temperature = 1, smoothing = 0) {
  const smoothed = smoothTarget(target, smoothing);
  const scaled = logits.map((z) => z / temperature);
  const probs = softmax(logits, temperature);
  const targetLogit = smoothed.reduce((sum, y, k) => sum + y * scaled[k], 0);
  const loss = crossEntropy(logits, target, temperature, smoothing);
  const targetEntropy = entropy(smoothed);
  return {
    probs,
    target: smoothed,
    loss,
    logSumExp: logSumExp(scaled),
    targetLogit,
    entropy: entropy(probs),
    targetEntropy,
    kl: klDivergence(smoothed, logits, temperature),
    gradient: crossEntropyGradient(logits, target, temperature, smoothing),
  };
}

/** z <- z - lr * dL/dz: one step of gradient descent. */
export function descentStep(logits, gradient, learningRate) {
  return logits.map((z, k) => z - learningRate * gradient[k]);
}

/** `steps` steps of gradient descent on L(z; y, T, eps) from z (topics.playground.numbers.descent_path);
 *  `free` marks the logits that move (the gradient page holds z_0 at 0). Returns the logits and the
 *  loss after each step, the start included. */
export function descentPath(logits, target, temperature, smoothing, learningRate, steps, free = null) {
  const path = [logits.slice()];
  const pathLosses = [crossEntropy(logits, target, temperature, smoothing)];
  let current = logits.slice();
  for (let step = 0; step < steps; step++) {
    const gradient = crossEntropyGradient(current, target, temperature, smoothing);
    current = descentStep(current, free ? gradient.map((g, k) => (free[k] ? g : 0)) : gradient, learningRate);
    path.push(current);
    pathLosses.push(crossEntropy(current, target, temperature, smoothing));
  }
  return { logits: path, losses: pathLosses };
}

// Binary

/** sigmoid(z) = 1 / (1 + exp(-z)), without overflow for either sign (core.losses.sigmoid). */
export function sigmoid(z) {
  const decay = Math.exp(-Math.abs(z));
  return z >= 0 ? 1 / (1 + decay) : decay / (1 + decay);
}

/** log sigmoid(z) = min(z, 0) - log(1 + exp(-|z|)) (core.losses.log_sigmoid). */
export function logSigmoid(z) {
  return Math.min(z, 0) - Math.log1p(Math.exp(-Math.abs(z)));
}

/** logit(p) = log p - log(1 - p): -inf at p = 0, inf at p = 1 (core.losses.logit). */
export function logit(p) {
  return Math.log(p) - Math.log1p(-p);
}

/** BCELoss: -(y max(log p, -100) + (1 - y) max(log(1 - p), -100)) (core.losses.binary_cross_entropy). */
export function bce(p, y) {
  const logP = Math.max(Math.log(p), BCE_LOG_FLOOR);
  const logNotP = Math.max(Math.log1p(-p), BCE_LOG_FLOOR);
  return (y - 1) * logNotP - y * logP;
}

/** BCEWithLogitsLoss: (1 - y) z - (1 + (w - 1) y) log sigmoid(z), w = pos_weight
 *  (core.losses.binary_cross_entropy_with_logits). */
export function bceWithLogits(z, y, posWeight = 1) {
  return (1 - y) * z - ((posWeight - 1) * y + 1) * logSigmoid(z);
}

/** dL/dp of BCELoss: (p - y) / max(p (1 - p), 1e-12); it does not see the -100 clamp
 *  (core.gradients.binary_cross_entropy). */
export function bceGradient(p, y) {
  return (p - y) / Math.max((1 - p) * p, BCE_GRAD_EPSILON);
}

/** dL/dz of BCEWithLogitsLoss: (1 + (w - 1) y) sigmoid(z) - w y
 *  (core.gradients.binary_cross_entropy_with_logits). */
export function bceWithLogitsGradient(z, y, posWeight = 1) {
  const factor = (posWeight - 1) * y + 1;
  return factor * sigmoid(z) - (factor - 1 + y);
}

/** Keras's clip of probabilities to [1e-7, 1 - 1e-7]; `float32` rounds the upper end as float32 does
 *  (0.99999988), the dtype Keras computes in (core.keras_losses.clip_probabilities). */
export function kerasClip(p, float32 = false) {
  const high = float32 ? Math.fround(1 - KERAS_EPSILON) : 1 - KERAS_EPSILON;
  const low = float32 ? Math.fround(KERAS_EPSILON) : KERAS_EPSILON;
  return Math.min(high, Math.max(low, p));
}

/** keras.losses.binary_crossentropy on one value, y' = y (1 - eps) + eps / 2:
 *  from logits bceWithLogits(z, y'); from probabilities bce(clip(p), y') (core.keras_losses). */
export function kerasBinaryCrossentropy(y, prediction, fromLogits = false, smoothing = 0, float32 = false) {
  const smoothed = smoothing ? y * (1 - smoothing) + 0.5 * smoothing : y;
  return fromLogits ? bceWithLogits(prediction, smoothed) : bce(kerasClip(prediction, float32), smoothed);
}

/** H(y) = -(y log y + (1 - y) log(1 - y)), 0 at y = 0 and 1: the lowest BCE a label y allows
 *  (topics.binary.numbers.binary_entropy). */
export function binaryEntropy(y) {
  return entropy([y, 1 - y]);
}

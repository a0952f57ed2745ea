// Number formatting and value snapping shared by the live components (with ce_math.js).

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

/** A value clipped to [low, high] and put on a slider's grid (multiples of `step`). */
export function snap(value, low, high, step) {
  const clipped = Math.min(high, Math.max(low, value));
  const decimals = Math.max(0, Math.round(-Math.log10(step)));
  return Number((Math.round(clipped / step) * step).toFixed(decimals));
}

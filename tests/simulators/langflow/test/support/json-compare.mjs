// Structural and value comparison of simulator output against reference examples.

export function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Lists every difference in keys, types and nesting between `expected` and `actual`.
 * `allowExtra` holds regexes of JSON paths that may exist in `actual` only.
 */
export function shapeDifferences(expected, actual, { allowExtra = [], path = '$' } = {}) {
  const out = [];
  const te = typeName(expected);
  const ta = typeName(actual);
  if (te !== ta) return [`${path}: expected ${te}, got ${ta}`];
  if (te === 'array') {
    if (expected.length !== actual.length) out.push(`${path}: expected ${expected.length} items, got ${actual.length}`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i += 1) {
      out.push(...shapeDifferences(expected[i], actual[i], { allowExtra, path: `${path}[${i}]` }));
    }
  } else if (te === 'object') {
    const ek = Object.keys(expected);
    const ak = Object.keys(actual);
    for (const k of ek) if (!(k in actual)) out.push(`${path}.${k}: missing`);
    for (const k of ak) {
      if (!(k in expected) && !allowExtra.some((re) => re.test(`${path}.${k}`))) out.push(`${path}.${k}: unexpected key`);
    }
    const order = ak.filter((k) => k in expected);
    if (order.join(',') !== ek.filter((k) => k in actual).join(',')) out.push(`${path}: key order differs (${order.join(',')})`);
    for (const k of ek) if (k in actual) out.push(...shapeDifferences(expected[k], actual[k], { allowExtra, path: `${path}.${k}` }));
  }
  return out;
}

/** Removes the keys at the given path patterns (used for documented additions). */
export function withoutPaths(value, patterns, path = '$') {
  if (Array.isArray(value)) return value.map((v, i) => withoutPaths(v, patterns, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    const p = `${path}.${k}`;
    if (!patterns.some((re) => re.test(p))) out[k] = withoutPaths(v, patterns, p);
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LANGFLOW_TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/;
const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Replaces the volatile values with placeholders after checking their format:
 *  - `timestamp` (both "YYYY-MM-DD HH:MM:SS UTC" and "YYYY-MM-DDTHH:MM:SSZ"): wall clock
 *  - message `id` (inside a message data dict or a token event): a fresh uuid4 per message
 * Everything else, including flow_id, session_id, component ids, texts and order, must match.
 */
export function normalizeVolatile(value, problems = [], path = '$', parentKey = '') {
  if (Array.isArray(value)) return value.map((v, i) => normalizeVolatile(v, problems, `${path}[${i}]`, parentKey));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    const p = `${path}.${k}`;
    if (k === 'timestamp') {
      if (!(LANGFLOW_TS.test(v) || ISO_TS.test(v))) problems.push(`${p}: bad timestamp ${v}`);
      out[k] = LANGFLOW_TS.test(v) ? '<timestamp>' : '<iso-timestamp>';
    } else if (k === 'id' && (parentKey === 'data') && typeof v === 'string' && ('sender' in value || 'chunk' in value)) {
      if (!UUID.test(v)) problems.push(`${p}: bad message id ${v}`);
      out[k] = '<message-id>';
    } else {
      out[k] = normalizeVolatile(v, problems, p, k);
    }
  }
  return out;
}

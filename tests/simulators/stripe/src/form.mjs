// Stripe v1 bodies: application/x-www-form-urlencoded with bracket notation (stripe.md §1.2):
//   metadata[order]=42 → { metadata: { order: '42' } }, payment_method_types[0]=card or [] → arrays.
export function parseForm(text) {
  const out = {};
  if (!text) return out;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    const parts = [];
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    if (!m) throw new Error(`malformed parameter name '${rawKey}'`);
    parts.push(m[1]);
    for (const seg of m[2].matchAll(/\[([^\]]*)\]/g)) parts.push(seg[1]);
    let node = out;
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i];
      const last = i === parts.length - 1;
      const nextIsIndex = !last && (parts[i + 1] === '' || /^\d+$/.test(parts[i + 1]));
      if (Array.isArray(node)) {
        const idx = key === '' ? node.length : Number(key);
        if (last) node[idx] = value; else node = node[idx] ??= nextIsIndex ? [] : {};
      } else if (last) {
        node[key] = value;
      } else {
        node = node[key] ??= nextIsIndex ? [] : {};
      }
    }
  }
  return out;
}

/** A stable text of the parameters (sorted keys) to compare requests under one idempotency key. */
export function canonical(params) {
  const sort = (v) => (Array.isArray(v) ? v.map(sort) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v);
  return JSON.stringify(sort(params));
}

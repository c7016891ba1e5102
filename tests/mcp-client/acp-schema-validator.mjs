// ACP JSON Schema validator for the .NET conformance tests (test equipment).
//
// Reads the official ACP schemas from the shared reference folder at run time (never copied into the repository),
// compiles them with ajv (JSON Schema draft 2020-12, formats checked), and answers validation requests as JSON lines:
//   stdin:  {"id":1,"version":"2026-04-17","schema":"agentic_checkout","def":"CheckoutSession","instance":{...}}
//   stdout: {"id":1,"valid":false,"errors":[{"path":"/status","message":"must be equal to one of the allowed values"}]}
// The first stdout line is {"ready":true,"patches":[...]} once everything compiled (or {"ready":false,"error":...}).
//
// In-memory patches: only for the defects listed in acp.md §15 (and the validator gotchas of §14), each named and
// reported in the ready line:
//   v0929-item-quantity-exclusiveMinimum  2025-09-29 Item.quantity uses draft-04 "exclusiveMinimum": true, which the
//                                         2020-12 meta-schema refuses (§15 first bullet, §14 gotcha 1) → "exclusiveMinimum": 0
//   v0929-session-with-order-split        2025-09-29 CheckoutSessionWithOrder = allOf[CheckoutSessionBase (additionalProperties
//                                         false, no order), {order}] can never validate (§14 gotcha 2): the session without
//                                         `order` is validated against CheckoutSessionBase and `order` against Order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const specDir = process.env.CMP_ACP_SPEC_DIR;
if (!specDir) {
  console.log(JSON.stringify({ ready: false, error: 'CMP_ACP_SPEC_DIR (…/reference/acp/spec/spec) is not set' }));
  process.exit(2);
}

const patches = [];
const json = (p) => JSON.parse(readFileSync(join(specDir, p), 'utf8'));
const yaml = (p) => YAML.parse(readFileSync(join(specDir, p), 'utf8'));

function newAjv() {
  // strict: false — the bundles carry OpenAPI-style annotations ("example") that are not JSON Schema keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

/** An OpenAPI document as a schema resource, so "#/components/schemas/X" and "./other.yaml#/…" resolve. */
function openApiResource(version, file) {
  const doc = yaml(`${version}/openapi/${file}`);
  return { $id: `https://acp.local/${version}/openapi/${file}`, components: doc.components };
}

const validators = new Map();   // `${version}|${schema}` -> { ajv, id }

function load() {
  for (const version of ['2025-09-29', '2026-04-17']) {
    for (const name of ['agentic_checkout', 'delegate_payment', 'feed']) {
      let schema;
      try { schema = json(`${version}/json-schema/schema.${name}.json`); } catch { continue; }
      if (version === '2025-09-29' && name === 'agentic_checkout') {
        const q = schema.$defs?.Item?.properties?.quantity;
        if (q && q.exclusiveMinimum === true) {
          q.exclusiveMinimum = 0;
          delete q.minimum;
          patches.push('v0929-item-quantity-exclusiveMinimum');
        }
      }
      const ajv = newAjv();
      ajv.addSchema(schema);
      validators.set(`${version}|${name}`, { ajv, id: schema.$id, root: '#/$defs/' });
    }
    // Webhook payloads exist only in the OpenAPI files; 2026-04-17's refers to the checkout OpenAPI's Order.
    const ajv = newAjv();
    const webhook = openApiResource(version, 'openapi.agentic_checkout_webhook.yaml');
    ajv.addSchema(webhook);
    if (version === '2026-04-17') ajv.addSchema(openApiResource(version, 'openapi.agentic_checkout.yaml'));
    validators.set(`${version}|webhook`, { ajv, id: webhook.$id, root: '#/components/schemas/' });
  }
  patches.push('v0929-session-with-order-split');
  // Compile everything once now, so a broken schema fails at start, not in the middle of a test.
  for (const { ajv, id } of validators.values()) ajv.getSchema(id);
}

function validate(version, schema, def, instance) {
  const v = validators.get(`${version}|${schema}`);
  if (!v) return { valid: false, errors: [{ path: '', message: `no schema ${schema} for ${version}` }] };
  if (version === '2025-09-29' && schema === 'agentic_checkout' && def === 'CheckoutSessionWithOrder') {
    const { order, ...session } = instance ?? {};
    const a = validate(version, schema, 'CheckoutSessionBase', session);
    const b = order === undefined
      ? { valid: false, errors: [{ path: '', message: "must have required property 'order'" }] }
      : validate(version, schema, 'Order', order);
    return { valid: a.valid && b.valid, errors: [...a.errors, ...b.errors.map((e) => ({ ...e, path: '/order' + e.path }))] };
  }
  const fn = v.ajv.getSchema(`${v.id}${v.root}${def}`);
  if (!fn) return { valid: false, errors: [{ path: '', message: `no definition ${def} in ${schema} ${version}` }] };
  const valid = fn(instance);
  return {
    valid,
    errors: valid ? [] : fn.errors.map((e) => ({ path: e.instancePath, message: e.message, keyword: e.keyword, params: e.params })),
  };
}

try {
  load();
} catch (e) {
  console.log(JSON.stringify({ ready: false, error: String(e?.message ?? e) }));
  process.exit(1);
}
console.log(JSON.stringify({ ready: true, patches }));

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let req;
  try {
    req = JSON.parse(line);
    const result = validate(req.version, req.schema, req.def, req.instance);
    console.log(JSON.stringify({ id: req.id, ...result }));
  } catch (e) {
    console.log(JSON.stringify({ id: req?.id ?? null, valid: false, errors: [{ path: '', message: `validator error: ${e?.message ?? e}` }] }));
  }
});
rl.on('close', () => process.exit(0));

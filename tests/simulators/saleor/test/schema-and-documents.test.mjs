// The simulator's SDL is a strict subset of Saleor's real schema, and every product GraphQL
// document validates against both. Needs the reference folder: fails loudly when it is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildSchema, getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType, parse, validate } from 'graphql';
import { referenceSchemaPath } from '../src/reference.mjs';
import { loadSubsetSdl } from '../src/graphql/schema.mjs';
import { generateSubset } from '../scripts/generate-subset.mjs';
import { assembleOperation, loadProductDocuments } from '../src/operations.mjs';

const refSdl = fs.readFileSync(referenceSchemaPath(), 'utf8'); // throws with a clear message if absent
const ref = buildSchema(refSdl);
const sub = buildSchema(loadSubsetSdl());
const isRequired = (x) => String(x.type).endsWith('!') && x.defaultValue === undefined;

export function subsetDifferences(subset, reference) {
  const diffs = [];
  for (const t of Object.values(subset.getTypeMap())) {
    if (t.name.startsWith('__')) continue;
    const r = reference.getType(t.name);
    if (!r) { diffs.push(`type ${t.name} does not exist in Saleor`); continue; }
    if (r.constructor !== t.constructor) { diffs.push(`${t.name}: kind differs`); continue; }
    if (isEnumType(t)) {
      for (const v of t.getValues()) if (!r.getValue(v.name)) diffs.push(`${t.name}.${v.name}: enum value missing in Saleor`);
      continue;
    }
    if (isUnionType(t)) {
      const members = new Set(r.getTypes().map((x) => x.name));
      for (const m of t.getTypes()) if (!members.has(m.name)) diffs.push(`${t.name}: member ${m.name} not in Saleor`);
      continue;
    }
    if (!(isObjectType(t) || isInterfaceType(t) || isInputObjectType(t))) continue;
    if (!isInputObjectType(t)) {
      const ifaces = new Set(r.getInterfaces().map((i) => i.name));
      for (const i of t.getInterfaces()) if (!ifaces.has(i.name)) diffs.push(`${t.name} implements ${i.name}, Saleor's does not`);
    }
    const rf = r.getFields();
    for (const [name, f] of Object.entries(t.getFields())) {
      const g = rf[name];
      if (!g) { diffs.push(`${t.name}.${name}: field missing in Saleor`); continue; }
      if (String(f.type) !== String(g.type)) diffs.push(`${t.name}.${name}: type ${f.type} != Saleor's ${g.type}`);
      if (isInputObjectType(t)) { if (JSON.stringify(f.defaultValue) !== JSON.stringify(g.defaultValue)) diffs.push(`${t.name}.${name}: default differs`); continue; }
      for (const a of f.args) {
        const b = g.args.find((x) => x.name === a.name);
        if (!b) diffs.push(`${t.name}.${name}(${a.name}): argument missing in Saleor`);
        else if (String(a.type) !== String(b.type)) diffs.push(`${t.name}.${name}(${a.name}): type ${a.type} != Saleor's ${b.type}`);
        else if (JSON.stringify(a.defaultValue) !== JSON.stringify(b.defaultValue)) diffs.push(`${t.name}.${name}(${a.name}): default differs`);
      }
      // Omitting a required argument would accept calls Saleor rejects.
      for (const b of g.args) if (isRequired(b) && !f.args.some((a) => a.name === b.name)) diffs.push(`${t.name}.${name}: required argument ${b.name} omitted`);
    }
    if (isInputObjectType(t)) {
      for (const [name, g] of Object.entries(rf)) if (isRequired(g) && !t.getFields()[name]) diffs.push(`${t.name}: required input field ${name} omitted`);
    }
  }
  return diffs;
}

test('the simulator SDL is a strict subset of Saleor\'s schema.graphql', () => {
  const diffs = subsetDifferences(sub, ref);
  assert.deepEqual(diffs, [], `subset differences:\n${diffs.join('\n')}`);
});

test('the subset checker catches a field, a type and a required argument Saleor does not have', () => {
  const bad = buildSchema(`${loadSubsetSdl()}\nextend type Order { madeUpField: String }\ntype MadeUp { x: Int }\nextend type Query { madeUp: MadeUp }`);
  const diffs = subsetDifferences(bad, ref);
  assert.ok(diffs.includes('Order.madeUpField: field missing in Saleor'), diffs.join('\n'));
  assert.ok(diffs.includes('type MadeUp does not exist in Saleor'));
  const wrongType = buildSchema(loadSubsetSdl().replace('  number: String!', '  number: Int!'));
  assert.ok(subsetDifferences(wrongType, ref).some((d) => d.startsWith('Order.number: type Int!')));
});

test('the committed subset SDL is what the keep-list generates (run `npm run subset` after editing)', () => {
  const keep = fs.readFileSync(new URL('../schema/subset.keep', import.meta.url), 'utf8');
  assert.equal(generateSubset(refSdl, keep), loadSubsetSdl());
});

test('a field real Saleor lacks fails validation in both; a Saleor field the simulator omits fails in the simulator (known limitation)', () => {
  const lacking = parse('{ order(id: "T3JkZXI6MQ==") { id inventedField } }');
  assert.ok(validate(ref, lacking).length > 0);
  assert.ok(validate(sub, lacking).length > 0);
  const omitted = parse('{ order(id: "T3JkZXI6MQ==") { id trackingClientId } }');
  assert.equal(validate(ref, omitted).length, 0);
  assert.ok(validate(sub, omitted).length > 0, 'the simulator rejects what it does not serve: the subset is extended in schema/subset.keep');
});

test('every product .graphql document validates against Saleor\'s schema and the simulator\'s', () => {
  const docs = loadProductDocuments();
  assert.deepEqual(docs.problems, []);
  assert.ok(docs.operations.size >= 50, `found ${docs.operations.size} operations`);
  const failures = [];
  for (const name of docs.operations.keys()) {
    const document = parse(assembleOperation(docs, name));
    for (const e of validate(ref, document)) failures.push(`${name} (Saleor): ${e.message}`);
    for (const e of validate(sub, document)) failures.push(`${name} (simulator): ${e.message}`);
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('every product mutation selects errors { field message code } on each mutation field', () => {
  const docs = loadProductDocuments();
  const missing = [];
  for (const [name, { node }] of docs.operations) {
    if (node.operation !== 'mutation') continue;
    for (const sel of node.selectionSet.selections) {
      const text = assembleOperation(docs, name);
      const errors = sel.selectionSet.selections.find((s) => s.name?.value === 'errors');
      if (!errors) { missing.push(`${name}.${sel.name.value}`); continue; }
      const fields = new Set(errors.selectionSet.selections.flatMap((s) => (s.kind === 'FragmentSpread' ? docs.fragments.get(s.name.value).node.selectionSet.selections : [s])).map((s) => s.name.value));
      for (const f of ['field', 'message', 'code']) if (!fields.has(f)) missing.push(`${name}: errors lacks ${f} (${text.length})`);
    }
  }
  assert.deepEqual(missing, []);
});

test('subscription documents are valid webhook queries with the expected event', async () => {
  const { validateSubscriptionQuery } = await import('../src/webhooks/subscription-query.mjs');
  const docs = loadProductDocuments();
  const expected = { OrderFullyPaid: 'ORDER_FULLY_PAID', OrderRefunded: 'ORDER_REFUNDED', OrderFullyRefunded: 'ORDER_FULLY_REFUNDED', OrderCancelled: 'ORDER_CANCELLED' };
  for (const [name, event] of Object.entries(expected)) {
    const v = validateSubscriptionQuery(ref, assembleOperation(docs, name));
    assert.equal(v.valid, true, `${name}: ${v.message}`);
    assert.deepEqual(v.events, [event]);
    assert.ok(getNamedType(ref.getType('Subscription').getFields().event.type).name === 'Event');
  }
});

// The body serialiser reproduces Python's json.dumps(ensure_ascii=True) byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PyFloat, pyFloatRepr, pythonJsonDumps } from '../src/python-json.mjs';
import { referenceFile } from '../src/reference.mjs';

test('separators, key order, literals', () => {
  assert.equal(pythonJsonDumps({ a: 1, b: [true, false, null], c: {} , d: [] }), '{"a": 1, "b": [true, false, null], "c": {}, "d": []}');
});

test('floats are written like Python repr', () => {
  const cases = [[69, '69.0'], [49.99, '49.99'], [0.1, '0.1'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1e16, '1e+16'], [123456789012345.6, '123456789012345.6'], [-2.5, '-2.5'], [0, '0.0'], [1.5e300, '1.5e+300']];
  for (const [x, s] of cases) assert.equal(pyFloatRepr(x), s, String(x));
  assert.equal(pythonJsonDumps({ amount: new PyFloat(69) }), '{"amount": 69.0}');
  assert.equal(pythonJsonDumps({ quantity: 2 }), '{"quantity": 2}');
});

test('strings: ensure_ascii escapes, lowercase hex, surrogate pairs', () => {
  assert.equal(pythonJsonDumps('résumé — 😀 "q" \\ \n\t\u0001\u007f/'), '"r\\u00e9sum\\u00e9 \\u2014 \\ud83d\\ude00 \\"q\\" \\\\ \\n\\t\\u0001\\u007f/"');
});

test('the reference example re-serialised Saleor-style has Saleor\'s conventions', () => {
  const example = JSON.parse(fs.readFileSync(referenceFile('saleor', 'example-order-fully-paid.json'), 'utf8'));
  // amounts are floats in Saleor's schema: mark them the way the GraphQL layer does
  example.order.total.gross.amount = new PyFloat(example.order.total.gross.amount);
  const text = pythonJsonDumps(example);
  assert.ok(text.startsWith('{"__typename": "OrderFullyPaid", "issuedAt": "2026-08-21T09:14:03.512345+00:00", "version": "3.24.0-a.0", "order": {"id": '));
  assert.ok(text.includes('"total": {"gross": {"amount": 69.0, "currency": "EUR"}}'));
  assert.ok(text.includes('"quantity": 2, "variant": {'));
  assert.equal(JSON.stringify(JSON.parse(text)), JSON.stringify(JSON.parse(fs.readFileSync(referenceFile('saleor', 'example-order-fully-paid.json'), 'utf8'))));
});

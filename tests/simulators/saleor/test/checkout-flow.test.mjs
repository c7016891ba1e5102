// End to end over HTTP: anonymous checkout, payment by an app, completion, ORDER_FULLY_PAID
// delivered with Saleor's headers, body bytes and signatures (checked by @saleor/app-sdk too).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { buildSchema, execute, parse } from 'graphql';
import { verifySignatureWithJwks } from '@saleor/app-sdk/auth';
import { referenceFile, referenceSchemaPath } from '../src/reference.mjs';
import { ADDRESS, adminToken, createApp, createWebhook, gql, op, run, seedCatalog, startReceiver, startSim, verifyJwsDetached, waitUntil } from './helpers.mjs';

function recommendedQuery() {
  const md = fs.readFileSync(referenceFile('saleor', 'saleor.md'), 'utf8');
  const section = md.slice(md.indexOf('### 3.3'));
  const m = /```graphql\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'saleor.md §3.3 must contain the recommended subscription query');
  return m[1];
}

/** Same keys, same order, same JSON types, recursively (values may differ). */
function sameShape(a, b, path = '$') {
  if (Array.isArray(a)) { assert.ok(Array.isArray(b), `${path} should be an array`); if (a.length && b.length) sameShape(a[0], b[0], `${path}[0]`); return; }
  if (a && typeof a === 'object') {
    assert.ok(b && typeof b === 'object' && !Array.isArray(b), `${path} should be an object`);
    assert.deepEqual(Object.keys(b), Object.keys(a), `${path} keys/order`);
    for (const k of Object.keys(a)) if (a[k] !== null && b[k] !== null) sameShape(a[k], b[k], `${path}.${k}`);
    return;
  }
  assert.equal(typeof b, typeof a, `${path} type`);
}

describe('checkout flow', () => {
  let env; let url; let staff; let seed; let payApp; let provisioner; let receiver;
  before(async () => {
    env = await startSim();
    url = env.url;
    staff = await adminToken(url);
    seed = await seedCatalog(url, staff);
    payApp = await createApp(url, staff, ['HANDLE_PAYMENTS'], 'agent-commerce');
    provisioner = await createApp(url, staff, ['MANAGE_ORDERS'], 'provisioner');
    receiver = await startReceiver();
  });
  after(async () => { await receiver.close(); await env.close(); });

  test('anonymous checkout → payment → complete → ORDER_FULLY_PAID delivered and verifiable', async () => {
    await createWebhook(url, provisioner.token, { targetUrl: `${receiver.url}/saleor/order-fully-paid`, query: recommendedQuery(), name: 'recommended' });
    const created = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', lines: [{ variantId: seed.csa.variant.id, quantity: 1 }, { variantId: seed.credits.variant.id, quantity: 2 }] } })).checkoutCreate;
    assert.deepEqual(created.errors, []);
    const id = created.checkout.id;
    assert.equal(created.checkout.isShippingRequired, false);
    assert.equal(created.checkout.totalPrice.gross.amount, 69);
    assert.equal(created.checkout.totalPrice.tax.amount, 0, 'tax is modelled as 0');
    assert.equal(created.checkout.chargeStatus, 'NONE');

    let r = (await run(url, 'CheckoutComplete', { id })).checkoutComplete;
    assert.equal(r.errors[0].code, 'EMAIL_NOT_SET');
    await run(url, 'CheckoutEmailUpdate', { id, email: 'buyer@example.com' });
    r = (await run(url, 'CheckoutComplete', { id })).checkoutComplete;
    assert.equal(r.errors[0].code, 'BILLING_ADDRESS_NOT_SET');
    const billing = (await run(url, 'CheckoutBillingAddressUpdate', { id, address: ADDRESS })).checkoutBillingAddressUpdate;
    assert.deepEqual(billing.errors, []);

    const tx = { id, transaction: { name: 'test-psp', pspReference: 'pi_1', amountCharged: { amount: '69.00', currency: 'USD' } } };
    const denied = await gql(url, op('TransactionCreate'), tx);
    assert.equal(denied.status, 200);
    assert.equal(denied.body.data.transactionCreate, null);
    assert.equal(denied.body.errors[0].extensions.exception.code, 'PermissionDenied');

    r = (await run(url, 'CheckoutComplete', { id })).checkoutComplete;
    assert.equal(r.errors[0].code, 'CHECKOUT_NOT_FULLY_PAID');
    assert.equal(r.order, null);

    const partial = (await run(url, 'TransactionCreate', { ...tx, transaction: { ...tx.transaction, amountCharged: { amount: 19, currency: 'USD' } } }, payApp.token)).transactionCreate;
    assert.deepEqual(partial.errors, []);
    r = (await run(url, 'CheckoutComplete', { id })).checkoutComplete;
    assert.equal(r.errors[0].code, 'CHECKOUT_NOT_FULLY_PAID');
    assert.equal(r.errors[0].field, 'id');
    const rest = (await run(url, 'TransactionCreate', { ...tx, transaction: { ...tx.transaction, amountCharged: { amount: '50', currency: 'USD' } } }, payApp.token)).transactionCreate;
    assert.deepEqual(rest.errors, []);
    const txs = (await run(url, 'CheckoutTransactions', { id }, payApp.token)).checkout.transactions;
    assert.equal(txs.length, 2, 'transactionCreate is not idempotent: two items');

    r = (await run(url, 'CheckoutComplete', { id, metadata: [{ key: 'source', value: 'agent' }] })).checkoutComplete;
    assert.deepEqual(r.errors, []);
    const order = r.order;
    assert.match(Buffer.from(order.id, 'base64').toString(), /^Order:[0-9a-f-]{36}$/);
    assert.equal(typeof order.number, 'string');
    assert.equal(order.chargeStatus, 'FULL');
    assert.equal(order.status, 'UNFULFILLED');
    const again = (await run(url, 'CheckoutComplete', { id })).checkoutComplete;
    assert.deepEqual(again.errors, []);
    assert.equal(again.order.id, order.id, 'completing again returns the same order');

    await receiver.waitFor((reqs) => reqs.length >= 1);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(receiver.requests.length, 1, 'exactly one delivery for one webhook');
    const req = receiver.requests[0];
    const origin = new URL(url);
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/saleor/order-fully-paid');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['saleor-event'], 'order_fully_paid');
    assert.equal(req.headers['x-saleor-event'], 'order_fully_paid');
    assert.equal(req.headers['saleor-domain'], origin.host);
    assert.equal(req.headers['x-saleor-domain'], origin.host);
    assert.equal(req.headers['saleor-api-url'], `${origin.origin}/graphql/`);
    assert.equal(req.headers['x-saleor-api-url'], undefined);
    assert.equal(req.headers['user-agent'], 'Saleor/3.24');
    assert.equal(req.headers['saleor-signature'], req.headers['x-saleor-signature']);
    assert.equal(req.headers['saleor-schema-version'], undefined);

    // Body bytes = Python json.dumps: ", " / ": " separators, floats as 69.0, non-ASCII escaped.
    const text = req.raw.toString('utf8');
    assert.ok(/^[\x20-\x7e]*$/.test(text), 'body is pure ASCII');
    assert.ok(text.startsWith('{"__typename": "OrderFullyPaid", "issuedAt": "'), text.slice(0, 80));
    assert.ok(text.includes('"amount": 69.0, "currency": "USD"'));
    assert.ok(text.includes('"quantity": 2'));
    const body = JSON.parse(text);
    assert.equal(body.order.id, order.id);
    assert.equal(body.order.chargeStatus, 'FULL');
    assert.equal(body.order.userEmail, 'buyer@example.com');
    assert.deepEqual(body.order.metadata, [{ key: 'source', value: 'agent' }]);
    assert.match(body.issuedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    assert.equal(body.version, '3.24.0-a.0');

    // Same shape as the reference example (keys, order, types).
    const example = JSON.parse(fs.readFileSync(referenceFile('saleor', 'example-order-fully-paid.json'), 'utf8'));
    sameShape(example, body);
    // And the reference example itself is what the recommended query yields over the REAL schema.
    const ref = buildSchema(fs.readFileSync(referenceSchemaPath(), 'utf8'));
    const exec = execute({ schema: ref, document: parse(recommendedQuery()), rootValue: { event: { ...example } }, typeResolver: () => 'OrderFullyPaid' });
    assert.equal(exec.errors, undefined);

    // Signature: own RS256 check and @saleor/app-sdk's verifier, both against the served JWKS.
    const jwksText = await (await fetch(`${url}/.well-known/jwks.json`)).text();
    const jwks = JSON.parse(jwksText);
    assert.equal(jwks.keys.length, 1);
    assert.deepEqual(Object.keys(jwks.keys[0]).sort(), ['alg', 'e', 'key_ops', 'kid', 'kty', 'n', 'use']);
    const sig = req.headers['saleor-signature'];
    const header = JSON.parse(Buffer.from(sig.split('.')[0], 'base64url').toString());
    assert.equal(Buffer.from(sig.split('.')[0], 'base64url').toString(), `{"alg":"RS256","b64":false,"crit":["b64"],"kid":"${jwks.keys[0].kid}","typ":"JWT"}`);
    assert.equal(header.kid, jwks.keys[0].kid);
    assert.equal(sig.split('.')[0].length, 142);
    assert.equal(sig.split('.')[2].length, 342);
    assert.ok(verifyJwsDetached(sig, req.raw, jwks), 'own RS256 verification');
    await verifySignatureWithJwks(jwksText, sig, text);
    const tampered = text.replace('"quantity": 2', '"quantity": 3');
    await assert.rejects(() => verifySignatureWithJwks(jwksText, sig, tampered));
    assert.equal(verifyJwsDetached(sig, Buffer.from(JSON.stringify(body)), jwks), false, 're-serialised body must not verify');
    // kid is the RFC 7638 thumbprint
    const k = jwks.keys[0];
    assert.equal(crypto.createHash('sha256').update(`{"e":"${k.e}","kty":"RSA","n":"${k.n}"}`).digest('base64url'), k.kid);

    const list = (await (await fetch(`${url}/_sim/deliveries?event=order_fully_paid`)).json()).deliveries;
    assert.equal(list.length, 1);
    assert.equal(list[0].state, 'success');
    assert.equal(list[0].attempts[0].status, 200);
    assert.equal(list[0].payload, text);
  });

  test('legacy secretKey webhooks are signed with lowercase hex HMAC-SHA256', async () => {
    const rcv = await startReceiver();
    try {
      const app = await createApp(url, staff, ['MANAGE_ORDERS'], 'legacy');
      await createWebhook(url, app.token, { targetUrl: `${rcv.url}/hmac`, secretKey: 's3cret', name: 'legacy' });
      const c = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', email: 'b2@example.com', billingAddress: ADDRESS, lines: [{ variantId: seed.credits.variant.id, quantity: 1 }] } })).checkoutCreate;
      await run(url, 'TransactionCreate', { id: c.checkout.id, transaction: { name: 'psp', pspReference: 'x', amountCharged: { amount: 10, currency: 'USD' } } }, payApp.token);
      const done = (await run(url, 'CheckoutComplete', { id: c.checkout.id })).checkoutComplete;
      assert.deepEqual(done.errors, []);
      await rcv.waitFor((reqs) => reqs.length >= 1);
      const req = rcv.requests[0];
      const expected = crypto.createHmac('sha256', 's3cret').update(req.raw).digest('hex');
      assert.equal(req.headers['saleor-signature'], expected);
      assert.match(req.headers['saleor-signature'], /^[0-9a-f]{64}$/);
      const body = JSON.parse(req.raw.toString());
      assert.equal(body.__typename, 'OrderFullyPaid');
      assert.ok(body.order.lines[0].metadata, 'product subscription selects line metadata');
    } finally { await rcv.close(); }
  });

  test('a further charge on a fully paid order fires ORDER_FULLY_PAID again (saleor.md §2.4)', async () => {
    const rcv = await startReceiver();
    try {
      const app = await createApp(url, staff, ['MANAGE_ORDERS', 'HANDLE_PAYMENTS'], 'again');
      await createWebhook(url, app.token, { targetUrl: `${rcv.url}/again`, name: 'again' });
      const c = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', email: 'b3@example.com', billingAddress: ADDRESS, lines: [{ variantId: seed.credits.variant.id, quantity: 1 }] } })).checkoutCreate;
      await run(url, 'TransactionCreate', { id: c.checkout.id, transaction: { name: 'psp', pspReference: 'y', amountCharged: { amount: 10, currency: 'USD' } } }, payApp.token);
      const order = (await run(url, 'CheckoutComplete', { id: c.checkout.id })).checkoutComplete.order;
      await rcv.waitFor((reqs) => reqs.length >= 1);
      await run(url, 'TransactionCreate', { id: order.id, transaction: { name: 'psp', pspReference: 'z', amountCharged: { amount: 1, currency: 'USD' } } }, app.token);
      await rcv.waitFor((reqs) => reqs.length >= 2);
      const second = JSON.parse(rcv.requests[1].raw.toString());
      assert.equal(second.order.id, order.id);
      assert.equal(second.order.chargeStatus, 'OVERCHARGED');
    } finally { await rcv.close(); }
  });
});

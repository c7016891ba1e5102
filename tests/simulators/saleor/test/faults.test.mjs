// Each /_sim fault-injection knob, key rotation, reset and health.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifySignatureWithJwks } from '@saleor/app-sdk/auth';
import { adminToken, createApp, createWebhook, gql, paidDigitalCheckout, run, seedCatalog, simJson, sleep, startReceiver, startSim, verifyJwsDetached, waitUntil } from './helpers.mjs';

describe('fault injection', () => {
  let env; let url; let rcv; let seed; let payApp; let staff;
  before(async () => {
    env = await startSim();
    url = env.url;
    rcv = await startReceiver();
  });
  after(async () => { await rcv.close(); await env.close(); });

  async function fresh() {
    await simJson(url, '/_sim/reset', 'POST');
    rcv.requests.length = 0;
    staff = await adminToken(url);
    seed = await seedCatalog(url, staff);
    payApp = await createApp(url, staff, ['HANDLE_PAYMENTS'], 'pay');
    const app = await createApp(url, staff, ['MANAGE_ORDERS'], 'prov');
    await createWebhook(url, app.token, { targetUrl: `${rcv.url}/hook` });
  }
  async function completeOrder() {
    const { checkoutId } = await paidDigitalCheckout(url, seed, payApp.token);
    return (await run(url, 'CheckoutComplete', { id: checkoutId })).checkoutComplete.order;
  }

  test('health and reset', async () => {
    assert.equal((await simJson(url, '/_sim/health')).status, 200);
    await fresh();
    await completeOrder();
    await simJson(url, '/_sim/reset', 'POST');
    const token = await adminToken(url);
    const d = await gql(url, '{ channels { slug } apps(first: 10) { edges { node { id } } } products(first: 10, channel: "default-channel") { totalCount } }', {}, token);
    assert.deepEqual(d.body.data.channels, [{ slug: 'default-channel' }]);
    assert.deepEqual(d.body.data.apps.edges, []);
    assert.equal(d.body.data.products.totalCount, 0);
    assert.deepEqual((await simJson(url, '/_sim/deliveries')).body.deliveries, []);
  });

  test('duplicate: a delivery is sent N extra times', async () => {
    await fresh();
    const r = await simJson(url, '/_sim/faults/deliveries', 'POST', { kind: 'duplicate', copies: 2, event: 'order_fully_paid' });
    assert.equal(r.status, 201);
    const order = await completeOrder();
    await rcv.waitFor((reqs) => reqs.length >= 3);
    await sleep(100);
    assert.equal(rcv.requests.length, 3);
    assert.ok(rcv.requests.every((q) => JSON.parse(q.raw).order.id === order.id));
    assert.equal(new Set(rcv.requests.map((q) => q.raw.toString())).size, 1, 'identical bytes');
  });

  test('drop: a delivery is never sent', async () => {
    await fresh();
    await simJson(url, '/_sim/faults/deliveries', 'POST', { kind: 'drop' });
    await completeOrder();
    await sleep(200);
    assert.equal(rcv.requests.length, 0);
    const d = (await simJson(url, '/_sim/deliveries')).body.deliveries;
    assert.equal(d[0].state, 'dropped');
    // the rule expired: the next order is delivered
    await completeOrder();
    await rcv.waitFor((reqs) => reqs.length >= 1);
  });

  test('delay: the first attempt waits', async () => {
    await fresh();
    await simJson(url, '/_sim/faults/deliveries', 'POST', { kind: 'delay', delayMs: 400 });
    const t0 = Date.now();
    await completeOrder();
    await rcv.waitFor((reqs) => reqs.length >= 1);
    assert.ok(rcv.requests[0].at - t0 >= 380, `delayed ${rcv.requests[0].at - t0} ms`);
  });

  test('hold + release in reverse: deliveries arrive newest first', async () => {
    await fresh();
    await simJson(url, '/_sim/faults/deliveries', 'POST', { kind: 'hold', count: 2 });
    const o1 = await completeOrder();
    const o2 = await completeOrder();
    await sleep(150);
    assert.equal(rcv.requests.length, 0);
    const held = (await simJson(url, '/_sim/deliveries?state=held')).body.deliveries;
    assert.equal(held.length, 2);
    const rel = await simJson(url, '/_sim/deliveries/release', 'POST', { order: 'reverse' });
    assert.equal(rel.body.released.length, 2);
    await rcv.waitFor((reqs) => reqs.length >= 2);
    assert.deepEqual(rcv.requests.map((q) => JSON.parse(q.raw).order.id), [o2.id, o1.id]);
  });

  test('graphql 5xx for the next N requests of a named operation', async () => {
    await fresh();
    await simJson(url, '/_sim/faults/graphql', 'POST', { status: 503, count: 2, operationName: 'Channels' });
    const other = await gql(url, 'query Shop { shop { name } }');
    assert.equal(other.status, 200);
    const a = await run(url, 'Channels', {}, staff).catch((e) => e);
    assert.match(String(a), /503/);
    const b = await run(url, 'Channels', {}, staff).catch((e) => e);
    assert.match(String(b), /503/);
    const c = await run(url, 'Channels', {}, staff);
    assert.equal(c.channels[0].slug, 'default-channel');
  });

  test('graphql slow responses', async () => {
    await fresh();
    await simJson(url, '/_sim/faults/graphql', 'POST', { delayMs: 300, count: 1 });
    const t0 = Date.now();
    const r = await gql(url, '{ shop { name } }');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 280);
    const t1 = Date.now();
    await gql(url, '{ shop { name } }');
    assert.ok(Date.now() - t1 < 250);
  });

  test('key rotation: new kid, JWKS serves only the new key, old signatures fail', async () => {
    await fresh();
    await completeOrder();
    await rcv.waitFor((reqs) => reqs.length >= 1);
    const oldJwksText = await (await fetch(`${url}/.well-known/jwks.json`)).text();
    const oldReq = rcv.requests[0];
    const rot = await simJson(url, '/_sim/keys/rotate', 'POST');
    assert.notEqual(rot.body.kid, rot.body.previousKid);
    const newJwksText = await (await fetch(`${url}/.well-known/jwks.json`)).text();
    const newJwks = JSON.parse(newJwksText);
    assert.equal(newJwks.keys.length, 1);
    assert.equal(newJwks.keys[0].kid, rot.body.kid);
    assert.equal(verifyJwsDetached(oldReq.headers['saleor-signature'], oldReq.raw, newJwks), false);
    await assert.rejects(() => verifySignatureWithJwks(newJwksText, oldReq.headers['saleor-signature'], oldReq.raw.toString()));
    await verifySignatureWithJwks(oldJwksText, oldReq.headers['saleor-signature'], oldReq.raw.toString());
    await completeOrder();
    await rcv.waitFor((reqs) => reqs.length >= 2);
    const newReq = rcv.requests[1];
    assert.ok(verifyJwsDetached(newReq.headers['saleor-signature'], newReq.raw, newJwks));
    await verifySignatureWithJwks(newJwksText, newReq.headers['saleor-signature'], newReq.raw.toString());
    // staff tokens signed by the old key stop working, as with a new Saleor key
    const r = await gql(url, '{ apps(first: 1) { totalCount } }', {}, staff);
    assert.equal(r.body.errors[0].extensions.exception.code, 'PermissionDenied');
  });

  test('faults can be listed and cleared; bad rules are rejected', async () => {
    await simJson(url, '/_sim/faults/deliveries', 'POST', { kind: 'drop', count: 5 });
    assert.equal((await simJson(url, '/_sim/faults')).body.deliveries.length, 1);
    await simJson(url, '/_sim/faults', 'DELETE');
    assert.equal((await simJson(url, '/_sim/faults')).body.deliveries.length, 0);
    assert.equal((await simJson(url, '/_sim/faults/deliveries', 'POST', { kind: 'explode' })).status, 400);
  });

  test('/_sim/apps shortcut returns a working app token', async () => {
    const r = await simJson(url, '/_sim/apps', 'POST', { name: 'quick', permissions: ['MANAGE_ORDERS'] });
    assert.equal(r.status, 201);
    assert.equal(r.body.token.length, 30);
    const me = await gql(url, '{ app { id permissions { code } } }', {}, r.body.token);
    assert.equal(me.body.data.app.id, r.body.id);
    await waitUntil(() => true);
  });
});

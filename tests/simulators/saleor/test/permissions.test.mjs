// Auth like Saleor: anonymous checkout, PermissionDenied as top-level errors, apps filtered
// out of webhooks they lack the permission for (saleor.md §0 #12, #13, #15).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, createApp, createWebhook, gql, op, paidDigitalCheckout, run, seedCatalog, simJson, sleep, startReceiver, startSim } from './helpers.mjs';

describe('permissions', () => {
  let env; let url; let staff; let seed;
  before(async () => { env = await startSim(); url = env.url; staff = await adminToken(url); seed = await seedCatalog(url, staff); });
  after(() => env.close());

  test('orders query anonymously → PermissionDenied, field null, HTTP 200', async () => {
    const r = await gql(url, '{ orders(first: 1) { edges { node { id } } } }');
    assert.equal(r.status, 200);
    assert.equal(r.body.data.orders, null);
    assert.equal(r.body.errors[0].extensions.exception.code, 'PermissionDenied');
    assert.equal(r.body.errors[0].message, 'To access this path, you need one of the following permissions: MANAGE_ORDERS');
    assert.deepEqual(r.body.errors[0].path, ['orders']);
  });

  test('unknown or malformed tokens make the request anonymous', async () => {
    const r = await gql(url, '{ orders(first: 1) { totalCount } }', {}, 'x'.repeat(30));
    assert.equal(r.body.errors[0].extensions.exception.code, 'PermissionDenied');
    const pub = await gql(url, '{ shop { name } }', {}, 'nope');
    assert.equal(pub.body.data.shop.name, 'Saleor e-commerce');
  });

  test('wrong credentials are a business error; apps cannot create apps; MANAGE_APPS cannot be granted', async () => {
    const bad = (await run(url, 'TokenCreate', { email: 'admin@example.com', password: 'wrong' })).tokenCreate;
    assert.equal(bad.token, null);
    assert.equal(bad.errors[0].code, 'INVALID_CREDENTIALS');
    const app = await createApp(url, staff, ['MANAGE_ORDERS'], 'a1');
    const viaApp = await gql(url, op('AppCreate'), { input: { name: 'x', permissions: [] } }, app.token);
    assert.equal(viaApp.body.errors[0].extensions.exception.code, 'PermissionDenied');
    const grant = (await run(url, 'AppCreate', { input: { name: 'y', permissions: ['MANAGE_APPS'] } }, staff)).appCreate;
    assert.equal(grant.errors[0].code, 'OUT_OF_SCOPE_PERMISSION');
    assert.equal(grant.authToken, null);
  });

  test('app token: 30 chars, appTokenCreate issues another working token, apps/webhooks lookups', async () => {
    const app = await createApp(url, staff, ['MANAGE_ORDERS'], 'lookup');
    assert.equal(app.token.length, 30);
    const extra = (await run(url, 'AppTokenCreate', { input: { app: app.id, name: 'second' } }, staff)).appTokenCreate;
    assert.deepEqual(extra.errors, []);
    const me = (await run(url, 'CurrentApp', {}, extra.authToken)).app;
    assert.equal(me.id, app.id);
    assert.deepEqual(me.permissions.map((p) => p.code), ['MANAGE_ORDERS']);
    const found = (await run(url, 'Apps', { search: 'lookup' }, staff)).apps.edges.map((e) => e.node.id);
    assert.ok(found.includes(app.id));
    const anonApps = await gql(url, op('Apps'), { search: 'x' });
    assert.equal(anonApps.body.errors[0].extensions.exception.code, 'PermissionDenied');
    const updated = (await run(url, 'AppUpdate', { id: app.id, input: { permissions: ['MANAGE_ORDERS', 'HANDLE_PAYMENTS'] } }, staff)).appUpdate;
    assert.deepEqual(updated.app.permissions.map((p) => p.code).sort(), ['HANDLE_PAYMENTS', 'MANAGE_ORDERS']);
  });

  test('an app without MANAGE_ORDERS gets no ORDER_FULLY_PAID delivery', async () => {
    const rcv = await startReceiver();
    try {
      const weak = await createApp(url, staff, ['MANAGE_PRODUCTS'], 'weak');
      const strong = await createApp(url, staff, ['MANAGE_ORDERS'], 'strong');
      await createWebhook(url, weak.token, { targetUrl: `${rcv.url}/weak` });
      await createWebhook(url, strong.token, { targetUrl: `${rcv.url}/strong` });
      const pay = await createApp(url, staff, ['HANDLE_PAYMENTS'], 'pay');
      const { checkoutId } = await paidDigitalCheckout(url, seed, pay.token);
      await run(url, 'CheckoutComplete', { id: checkoutId });
      await rcv.waitFor((reqs) => reqs.length >= 1);
      await sleep(150);
      assert.deepEqual(rcv.requests.map((r) => r.url), ['/strong']);
    } finally { await rcv.close(); }
  });

  test('inactive webhooks get nothing; webhookUpdate can re-activate', async () => {
    const rcv = await startReceiver();
    try {
      const app = await createApp(url, staff, ['MANAGE_ORDERS', 'HANDLE_PAYMENTS'], 'toggle');
      const hook = await createWebhook(url, app.token, { targetUrl: `${rcv.url}/t` });
      const off = (await run(url, 'WebhookUpdate', { id: hook.id, input: { isActive: false } }, app.token)).webhookUpdate;
      assert.equal(off.webhook.isActive, false);
      let c = await paidDigitalCheckout(url, seed, app.token);
      await run(url, 'CheckoutComplete', { id: c.checkoutId });
      await sleep(150);
      assert.equal(rcv.requests.length, 0);
      await run(url, 'WebhookUpdate', { id: hook.id, input: { isActive: true } }, app.token);
      c = await paidDigitalCheckout(url, seed, app.token);
      await run(url, 'CheckoutComplete', { id: c.checkoutId });
      await rcv.waitFor((reqs) => reqs.length >= 1);
      const hooks = (await run(url, 'AppWebhooks', { id: app.id }, app.token)).app.webhooks;
      assert.equal(hooks.length, 1);
      assert.deepEqual(hooks[0].asyncEvents.map((e) => e.eventType), ['ORDER_FULLY_PAID']);
    } finally { await rcv.close(); }
  });

  test('webhookCreate rejects an invalid subscription like Saleor', async () => {
    const app = await createApp(url, staff, ['MANAGE_ORDERS'], 'inv');
    const cases = [
      ['subscription { event { ... on OrderFullyPaid { order { noSuchField } } } }', 'GRAPHQL_ERROR'],
      ['subscription { event { ', 'SYNTAX'],
      ['query { shop { name } }', 'MISSING_SUBSCRIPTION'],
      ['subscription { event { issuedAt } }', 'MISSING_EVENT'],
    ];
    for (const [query, code] of cases) {
      const r = (await run(url, 'WebhookCreate', { input: { name: 'x', targetUrl: 'http://127.0.0.1:9/x', query } }, app.token)).webhookCreate;
      assert.equal(r.errors[0]?.code, code, query);
      assert.equal(r.errors[0].field, 'query');
    }
    // events are inferred from the query when asyncEvents is omitted
    const inferred = (await run(url, 'WebhookCreate', { input: { name: 'inf', targetUrl: 'http://127.0.0.1:9/x', query: op('OrderRefunded') } }, app.token)).webhookCreate;
    assert.deepEqual(inferred.webhook.asyncEvents.map((e) => e.eventType), ['ORDER_REFUNDED']);
  });

  test('private metadata needs the object\'s manage permission; checkout public metadata needs none', async () => {
    const c = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', lines: [{ variantId: seed.csa.variant.id, quantity: 1 }] } })).checkoutCreate.checkout;
    const pub = (await run(url, 'UpdateMetadata', { id: c.id, input: [{ key: 'agent', value: 'gpt' }] })).updateMetadata;
    assert.deepEqual(pub.errors, []);
    const priv = await gql(url, op('UpdatePrivateMetadata'), { id: c.id, input: [{ key: 'k', value: 'v' }] });
    assert.equal(priv.body.errors[0].extensions.exception.code, 'PermissionDenied');
    const prodAnon = await gql(url, op('UpdateMetadata'), { id: seed.csa.product.id, input: [{ key: 'k', value: 'v' }] });
    assert.equal(prodAnon.body.errors[0].extensions.exception.code, 'PermissionDenied');
  });
});

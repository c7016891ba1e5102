// Delivery semantics (saleor.md §2.2, §2.3): 2xx delivered once, 3xx/4xx not retried, redirects
// not followed, 5xx/timeouts/connection errors retried on the 10/20/40/80/160 s schedule (scaled).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.mjs';
import { MAX_ATTEMPTS, RETRY_DELAYS_S } from '../src/webhooks/delivery.mjs';
import { adminToken, createApp, createWebhook, paidDigitalCheckout, run, seedCatalog, simJson, sleep, startReceiver, startSim, waitUntil } from './helpers.mjs';

const SCALE = 0.01; // 10 s -> 100 ms

describe('webhook delivery semantics', () => {
  let env; let url; let staff; let seed; let payApp;
  before(async () => {
    env = await startSim({ SALEOR_SIM_RETRY_SCALE: String(SCALE), SALEOR_SIM_READ_TIMEOUT_MS: '300', SALEOR_SIM_CONNECT_TIMEOUT_MS: '300' });
    url = env.url;
    staff = await adminToken(url);
    seed = await seedCatalog(url, staff);
    payApp = await createApp(url, staff, ['HANDLE_PAYMENTS'], 'pay');
  });
  after(() => env.close());

  async function scenario(respond, { expectAttempts, timeoutMs = 8000 }) {
    await simJson(url, '/_sim/reset', 'POST');
    staff = await adminToken(url);
    seed = await seedCatalog(url, staff);
    payApp = await createApp(url, staff, ['HANDLE_PAYMENTS'], 'pay');
    const rcv = await startReceiver(respond);
    const app = await createApp(url, staff, ['MANAGE_ORDERS'], 'prov');
    await createWebhook(url, app.token, { targetUrl: `${rcv.url}/hook` });
    const { checkoutId } = await paidDigitalCheckout(url, seed, payApp.token);
    const done = (await run(url, 'CheckoutComplete', { id: checkoutId })).checkoutComplete;
    assert.deepEqual(done.errors, []);
    const delivery = await waitUntil(async () => {
      const d = (await simJson(url, '/_sim/deliveries?event=order_fully_paid')).body.deliveries[0];
      return d && ['success', 'failed'].includes(d.state) ? d : null;
    }, timeoutMs);
    await sleep(50);
    await rcv.close();
    assert.equal(delivery.attempts.length, expectAttempts);
    return { delivery, rcv };
  }

  test('defaults match Saleor: 2 s connect, 18 s read, 10 s base retry, 6 attempts', () => {
    const c = loadConfig({});
    assert.equal(c.connectTimeoutMs, 2000);
    assert.equal(c.readTimeoutMs, 18000);
    assert.equal(c.retryScale, 1);
    assert.deepEqual(RETRY_DELAYS_S, [10, 20, 40, 80, 160]);
    assert.equal(MAX_ATTEMPTS, 6);
  });

  test('2xx: delivered once', async () => {
    const { delivery, rcv } = await scenario(() => ({ status: 204 }), { expectAttempts: 1 });
    assert.equal(delivery.state, 'success');
    assert.equal(rcv.requests.length, 1);
  });

  test('4xx: failed, not retried', async () => {
    const { delivery, rcv } = await scenario(() => ({ status: 401 }), { expectAttempts: 1 });
    assert.equal(delivery.state, 'failed');
    assert.equal(delivery.attempts[0].status, 401);
    await sleep(300);
    assert.equal(rcv.requests.length, 1);
  });

  test('3xx: redirect not followed, not retried', async () => {
    let followed = false;
    const { delivery, rcv } = await scenario((req) => {
      if (req.url === '/elsewhere') { followed = true; return { status: 200 }; }
      return { status: 301, headers: { Location: '/elsewhere' } };
    }, { expectAttempts: 1 });
    assert.equal(delivery.state, 'failed');
    assert.equal(delivery.attempts[0].status, 301);
    assert.equal(followed, false);
    assert.equal(rcv.requests.length, 1);
  });

  test('5xx: retried after 10, 20, 40, 80, 160 s (scaled), gives up after 6 attempts', async () => {
    const { delivery, rcv } = await scenario(() => ({ status: 503 }), { expectAttempts: 6, timeoutMs: 10000 });
    assert.equal(delivery.state, 'failed');
    assert.equal(rcv.requests.length, 6);
    const bodies = new Set(rcv.requests.map((r) => r.raw.toString()));
    assert.equal(bodies.size, 1, 'every retry re-sends the identical stored body');
    const sigs = new Set(rcv.requests.map((r) => r.headers['saleor-signature']));
    assert.equal(sigs.size, 1, 'RS256 is deterministic: same signature on retries');
    const gaps = rcv.requests.slice(1).map((r, i) => r.at - rcv.requests[i].at);
    RETRY_DELAYS_S.forEach((s, i) => {
      const expected = s * 1000 * SCALE;
      assert.ok(gaps[i] >= expected - 5, `gap ${i} ${gaps[i]} ms >= ${expected} ms`);
      assert.ok(gaps[i] < expected + 400, `gap ${i} ${gaps[i]} ms close to ${expected} ms`);
    });
  });

  test('5xx then 2xx: delivered on the retry (at-least-once)', async () => {
    const { delivery } = await scenario((_req, n) => ({ status: n < 3 ? 500 : 200 }), { expectAttempts: 3 });
    assert.equal(delivery.state, 'success');
    assert.deepEqual(delivery.attempts.map((a) => a.status), [500, 500, 200]);
  });

  test('read timeout: retried', async () => {
    const { delivery } = await scenario((_req, n) => (n === 1 ? { status: 200, delayMs: 1000 } : { status: 200 }), { expectAttempts: 2 });
    assert.equal(delivery.state, 'success');
    assert.equal(delivery.attempts[0].status, null);
    assert.match(delivery.attempts[0].error, /timeout/);
  });

  test('connection refused: retried, then failed after 6 attempts', async () => {
    await simJson(url, '/_sim/reset', 'POST');
    const s = await adminToken(url);
    const sd = await seedCatalog(url, s);
    const pay = await createApp(url, s, ['HANDLE_PAYMENTS'], 'pay');
    const app = await createApp(url, s, ['MANAGE_ORDERS'], 'prov');
    const closed = await startReceiver();
    const deadUrl = closed.url;
    await closed.close();
    await createWebhook(url, app.token, { targetUrl: `${deadUrl}/hook` });
    const { checkoutId } = await paidDigitalCheckout(url, sd, pay.token);
    await run(url, 'CheckoutComplete', { id: checkoutId });
    const d = await waitUntil(async () => {
      const x = (await simJson(url, '/_sim/deliveries?event=order_fully_paid')).body.deliveries[0];
      return x && x.state === 'failed' ? x : null;
    }, 10000);
    assert.equal(d.attempts.length, 6);
    assert.ok(d.attempts.every((a) => a.status === null && a.error));
  });
});

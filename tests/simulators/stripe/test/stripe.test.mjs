// The simulator against stripe.md: form encoding, auth, PaymentIntent outcomes, idempotency, shared payment tokens,
// refunds, faults. Runs the real HTTP server on a free port.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createSimulator } from '../src/simulator.mjs';
import { parseForm } from '../src/form.mjs';

let server;
let base;
const KEY = 'sk_test_simulator';

before(async () => {
  const sim = createSimulator();
  server = createServer((req, res) => sim.handle(req, res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((r) => server.close(r)));
beforeEach(async () => { await fetch(`${base}/_sim/reset`, { method: 'POST' }); });

const form = (o) => new URLSearchParams(o).toString();
async function stripe(method, path, params, { key = KEY, idem, contentType = 'application/x-www-form-urlencoded' } = {}) {
  const headers = { Authorization: `Bearer ${key}` };
  if (idem) headers['Idempotency-Key'] = idem;
  let body;
  if (params && method === 'POST') { headers['Content-Type'] = contentType; body = form(params); }
  const r = await fetch(`${base}${path}${params && method === 'GET' ? `?${form(params)}` : ''}`, { method, headers, body });
  return { status: r.status, headers: r.headers, body: await r.json() };
}
const pay = (credential, extra = {}) => ({ amount: '4999', currency: 'usd', confirm: 'true', ...credential, ...extra });

test('bracket notation nests objects and arrays', () => {
  assert.deepEqual(parseForm('a=1&metadata%5Bk%5D=v&types[0]=card&types[1]=link&x[y][z]=2&l[]=p&l[]=q'),
    { a: '1', metadata: { k: 'v' }, types: ['card', 'link'], x: { y: { z: '2' } }, l: ['p', 'q'] });
});

test('a key that is not a test-mode secret key is refused with 401', async () => {
  for (const key of ['sk_live_x', 'pk_test_x', 'sk_test_a_b', '']) {
    const r = await stripe('GET', '/v1/payment_intents', {}, { key });
    assert.equal(r.status, 401, key);
    assert.equal(r.body.error.type, 'invalid_request_error');
  }
  assert.equal((await stripe('GET', '/v1/payment_intents', {})).status, 200);
});

test('JSON bodies are refused; every response has a Request-Id', async () => {
  const r = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { contentType: 'application/json' });
  assert.equal(r.status, 400);
  assert.match(r.headers.get('request-id'), /^req_/);
});

test('create and confirm with pm_card_visa succeeds with a charge', async () => {
  const r = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }));
  assert.equal(r.status, 200);
  assert.equal(r.body.object, 'payment_intent');
  assert.equal(r.body.status, 'succeeded');
  assert.equal(r.body.amount_received, 4999);
  assert.match(r.body.latest_charge, /^ch_/);
  const got = await stripe('GET', `/v1/payment_intents/${r.body.id}`);
  assert.equal(got.body.status, 'succeeded');
});

test('manual capture authorises, then capture succeeds', async () => {
  const r = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa', capture_method: 'manual' }));
  assert.equal(r.body.status, 'requires_capture');
  const c = await stripe('POST', `/v1/payment_intents/${r.body.id}/capture`, {});
  assert.equal(c.body.status, 'succeeded');
});

test('declines are 402 card_error carrying the PaymentIntent, in both naming families', async () => {
  for (const [pm, decline] of [['pm_card_visa_chargeDeclined', 'generic_decline'], ['pm_card_chargeDeclined', 'generic_decline'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'insufficient_funds'], ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds']]) {
    const r = await stripe('POST', '/v1/payment_intents', pay({ payment_method: pm }));
    assert.equal(r.status, 402, pm);
    assert.equal(r.body.error.type, 'card_error');
    assert.equal(r.body.error.code, 'card_declined');
    assert.equal(r.body.error.decline_code, decline);
    assert.equal(r.body.error.payment_intent.status, 'requires_payment_method');
    assert.match(r.body.error.payment_intent.id, /^pi_/);
  }
});

test('3-D Secure: requires_action, then confirmation with an external 3DS result succeeds', async () => {
  const r = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_threeDSecure2Required' }));
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'requires_action');
  assert.equal(r.body.next_action.type, 'use_stripe_sdk');
  const tds = 'payment_method_options[card][three_d_secure]';
  const c = await stripe('POST', `/v1/payment_intents/${r.body.id}/confirm`, {
    [`${tds}[cryptogram]`]: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', [`${tds}[electronic_commerce_indicator]`]: '05',
    [`${tds}[transaction_id]`]: 'ds-1', [`${tds}[version]`]: '2.2.0',
  });
  assert.equal(c.status, 200);
  assert.equal(c.body.status, 'succeeded');
});

test('idempotency: same key and parameters replay; other parameters are a 400 idempotency_error', async () => {
  const a = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k1' });
  const b = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k1' });
  assert.equal(b.body.id, a.body.id);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  const c = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }, { amount: '5000' }), { idem: 'k1' });
  assert.equal(c.status, 400);
  assert.equal(c.body.error.type, 'idempotency_error');
  const list = await stripe('GET', '/v1/payment_intents', { limit: '100' });
  assert.equal(list.body.data.length, 1, 'one PaymentIntent, whatever was retried');
});

test('idempotency: a stored decline is replayed, a validation error is not stored', async () => {
  const a = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa_chargeDeclined' }), { idem: 'k2' });
  const b = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa_chargeDeclined' }), { idem: 'k2' });
  assert.equal(b.status, 402);
  assert.equal(b.body.error.payment_intent.id, a.body.error.payment_intent.id);
  const v1 = await stripe('POST', '/v1/payment_intents', { currency: 'usd' }, { idem: 'k3' });
  assert.equal(v1.status, 400);
  assert.equal(v1.body.error.code, 'parameter_missing');
  const v2 = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k3' });
  assert.equal(v2.status, 200, 'a request that failed validation may be retried with the same key and other parameters');
});

test('idempotency: the same key while the first request runs is a 409', async () => {
  await fetch(`${base}/_sim/faults`, { method: 'POST', body: JSON.stringify({ path: '^/v1/payment_intents$', processingMs: 300 }) });
  const first = stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k4' });
  await new Promise((r) => setTimeout(r, 50));
  const second = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k4' });
  assert.equal(second.status, 409);
  assert.equal((await first).status, 200);
});

test('a fault after processing loses the answer but the charge exists; the retry with the key replays it', async () => {
  await fetch(`${base}/_sim/faults`, { method: 'POST', body: JSON.stringify({ path: '^/v1/payment_intents$', status: 500, when: 'after' }) });
  const lost = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k5' });
  assert.equal(lost.status, 500);
  const retry = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k5' });
  assert.equal(retry.status, 200);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  assert.equal((await stripe('GET', '/v1/payment_intents', {})).body.data.length, 1);
});

test('shared payment tokens: usage limits, consumption, revocation, both parameter placements', async () => {
  const mint = async (max, extra = {}) => (await stripe('POST', '/v1/test_helpers/shared_payment/granted_tokens',
    { payment_method: 'pm_card_visa', 'usage_limits[currency]': 'usd', 'usage_limits[max_amount]': String(max), ...extra })).body;
  const t = await mint(5000);
  assert.match(t.id, /^spt_/);
  assert.equal(t.object, 'shared_payment.granted_token');
  const over = await stripe('POST', '/v1/payment_intents', pay({ 'payment_method_data[shared_payment_granted_token]': t.id }, { amount: '5001' }));
  assert.equal(over.status, 400);
  assert.equal(over.body.error.param, 'payment_method_data[shared_payment_granted_token]');
  const eur = await stripe('POST', '/v1/payment_intents', pay({ shared_payment_granted_token: t.id }, { currency: 'eur' }));
  assert.equal(eur.status, 400);
  assert.equal(eur.body.error.param, 'shared_payment_granted_token');
  const ok = await stripe('POST', '/v1/payment_intents', pay({ 'payment_method_data[shared_payment_granted_token]': t.id }, { amount: '5000' }));
  assert.equal(ok.body.status, 'succeeded');
  const after = (await stripe('GET', `/v1/shared_payment/granted_tokens/${t.id}`)).body;
  assert.equal(after.usage_details.amount_captured.value, 5000);
  assert.equal(after.deactivated_reason, 'consumed');
  const again = await stripe('POST', '/v1/payment_intents', pay({ 'payment_method_data[shared_payment_granted_token]': t.id }, { amount: '100' }));
  assert.equal(again.status, 400);
  const expired = await mint(5000, { 'usage_limits[expires_at]': String(Math.floor(Date.now() / 1000) - 10) });
  assert.equal((await stripe('POST', '/v1/payment_intents', pay({ 'payment_method_data[shared_payment_granted_token]': expired.id }))).status, 400);
  const revoked = await mint(5000);
  await stripe('POST', `/v1/test_helpers/shared_payment/granted_tokens/${revoked.id}/revoke`, {});
  assert.equal((await stripe('GET', `/v1/shared_payment/granted_tokens/${revoked.id}`)).body.deactivated_reason, 'revoked');
});

test('refunds: full, partial, never more than was captured', async () => {
  const pi = (await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }))).body;
  const part = await stripe('POST', '/v1/refunds', { payment_intent: pi.id, amount: '999' });
  assert.equal(part.body.status, 'succeeded');
  assert.equal(part.body.amount, 999);
  const tooMuch = await stripe('POST', '/v1/refunds', { payment_intent: pi.id, amount: '4001' });
  assert.equal(tooMuch.status, 400);
  assert.equal(tooMuch.body.error.code, 'amount_too_large');
  const rest = await stripe('POST', '/v1/refunds', { payment_intent: pi.id });
  assert.equal(rest.body.amount, 4000);
  assert.equal((await stripe('POST', '/v1/refunds', { payment_intent: pi.id })).body.error.code, 'charge_already_refunded');
});

test('cancel releases a PaymentIntent waiting for 3-D Secure; a succeeded one cannot be canceled', async () => {
  const tds = (await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_authenticationRequired' }))).body;
  const c = await stripe('POST', `/v1/payment_intents/${tds.id}/cancel`, { cancellation_reason: 'abandoned' });
  assert.equal(c.body.status, 'canceled');
  const ok = (await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }))).body;
  assert.equal((await stripe('POST', `/v1/payment_intents/${ok.id}/cancel`, {})).body.error.code, 'payment_intent_unexpected_state');
});

test('faults before processing answer the status with Stripe-Should-Retry and leave no trace', async () => {
  await fetch(`${base}/_sim/faults`, { method: 'POST', body: JSON.stringify({ path: '^/v1/payment_intents$', status: 429, shouldRetry: true }) });
  const r = await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k6' });
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('stripe-should-retry'), 'true');
  assert.equal((await stripe('GET', '/v1/payment_intents', {})).body.data.length, 0);
  assert.equal((await stripe('POST', '/v1/payment_intents', pay({ payment_method: 'pm_card_visa' }), { idem: 'k6' })).status, 200);
});

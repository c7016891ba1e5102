// SALEOR_PUBLIC_URL sets the origin announced in Saleor-Api-Url and Saleor-Domain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, createApp, createWebhook, paidDigitalCheckout, run, seedCatalog, startReceiver, startSim } from './helpers.mjs';

test('webhook headers use SALEOR_PUBLIC_URL', async () => {
  const env = await startSim({ SALEOR_PUBLIC_URL: 'https://shop.example.com:8443' });
  const rcv = await startReceiver();
  try {
    const staff = await adminToken(env.url);
    const seed = await seedCatalog(env.url, staff);
    const app = await createApp(env.url, staff, ['MANAGE_ORDERS', 'HANDLE_PAYMENTS'], 'p');
    await createWebhook(env.url, app.token, { targetUrl: `${rcv.url}/h` });
    const { checkoutId } = await paidDigitalCheckout(env.url, seed, app.token);
    await run(env.url, 'CheckoutComplete', { id: checkoutId });
    await rcv.waitFor((r) => r.length >= 1);
    assert.equal(rcv.requests[0].headers['saleor-api-url'], 'https://shop.example.com:8443/graphql/');
    assert.equal(rcv.requests[0].headers['saleor-domain'], 'shop.example.com:8443');
  } finally { await rcv.close(); await env.close(); }
});

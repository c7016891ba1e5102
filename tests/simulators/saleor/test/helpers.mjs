// Shared test equipment: an in-process simulator, a GraphQL client, a webhook receiver,
// and catalog seeding through the product's own GraphQL documents.
import http from 'node:http';
import crypto from 'node:crypto';
import { startSimulator } from '../server.mjs';
import { assembleOperation, loadProductDocuments } from '../src/operations.mjs';

export const docs = loadProductDocuments();
export const op = (name) => assembleOperation(docs, name);

export async function startSim(env = {}) {
  return startSimulator({ HOST: '127.0.0.1', PORT: '0', SALEOR_SIM_RETRY_SCALE: '0.001', SALEOR_SIM_LOG: 'quiet', ...env });
}

export async function gql(url, query, variables = {}, token = null, extraHeaders = {}) {
  const res = await fetch(`${url}/graphql/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extraHeaders },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body; try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, body };
}

/** Runs a product operation by name and returns data, failing loudly on top-level errors. */
export async function run(url, name, variables = {}, token = null) {
  const r = await gql(url, op(name), variables, token);
  if (r.status !== 200 || r.body.errors) throw new Error(`${name} failed: ${r.status} ${JSON.stringify(r.body.errors ?? r.body)}`);
  return r.body.data;
}

export async function adminToken(url) {
  const d = await run(url, 'TokenCreate', { email: 'admin@example.com', password: 'admin' });
  return d.tokenCreate.token;
}

export async function createApp(url, staffToken, permissions, name = 'cmp') {
  const d = await run(url, 'AppCreate', { input: { name, identifier: `${name}-${crypto.randomUUID()}`, permissions } }, staffToken);
  if (d.appCreate.errors.length) throw new Error(JSON.stringify(d.appCreate.errors));
  return { id: d.appCreate.app.id, token: d.appCreate.authToken };
}

/** A local webhook receiver. `respond(req, n)` returns {status, delayMs, headers} per request (n = 1-based). */
export async function startReceiver(respond = () => ({ status: 200 })) {
  const requests = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method, url: req.url, headers: req.headers, raw: Buffer.concat(chunks), at: Date.now() };
      requests.push(entry);
      for (const w of [...waiters]) if (w.pred(requests)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
      const r = respond(entry, requests.length) ?? { status: 200 };
      const finish = () => { if (!res.destroyed) { res.writeHead(r.status, r.headers ?? {}); res.end(r.body ?? ''); } };
      if (r.delayMs) setTimeout(finish, r.delayMs); else finish();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url, requests,
    waitFor(pred, timeoutMs = 8000) {
      if (pred(requests)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`receiver: condition not met in ${timeoutMs} ms (${requests.length} requests)`)), timeoutMs);
        waiters.push({ pred, resolve: () => { clearTimeout(t); resolve(); } });
      });
    },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(fn, timeoutMs = 8000, stepMs = 20) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitUntil: timed out');
    await sleep(stepMs);
  }
}

export async function simJson(url, path, method = 'GET', body) {
  const res = await fetch(`${url}${path}`, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.json() };
}

export const ADDRESS = { firstName: 'Ada', lastName: 'Buyer', streetAddress1: '1 Main St', city: 'New York', postalCode: '10001', country: 'US', countryArea: 'NY' };

/**
 * Seeds a catalog the way the installer does, with the product's documents:
 * a warehouse on the default channel, a digital type (CSA-PRO untracked, CREDITS-500) and a
 * physical type (MUG, tracked stock 3) with a US shipping zone.
 */
export async function seedCatalog(url, token) {
  const channels = (await run(url, 'Channels', {}, token)).channels;
  const channel = channels.find((c) => c.slug === 'default-channel');
  const wh = (await run(url, 'WarehouseCreate', { input: { name: 'Digital', slug: 'digital', address: { streetAddress1: '1 Cloud Way', city: 'Seattle', postalCode: '98101', country: 'US', countryArea: 'WA' } } }, token)).createWarehouse.warehouse;
  await run(url, 'ChannelUpdate', { id: channel.id, input: { addWarehouses: [wh.id] } }, token);
  const digital = (await run(url, 'ProductTypeCreate', { input: { name: 'Digital license', slug: 'digital-license', kind: 'NORMAL', isShippingRequired: false } }, token)).productTypeCreate.productType;
  const physical = (await run(url, 'ProductTypeCreate', { input: { name: 'Merch', slug: 'merch', isShippingRequired: true } }, token)).productTypeCreate.productType;
  const cat = (await run(url, 'CategoryCreate', { input: { name: 'Agents', slug: 'agents' } }, token)).categoryCreate.category;
  const make = async ({ name, slug, type, sku, price, track, qty, meta, vmeta, description }) => {
    const p = (await run(url, 'ProductCreate', { input: { name, slug, productType: type.id, category: cat.id, description: description ?? null, metadata: meta ?? [] } }, token)).productCreate;
    if (p.errors.length) throw new Error(JSON.stringify(p.errors));
    await run(url, 'ProductChannelListingUpdate', { id: p.product.id, input: { updateChannels: [{ channelId: channel.id, isPublished: true, visibleInListings: true, isAvailableForPurchase: true }] } }, token);
    const v = (await run(url, 'ProductVariantCreate', { input: { product: p.product.id, sku, name: sku, trackInventory: track, attributes: [], metadata: vmeta ?? [], stocks: [{ warehouse: wh.id, quantity: qty }] } }, token)).productVariantCreate;
    if (v.errors.length) throw new Error(JSON.stringify(v.errors));
    const l = (await run(url, 'ProductVariantChannelListingUpdate', { id: v.productVariant.id, input: [{ channelId: channel.id, price }] }, token)).productVariantChannelListingUpdate;
    if (l.errors.length) throw new Error(JSON.stringify(l.errors));
    return { product: p.product, variant: v.productVariant };
  };
  const description = JSON.stringify({ time: 1, blocks: [{ id: 'a', type: 'paragraph', data: { text: 'Customer support agent — résumé' } }], version: '2.24.3' });
  const csa = await make({ name: 'CSA Pro', slug: 'csa-pro', type: digital, sku: 'CSA-PRO', price: '49.00', track: false, qty: 1000000, meta: [{ key: 'kind', value: 'license' }], vmeta: [{ key: 'entitlement', value: 'csa-pro' }], description });
  const credits = await make({ name: 'Credits', slug: 'credits', type: digital, sku: 'CREDITS-500', price: '10.00', track: false, qty: 1000000, meta: [{ key: 'kind', value: 'credits' }], vmeta: [{ key: 'credits', value: '500' }] });
  const mug = await make({ name: 'Agent Mug', slug: 'agent-mug', type: physical, sku: 'MUG', price: '12.50', track: true, qty: 3 });
  const zone = (await run(url, 'ShippingZoneCreate', { input: { name: 'US', countries: ['US'], addWarehouses: [wh.id], addChannels: [channel.id] } }, token)).shippingZoneCreate.shippingZone;
  const method = (await run(url, 'ShippingPriceCreate', { input: { name: 'Standard', type: 'PRICE', shippingZone: zone.id } }, token)).shippingPriceCreate.shippingMethod;
  await run(url, 'ShippingMethodChannelListingUpdate', { id: method.id, input: { addChannels: [{ channelId: channel.id, price: '5.00' }] } }, token);
  return { channel, warehouse: wh, digital, physical, category: cat, csa, credits, mug, zone, method };
}

/** Own RS256 check of a detached b64:false JWS against a JWKS (independent of the simulator code). */
export function verifyJwsDetached(signature, rawBody, jwks) {
  const [h, mid, s] = signature.split('.');
  if (mid !== '') return false;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  if (header.alg !== 'RS256' || header.b64 !== false || !header.crit.includes('b64')) return false;
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const key = crypto.createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
  return crypto.verify('sha256', Buffer.concat([Buffer.from(`${h}.`, 'ascii'), rawBody]), key, Buffer.from(s, 'base64url'));
}

/** Creates a buyer checkout for digital lines and pays it with an app token; returns { checkoutId, total }. */
export async function paidDigitalCheckout(url, seed, payToken, { quantity = 1 } = {}) {
  const c = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', email: 'buyer@example.com', lines: [{ variantId: seed.csa.variant.id, quantity }, { variantId: seed.credits.variant.id, quantity: 2 }], billingAddress: ADDRESS } })).checkoutCreate;
  if (c.errors.length) throw new Error(JSON.stringify(c.errors));
  const total = c.checkout.totalPrice.gross.amount;
  const t = (await run(url, 'TransactionCreate', { id: c.checkout.id, transaction: { name: 'test-psp', pspReference: `psp-${crypto.randomUUID()}`, amountCharged: { amount: total, currency: 'USD' } } }, payToken)).transactionCreate;
  if (t.errors.length) throw new Error(JSON.stringify(t.errors));
  return { checkoutId: c.checkout.id, total, transactionId: t.transaction.id };
}

export const RECOMMENDED_QUERY = `subscription OrderFullyPaidProvisioner {
  event {
    __typename
    issuedAt
    version
    ... on OrderFullyPaid {
      order {
        id number created status chargeStatus userEmail
        user { id email }
        channel { slug currencyCode }
        total { gross { amount currency } }
        metadata { key value }
        lines {
          id productName variantName productSku productVariantId quantity
          variant { id sku metadata { key value } product { id slug metadata { key value } } }
        }
      }
    }
  }
}`;

/** Registers a webhook for `app` through the product's WebhookCreate document. */
export async function createWebhook(url, appToken, { targetUrl, events = ['ORDER_FULLY_PAID'], query = op('OrderFullyPaid'), secretKey, name = 'hook' }) {
  const input = { name, targetUrl, asyncEvents: events, query, isActive: true };
  if (secretKey) input.secretKey = secretKey;
  const d = (await run(url, 'WebhookCreate', { input }, appToken)).webhookCreate;
  if (d.errors.length) throw new Error(JSON.stringify(d.errors));
  return d.webhook;
}

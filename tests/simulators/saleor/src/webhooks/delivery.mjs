// Delivers webhook bodies the way Saleor's Celery task does (saleor.md §1.1, §2.2, §2.3):
// POST with Saleor's headers and signature, 2 s connect / 18 s read timeouts, redirects never
// followed, 2xx = delivered, 3xx/4xx = failed without retry, 5xx/timeout/connection error =
// retried after 10, 20, 40, 80, 160 s (x retry scale), 6 attempts at most.
import http from 'node:http';
import https from 'node:https';
import { hmacSignature } from '../signing.mjs';

export const RETRY_DELAYS_S = [10, 20, 40, 80, 160];
export const MAX_ATTEMPTS = RETRY_DELAYS_S.length + 1;

/** One POST; resolves { status } or { error } and never rejects. */
export function postOnce(url, headers, body, { connectTimeoutMs, readTimeoutMs }) {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r) => { if (!settled) { settled = true; clearTimeout(connectTimer); resolve(r); } };
    let target;
    try { target = new URL(url); } catch { done({ error: 'invalid URL' }); return; }
    if (!['http:', 'https:'].includes(target.protocol)) { done({ error: `unsupported scheme ${target.protocol}` }); return; }
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, { method: 'POST', headers: { ...headers, 'Content-Length': body.length }, agent: false });
    const connectTimer = setTimeout(() => { req.destroy(new Error('connect timeout')); }, connectTimeoutMs);
    req.on('socket', (socket) => {
      const onConnect = () => {
        clearTimeout(connectTimer);
        // Like requests' read timeout: no byte from the server for readTimeoutMs.
        socket.setTimeout(readTimeoutMs, () => req.destroy(new Error('read timeout')));
      };
      if (socket.connecting) socket.once('connect', onConnect); else onConnect();
    });
    req.on('response', (res) => {
      res.on('data', () => {});
      res.on('end', () => done({ status: res.statusCode }));
      res.on('error', (e) => done({ error: e.message }));
    });
    req.on('error', (e) => done({ error: e.message || e.code || 'connection error' }));
    req.end(body);
  });
}

export class DeliveryService {
  constructor(sim) {
    this.sim = sim;
    this.deliveries = [];
    this.held = [];
    this.timers = new Set();
    this.seq = 0;
  }

  later(fn, ms) {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
  }

  /** Forgets every delivery and cancels pending retries (reset, shutdown). */
  stop() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held = [];
    this.deliveries = [];
  }

  enqueue({ webhook, app, event, body, issuedAt }) {
    const rules = this.sim.faults.takeDeliveryRules(event);
    const make = (extra = {}) => {
      const d = {
        id: String(++this.seq), event, webhookId: webhook.pk, appId: app.pk, targetUrl: webhook.targetUrl, secretKey: webhook.secretKey || '',
        customHeaders: { ...(webhook.customHeaders ?? {}) }, payload: body, issuedAt, createdAt: new Date().toISOString(),
        attempts: [], state: 'pending', faults: rules.map((r) => r.kind), ...extra,
      };
      this.deliveries.push(d);
      return d;
    };
    const d = make();
    if (rules.some((r) => r.kind === 'drop')) { d.state = 'dropped'; return d; }
    const copies = rules.filter((r) => r.kind === 'duplicate').reduce((s, r) => s + r.copies, 0);
    const delayMs = rules.filter((r) => r.kind === 'delay').reduce((s, r) => s + r.delayMs, 0);
    const all = [d, ...Array.from({ length: copies }, () => make({ duplicateOf: d.id }))];
    if (rules.some((r) => r.kind === 'hold')) { for (const x of all) { x.state = 'held'; this.held.push(x); } return d; }
    for (const x of all) this.later(() => this.attempt(x), delayMs);
    return d;
  }

  /** Sends held deliveries; `order` is "reverse" (default: newest first) or "fifo". */
  release(order = 'reverse') {
    const list = order === 'fifo' ? this.held : [...this.held].reverse();
    this.held = [];
    // Sequential start keeps the chosen order observable by the receiver.
    let chain = Promise.resolve();
    for (const d of list) { d.state = 'pending'; chain = chain.then(() => this.attempt(d)); }
    return list.map((d) => d.id);
  }

  headersFor(d) {
    const body = Buffer.from(d.payload, 'utf8');
    const signature = d.secretKey ? hmacSignature(body, d.secretKey) : this.sim.signingKey.signDetached(body);
    const { domain, apiUrl } = this.sim.publicOrigin();
    return {
      'Content-Type': 'application/json',
      'X-Saleor-Event': d.event,
      'X-Saleor-Domain': domain,
      'X-Saleor-Signature': signature,
      'Saleor-Event': d.event,
      'Saleor-Domain': domain,
      'Saleor-Signature': signature,
      'Saleor-Api-Url': apiUrl,
      'User-Agent': `Saleor/${this.sim.state.shop.schemaVersion}`,
      ...d.customHeaders,
    };
  }

  async attempt(d) {
    if (!this.deliveries.includes(d)) return; // reset meanwhile
    const webhook = this.sim.state.webhooks.get(d.webhookId);
    const app = this.sim.state.apps.get(d.appId);
    // Saleor re-checks at send time: a deactivated webhook/app fails the delivery without sending.
    if (!webhook || !webhook.isActive || !app || !app.isActive) {
      d.attempts.push({ at: new Date().toISOString(), status: null, error: 'webhook or app inactive or removed' });
      d.state = 'failed';
      return;
    }
    const body = Buffer.from(d.payload, 'utf8');
    const started = Date.now();
    const { connectTimeoutMs, readTimeoutMs } = this.sim.config;
    const r = await postOnce(d.targetUrl, this.headersFor(d), body, { connectTimeoutMs, readTimeoutMs });
    if (!this.deliveries.includes(d)) return;
    d.attempts.push({ at: new Date(started).toISOString(), status: r.status ?? null, error: r.error ?? null, durationMs: Date.now() - started });
    this.sim.log({ msg: 'webhook attempt', delivery: d.id, event: d.event, target: d.targetUrl, status: r.status ?? null, error: r.error ?? null, attempt: d.attempts.length });
    if (r.status >= 200 && r.status < 300) { d.state = 'success'; return; }
    const retryable = r.error != null || r.status >= 500;
    if (!retryable || d.attempts.length >= MAX_ATTEMPTS) { d.state = 'failed'; return; }
    d.state = 'retrying';
    const delayMs = RETRY_DELAYS_S[d.attempts.length - 1] * 1000 * this.sim.config.retryScale;
    d.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    this.later(() => this.attempt(d), delayMs);
  }

  list(filter = {}) {
    return this.deliveries
      .filter((d) => (!filter.event || d.event === filter.event.toLowerCase()) && (!filter.state || d.state === filter.state))
      .map(({ secretKey, ...d }) => ({ ...d, signatureMode: secretKey ? 'hmac' : 'jws' }));
  }
}

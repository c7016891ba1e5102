// A stateful Stripe API simulator (stripe.md §5.2): PaymentIntents with real outcomes (success, 402 declines,
// requires_action for 3-D Secure and confirmation with an external 3DS result), refunds, shared payment tokens with
// usage limits, Stripe's idempotency rules (replay, 400 idempotency_error on other parameters, 409 while in flight,
// validation errors not stored), bearer-key checks, Request-Id, the full error envelope, and fault injection.
import { behaviourOf, brandOf } from './cards.mjs';
import { canonical, parseForm } from './form.mjs';
import { id, now } from './ids.mjs';

const LAST4 = { success: '4242', decline: '0002', '3ds': '3220', '3ds_then_decline': '1629' };

export function createSimulator({ log = () => {} } = {}) {
  let state;
  const reset = () => { state = { intents: new Map(), refunds: new Map(), tokens: new Map(), idem: new Map(), requests: [], faults: [] }; };
  reset();

  // ---------- helpers ----------
  const err = (status, type, message, extra = {}) => ({ status, body: { error: { type, message, ...extra } } });
  const invalid = (message, param, code = 'parameter_invalid_empty') => err(400, 'invalid_request_error', message, { code, param });
  const missing = (param) => ({ ...invalid(`Missing required param: ${param}.`, param, 'parameter_missing'), validation: true });

  function authenticate(req) {
    const h = req.headers.authorization ?? '';
    let key = null;
    if (/^Bearer /i.test(h)) key = h.slice(7).trim();
    else if (/^Basic /i.test(h)) key = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8').replace(/:$/, '');
    const parts = (key ?? '').split('_');
    // Like stripe-mock: sk_test_… / rk_test_…, exactly three parts.
    return parts.length === 3 && ['sk', 'rk'].includes(parts[0]) && parts[1] === 'test' && parts[2].length > 0 ? key : null;
  }

  function intentView(pi) {
    return {
      id: pi.id, object: 'payment_intent', amount: pi.amount, amount_capturable: pi.amountCapturable, amount_details: { tip: {} },
      amount_received: pi.amountReceived, application: null, application_fee_amount: null,
      automatic_payment_methods: pi.automaticPaymentMethods, canceled_at: pi.canceledAt, cancellation_reason: pi.cancellationReason,
      capture_method: pi.captureMethod, client_secret: `${pi.id}_secret_${pi.id.slice(-8)}`, confirmation_method: 'automatic',
      created: pi.created, currency: pi.currency, customer: null, description: pi.description ?? null, excluded_payment_method_types: null,
      last_payment_error: pi.lastPaymentError, latest_charge: pi.latestCharge, livemode: false, metadata: pi.metadata,
      next_action: pi.nextAction, on_behalf_of: null, payment_method: pi.paymentMethod, payment_method_configuration_details: null,
      payment_method_options: { card: { request_three_d_secure: 'automatic' } }, payment_method_types: ['card'], processing: null,
      receipt_email: null, review: null, setup_future_usage: null, shipping: null, source: null, statement_descriptor: null,
      statement_descriptor_suffix: null, status: pi.status, transfer_data: null, transfer_group: null,
    };
  }

  function tokenView(t) {
    return {
      id: t.id, object: 'shared_payment.granted_token', agent_details: null, created: t.created,
      deactivated_at: t.deactivatedAt, deactivated_reason: t.deactivatedReason, livemode: false,
      payment_method_details: {
        type: 'card',
        billing_details: { name: null, email: null, phone: null, address: { line1: null, line2: null, city: null, state: null, postal_code: null, country: null } },
        card: { brand: t.brand, country: 'US', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, funding: 'credit', last4: t.last4, fingerprint: t.id.slice(-16), wallet: null },
      },
      risk_details: null, shared_metadata: t.sharedMetadata,
      usage_details: { amount_captured: { value: t.captured, currency: t.usageLimits.currency } },
      usage_limits: t.usageLimits,
    };
  }

  function refundView(r) {
    return {
      id: r.id, object: 'refund', amount: r.amount, balance_transaction: `txn_${r.id.slice(3)}`, charge: r.charge, created: r.created,
      currency: r.currency, destination_details: null, metadata: r.metadata, payment_intent: r.paymentIntent, reason: r.reason,
      receipt_number: null, source_transfer_reversal: null, status: 'succeeded', transfer_reversal: null,
    };
  }

  const cardError = (pi, b) => {
    const e = { type: 'card_error', code: b.code, decline_code: b.declineCode, message: b.message, param: null,
      doc_url: `https://stripe.com/docs/error-codes/${b.code.replace(/_/g, '-')}`, charge: pi.latestCharge };
    pi.lastPaymentError = e;
    pi.status = 'requires_payment_method';
    pi.nextAction = null;
    return { status: 402, body: { error: { ...e, payment_intent: intentView(pi) } } };
  };

  /** The credential of a create: pm id, card token, or shared payment token (nested or the older top-level form). */
  function credentialOf(p) {
    const spt = p.payment_method_data?.shared_payment_granted_token ?? p.shared_payment_granted_token;
    if (spt) return { kind: 'spt', value: spt, param: p.shared_payment_granted_token ? 'shared_payment_granted_token' : 'payment_method_data[shared_payment_granted_token]' };
    if (p.payment_method) return { kind: 'pm', value: p.payment_method, param: 'payment_method' };
    if (p.payment_method_data?.card?.token) return { kind: 'tok', value: p.payment_method_data.card.token, param: 'payment_method_data[card][token]' };
    return null;
  }

  /** Runs a confirmation on a PaymentIntent; mutates it; returns the response. */
  function confirm(pi, p) {
    const b = pi.behaviour;
    const tds = p.payment_method_options?.card?.three_d_secure;
    if (b.outcome === 'decline') return cardError(pi, b);
    if (b.outcome === '3ds' || b.outcome === '3ds_then_decline') {
      if (!pi.authenticated) {
        if (!tds) {
          pi.status = 'requires_action';
          pi.nextAction = p.return_url
            ? { type: 'redirect_to_url', redirect_to_url: { url: `https://hooks.stripe.com/3d_secure_2/hosted?payment_intent=${pi.id}`, return_url: p.return_url } }
            : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `https://hooks.stripe.com/redirect/authenticate/${pi.id}` } };
          return { status: 200, body: intentView(pi) };
        }
        for (const f of ['cryptogram', 'electronic_commerce_indicator', 'transaction_id', 'version']) {
          if (!tds[f]) return missing(`payment_method_options[card][three_d_secure][${f}]`);
        }
        pi.authenticated = true;
      }
      if (b.outcome === '3ds_then_decline') return cardError(pi, b);
    }
    pi.latestCharge = pi.latestCharge ?? id('ch');
    pi.nextAction = null;
    pi.lastPaymentError = null;
    if (pi.captureMethod === 'manual') { pi.status = 'requires_capture'; pi.amountCapturable = pi.amount; } else { pi.status = 'succeeded'; pi.amountReceived = pi.amount; }
    if (pi.spt) {
      const t = state.tokens.get(pi.spt);
      t.captured += pi.amount;
      if (t.usageLimits.max_amount != null && t.captured >= t.usageLimits.max_amount) { t.deactivatedAt = now(); t.deactivatedReason = 'consumed'; }
    }
    return { status: 200, body: intentView(pi) };
  }

  // ---------- routes ----------
  function createIntent(p) {
    if (p.amount == null || p.amount === '') return missing('amount');
    if (p.currency == null || p.currency === '') return missing('currency');
    const amount = Number(p.amount);
    if (!Number.isInteger(amount) || amount <= 0) return { ...invalid('Invalid positive integer', 'amount', 'parameter_invalid_integer'), validation: true };
    const currency = String(p.currency).toLowerCase();
    const cred = credentialOf(p);
    let behaviour = null;
    let sptId = null;
    if (cred?.kind === 'spt') {
      const t = state.tokens.get(cred.value);
      if (!t) return invalid(`No such shared payment granted token: '${cred.value}'`, cred.param, 'resource_missing');
      // Usage-limit refusals: 400 on the token parameter (codes are the simulator's own; stripe.md §3.5).
      const lim = t.usageLimits;
      if (t.deactivatedReason) return invalid(`The shared payment token is deactivated (${t.deactivatedReason}).`, cred.param, `shared_payment_token_${t.deactivatedReason}`);
      if (lim.expires_at != null && now() >= lim.expires_at) return invalid('The shared payment token has expired.', cred.param, 'shared_payment_token_expired');
      if (lim.currency && lim.currency !== currency) return invalid(`The shared payment token only allows ${lim.currency}.`, cred.param, 'shared_payment_token_currency_mismatch');
      if (lim.max_amount != null && amount > lim.max_amount - t.captured) return invalid('The amount exceeds what the shared payment token allows.', cred.param, 'shared_payment_token_amount_exceeded');
      behaviour = t.behaviour;
      sptId = t.id;
    } else if (cred) {
      behaviour = behaviourOf(cred.value);
      if (!behaviour) return invalid(`No such PaymentMethod: '${cred.value}'`, cred.param, 'resource_missing');
    }
    const pi = {
      id: id('pi'), amount, currency, created: now(), captureMethod: p.capture_method ?? 'automatic_async', metadata: p.metadata ?? {},
      description: p.description, status: cred ? 'requires_confirmation' : 'requires_payment_method', behaviour, spt: sptId,
      paymentMethod: cred ? (cred.kind === 'pm' ? cred.value : id('pm')) : null, amountReceived: 0, amountCapturable: 0,
      automaticPaymentMethods: p.automatic_payment_methods ? { enabled: p.automatic_payment_methods.enabled === 'true', allow_redirects: p.automatic_payment_methods.allow_redirects ?? 'always' } : null,
      latestCharge: null, lastPaymentError: null, nextAction: null, canceledAt: null, cancellationReason: null, authenticated: false,
    };
    if (pi.captureMethod === 'automatic_async') pi.captureMethod = 'automatic';
    state.intents.set(pi.id, pi);
    if (p.confirm === 'true' && cred) return confirm(pi, p);
    return { status: 200, body: intentView(pi) };
  }

  function intentAction(piId, action, p) {
    const pi = state.intents.get(piId);
    if (!pi) return err(404, 'invalid_request_error', `No such payment_intent: '${piId}'`, { code: 'resource_missing', param: 'intent' });
    const unexpected = (what) => err(400, 'invalid_request_error',
      `This PaymentIntent's ${what} could not be performed because it has a status of ${pi.status}.`, { code: 'payment_intent_unexpected_state', payment_intent: intentView(pi) });
    switch (action) {
      case 'confirm':
        if (!['requires_confirmation', 'requires_action', 'requires_payment_method'].includes(pi.status) || !pi.behaviour) return unexpected('confirm');
        return confirm(pi, p);
      case 'capture':
        if (pi.status !== 'requires_capture') return unexpected('capture');
        pi.amountReceived = p.amount_to_capture ? Number(p.amount_to_capture) : pi.amount;
        pi.amountCapturable = 0;
        pi.status = 'succeeded';
        return { status: 200, body: intentView(pi) };
      case 'cancel':
        if (['succeeded', 'canceled'].includes(pi.status)) return unexpected('cancel');
        pi.status = 'canceled';
        pi.canceledAt = now();
        pi.cancellationReason = p.cancellation_reason ?? null;
        pi.nextAction = null;
        return { status: 200, body: intentView(pi) };
      default:
        return null;
    }
  }

  function createRefund(p) {
    const piId = p.payment_intent;
    if (!piId && !p.charge) return missing('payment_intent');
    const pi = piId ? state.intents.get(piId) : [...state.intents.values()].find((x) => x.latestCharge === p.charge);
    if (!pi) return invalid(`No such payment_intent: '${piId ?? p.charge}'`, 'payment_intent', 'resource_missing');
    if (pi.status !== 'succeeded') return invalid('This PaymentIntent has no successful charge to refund.', 'payment_intent', 'charge_not_refundable');
    const refunded = [...state.refunds.values()].filter((r) => r.paymentIntent === pi.id).reduce((s, r) => s + r.amount, 0);
    const left = pi.amountReceived - refunded;
    if (left <= 0) return invalid(`Charge ${pi.latestCharge} has already been refunded.`, 'payment_intent', 'charge_already_refunded');
    const amount = p.amount != null ? Number(p.amount) : left;
    if (!Number.isInteger(amount) || amount <= 0) return { ...invalid('Invalid positive integer', 'amount', 'parameter_invalid_integer'), validation: true };
    if (amount > left) return invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount', 'amount_too_large');
    const r = { id: id('re'), amount, currency: pi.currency, charge: pi.latestCharge, paymentIntent: pi.id, created: now(), reason: p.reason ?? null, metadata: p.metadata ?? {} };
    state.refunds.set(r.id, r);
    return { status: 200, body: refundView(r) };
  }

  function createToken(p) {
    if (!p.payment_method) return missing('payment_method');
    if (!p.usage_limits?.currency) return missing('usage_limits[currency]');
    if (p.usage_limits?.max_amount == null) return missing('usage_limits[max_amount]');
    const behaviour = behaviourOf(p.payment_method);
    if (!behaviour) return invalid(`No such PaymentMethod: '${p.payment_method}'`, 'payment_method', 'resource_missing');
    const t = {
      id: id('spt'), created: now(), behaviour, brand: brandOf(p.payment_method), last4: LAST4[behaviour.outcome] ?? '4242',
      usageLimits: {
        currency: String(p.usage_limits.currency).toLowerCase(), max_amount: Number(p.usage_limits.max_amount),
        expires_at: p.usage_limits.expires_at != null ? Number(p.usage_limits.expires_at) : now() + 86400,
      },
      captured: 0, deactivatedAt: null, deactivatedReason: null, sharedMetadata: p.shared_metadata ?? {},
    };
    state.tokens.set(t.id, t);
    return { status: 200, body: tokenView(t) };
  }

  function route(method, path, p) {
    let m;
    if (method === 'POST' && path === '/v1/payment_intents') return createIntent(p);
    if (method === 'GET' && path === '/v1/payment_intents') {
      const limit = Math.min(Number(p.limit ?? 10), 100);
      const data = [...state.intents.values()].reverse().slice(0, limit).map(intentView);
      return { status: 200, body: { object: 'list', url: '/v1/payment_intents', has_more: state.intents.size > limit, data } };
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path))) {
      const pi = state.intents.get(m[1]);
      if (!pi) return err(404, 'invalid_request_error', `No such payment_intent: '${m[1]}'`, { code: 'resource_missing', param: 'intent' });
      if (method === 'GET') return { status: 200, body: intentView(pi) };
      if (method === 'POST') { if (p.metadata) Object.assign(pi.metadata, p.metadata); return { status: 200, body: intentView(pi) }; }
    }
    if (method === 'POST' && (m = /^\/v1\/payment_intents\/([^/]+)\/(confirm|capture|cancel)$/.exec(path))) return intentAction(m[1], m[2], p);
    if (method === 'POST' && path === '/v1/refunds') return createRefund(p);
    if (method === 'GET' && (m = /^\/v1\/refunds\/([^/]+)$/.exec(path))) {
      const r = state.refunds.get(m[1]);
      return r ? { status: 200, body: refundView(r) } : err(404, 'invalid_request_error', `No such refund: '${m[1]}'`, { code: 'resource_missing' });
    }
    if (method === 'GET' && (m = /^\/v1\/shared_payment\/granted_tokens\/([^/]+)$/.exec(path))) {
      const t = state.tokens.get(m[1]);
      return t ? { status: 200, body: tokenView(t) } : err(404, 'invalid_request_error', `No such shared payment granted token: '${m[1]}'`, { code: 'resource_missing' });
    }
    if (method === 'POST' && path === '/v1/test_helpers/shared_payment/granted_tokens') return createToken(p);
    if (method === 'POST' && (m = /^\/v1\/test_helpers\/shared_payment\/granted_tokens\/([^/]+)\/revoke$/.exec(path))) {
      const t = state.tokens.get(m[1]);
      if (!t) return err(404, 'invalid_request_error', `No such shared payment granted token: '${m[1]}'`, { code: 'resource_missing' });
      t.deactivatedAt = now();
      t.deactivatedReason = 'revoked';
      return { status: 200, body: tokenView(t) };
    }
    return err(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  // ---------- faults ----------
  function takeFault(method, path) {
    const f = state.faults.find((x) => x.count > 0 && (!x.method || x.method === method) && (!x.path || new RegExp(x.path).test(path)));
    if (!f) return null;
    f.count -= 1;
    return f;
  }

  // ---------- sim API ----------
  function simApi(method, path, body) {
    if (method === 'GET' && path === '/_sim/health') return { status: 200, body: { status: 'ok' } };
    if (method === 'POST' && path === '/_sim/reset') { reset(); return { status: 200, body: { reset: true } }; }
    if (method === 'GET' && path === '/_sim/requests') return { status: 200, body: { requests: state.requests } };
    if (method === 'POST' && path === '/_sim/faults') {
      const f = { count: 1, when: 'before', ...body };
      state.faults.push(f);
      return { status: 200, body: { faults: state.faults } };
    }
    if (method === 'DELETE' && path === '/_sim/faults') { state.faults = []; return { status: 200, body: { faults: [] } }; }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `No simulator route ${method} ${path}` } } };
  }

  // ---------- the handler ----------
  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    const path = url.pathname.replace(/\/$/, '') || '/';
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': id('req', 14), 'Stripe-Version': req.headers['stripe-version'] ?? '2026-04-22.preview', ...headers });
      res.end(JSON.stringify(body));
    };

    if (path.startsWith('/_sim/')) {
      const r = simApi(req.method, path, text ? JSON.parse(text) : {});
      return send(r.status, r.body);
    }

    const key = authenticate(req);
    if (!key) return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided. Use a test-mode secret key (sk_test_…).' } });

    let params;
    try {
      if (req.method === 'POST') {
        if (text && !(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          return send(400, { error: { type: 'invalid_request_error', message: 'Request bodies must be application/x-www-form-urlencoded.' } });
        }
        params = parseForm(text);
      } else {
        params = parseForm(url.search.slice(1));
      }
    } catch (e) {
      return send(400, { error: { type: 'invalid_request_error', message: `Invalid request: ${e.message}` } });
    }

    const idemKey = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
    state.requests.push({ method: req.method, path, idempotencyKey: idemKey ?? null, params, at: new Date().toISOString() });
    log({ msg: 'request', method: req.method, path, idempotencyKey: idemKey ?? null });

    const fault = takeFault(req.method, path);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    const faultReply = () => send(fault.status ?? 500, { error: { type: 'api_error', message: 'Simulated fault.' } },
      fault.shouldRetry == null ? {} : { 'Stripe-Should-Retry': String(fault.shouldRetry) });
    if (fault?.status && fault.when === 'before') return faultReply();

    if (!idemKey) {
      const r = route(req.method, path, params);
      return fault?.status ? faultReply() : send(r.status, r.body);
    }

    const scope = `${key}|${idemKey}`;
    const fingerprint = `${req.method} ${path} ${canonical(params)}`;
    const seen = state.idem.get(scope);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        return send(400, { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.` } });
      }
      if (seen.inFlight) return send(409, { error: { type: 'invalid_request_error', code: 'idempotency_key_in_use', message: 'There is currently another in-progress request using this Idempotent Key. Please try again later.' } });
      // A fault "after" loses the answer of a replay too: the outage lasts for `count` requests, whatever they are.
      if (fault?.status) return faultReply();
      return send(seen.status, seen.body, { 'Idempotent-Replayed': 'true', 'Original-Request': seen.requestId });
    }
    const entry = { fingerprint, inFlight: true, requestId: id('req', 14) };
    state.idem.set(scope, entry);
    if (fault?.processingMs) await new Promise((r) => setTimeout(r, fault.processingMs));
    const r = route(req.method, path, params);
    if (r.validation) {
      state.idem.delete(scope);   // requests that fail validation are not stored (stripe.md §1.4)
    } else {
      Object.assign(entry, { inFlight: false, status: r.status, body: r.body });
    }
    return fault?.status ? faultReply() : send(r.status, r.body);
  }

  return { handle, state: () => state };
}

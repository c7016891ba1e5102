// Turns an event (e.g. ORDER_FULLY_PAID for an order) into deliveries: picks the webhooks Saleor
// would pick, runs each webhook's subscription query as its app, and serialises the `event`
// selection with Python's json.dumps conventions (saleor.md §2.1, §3.2).
import { execute, parse } from 'graphql';
import { pythonJsonDumps } from '../python-json.mjs';
import { has } from '../auth.mjs';

/** The permission an app must hold to receive each event (saleor/webhook/event_types.py). */
export const EVENT_PERMISSIONS = {
  ORDER_CREATED: 'MANAGE_ORDERS', ORDER_UPDATED: 'MANAGE_ORDERS', ORDER_PAID: 'MANAGE_ORDERS', ORDER_FULLY_PAID: 'MANAGE_ORDERS',
  ORDER_REFUNDED: 'MANAGE_ORDERS', ORDER_FULLY_REFUNDED: 'MANAGE_ORDERS', ORDER_CANCELLED: 'MANAGE_ORDERS', ORDER_FULFILLED: 'MANAGE_ORDERS',
};

/** ORDER_FULLY_PAID -> OrderFullyPaid (the subscription payload type). */
export const payloadTypeOf = (eventType) => eventType.toLowerCase().split('_').map((s) => s[0].toUpperCase() + s.slice(1)).join('');

function formatError(e) {
  const out = { message: e.message };
  if (e.locations) out.locations = e.locations.map(({ line, column }) => ({ line, column }));
  if (e.path) out.path = e.path;
  out.extensions = { exception: { code: e.extensions?.exception?.code ?? 'GraphQLError' } };
  return out;
}

export function subscribedWebhooks(state, eventType) {
  const perm = EVENT_PERMISSIONS[eventType];
  const out = [];
  for (const w of state.webhooks.values()) {
    if (!w.isActive) continue;
    const app = state.apps.get(w.appPk);
    if (!app || !app.isActive) continue;
    if (!w.asyncEvents.includes(eventType) && !w.asyncEvents.includes('ANY_EVENTS')) continue;
    if (perm && !has({ kind: 'app', app }, perm)) continue; // Saleor filters by the app's permission
    out.push({ webhook: w, app });
  }
  return out;
}

/** Returns the body string, or null when the query cannot produce a payload for this event. */
export function buildPayload(sim, webhook, app, event) {
  if (!webhook.query) return null;
  const document = parse(webhook.query);
  const root = {
    event: { __typename: payloadTypeOf(event.type), issuedAt: event.issuedAt, version: sim.state.shop.version, recipient: app, ...event.subject },
  };
  const ctx = sim.contextFor({ kind: 'app', app });
  const result = execute({ schema: sim.schema, document, rootValue: root, contextValue: ctx });
  if (result.then) throw new Error('subscription resolvers must be synchronous');
  const data = result.data ?? {};
  const keys = Object.keys(data);
  const body = keys.length === 1 && keys[0] === 'event' ? (data.event ?? {}) : { data };
  if (result.errors?.length) body.errors = result.errors.map(formatError);
  return pythonJsonDumps(body);
}

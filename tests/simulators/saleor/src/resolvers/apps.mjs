// Staff login, apps and their tokens, webhooks (saleor.md §4).
import { GraphQLError } from 'graphql';
import { has, hasAny, newAppToken, permissionDenied, requireAny, requestorPermissions } from '../auth.mjs';
import { toGlobalId } from '../ids.mjs';
import { nextPk, nowIso, findBy } from '../store.mjs';
import { bad, connection, getNode, lookupNode, mutation } from './helpers.mjs';
import { validateSubscriptionQuery } from '../webhooks/subscription-query.mjs';

const permissionName = (code) => {
  const words = code.toLowerCase().split('_');
  return `${words[0][0].toUpperCase()}${words[0].slice(1)} ${words.slice(1).join(' ')}.`;
};
const permObjects = (codes) => [...codes].sort().map((code) => ({ code, name: permissionName(code) }));

const isOwnerApp = (ctx, app) => ctx.requestor.kind === 'app' && ctx.requestor.app.pk === app.pk;

function checkPermissionsGrantable(ctx, perms, allPerms) {
  for (const p of perms) if (!allPerms.includes(p)) throw bad('permissions', 'INVALID_PERMISSION', `Invalid permission: ${p}`);
  if (perms.includes('MANAGE_APPS')) {
    throw bad('permissions', 'OUT_OF_SCOPE_PERMISSION', 'MANAGE_APPS permission cannot be granted to an app.', { permissions: ['MANAGE_APPS'] });
  }
  const mine = new Set(requestorPermissions(ctx.requestor, allPerms));
  const missing = perms.filter((p) => !mine.has(p));
  if (missing.length) {
    throw bad('permissions', 'OUT_OF_SCOPE_PERMISSION', "You can't add permission that you don't have.", { permissions: missing });
  }
}

function webhookInput(input, ctx, { creating }) {
  const out = {};
  if (input.name !== undefined) out.name = input.name ?? '';
  if (input.targetUrl !== undefined) {
    let url;
    try { url = new URL(input.targetUrl); } catch { throw bad('targetUrl', 'INVALID', 'Enter a valid URL.'); }
    if (!['http:', 'https:', 'awssqs:', 'gcpubsub:'].includes(url.protocol)) throw bad('targetUrl', 'INVALID', 'Enter a valid URL.');
    out.targetUrl = input.targetUrl;
  } else if (creating) out.targetUrl = '';
  if (input.isActive !== undefined && input.isActive !== null) out.isActive = input.isActive;
  if (input.secretKey !== undefined) out.secretKey = input.secretKey ?? '';
  if (input.customHeaders !== undefined && input.customHeaders !== null) {
    const h = input.customHeaders;
    if (typeof h !== 'object' || Array.isArray(h)) throw bad('customHeaders', 'INVALID_CUSTOM_HEADERS', 'Custom headers must be a JSON object.');
    const entries = Object.entries(h);
    if (entries.length > 5) throw bad('customHeaders', 'INVALID_CUSTOM_HEADERS', 'Number of headers exceeds the limit of 5.');
    const lowered = {};
    for (const [k, v] of entries) {
      const key = k.toLowerCase();
      if (!(key.startsWith('x-') || key === 'authorization' || key === 'brokerproperties')) {
        throw bad('customHeaders', 'INVALID_CUSTOM_HEADERS', `"${k}" does not match allowed key pattern: "X-*", "Authorization*", or "BrokerProperties".`);
      }
      lowered[key] = String(v);
    }
    out.customHeaders = lowered;
  }
  let events = input.asyncEvents ?? null;
  if (input.query !== undefined && input.query !== null) {
    const v = validateSubscriptionQuery(ctx.schema, input.query);
    if (!v.valid) throw bad('query', v.code, v.message);
    out.query = input.query;
    if (!events || !events.length) events = v.events;
  }
  if (events) out.asyncEvents = [...new Set(events)];
  return out;
}

export const appsResolvers = {
  Query: {
    me: (_r, _a, ctx) => (ctx.requestor.kind === 'user' ? ctx.requestor.user : null),
    shop: (_r, _a, ctx) => ({ ...ctx.state.shop }),
    app: (_r, { id }, ctx) => {
      requireAny(ctx.requestor, ['AUTHENTICATED_STAFF_USER', 'AUTHENTICATED_APP']);
      if (!id) {
        if (ctx.requestor.kind !== 'app') return null;
        return ctx.requestor.app;
      }
      const app = lookupNode(ctx.state.apps, id, 'App');
      if (app && !isOwnerApp(ctx, app)) requireAny(ctx.requestor, ['MANAGE_APPS']);
      return app;
    },
    apps: (_r, args, ctx) => {
      if (!(has(ctx.requestor, 'AUTHENTICATED_STAFF_USER') || has(ctx.requestor, 'MANAGE_APPS'))) {
        throw permissionDenied(['AUTHENTICATED_STAFF_USER', 'MANAGE_APPS']);
      }
      let items = [...ctx.state.apps.values()];
      const f = args.filter ?? {};
      if (f.search) items = items.filter((a) => a.name.toLowerCase().includes(f.search.toLowerCase()) || (a.identifier ?? '').toLowerCase().includes(f.search.toLowerCase()));
      if (f.isActive !== undefined && f.isActive !== null) items = items.filter((a) => a.isActive === f.isActive);
      return connection(items, args, 'apps');
    },
    webhook: (_r, { id }, ctx) => {
      const w = lookupNode(ctx.state.webhooks, id, 'Webhook');
      if (!w) return null;
      const app = ctx.state.apps.get(w.appPk);
      if (!hasAny(ctx.requestor, ['MANAGE_APPS']) && !isOwnerApp(ctx, app)) throw permissionDenied(['MANAGE_APPS', 'OWNER']);
      return w;
    },
  },
  User: {
    userPermissions: (u, _a, ctx) => permObjects(u.isSuperuser ? ctx.allPermissions : u.permissions),
  },
  App: {
    permissions: (a) => permObjects(a.permissions),
    tokens: (a, _x, ctx) => {
      if (!hasAny(ctx.requestor, ['MANAGE_APPS']) && !isOwnerApp(ctx, a)) throw permissionDenied(['MANAGE_APPS', 'OWNER']);
      return [...ctx.state.appTokens.values()].filter((t) => t.appPk === a.pk)
        .map((t) => ({ __typename: 'AppToken', pk: t.pk, name: t.name, authToken: t.token.slice(-4) }));
    },
    webhooks: (a, _x, ctx) => {
      if (!hasAny(ctx.requestor, ['MANAGE_APPS']) && !isOwnerApp(ctx, a)) throw permissionDenied(['MANAGE_APPS', 'OWNER']);
      return [...ctx.state.webhooks.values()].filter((w) => w.appPk === a.pk);
    },
    type: () => 'LOCAL',
  },
  Webhook: {
    asyncEvents: (w) => w.asyncEvents.map((e) => ({ eventType: e, name: e.toLowerCase().split('_').map((s, i) => (i ? s : s[0].toUpperCase() + s.slice(1))).join(' ') })),
    app: (w, _a, ctx) => ctx.state.apps.get(w.appPk),
    subscriptionQuery: (w) => w.query ?? null,
    secretKey: (w) => w.secretKey || null,
    customHeaders: (w) => JSON.stringify(w.customHeaders ?? {}),
  },
  Mutation: {
    tokenCreate: mutation(({ email, password }, ctx) => {
      const user = findBy(ctx.state.users, (u) => u.email.toLowerCase() === String(email).toLowerCase());
      if (!user || user.password !== password) {
        throw bad('email', 'INVALID_CREDENTIALS', 'Please, enter valid credentials');
      }
      if (!user.isActive) throw bad('email', 'INACTIVE', 'Account inactive.');
      const now = Math.floor(Date.now() / 1000);
      const base = { iat: now, owner: 'saleor', iss: ctx.apiUrl, email: user.email, user_id: toGlobalId('User', user.pk), user_pk: user.pk, is_staff: user.isStaff };
      const token = ctx.signingKey.signJwt({ ...base, type: 'access', exp: now + 300 });
      const refreshToken = ctx.signingKey.signJwt({ ...base, type: 'refresh', exp: now + 30 * 24 * 3600 });
      return { token, refreshToken, csrfToken: null, user, errors: [] };
    }),
    appCreate: mutation(({ input }, ctx) => {
      if (!(has(ctx.requestor, 'AUTHENTICATED_STAFF_USER') && has(ctx.requestor, 'MANAGE_APPS'))) {
        throw permissionDenied(['AUTHENTICATED_STAFF_USER', 'MANAGE_APPS']);
      }
      const perms = input.permissions ?? [];
      checkPermissionsGrantable(ctx, perms, ctx.allPermissions);
      if (input.identifier && findBy(ctx.state.apps, (a) => a.identifier === input.identifier)) {
        throw bad('identifier', 'UNIQUE', 'App with this Identifier already exists.');
      }
      const app = {
        __typename: 'App', pk: nextPk(ctx.state, 'App'), name: input.name ?? '', identifier: input.identifier ?? null,
        isActive: true, permissions: new Set(perms), created: nowIso(), metadata: {}, privateMetadata: {},
      };
      if (!app.identifier) app.identifier = toGlobalId('App', app.pk);
      ctx.state.apps.set(app.pk, app);
      const token = newAppToken();
      const tokenPk = nextPk(ctx.state, 'AppToken');
      ctx.state.appTokens.set(token, { pk: tokenPk, appPk: app.pk, name: 'Default', token });
      return { authToken: token, app, errors: [] };
    }),
    appUpdate: mutation(({ id, input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_APPS']);
      const app = getNode(ctx.state.apps, id, 'App');
      if (input.permissions) {
        checkPermissionsGrantable(ctx, input.permissions, ctx.allPermissions);
        app.permissions = new Set(input.permissions);
      }
      if (input.name != null) app.name = input.name;
      if (input.identifier != null) app.identifier = input.identifier;
      return { app, errors: [] };
    }),
    appTokenCreate: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_APPS']);
      const app = getNode(ctx.state.apps, input.app, 'App', 'app');
      const mine = new Set(requestorPermissions(ctx.requestor, ctx.allPermissions));
      const missing = [...app.permissions].filter((p) => !mine.has(p));
      if (missing.length) throw bad('app', 'OUT_OF_SCOPE_APP', "You can't manage this app.");
      const token = newAppToken();
      const pk = nextPk(ctx.state, 'AppToken');
      ctx.state.appTokens.set(token, { pk, appPk: app.pk, name: input.name ?? '', token });
      return { authToken: token, appToken: { __typename: 'AppToken', pk, name: input.name ?? '', authToken: token.slice(-4) }, errors: [] };
    }),
    webhookCreate: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_APPS', 'AUTHENTICATED_APP']);
      let app;
      if (ctx.requestor.kind === 'app') app = ctx.requestor.app;
      else if (input.app) app = ctx.state.apps.get((getNodeSafe(input.app) ?? {}).pk);
      else throw bad(null, 'INVALID', 'Missing app id. Fill in the app field or run the mutation by the app');
      if (!app || !app.isActive) throw bad(null, 'NOT_FOUND', "App doesn't exist or is disabled");
      const data = webhookInput(input, ctx, { creating: true });
      const w = {
        __typename: 'Webhook', pk: nextPk(ctx.state, 'Webhook'), appPk: app.pk, name: '', targetUrl: '', isActive: true,
        secretKey: '', query: null, asyncEvents: [], customHeaders: {}, ...data,
      };
      ctx.state.webhooks.set(w.pk, w);
      return { webhook: w, errors: [] };
    }),
    webhookUpdate: mutation(({ id, input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_APPS', 'AUTHENTICATED_APP']);
      if (!id) throw bad('id', 'GRAPHQL_ERROR', 'At least one of arguments is required: id, identifier.');
      const w = getNode(ctx.state.webhooks, id, 'Webhook');
      if (ctx.requestor.kind === 'app' && w.appPk !== ctx.requestor.app.pk) throw bad('id', 'NOT_FOUND', `Couldn't resolve to a node: ${id}`);
      Object.assign(w, webhookInput(input, ctx, { creating: false }));
      return { webhook: w, errors: [] };
    }),
    webhookDelete: mutation(({ id }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_APPS', 'AUTHENTICATED_APP']);
      if (!id) throw bad('id', 'GRAPHQL_ERROR', 'At least one of arguments is required: id, identifier.');
      const w = getNode(ctx.state.webhooks, id, 'Webhook');
      if (ctx.requestor.kind === 'app' && w.appPk !== ctx.requestor.app.pk) throw bad('id', 'NOT_FOUND', `Couldn't resolve to a node: ${id}`);
      ctx.state.webhooks.delete(w.pk);
      return { webhook: { ...w }, errors: [] };
    }),
  },
};

function getNodeSafe(id) {
  const s = Buffer.from(String(id), 'base64').toString('utf8');
  const i = s.indexOf(':');
  return i > 0 && s.slice(0, i) === 'App' ? { pk: s.slice(i + 1) } : null;
}

export { GraphQLError };

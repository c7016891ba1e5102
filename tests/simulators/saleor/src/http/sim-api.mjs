// /_sim/*: the simulator's own JSON API for tests (never part of the GraphQL schema).
import { newAppToken } from '../auth.mjs';
import { toGlobalId } from '../ids.mjs';
import { nextPk, nowIso } from '../store.mjs';

const json = (status, body) => ({ status, body });

export async function handleSimApi(sim, method, path, query, readJson) {
  if (path === '/_sim/health' && method === 'GET') return json(200, { status: 'ok' });
  if (path === '/_sim/reset' && method === 'POST') { sim.reset(); return json(200, { status: 'reset' }); }
  if (path === '/_sim/deliveries' && method === 'GET') {
    return json(200, { deliveries: sim.deliveries.list({ event: query.get('event'), state: query.get('state') }) });
  }
  let m = /^\/_sim\/deliveries\/(\d+)$/.exec(path);
  if (m && method === 'GET') {
    const d = sim.deliveries.list().find((x) => x.id === m[1]);
    return d ? json(200, d) : json(404, { error: 'no such delivery' });
  }
  if (path === '/_sim/deliveries/release' && method === 'POST') {
    const body = await readJson();
    return json(200, { released: sim.deliveries.release(body.order ?? 'reverse') });
  }
  if (path === '/_sim/faults' && method === 'GET') return json(200, sim.faults.describe());
  if (path === '/_sim/faults' && method === 'DELETE') { sim.faults.clear(); return json(200, sim.faults.describe()); }
  if (path === '/_sim/faults/deliveries' && method === 'POST') {
    try { return json(201, sim.faults.addDeliveryRule(await readJson())); } catch (e) { return json(400, { error: e.message }); }
  }
  if (path === '/_sim/faults/graphql' && method === 'POST') {
    try { return json(201, sim.faults.addGraphqlRule(await readJson())); } catch (e) { return json(400, { error: e.message }); }
  }
  if (path === '/_sim/keys/rotate' && method === 'POST') {
    const previous = sim.signingKey.kid;
    return json(200, { previousKid: previous, kid: sim.signingKey.rotate() });
  }
  m = /^\/_sim\/apps$/.exec(path);
  if (m && method === 'POST') {
    // Test shortcut equal to tokenCreate + appCreate as the superuser (real mutations work too).
    const body = await readJson();
    const perms = body.permissions ?? [];
    const bad = perms.filter((p) => !sim.allPermissions.includes(p) || p === 'MANAGE_APPS');
    if (bad.length) return json(400, { error: `invalid permissions: ${bad.join(', ')}` });
    const app = { __typename: 'App', pk: nextPk(sim.state, 'App'), name: body.name ?? 'test-app', identifier: body.identifier ?? null, isActive: true, permissions: new Set(perms), created: nowIso(), metadata: {}, privateMetadata: {} };
    if (!app.identifier) app.identifier = toGlobalId('App', app.pk);
    sim.state.apps.set(app.pk, app);
    const token = newAppToken();
    sim.state.appTokens.set(token, { pk: nextPk(sim.state, 'AppToken'), appPk: app.pk, name: 'Default', token });
    return json(201, { id: toGlobalId('App', app.pk), token, permissions: perms });
  }
  return json(404, { error: `no route ${method} ${path}` });
}

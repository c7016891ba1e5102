// All simulator state lives in one in-memory object so /_sim/reset can return the
// process to its start-up condition without restarting it.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createFaults } from './faults.mjs';
import { isoNow } from './http-utils.mjs';

/** Stable UUID derived from a name, so the superuser id survives restarts like a DB row would. */
export function uuidFromName(name) {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function newApiKeyValue() {
  return `sk-${randomBytes(24).toString('base64url')}`;
}

function apiKeyRecord(value, name, userId, seeded) {
  return {
    id: randomUUID(),
    api_key: value,
    name,
    user_id: userId,
    created_at: isoNow(),
    last_used_at: null,
    total_uses: 0,
    is_active: true,
    seeded,
  };
}

export function createState(config) {
  const username = config.superuser || 'langflow';
  const superuser = { id: uuidFromName(`user/${username}`), username, is_superuser: true, is_active: true };
  const state = {
    config,
    superuser,
    defaultFolderId: uuidFromName(`folder/${username}/My Projects`),
    apiKeys: new Map(), // api key value -> record
    tokens: new Map(), // bearer token -> { userId, type }
    flows: new Map(), // flow id -> stored flow
    sessions: new Map(), // session id -> stored message dicts
    runs: [],
    runSeq: 0,
    faults: createFaults(),
    parked: new Set(), // responses held open by the hang fault
  };
  seedApiKeys(state);
  return state;
}

function seedApiKeys(state) {
  state.apiKeys.clear();
  state.config.apiKeys.forEach((value, i) => {
    state.apiKeys.set(value, apiKeyRecord(value, `seeded-${i + 1}`, state.superuser.id, true));
  });
}

export function addApiKey(state, { name, userId, value }) {
  const record = apiKeyRecord(value ?? newApiKeyValue(), name ?? null, userId, false);
  state.apiKeys.set(record.api_key, record);
  return record;
}

export function releaseParked(state) {
  for (const res of state.parked) res.socket?.destroy();
  state.parked.clear();
}

/** scope: 'all' (start-up state), 'faults', 'runs' or 'sessions'. */
export function resetState(state, scope = 'all') {
  if (scope === 'faults' || scope === 'all') {
    state.faults = createFaults();
    releaseParked(state);
  }
  if (scope === 'runs' || scope === 'all') state.runs = [];
  if (scope === 'sessions' || scope === 'all') state.sessions.clear();
  if (scope === 'all') {
    state.flows.clear();
    state.tokens.clear();
    seedApiKeys(state);
  }
}

export function sessionMessages(state, sessionId) {
  if (!state.sessions.has(sessionId)) state.sessions.set(sessionId, []);
  return state.sessions.get(sessionId);
}

// /api/v1/api_key: creating keys needs an authenticated user (JWT or an existing key,
// or the auto-login superuser when LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true). The key is
// shown unmasked exactly once, in the POST response.
import { currentActiveUser } from '../auth.mjs';
import { parseUuid, readBody, sendDetail, sendJson, sendValidationErrors, tryParseJson, uuidError, isPlainObject, jsonInvalidError } from '../http-utils.mjs';
import { addApiKey } from '../state.mjs';

function authenticate(c) {
  const auth = currentActiveUser(c.req, c.url, c.app.state);
  if (auth.user) return auth.user;
  sendDetail(c.res, auth.status, auth.detail);
  return null;
}

function unmasked(record) {
  return {
    id: record.id,
    api_key: record.api_key,
    name: record.name,
    user_id: record.user_id,
    created_at: record.created_at,
    last_used_at: record.last_used_at,
    total_uses: record.total_uses,
    is_active: record.is_active,
  };
}

function masked(record) {
  return { ...unmasked(record), api_key: `${record.api_key.slice(0, 8)}${'*'.repeat(Math.max(0, record.api_key.length - 8))}` };
}

async function createKey(c) {
  const user = authenticate(c);
  if (!user) return;
  const parsed = tryParseJson(await readBody(c.req));
  if (!parsed.ok) {
    return sendValidationErrors(c.res, parsed.empty
      ? [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]
      : [jsonInvalidError(parsed.error)]);
  }
  const body = parsed.value;
  if (!isPlainObject(body)) {
    return sendValidationErrors(c.res, [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body }]);
  }
  if ('name' in body && body.name !== null && typeof body.name !== 'string') {
    return sendValidationErrors(c.res, [{ type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: body.name }]);
  }
  const record = addApiKey(c.app.state, { name: body.name ?? null, userId: user.id });
  sendJson(c.res, 200, unmasked(record));
}

function listKeys(c) {
  const user = authenticate(c);
  if (!user) return;
  const keys = [...c.app.state.apiKeys.values()].filter((k) => k.user_id === user.id).map(masked);
  sendJson(c.res, 200, { total_count: keys.length, user_id: user.id, api_keys: keys });
}

function deleteKey(c) {
  const user = authenticate(c);
  if (!user) return;
  const id = parseUuid(c.params.keyId);
  if (!id) return sendValidationErrors(c.res, [uuidError(['path', 'api_key_id'], c.params.keyId)]);
  const { apiKeys } = c.app.state;
  const entry = [...apiKeys.entries()].find(([, k]) => k.id === id && k.user_id === user.id);
  if (!entry) return sendDetail(c.res, 400, 'API Key not found');
  apiKeys.delete(entry[0]);
  sendJson(c.res, 200, { detail: 'API Key deleted' });
}

export function registerApiKeyRoutes(router) {
  router.post('/api/v1/api_key/', createKey);
  router.get('/api/v1/api_key/', listKeys);
  router.delete('/api/v1/api_key/:keyId', deleteKey);
}

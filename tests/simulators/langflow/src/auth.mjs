// Langflow's two authentication paths, reproduced from its auth service:
//  * apiKeySecurity  - used by /api/v1/run: reads ONLY the x-api-key query parameter
//    or header (query wins); Authorization: Bearer is never looked at.
//  * currentActiveUser - used by management routes: Bearer JWT (or access_token_lf
//    cookie) first, then x-api-key.
// Both return {user} or {status, detail}.

export const AUTO_LOGIN_ERROR =
  'Since v1.5, LANGFLOW_AUTO_LOGIN requires a valid API key. ' +
  'Set LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true to skip this check. ' +
  'Please update your authentication method.';

function apiKeyFrom(req, url) {
  // FastAPI's APIKeyQuery/APIKeyHeader(auto_error=False) treat an empty value as absent.
  return { query: url.searchParams.get('x-api-key') || null, header: req.headers['x-api-key'] || null };
}

function useKey(state, value) {
  const record = state.apiKeys.get(value);
  if (!record || !record.is_active) return null;
  if (state.config.trackApiKeyUsage) {
    record.total_uses += 1;
    record.last_used_at = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  }
  return state.superuser.id === record.user_id ? state.superuser : null;
}

export function apiKeySecurity(req, url, state) {
  const { config } = state;
  const { query, header } = apiKeyFrom(req, url);
  if (config.autoLogin) {
    if (!config.superuser) return { status: 400, detail: 'Missing first superuser credentials' };
    if (!query && !header) {
      if (config.skipAuthAutoLogin) return { user: state.superuser, via: 'auto_login' };
      return { status: 403, detail: AUTO_LOGIN_ERROR };
    }
  } else if (!query && !header) {
    return { status: 403, detail: 'An API key must be passed as query or header' };
  }
  const user = useKey(state, query || header);
  if (!user) return { status: 403, detail: 'Invalid or missing API key' };
  return { user, via: 'api_key' };
}

function bearerFrom(req) {
  const auth = req.headers.authorization ?? '';
  const [scheme, ...rest] = auth.trim().split(/\s+/);
  const param = rest.join(' ');
  if (scheme && scheme.toLowerCase() === 'bearer' && param) return param;
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith('access_token_lf='));
  return cookie ? decodeURIComponent(cookie.slice('access_token_lf='.length)) : null;
}

export function currentActiveUser(req, url, state) {
  const { config } = state;
  const token = bearerFrom(req);
  if (token) {
    const entry = state.tokens.get(token);
    // Langflow answers a bad/expired JWT with 401 and does not fall back to an API key.
    if (!entry || entry.type !== 'access') return { status: 401, detail: 'Invalid token' };
    return { user: state.superuser, via: 'jwt' };
  }
  const { query, header } = apiKeyFrom(req, url);
  if (query || header) {
    const user = useKey(state, query || header);
    if (!user) return { status: 403, detail: 'Invalid API key' };
    return { user, via: 'api_key' };
  }
  if (config.autoLogin && config.skipAuthAutoLogin) {
    if (!config.superuser) return { status: 403, detail: 'Missing first superuser credentials' };
    return { user: state.superuser, via: 'auto_login' };
  }
  return { status: 403, detail: 'No authentication credentials provided' };
}

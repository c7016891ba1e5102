// /api/v1/login and /api/v1/auto_login: the two ways to get a Bearer token for the
// management routes. Tokens are opaque to clients; the simulator only remembers them.
import { randomBytes } from 'node:crypto';
import { readBody, sendDetail, sendJson, sendValidationErrors } from '../http-utils.mjs';

function b64(obj) {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

function issueTokens(state) {
  const now = Math.floor(Date.now() / 1000);
  const make = (type, ttl) => {
    const token = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: state.superuser.id, type, exp: now + ttl })}.${randomBytes(32).toString('base64url')}`;
    state.tokens.set(token, { userId: state.superuser.id, type });
    return token;
  };
  return { access_token: make('access', 3600), refresh_token: make('refresh', 7 * 86400), token_type: 'bearer' };
}

function cookies(tokens) {
  return [
    `access_token_lf=${tokens.access_token}; HttpOnly; Path=/; SameSite=lax`,
    `refresh_token_lf=${tokens.refresh_token}; HttpOnly; Path=/; SameSite=none; Secure`,
  ];
}

async function login(c) {
  const { state } = c.app;
  const form = new URLSearchParams((await readBody(c.req)).toString('utf8'));
  const missing = ['username', 'password'].filter((k) => !form.has(k));
  if (missing.length) {
    return sendValidationErrors(c.res, missing.map((k) => ({ type: 'missing', loc: ['body', k], msg: 'Field required', input: null })));
  }
  const { superuser, superuserPassword } = state.config;
  if (!superuser || form.get('username') !== superuser || form.get('password') !== superuserPassword) {
    return sendDetail(c.res, 401, 'Incorrect username or password', { 'www-authenticate': 'Bearer' });
  }
  const tokens = issueTokens(state);
  sendJson(c.res, 200, tokens, { 'set-cookie': cookies(tokens) });
}

function autoLogin(c) {
  const { state } = c.app;
  if (!state.config.autoLogin) {
    return sendDetail(c.res, 400, { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false });
  }
  if (!state.config.superuser) return sendDetail(c.res, 400, "Super user hasn't been created");
  const tokens = issueTokens(state);
  sendJson(c.res, 200, tokens, { 'set-cookie': cookies(tokens) });
}

export function registerLoginRoutes(router) {
  router.post('/api/v1/login', login);
  router.get('/api/v1/auto_login', autoLogin);
}

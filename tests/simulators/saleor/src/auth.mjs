// Who is calling, and what they may do. Mirrors Saleor: a Bearer token is either a staff JWT
// (from tokenCreate) or a 30-char app token; an unknown token or one of an inactive app makes
// the request anonymous (protected fields then fail with PermissionDenied).
import { GraphQLError } from 'graphql';
import crypto from 'node:crypto';

export const ANONYMOUS = Object.freeze({ kind: 'anonymous' });

export function resolveRequestor(state, signingKey, headers) {
  const raw = headers['authorization-bearer'] || headers.authorization || '';
  const m = /^(?:Bearer|JWT)\s+(.+)$/i.exec(raw.trim()) || (headers['authorization-bearer'] ? [null, raw.trim()] : null);
  if (!m) return ANONYMOUS;
  const token = m[1].trim();
  if (token.split('.').length === 3) {
    const payload = signingKey.verifyJwt(token);
    if (!payload || payload.type !== 'access') return ANONYMOUS;
    const user = state.users.get(String(payload.user_pk));
    return user && user.isActive ? { kind: 'user', user } : ANONYMOUS;
  }
  const t = state.appTokens.get(token);
  const app = t && state.apps.get(t.appPk);
  return app && app.isActive ? { kind: 'app', app } : ANONYMOUS;
}

/** True if the requestor holds the permission; AUTHENTICATED_* are Saleor's pseudo-permissions. */
export function has(requestor, perm) {
  if (perm === 'AUTHENTICATED_APP') return requestor.kind === 'app';
  if (perm === 'AUTHENTICATED_STAFF_USER') return requestor.kind === 'user' && requestor.user.isStaff;
  if (requestor.kind === 'user') return requestor.user.isSuperuser || requestor.user.permissions.has(perm);
  if (requestor.kind === 'app') return requestor.app.permissions.has(perm);
  return false;
}

export const hasAny = (requestor, perms) => perms.some((p) => has(requestor, p));

export function permissionDenied(perms) {
  const message = perms && perms.length
    ? `To access this path, you need one of the following permissions: ${perms.join(', ')}`
    : 'You do not have permission to perform this action';
  return new GraphQLError(message, { extensions: { exception: { code: 'PermissionDenied' } } });
}

/** Throws PermissionDenied unless the requestor holds one of `perms` (or `ownerCheck()` is true). */
export function requireAny(requestor, perms, ownerCheck) {
  if (hasAny(requestor, perms)) return;
  if (ownerCheck && ownerCheck()) return;
  throw permissionDenied(perms);
}

/** App tokens are 30 random alphanumerics, like Saleor's. */
export function newAppToken() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = crypto.randomBytes(30);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function requestorPermissions(requestor, allPermissions) {
  if (requestor.kind === 'user') return requestor.user.isSuperuser ? allPermissions : [...requestor.user.permissions];
  if (requestor.kind === 'app') return [...requestor.app.permissions];
  return [];
}

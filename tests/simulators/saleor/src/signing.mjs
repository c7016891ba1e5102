// Saleor's signing key: RS256 JWS with detached, unencoded payload (RFC 7797 b64:false) for webhook
// bodies, the JWKS that publishes the current key only, HMAC for legacy secretKey webhooks, and
// JWTs for staff access tokens (Saleor signs those with the same key).
import crypto from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export class SigningKey {
  constructor() { this.rotate(); }

  /** Replaces the key pair; afterwards only the new key is published (no overlap, like Saleor). */
  rotate() {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.n = jwk.n;
    this.e = jwk.e;
    // RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, no whitespace.
    this.kid = b64url(crypto.createHash('sha256').update(`{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`).digest());
    return this.kid;
  }

  jwks() {
    return { keys: [{ kty: 'RSA', key_ops: ['verify'], n: this.n, e: this.e, use: 'sig', kid: this.kid, alg: 'RS256' }] };
  }

  /** `<b64url(header)>..<b64url(sig)>`; the header JSON is compact with sorted keys, as PyJWT writes it. */
  signDetached(bodyBuffer) {
    const header = `{"alg":"RS256","b64":false,"crit":["b64"],"kid":"${this.kid}","typ":"JWT"}`;
    const h = b64url(header);
    const input = Buffer.concat([Buffer.from(`${h}.`, 'ascii'), bodyBuffer]);
    const sig = crypto.sign('sha256', input, this.privateKey);
    return `${h}..${b64url(sig)}`;
  }

  signJwt(payload) {
    const h = b64url(JSON.stringify({ alg: 'RS256', kid: this.kid, typ: 'JWT' }));
    const p = b64url(JSON.stringify(payload));
    const sig = crypto.sign('sha256', Buffer.from(`${h}.${p}`), this.privateKey);
    return `${h}.${p}.${b64url(sig)}`;
  }

  /** Returns the payload of a JWT signed by the current key and not expired, else null. */
  verifyJwt(token, nowSeconds = Math.floor(Date.now() / 1000)) {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    try {
      const ok = crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'));
      if (!ok) return null;
      const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
      if (typeof payload.exp === 'number' && payload.exp < nowSeconds) return null;
      return payload;
    } catch { return null; }
  }
}

export const hmacSignature = (bodyBuffer, secret) => crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(bodyBuffer).digest('hex');

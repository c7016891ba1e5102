// The contract with the C# harness: `node server.mjs` prints one JSON "listening" line, honours
// PORT=0 and SALEOR_PUBLIC_URL, and exits 0 on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serverPath = fileURLToPath(new URL('../server.mjs', import.meta.url));

test('starts, prints the listening line, serves, exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [serverPath], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SALEOR_PUBLIC_URL: 'https://shop.example.com' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('no listening line within 10 s')), 10000);
    child.stdout.on('data', (c) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl >= 0) { clearTimeout(t); resolve(buf.slice(0, nl)); }
    });
  });
  const msg = JSON.parse(line);
  assert.equal(msg.msg, 'listening');
  assert.match(msg.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await fetch(`${msg.url}/_sim/health`)).status, 200);
  const jwks = await (await fetch(`${msg.url}/.well-known/jwks.json`)).json();
  assert.equal(jwks.keys[0].alg, 'RS256');
  const redirect = await fetch(`${msg.url}/graphql`, { method: 'POST', redirect: 'manual' });
  assert.equal(redirect.status, 301);
  const exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exit, 0);
});

// The process contract the C# harness relies on: env vars, one JSON "listening" line
// on stdout, JSON logs afterwards, clean exit 0 on SIGTERM/SIGINT.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', 'server.mjs');

function start(env = {}) {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const firstLine = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  return { child, firstLine, output: () => stdout };
}

describe('server.mjs process', () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    it(`prints exactly {"msg":"listening","url":...} first, serves, logs JSON, exits 0 on ${signal}`, async () => {
      const { child, firstLine, output } = start({ LANGFLOW_API_KEYS: 'sk-proc' });
      const line = await firstLine;
      const parsed = JSON.parse(line);
      assert.deepEqual(Object.keys(parsed), ['msg', 'url']);
      assert.equal(parsed.msg, 'listening');
      assert.match(parsed.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(line, JSON.stringify(parsed));

      const health = await fetch(`${parsed.url}/health`);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const flows = await fetch(`${parsed.url}/api/v1/flows/`, { headers: { 'x-api-key': 'sk-proc' } });
      assert.equal(flows.status, 200, 'LANGFLOW_API_KEYS seeded the key');

      const exit = once(child, 'exit');
      child.kill(signal);
      const [code] = await exit;
      assert.equal(code, 0);
      for (const logLine of output().trim().split('\n')) JSON.parse(logLine);
      assert.ok(!output().includes('sk-proc'), 'API keys never reach the logs');
    });
  }

  it('honours HOST and a fixed PORT', async () => {
    const probe = start({ PORT: '0' });
    const { url } = JSON.parse(await probe.firstLine);
    const port = Number(new URL(url).port);
    probe.child.kill('SIGTERM');
    await once(probe.child, 'exit');
    const fixed = start({ HOST: '127.0.0.1', PORT: String(port) });
    assert.equal(JSON.parse(await fixed.firstLine).url, `http://127.0.0.1:${port}`);
    fixed.child.kill('SIGTERM');
    await once(fixed.child, 'exit');
  });
});

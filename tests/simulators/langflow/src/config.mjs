// Every environment variable the simulator reads is parsed here and nowhere else,
// so the README's env table and the code cannot drift apart silently.

const TRUE_WORDS = /^(1|true|yes|on)$/i;

function flag(value, fallback) {
  if (value === undefined || value === '') return fallback;
  return TRUE_WORDS.test(value.trim());
}

function port(value) {
  if (value === undefined || value === '') return 7860;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be 0..65535, got ${value}`);
  return n;
}

export function loadConfig(env = process.env) {
  const keys = (env.LANGFLOW_API_KEYS ?? 'sk-dev-langflow')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  // LANGFLOW_API_KEY is real Langflow's single env-sourced key (LANGFLOW_API_KEY_SOURCE=env);
  // accepting it too lets a compose file written for real Langflow work unchanged.
  if (env.LANGFLOW_API_KEY && env.LANGFLOW_API_KEY.trim()) keys.push(env.LANGFLOW_API_KEY.trim());

  return {
    host: env.HOST || '127.0.0.1',
    port: port(env.PORT),
    apiKeys: [...new Set(keys)],
    autoLogin: flag(env.LANGFLOW_AUTO_LOGIN, true),
    skipAuthAutoLogin: flag(env.LANGFLOW_SKIP_AUTH_AUTO_LOGIN, false),
    // `??` on purpose: an explicitly empty LANGFLOW_SUPERUSER reproduces Langflow's
    // "Missing first superuser credentials" 400.
    superuser: env.LANGFLOW_SUPERUSER ?? 'langflow',
    superuserPassword: env.LANGFLOW_SUPERUSER_PASSWORD ?? 'langflow',
    tweaksPolicy: ['permissive', 'declared', 'off'].includes(env.LANGFLOW_TWEAKS_POLICY)
      ? env.LANGFLOW_TWEAKS_POLICY
      : 'permissive',
    loadFlowsPath: env.LANGFLOW_LOAD_FLOWS_PATH || '',
    trackApiKeyUsage: !flag(env.LANGFLOW_DISABLE_TRACK_APIKEY_USAGE, false),
    version: env.LANGFLOW_SIM_VERSION || '1.13.0',
    logLevel: env.LOG_LEVEL || 'info',
  };
}

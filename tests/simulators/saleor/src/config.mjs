// The one place that reads environment variables (everything else receives a config object).
export function loadConfig(env = process.env) {
  const retryScale = Number(env.SALEOR_SIM_RETRY_SCALE ?? '1');
  if (!Number.isFinite(retryScale) || retryScale < 0) throw new Error('SALEOR_SIM_RETRY_SCALE must be a number >= 0');
  return {
    host: env.HOST || '127.0.0.1',
    port: env.PORT === undefined || env.PORT === '' ? 8000 : Number(env.PORT),
    publicUrl: env.SALEOR_PUBLIC_URL || null, // null: use the listening URL
    retryScale,
    // Saleor's WEBHOOK_TIMEOUT = (2, 18): connect and read timeouts in seconds. Tests may shorten them.
    connectTimeoutMs: Number(env.SALEOR_SIM_CONNECT_TIMEOUT_MS ?? 2000),
    readTimeoutMs: Number(env.SALEOR_SIM_READ_TIMEOUT_MS ?? 18000),
    logLevel: env.SALEOR_SIM_LOG || 'info', // info | quiet
  };
}

// Fault injection knobs (the /_sim API). Each knob is independent; setting a knob
// replaces the previous setting of the same kind. `remaining: null` means
// "until reset"; otherwise every request the knob applies to consumes one.

export function createFaults() {
  return { latency: null, error: null, componentError: null, hang: null, disconnect: null, down: null };
}

export class FaultSpecError extends Error {}

function count(value) {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < 1) throw new FaultSpecError('count must be a positive integer or null');
  return value;
}

function nonNegativeInt(value, name, fallback) {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new FaultSpecError(`${name} must be a non-negative integer`);
  return value;
}

function scope(value) {
  if (value === undefined || value === null) return 'run';
  if (value !== 'run' && value !== 'all') throw new FaultSpecError('scope must be "run" or "all"');
  return value;
}

export function latencySpec(body) {
  return {
    ms: nonNegativeInt(body.ms, 'ms', 0),
    token_delay_ms: nonNegativeInt(body.token_delay_ms, 'token_delay_ms', 0),
    remaining: count(body.count),
    scope: scope(body.scope),
  };
}

export function httpErrorSpec(body) {
  if (!Number.isInteger(body.status) || body.status < 400 || body.status > 599) {
    throw new FaultSpecError('status must be an HTTP error status (400..599)');
  }
  return {
    status: body.status,
    body: body.body,
    headers: body.headers ?? {},
    remaining: count(body.count),
    scope: scope(body.scope),
  };
}

export function componentErrorSpec(body) {
  return {
    message: typeof body.message === 'string' ? body.message : 'Simulated component failure',
    after_tokens: nonNegativeInt(body.after_tokens, 'after_tokens', 0),
    remaining: count(body.count),
  };
}

export function hangSpec(body) {
  return { remaining: count(body.count), scope: scope(body.scope) };
}

export function disconnectSpec(body) {
  return { after_tokens: nonNegativeInt(body.after_tokens, 'after_tokens', 0), remaining: count(body.count) };
}

export function downSpec(body) {
  if (!['refuse', 'unhealthy', 'up'].includes(body.mode)) {
    throw new FaultSpecError('mode must be "refuse", "unhealthy" or "up"');
  }
  return body.mode === 'up' ? null : { mode: body.mode };
}

/** Returns the fault if it applies to this request and consumes one use of it. */
export function takeFault(faults, kind, { isRun }) {
  const fault = faults[kind];
  if (!fault) return null;
  if (fault.scope === 'run' && !isRun) return null;
  if (fault.remaining !== null && fault.remaining !== undefined) {
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults[kind] = null;
  }
  return fault;
}

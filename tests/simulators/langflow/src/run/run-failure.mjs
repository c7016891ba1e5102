// The ways a /run can fail after authentication and flow lookup, and how each one
// reaches the client. Langflow routes them differently (see langflow.md §1.7 and
// endpoints.py): some become plain HTTP errors, component crashes become a 500 whose
// `detail` is a JSON document serialised into a string, and on a stream every one of
// them becomes an `error` event carrying str(exception).

export class RunFailure extends Error {
  constructor(kind, message, extra = {}) {
    super(message);
    this.kind = kind; // 'invalid_chat_input' | 'tweaks_refused' | 'value_error' | 'component'
    Object.assign(this, extra);
  }
}

/** Raised inside a component; the executor wraps it like Langflow's ComponentBuildError. */
export class ComponentError extends Error {}

/** The client went away mid-run; Langflow cancels the run task, so do we. */
export class ClientGone extends Error {}

/** APIException(...).detail: ExceptionBody.model_dump_json() (compact, UTF-8 kept). */
export function apiExceptionDetail(message) {
  return JSON.stringify({ message, traceback: null, description: null, code: null, suggestion: null, source: null });
}

function pythonListRepr(items) {
  return `[${items.map((s) => `'${s}'`).join(', ')}]`;
}

export function httpResponseFor(failure) {
  switch (failure.kind) {
    case 'invalid_chat_input':
      return { status: 400, body: { detail: failure.message } };
    case 'tweaks_refused':
      return {
        status: 422,
        body: { detail: { error: 'Refused tweaks', code: 'TWEAKS_REFUSED', message: failure.reason, fields: failure.fields } },
      };
    case 'value_error':
      // _run_flow_internal turns any ValueError mentioning "not found" into a 404.
      if (failure.message.includes('not found')) return { status: 404, body: { detail: failure.message } };
      return { status: 500, body: { detail: apiExceptionDetail(failure.message) } };
    default:
      return { status: 500, body: { detail: apiExceptionDetail(failure.message) } };
  }
}

/** The `error` event text: str() of whatever exception reached run_flow_generator. */
export function streamErrorText(failure) {
  switch (failure.kind) {
    case 'tweaks_refused':
      return `Refused tweak keys ${pythonListRepr(failure.fields)}: ${failure.reason}`;
    case 'component':
      // Component crashes are wrapped in APIException (an HTTPException) whose str() is
      // "<status>: <detail>", so the JSON document arrives prefixed with "500: ".
      return `500: ${apiExceptionDetail(failure.message)}`;
    default:
      return failure.message;
  }
}

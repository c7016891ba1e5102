// Minimal method+path router. Unmatched paths behave like FastAPI: a trailing-slash
// mismatch is answered with a 307 redirect (redirect_slashes), an unknown path 404,
// a known path with the wrong method 405.
import { sendDetail } from './http-utils.mjs';

function compile(pattern) {
  const names = [];
  const source = pattern.replace(/:([A-Za-z_]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

export function createRouter() {
  const routes = [];

  function add(method, pattern, handler) {
    routes.push({ method, handler, ...compile(pattern) });
  }

  function match(method, path) {
    let pathMatched = false;
    for (const route of routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]);
      });
      return { handler: route.handler, params };
    }
    return { pathMatched };
  }

  async function dispatch(ctx) {
    const { req, res, url } = ctx;
    const found = match(req.method, url.pathname);
    if (found.handler) return found.handler({ ...ctx, params: found.params });
    if (found.pathMatched) return sendDetail(res, 405, 'Method Not Allowed');
    const toggled = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : `${url.pathname}/`;
    const alt = match(req.method, toggled);
    if (alt.handler) {
      const location = `http://${req.headers.host ?? 'localhost'}${toggled}${url.search}`;
      res.writeHead(307, { location, 'content-length': 0, server: 'uvicorn' });
      return res.end();
    }
    return sendDetail(res, 404, 'Not Found');
  }

  return { get: (p, h) => add('GET', p, h), post: (p, h) => add('POST', p, h), put: (p, h) => add('PUT', p, h),
    patch: (p, h) => add('PATCH', p, h), delete: (p, h) => add('DELETE', p, h), dispatch };
}

// All simulator state, in memory. `createState()` is a fresh Saleor: the default channel
// (`default-channel`, USD, like `populatedb`-less Saleor after migrations) and one superuser.
export const SUPERUSER = { email: 'admin@example.com', password: 'admin' };

export function createState() {
  const state = {
    seq: {},
    orderNumber: 0,
    users: new Map(),
    apps: new Map(),
    appTokens: new Map(), // token string -> { pk, appPk, name, token }
    webhooks: new Map(),
    channels: new Map(),
    warehouses: new Map(),
    stocks: new Map(),
    productTypes: new Map(),
    categories: new Map(),
    products: new Map(),
    variants: new Map(),
    media: new Map(),
    shippingZones: new Map(),
    shippingMethods: new Map(),
    checkouts: new Map(), // token -> checkout
    orders: new Map(), // uuid -> order
    transactions: new Map(), // token -> transaction item
    fulfillments: new Map(),
    grantedRefunds: new Map(),
    shop: { name: 'Saleor e-commerce', limitQuantityPerCheckout: 50, version: '3.24.0-a.0', schemaVersion: '3.24' },
  };
  const now = new Date().toISOString();
  const admin = {
    __typename: 'User', pk: nextPk(state, 'User'), email: SUPERUSER.email, password: SUPERUSER.password,
    firstName: '', lastName: '', isStaff: true, isActive: true, isSuperuser: true, permissions: new Set(),
    metadata: {}, privateMetadata: {}, dateJoined: now,
  };
  state.users.set(admin.pk, admin);
  const channel = {
    __typename: 'Channel', pk: nextPk(state, 'Channel'), slug: 'default-channel', name: 'Default Channel',
    currencyCode: 'USD', defaultCountry: 'US', isActive: true, warehousePks: [], shippingZonePks: [],
    metadata: {}, privateMetadata: {},
  };
  state.channels.set(channel.pk, channel);
  return state;
}

/** Integer primary keys per type, like Saleor's serial ids. */
export function nextPk(state, type) {
  state.seq[type] = (state.seq[type] ?? 0) + 1;
  return String(state.seq[type]);
}

export const nowIso = () => new Date().toISOString();

export const findBy = (map, pred) => { for (const v of map.values()) if (pred(v)) return v; return null; };

// Orders and payments: order creation from a checkout, transactions (transactionCreate,
// transactionEventReport), charge/refund status math and the ORDER_* events they emit
// (Saleor's order/actions.py: order_charged, order_refunded, cancel_order, order_fulfilled).
import { GraphQLError } from 'graphql';
import { hasAny, permissionDenied, requireAny } from '../auth.mjs';
import { fromGlobalId, toGlobalId, uuid } from '../ids.mjs';
import { toMinor } from '../money.mjs';
import { findBy, nextPk, nowIso } from '../store.mjs';
import { bad, connection, inChannel, mergeMeta, money, mutation, taxed, validateMetaInput } from './helpers.mjs';
import { channelWarehouses, stockKey } from './inventory.mjs';

// ---------- payment math ----------

export function paymentTotals(state, tokens) {
  const t = { authorized: 0, charged: 0, refunded: 0, canceled: 0 };
  for (const tok of tokens) {
    const tx = state.transactions.get(tok);
    if (!tx) continue;
    t.authorized += tx.authorized; t.charged += tx.charged; t.refunded += tx.refunded; t.canceled += tx.canceled;
  }
  return t;
}

export function orderChargeStatus(state, order) {
  const { charged } = paymentTotals(state, order.transactionTokens);
  if (charged <= 0) return order.totalMinor === 0 ? 'FULL' : 'NONE';
  if (charged < order.totalMinor) return 'PARTIAL';
  return charged === order.totalMinor ? 'FULL' : 'OVERCHARGED';
}

function orderAuthorizeStatus(state, order) {
  const p = paymentTotals(state, order.transactionTokens);
  const covered = p.authorized + p.charged;
  if (covered >= order.totalMinor) return 'FULL';
  return covered > 0 ? 'PARTIAL' : 'NONE';
}

/** Applies one transaction event to the amounts, like Saleor's recalculate_transaction_amounts. */
function applyEvent(tx, type, amount) {
  switch (type) {
    case 'AUTHORIZATION_SUCCESS': case 'AUTHORIZATION_ADJUSTMENT': tx.authorized = amount; break;
    case 'CHARGE_SUCCESS': tx.charged += amount; tx.authorized = Math.max(0, tx.authorized - amount); break;
    case 'CHARGE_BACK': tx.charged -= amount; break;
    case 'REFUND_SUCCESS': tx.charged -= amount; tx.refunded += amount; break;
    case 'REFUND_REVERSE': tx.refunded -= amount; tx.charged += amount; break;
    case 'CANCEL_SUCCESS': tx.authorized = Math.max(0, tx.authorized - amount); tx.canceled += amount; break;
    default: break; // requests, failures and INFO carry no amount change here
  }
}

/** Emits what Saleor's order_transaction_updated emits after amounts changed on an order. */
function orderTransactionUpdated(ctx, order, before) {
  const after = paymentTotals(ctx.state, order.transactionTokens);
  const events = new Set();
  if (after.charged > before.charged) {
    events.add('ORDER_PAID');
    if (['FULL', 'OVERCHARGED'].includes(orderChargeStatus(ctx.state, order))) events.add('ORDER_FULLY_PAID');
    events.add('ORDER_UPDATED');
  } else if (after.charged !== before.charged || after.authorized !== before.authorized) events.add('ORDER_UPDATED');
  if (after.refunded > before.refunded) {
    events.add('ORDER_REFUNDED');
    events.add('ORDER_UPDATED');
    if (after.refunded >= order.totalMinor) events.add('ORDER_FULLY_REFUNDED');
  }
  order.updatedAt = nowIso();
  for (const e of events) ctx.emit(e, { order });
}

function newTransaction(ctx, { currency, name, message, pspReference, actions, owner, appPk, userPk, externalUrl }) {
  const token = uuid();
  return {
    __typename: 'TransactionItem', token, pk: token, currency, name: name ?? '', message: message ?? '', pspReference: pspReference ?? '',
    actions: actions ?? [], authorized: 0, charged: 0, refunded: 0, canceled: 0, events: [], createdAt: nowIso(), modifiedAt: nowIso(),
    checkoutToken: owner.checkoutToken ?? null, orderPk: owner.orderPk ?? null, appPk: appPk ?? null, userPk: userPk ?? null,
    externalUrl: externalUrl ?? '', metadata: {}, privateMetadata: {},
  };
}

function addEvent(ctx, tx, { type, amount, pspReference, message }) {
  const ev = {
    __typename: 'TransactionEvent', pk: nextPk(ctx.state, 'TransactionEvent'), type, amountMinor: amount ?? 0, currency: tx.currency,
    pspReference: pspReference ?? '', message: message ?? '', createdAt: nowIso(),
  };
  tx.events.push(ev);
  return ev;
}

// ---------- orders ----------

function allocate(state, order, channel) {
  for (const line of order.lines) {
    const v = state.variants.get(line.variantPk);
    if (!v || !v.trackInventory) continue;
    let remaining = line.quantity;
    line.allocations = [];
    for (const w of channelWarehouses(state, channel)) {
      const s = state.stocks.get(stockKey(v.pk, w.pk));
      if (!s) continue;
      const take = Math.min(remaining, Math.max(0, s.quantity - s.quantityAllocated));
      if (take > 0) { s.quantityAllocated += take; line.allocations.push({ stockKey: stockKey(v.pk, w.pk), quantity: take }); remaining -= take; }
      if (!remaining) break;
    }
  }
}

function deallocate(state, line, quantity = Infinity) {
  let left = quantity;
  for (const a of line.allocations ?? []) {
    const s = state.stocks.get(a.stockKey);
    const give = Math.min(a.quantity, left);
    if (s) s.quantityAllocated = Math.max(0, s.quantityAllocated - give);
    a.quantity -= give; left -= give;
    if (!left) break;
  }
}

export function createOrderFromCheckout(ctx, co, { redirectUrl }) {
  const { state } = ctx;
  const channel = state.channels.get(co.channelPk);
  const product = (v) => state.products.get(v.productPk);
  let subtotal = 0;
  const lines = co.lines.map((l) => {
    const v = state.variants.get(l.variantPk);
    const p = product(v);
    const unit = v.channelListings.get(channel.pk).priceMinor;
    subtotal += unit * l.quantity;
    return {
      __typename: 'OrderLine', pk: uuid(), variantPk: v.pk, productName: p.name, variantName: v.name, productSku: v.sku ?? null,
      productVariantId: toGlobalId('ProductVariant', v.pk), isShippingRequired: state.productTypes.get(p.productTypePk).isShippingRequired,
      quantity: l.quantity, quantityFulfilled: 0, unitPriceMinor: unit, metadata: { ...l.metadata }, privateMetadata: { ...l.privateMetadata },
      thumbnailUrl: p.mediaPks.length ? state.media.get(p.mediaPks[0])?.url ?? null : null,
    };
  });
  const shippingRequired = lines.some((l) => l.isShippingRequired);
  const method = shippingRequired && co.shippingMethodPk ? state.shippingMethods.get(co.shippingMethodPk) : null;
  const shippingMinor = method ? method.channelListings.get(channel.pk)?.priceMinor ?? 0 : 0;
  state.orderNumber += 1;
  const user = co.userPk ? state.users.get(co.userPk) : findBy(state.users, (u) => u.email.toLowerCase() === (co.email ?? '').toLowerCase());
  const order = {
    __typename: 'Order', pk: uuid(), number: String(state.orderNumber), created: nowIso(), updatedAt: nowIso(), status: 'UNFULFILLED',
    channelPk: channel.pk, currency: channel.currencyCode, userEmail: co.email, userPk: user?.pk ?? null,
    billingAddress: co.billingAddress ? { ...co.billingAddress } : null, shippingAddress: shippingRequired && co.shippingAddress ? { ...co.shippingAddress } : null,
    shippingMethodPk: method?.pk ?? null, shippingMethodName: method?.name ?? null, lines, subtotalMinor: subtotal, shippingMinor,
    totalMinor: subtotal + shippingMinor, metadata: { ...co.metadata }, privateMetadata: { ...co.privateMetadata }, checkoutToken: co.token,
    transactionTokens: [...co.transactionTokens], fulfillmentPks: [], grantedRefunds: [], origin: 'CHECKOUT', redirectUrl: redirectUrl ?? null,
  };
  allocate(state, order, channel);
  for (const t of order.transactionTokens) { const tx = state.transactions.get(t); tx.orderPk = order.pk; }
  state.orders.set(order.pk, order);
  state.checkouts.delete(co.token);
  ctx.emit('ORDER_CREATED', { order });
  const { charged } = paymentTotals(state, order.transactionTokens);
  if (charged > 0) {
    ctx.emit('ORDER_PAID', { order });
    if (['FULL', 'OVERCHARGED'].includes(orderChargeStatus(state, order))) ctx.emit('ORDER_FULLY_PAID', { order });
  }
  ctx.emit('ORDER_UPDATED', { order });
  return order;
}

const isOwner = (ctx, order) => ctx.requestor.kind === 'user' && order.userPk && ctx.requestor.user.pk === order.userPk;

function getOrder(ctx, id, field = 'id') {
  const g = fromGlobalId(id);
  if (!g || g.type !== 'Order') throw bad(field, 'GRAPHQL_ERROR', `Couldn't resolve id: ${id}.`);
  const o = ctx.state.orders.get(g.pk);
  if (!o) throw bad(field, 'NOT_FOUND', `Couldn't resolve to a node: ${id}`);
  return o;
}

const orderLineView = (order, line) => Object.assign(Object.create(line), { orderPk: order.pk, currency: order.currency });

export const orderResolvers = {
  Query: {
    order: (_r, { id }, ctx) => {
      // Anyone holding the (UUID) order id can read it; sensitive fields check permissions themselves.
      if (!id) return null;
      const g = fromGlobalId(id);
      if (!g) throw new GraphQLError(`Couldn't resolve id: ${id}.`);
      if (g.type !== 'Order') throw new GraphQLError(`Must receive a Order id.`);
      return ctx.state.orders.get(g.pk) ?? null;
    },
    orders: (_r, args, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_ORDERS']);
      let items = [...ctx.state.orders.values()].sort((a, b) => Number(b.number) - Number(a.number));
      const f = args.filter ?? {};
      if (f.ids) { const pks = f.ids.map((i) => fromGlobalId(i)?.pk); items = items.filter((o) => pks.includes(o.pk)); }
      if (f.numbers) items = items.filter((o) => f.numbers.includes(o.number));
      if (f.chargeStatus) items = items.filter((o) => f.chargeStatus.includes(orderChargeStatus(ctx.state, o)));
      if (f.search) { const q = f.search.toLowerCase(); items = items.filter((o) => o.number === q || (o.userEmail ?? '').toLowerCase().includes(q)); }
      if (args.channel) items = items.filter((o) => ctx.state.channels.get(o.channelPk).slug === args.channel);
      return connection(items, args, 'orders');
    },
  },
  Order: {
    id: (o) => toGlobalId('Order', o.pk),
    channel: (o, _a, ctx) => ctx.state.channels.get(o.channelPk),
    user: (o, _a, ctx) => {
      if (!hasAny(ctx.requestor, ['MANAGE_USERS', 'MANAGE_ORDERS', 'HANDLE_PAYMENTS']) && !isOwner(ctx, o)) throw permissionDenied(['MANAGE_USERS', 'MANAGE_ORDERS', 'HANDLE_PAYMENTS', 'OWNER']);
      return o.userPk ? ctx.state.users.get(o.userPk) : null;
    },
    billingAddress: (o, _a, ctx) => { if (!hasAny(ctx.requestor, ['MANAGE_ORDERS']) && !isOwner(ctx, o)) throw permissionDenied(['MANAGE_ORDERS', 'OWNER']); return o.billingAddress; },
    shippingAddress: (o, _a, ctx) => { if (!hasAny(ctx.requestor, ['MANAGE_ORDERS']) && !isOwner(ctx, o)) throw permissionDenied(['MANAGE_ORDERS', 'OWNER']); return o.shippingAddress; },
    userEmail: (o) => o.userEmail ?? null,
    lines: (o) => o.lines.map((l) => orderLineView(o, l)),
    fulfillments: (o, _a, ctx) => o.fulfillmentPks.map((pk) => ctx.state.fulfillments.get(pk)),
    isPaid: (o, _a, ctx) => ['FULL', 'OVERCHARGED'].includes(orderChargeStatus(ctx.state, o)),
    chargeStatus: (o, _a, ctx) => orderChargeStatus(ctx.state, o),
    authorizeStatus: (o, _a, ctx) => orderAuthorizeStatus(ctx.state, o),
    transactions: (o, _a, ctx) => { requireAny(ctx.requestor, ['MANAGE_ORDERS', 'HANDLE_PAYMENTS']); return o.transactionTokens.map((t) => ctx.state.transactions.get(t)); },
    total: (o) => taxed(o.totalMinor, o.currency),
    undiscountedTotal: (o) => taxed(o.totalMinor, o.currency),
    subtotal: (o) => taxed(o.subtotalMinor, o.currency),
    shippingPrice: (o) => taxed(o.shippingMinor, o.currency),
    totalCharged: (o, _a, ctx) => money(paymentTotals(ctx.state, o.transactionTokens).charged, o.currency),
    totalRefunded: (o, _a, ctx) => money(paymentTotals(ctx.state, o.transactionTokens).refunded, o.currency),
    totalBalance: (o, _a, ctx) => money(paymentTotals(ctx.state, o.transactionTokens).charged - o.totalMinor, o.currency),
    isShippingRequired: (o) => o.lines.some((l) => l.isShippingRequired),
    checkoutId: (o) => (o.checkoutToken ? toGlobalId('Checkout', o.checkoutToken) : null),
    grantedRefunds: (o, _a, ctx) => { requireAny(ctx.requestor, ['MANAGE_ORDERS']); return o.grantedRefunds; },
    totalGrantedRefund: (o, _a, ctx) => { requireAny(ctx.requestor, ['MANAGE_ORDERS']); return money(o.grantedRefunds.reduce((s, g) => s + g.amountMinor, 0), o.currency); },
  },
  OrderLine: {
    variant: (l, _a, ctx) => {
      const v = ctx.state.variants.get(l.variantPk);
      if (!v) return null;
      const order = ctx.state.orders.get(l.orderPk);
      return inChannel(v, ctx.state.channels.get(order.channelPk).slug);
    },
    quantityToFulfill: (l) => l.quantity - l.quantityFulfilled,
    unitPrice: (l) => taxed(l.unitPriceMinor, l.currency),
    totalPrice: (l) => taxed(l.unitPriceMinor * l.quantity, l.currency),
    thumbnail: (l) => (l.thumbnailUrl ? { url: l.thumbnailUrl, alt: '' } : null),
  },
  Fulfillment: {
    lines: (f, _a, ctx) => f.lines.map((fl) => ({ __typename: 'FulfillmentLine', pk: fl.pk, quantity: fl.quantity, orderLine: orderLineView(ctx.state.orders.get(f.orderPk), ctx.state.orders.get(f.orderPk).lines.find((l) => l.pk === fl.orderLinePk)) })),
    warehouse: (f, _a, ctx) => (f.warehousePk ? ctx.state.warehouses.get(f.warehousePk) : null),
  },
  OrderGrantedRefund: {
    id: (g) => toGlobalId('OrderGrantedRefund', g.pk),
    amount: (g) => money(g.amountMinor, g.currency),
    transaction: (g, _a, ctx) => (g.transactionToken ? ctx.state.transactions.get(g.transactionToken) : null),
  },
  TransactionItem: {
    id: (t) => toGlobalId('TransactionItem', t.token),
    authorizedAmount: (t) => money(t.authorized, t.currency),
    chargedAmount: (t) => money(t.charged, t.currency),
    refundedAmount: (t) => money(t.refunded, t.currency),
    canceledAmount: (t) => money(t.canceled, t.currency),
    order: (t, _a, ctx) => (t.orderPk ? ctx.state.orders.get(t.orderPk) : null),
    checkout: (t, _a, ctx) => (t.checkoutToken ? ctx.state.checkouts.get(t.checkoutToken) ?? null : null),
  },
  TransactionEvent: {
    amount: (e) => money(e.amountMinor, e.currency),
  },
  Mutation: {
    transactionCreate: mutation(({ id, transaction: input, transactionEvent }, ctx) => {
      requireAny(ctx.requestor, ['HANDLE_PAYMENTS']);
      const { state } = ctx;
      const g = fromGlobalId(id);
      if (!g || !['Checkout', 'Order'].includes(g.type)) throw bad('id', 'GRAPHQL_ERROR', `Couldn't resolve id: ${id}.`);
      const target = g.type === 'Checkout' ? state.checkouts.get(g.pk) : state.orders.get(g.pk);
      if (!target) throw bad('id', 'NOT_FOUND', `Couldn't resolve to a node: ${id}`);
      const currency = g.type === 'Checkout' ? state.channels.get(target.channelPk).currencyCode : target.currency;
      validateMetaInput(input.metadata, 'metadata');
      for (const m of [...(input.metadata ?? []), ...(input.privateMetadata ?? [])]) if (!m.key.trim()) throw bad('metadata', 'METADATA_KEY_REQUIRED', 'Metadata key cannot be empty.');
      const amounts = {};
      for (const [field, type] of [['amountAuthorized', 'AUTHORIZATION_SUCCESS'], ['amountCharged', 'CHARGE_SUCCESS'], ['amountRefunded', 'REFUND_SUCCESS'], ['amountCanceled', 'CANCEL_SUCCESS']]) {
        const m = input[field];
        if (!m) continue;
        if (m.currency !== currency) throw bad(field, 'INCORRECT_CURRENCY', 'Currency needs to be the same as for order or checkout.');
        const minor = toMinor(m.amount, currency);
        if (minor === null) throw bad(field, 'INVALID', 'Value cannot have more decimal places than the currency allows.');
        amounts[type] = minor;
      }
      const before = g.type === 'Order' ? paymentTotals(state, target.transactionTokens) : null;
      const tx = newTransaction(ctx, {
        currency, name: input.name, message: input.message, pspReference: input.pspReference, actions: input.availableActions,
        owner: g.type === 'Checkout' ? { checkoutToken: target.token } : { orderPk: target.pk },
        appPk: ctx.requestor.kind === 'app' ? ctx.requestor.app.pk : null, userPk: ctx.requestor.kind === 'user' ? ctx.requestor.user.pk : null,
        externalUrl: input.externalUrl,
      });
      mergeMeta(tx.metadata, input.metadata);
      mergeMeta(tx.privateMetadata, input.privateMetadata);
      // Not idempotent, like Saleor: every call is a new TransactionItem even for a repeated pspReference.
      // The amounts are set as given, with one event per amount.
      tx.authorized = amounts.AUTHORIZATION_SUCCESS ?? 0;
      tx.charged = amounts.CHARGE_SUCCESS ?? 0;
      tx.refunded = amounts.REFUND_SUCCESS ?? 0;
      tx.canceled = amounts.CANCEL_SUCCESS ?? 0;
      for (const [type, minor] of Object.entries(amounts)) addEvent(ctx, tx, { type, amount: minor, pspReference: input.pspReference, message: input.message });
      if (transactionEvent) addEvent(ctx, tx, { type: 'INFO', amount: 0, pspReference: transactionEvent.pspReference ?? input.pspReference, message: transactionEvent.message });
      state.transactions.set(tx.token, tx);
      target.transactionTokens.push(tx.token);
      if (g.type === 'Order') orderTransactionUpdated(ctx, target, before);
      else target.updatedAt = nowIso();
      return { transaction: tx, errors: [] };
    }),
    transactionEventReport: mutation((args, ctx) => {
      requireAny(ctx.requestor, ['HANDLE_PAYMENTS']);
      const { state } = ctx;
      if (!args.id) throw bad('id', 'GRAPHQL_ERROR', 'At least one of arguments is required: id, token.');
      const g = fromGlobalId(args.id);
      const tx = g && g.type === 'TransactionItem' ? state.transactions.get(g.pk) : null;
      if (!tx) throw bad('id', 'NOT_FOUND', `Couldn't resolve to a node: ${args.id}`);
      if (ctx.requestor.kind === 'app' && tx.appPk && tx.appPk !== ctx.requestor.app.pk) throw permissionDenied(['OWNER', 'HANDLE_PAYMENTS']);
      if (ctx.requestor.kind === 'user' && tx.appPk) throw permissionDenied(['OWNER', 'HANDLE_PAYMENTS']);
      const needsAmount = /(_SUCCESS|_REQUEST|_ACTION_REQUIRED|_ADJUSTMENT)$/.test(args.type);
      if (args.amount == null && needsAmount) throw bad('amount', 'REQUIRED', `The \`amount\` field is required for ${args.type} event.`);
      const amount = args.amount == null ? 0 : toMinor(args.amount, tx.currency);
      if (amount === null) throw bad('amount', 'INVALID', 'Value cannot have more decimal places than the currency allows.');
      const same = tx.events.find((e) => e.type === args.type && e.pspReference === args.pspReference);
      if (same) {
        if (same.amountMinor !== amount) throw bad('pspReference', 'INCORRECT_DETAILS', 'Event with this pspReference and type already exists with different amount.');
        return { alreadyProcessed: true, transaction: tx, transactionEvent: same, errors: [] };
      }
      const order = tx.orderPk ? state.orders.get(tx.orderPk) : null;
      const before = order ? paymentTotals(state, order.transactionTokens) : null;
      applyEvent(tx, args.type, amount);
      const ev = addEvent(ctx, tx, { type: args.type, amount, pspReference: args.pspReference, message: args.message });
      tx.modifiedAt = nowIso();
      if (order) orderTransactionUpdated(ctx, order, before);
      return { alreadyProcessed: false, transaction: tx, transactionEvent: ev, errors: [] };
    }),
    orderMarkAsPaid: mutation(({ id, transactionReference }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_ORDERS']);
      const order = getOrder(ctx, id);
      if (!order.billingAddress) throw bad('billing', 'BILLING_ADDRESS_NOT_SET', 'Order billing address is required to mark order as paid.');
      if (paymentTotals(ctx.state, order.transactionTokens).charged > 0) throw bad('transactionReference', 'PAYMENT_ERROR', 'Orders with payments can not be manually marked as paid.');
      const before = paymentTotals(ctx.state, order.transactionTokens);
      const tx = newTransaction(ctx, { currency: order.currency, name: 'Manual payment', pspReference: transactionReference, owner: { orderPk: order.pk }, appPk: ctx.requestor.kind === 'app' ? ctx.requestor.app.pk : null });
      applyEvent(tx, 'CHARGE_SUCCESS', order.totalMinor);
      addEvent(ctx, tx, { type: 'CHARGE_SUCCESS', amount: order.totalMinor, pspReference: transactionReference });
      ctx.state.transactions.set(tx.token, tx);
      order.transactionTokens.push(tx.token);
      orderTransactionUpdated(ctx, order, before);
      return { order, errors: [] };
    }),
    orderCancel: mutation(({ id }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_ORDERS']);
      const order = getOrder(ctx, id);
      const activeFulfillments = order.fulfillmentPks.map((pk) => ctx.state.fulfillments.get(pk)).filter((f) => f.status !== 'CANCELED');
      if (!['DRAFT', 'UNCONFIRMED', 'UNFULFILLED'].includes(order.status) || activeFulfillments.length) {
        throw bad('order', 'CANNOT_CANCEL_ORDER', 'This order can\'t be canceled.');
      }
      for (const l of order.lines) deallocate(ctx.state, l);
      order.status = 'CANCELED';
      order.updatedAt = nowIso();
      ctx.emit('ORDER_CANCELLED', { order });
      ctx.emit('ORDER_UPDATED', { order });
      return { order, errors: [] };
    }),
    orderGrantRefundCreate: mutation(({ id, input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_ORDERS']);
      const order = getOrder(ctx, id);
      const tg = fromGlobalId(input.transactionId);
      const tx = tg && tg.type === 'TransactionItem' ? ctx.state.transactions.get(tg.pk) : null;
      if (!tx || tx.orderPk !== order.pk) throw bad('transactionId', 'NOT_FOUND', 'The transaction does not exist or is not related to the order.');
      if (input.amount == null) throw bad('amount', 'REQUIRED', 'Amount is required when lines are not provided.');
      const amountMinor = toMinor(input.amount, order.currency);
      if (amountMinor === null || amountMinor <= 0) throw bad('amount', 'INVALID', 'Amount must be a positive value with the currency\'s precision.');
      const granted = order.grantedRefunds.reduce((s, gr) => s + gr.amountMinor, 0);
      const charged = paymentTotals(ctx.state, order.transactionTokens).charged + paymentTotals(ctx.state, order.transactionTokens).refunded;
      if (granted + amountMinor > charged) throw bad('amount', 'AMOUNT_GREATER_THAN_AVAILABLE', 'Amount cannot be greater than the available amount.');
      const gr = { __typename: 'OrderGrantedRefund', pk: nextPk(ctx.state, 'OrderGrantedRefund'), amountMinor, currency: order.currency, reason: input.reason ?? '', createdAt: nowIso(), status: 'NONE', transactionToken: tx.token, shippingCostsIncluded: false };
      order.grantedRefunds.push(gr);
      ctx.emit('ORDER_UPDATED', { order });
      return { order, grantedRefund: gr, errors: [] };
    }),
    orderFulfill: mutation(({ order: orderId, input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_ORDERS']);
      if (!orderId) throw bad('order', 'REQUIRED', 'This field is required.');
      const { state } = ctx;
      const order = getOrder(ctx, orderId, 'order');
      if (['DRAFT', 'UNCONFIRMED', 'CANCELED', 'EXPIRED'].includes(order.status)) throw bad('order', 'INVALID', `Cannot fulfill ${order.status.toLowerCase()} order.`);
      const plan = [];
      for (const li of input.lines) {
        const g = fromGlobalId(li.orderLineId ?? '');
        const line = g && g.type === 'OrderLine' ? order.lines.find((l) => l.pk === g.pk) : null;
        if (!line) throw bad('orderLineId', 'NOT_FOUND', `Couldn't resolve to a node: ${li.orderLineId}`);
        const qty = li.stocks.reduce((s, x) => s + x.quantity, 0);
        if (qty > line.quantity - line.quantityFulfilled) {
          throw bad('orderLineId', 'FULFILL_ORDER_LINE', `Only ${line.quantity - line.quantityFulfilled} items remaining to fulfill: ${line.productSku ?? ''}.`, { orderLines: [li.orderLineId] });
        }
        for (const st of li.stocks) {
          const wg = fromGlobalId(st.warehouse);
          const w = wg && wg.type === 'Warehouse' ? state.warehouses.get(wg.pk) : null;
          if (!w) throw bad('warehouse', 'NOT_FOUND', `Couldn't resolve to a node: ${st.warehouse}`, { warehouse: st.warehouse });
          if (st.quantity > 0) plan.push({ line, w, quantity: st.quantity, orderLineId: li.orderLineId });
        }
      }
      if (!plan.length) throw bad('lines', 'ZERO_QUANTITY', 'Total quantity must be larger than 0.');
      // Stock is only decreased for tracked variants (Saleor's decrease_stock skips the others).
      for (const p of plan) {
        const v = state.variants.get(p.line.variantPk);
        if (!v || !v.trackInventory) continue;
        const s = state.stocks.get(stockKey(v.pk, p.w.pk));
        const ownAllocation = (p.line.allocations ?? []).filter((a) => a.stockKey === stockKey(v.pk, p.w.pk)).reduce((x, a) => x + a.quantity, 0);
        const free = s ? s.quantity - (s.quantityAllocated - ownAllocation) : 0;
        if (!input.allowStockToBeExceeded && (!s || free < p.quantity)) {
          throw bad('stocks', 'INSUFFICIENT_STOCK', `Insufficient product stock: ${p.line.productSku ?? ''}`, { orderLines: [p.orderLineId], warehouse: toGlobalId('Warehouse', p.w.pk) });
        }
      }
      const f = {
        __typename: 'Fulfillment', pk: nextPk(state, 'Fulfillment'), orderPk: order.pk, fulfillmentOrder: order.fulfillmentPks.length + 1,
        status: 'FULFILLED', trackingNumber: input.trackingNumber ?? '', created: nowIso(), lines: [], warehousePk: plan[0].w.pk, metadata: {}, privateMetadata: {},
      };
      for (const p of plan) {
        const v = state.variants.get(p.line.variantPk);
        if (v && v.trackInventory) {
          deallocate(state, p.line, p.quantity);
          const key = stockKey(v.pk, p.w.pk);
          const s = state.stocks.get(key) ?? { __typename: 'Stock', pk: nextPk(state, 'Stock'), variantPk: v.pk, warehousePk: p.w.pk, quantity: 0, quantityAllocated: 0 };
          state.stocks.set(key, s);
          s.quantity -= p.quantity;
        }
        p.line.quantityFulfilled += p.quantity;
        f.lines.push({ pk: nextPk(state, 'FulfillmentLine'), orderLinePk: p.line.pk, quantity: p.quantity });
      }
      state.fulfillments.set(f.pk, f);
      order.fulfillmentPks.push(f.pk);
      const done = order.lines.every((l) => l.quantityFulfilled >= l.quantity);
      order.status = done ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
      order.updatedAt = nowIso();
      if (done) ctx.emit('ORDER_FULFILLED', { order });
      ctx.emit('ORDER_UPDATED', { order });
      return { fulfillments: [f], order, errors: [] };
    }),
  },
};

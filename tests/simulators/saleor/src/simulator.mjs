// The simulator: state + schema + signing key + webhook deliveries + faults, and GraphQL execution.
import { execute, getOperationAST, parse, validate, GraphQLError } from 'graphql';
import { resolveRequestor } from './auth.mjs';
import { Faults } from './faults.mjs';
import { buildExecutableSchema } from './graphql/schema.mjs';
import { SigningKey } from './signing.mjs';
import { createState } from './store.mjs';
import { DeliveryService } from './webhooks/delivery.mjs';
import { buildPayload, subscribedWebhooks } from './webhooks/events.mjs';
import { genericResolvers } from './resolvers/helpers.mjs';
import { addressResolvers } from './resolvers/address.mjs';
import { appsResolvers } from './resolvers/apps.mjs';
import { inventoryResolvers } from './resolvers/inventory.mjs';
import { catalogResolvers } from './resolvers/catalog.mjs';
import { checkoutResolvers } from './resolvers/checkout.mjs';
import { orderResolvers } from './resolvers/orders.mjs';
import { metadataResolvers } from './resolvers/metadata.mjs';
import { subscriptionResolvers } from './resolvers/subscription.mjs';

export class Simulator {
  constructor(config) {
    this.config = config;
    this.signingKey = new SigningKey();
    this.faults = new Faults();
    this.state = createState();
    this.deliveries = new DeliveryService(this);
    const base = buildExecutableSchema([]);
    this.schema = buildExecutableSchema([
      genericResolvers(base), addressResolvers, appsResolvers, inventoryResolvers, catalogResolvers,
      checkoutResolvers, orderResolvers, metadataResolvers, subscriptionResolvers,
    ]);
    this.allPermissions = this.schema.getType('PermissionEnum').getValues().map((v) => v.name);
    this.listeningUrl = null;
  }

  log(obj) {
    if (this.config.logLevel === 'quiet') return;
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...obj })}\n`);
  }

  /** Origin used in Saleor-Api-Url / Saleor-Domain (SALEOR_PUBLIC_URL, else the listening URL). */
  publicOrigin() {
    const u = new URL(this.config.publicUrl || this.listeningUrl || 'http://localhost:8000');
    return { origin: u.origin, domain: u.host, apiUrl: `${u.origin}/graphql/` };
  }

  reset() {
    this.deliveries.stop();
    this.faults.clear();
    this.state = createState();
  }

  contextFor(requestor) {
    const events = [];
    return {
      state: this.state, requestor, schema: this.schema, signingKey: this.signingKey, allPermissions: this.allPermissions,
      apiUrl: this.publicOrigin().apiUrl, requestTime: new Date().toISOString(), events,
      emit(type, subject) { events.push({ type, subject, issuedAt: this.requestTime }); },
    };
  }

  /** Runs one GraphQL operation. Returns { status, body }. */
  runOperation({ query, variables, operationName }, headers) {
    if (typeof query !== 'string' || !query.trim()) return { status: 400, body: { errors: [{ message: 'Must provide a query string.', extensions: { exception: { code: 'GraphQLError' } } }] } };
    let document;
    try { document = parse(query); } catch (e) {
      return { status: 400, body: { errors: [{ message: e.message, locations: e.locations, extensions: { exception: { code: 'GraphQLError' } } }] } };
    }
    const errors = validate(this.schema, document);
    if (errors.length) {
      return { status: 400, body: { errors: errors.map((e) => ({ message: e.message, locations: e.locations, extensions: { exception: { code: 'GraphQLError' } } })) } };
    }
    const op = getOperationAST(document, operationName || undefined);
    if (op && op.operation === 'subscription') {
      return { status: 400, body: { errors: [{ message: 'Subscriptions are only used to define webhook payloads.', extensions: { exception: { code: 'GraphQLError' } } }] } };
    }
    const ctx = this.contextFor(resolveRequestor(this.state, this.signingKey, headers));
    const result = execute({ schema: this.schema, document, variableValues: variables ?? undefined, operationName: operationName || undefined, contextValue: ctx });
    const body = { data: result.data ?? null };
    if (result.errors?.length) {
      body.errors = result.errors.map(formatError);
      for (const e of result.errors) if (e.originalError && !(e.originalError instanceof GraphQLError)) this.log({ level: 'error', msg: 'resolver failed', path: e.path, error: e.originalError.stack });
    }
    this.dispatch(ctx.events);
    return { status: 200, body };
  }

  dispatch(events) {
    for (const event of events) {
      for (const { webhook, app } of subscribedWebhooks(this.state, event.type)) {
        let body;
        try { body = buildPayload(this, webhook, app, event); } catch (e) {
          this.log({ level: 'error', msg: 'payload generation failed', event: event.type, webhook: webhook.pk, error: e.message });
          continue;
        }
        if (body === null) { this.log({ msg: 'webhook without subscription query skipped (legacy payloads are not simulated)', webhook: webhook.pk }); continue; }
        this.deliveries.enqueue({ webhook, app, event: event.type.toLowerCase(), body, issuedAt: event.issuedAt });
      }
    }
  }
}

export function formatError(e) {
  const original = e.originalError;
  const code = e.extensions?.exception?.code ?? (original && !(original instanceof GraphQLError) ? original.constructor.name : 'GraphQLError');
  const out = { message: e.message };
  if (e.locations) out.locations = e.locations;
  if (e.path) out.path = e.path;
  out.extensions = { exception: { code } };
  if (original && !(original instanceof GraphQLError) && !e.extensions?.exception) {
    // Saleor hides unexpected exceptions unless DEBUG.
    out.message = 'Internal Server Error';
  }
  return out;
}

// Fault injection for tests, driven through /_sim/faults. Each rule applies to a number of
// matching deliveries or GraphQL requests, then expires.
export class Faults {
  constructor() { this.clear(); }

  clear() {
    this.delivery = []; // { kind: duplicate|delay|drop|hold, count, event?, copies?, delayMs? }
    this.graphql = []; // { status?, delayMs?, count, operationName? }
  }

  addDeliveryRule(rule) {
    const kinds = ['duplicate', 'delay', 'drop', 'hold'];
    if (!kinds.includes(rule.kind)) throw new Error(`kind must be one of ${kinds.join(', ')}`);
    const r = { count: 1, ...rule };
    if (r.kind === 'duplicate') r.copies = Number(r.copies ?? 1);
    if (r.kind === 'delay') r.delayMs = Number(r.delayMs ?? 1000);
    this.delivery.push(r);
    return r;
  }

  addGraphqlRule(rule) {
    if (rule.status == null && rule.delayMs == null) throw new Error('a graphql fault needs status and/or delayMs');
    const r = { count: 1, ...rule };
    this.graphql.push(r);
    return r;
  }

  /** Consumes and returns the delivery rules that apply to a new delivery of `event` (lowercase). */
  takeDeliveryRules(event) {
    const taken = [];
    for (const r of this.delivery) {
      if (r.count <= 0 || (r.event && r.event.toLowerCase() !== event)) continue;
      r.count -= 1;
      taken.push(r);
    }
    this.delivery = this.delivery.filter((r) => r.count > 0);
    return taken;
  }

  takeGraphqlRule(operationName) {
    const r = this.graphql.find((x) => x.count > 0 && (!x.operationName || x.operationName === operationName));
    if (!r) return null;
    r.count -= 1;
    this.graphql = this.graphql.filter((x) => x.count > 0);
    return r;
  }

  describe() { return { deliveries: this.delivery, graphql: this.graphql }; }
}

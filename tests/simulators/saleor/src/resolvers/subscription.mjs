// Subscription.event: the root value of a webhook payload execution carries the event object.
export const subscriptionResolvers = {
  Subscription: { event: (root) => root?.event ?? null },
  App: {},
};

// Test credentials → outcome (stripe.md §2.7). Both naming families are accepted (pm_card_visa_chargeDeclined and the
// older pm_card_chargeDeclined), for PaymentMethod ids and tokens alike.
const TABLE = [
  [/^(pm_card_visa|tok_visa|pm_card_mastercard|tok_mastercard|pm_card_amex|tok_amex)$/, { outcome: 'success' }],
  [/^(pm|tok)_card_(visa_)?chargeDeclined$|^tok_(visa_)?chargeDeclined$/, { outcome: 'decline', code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' }],
  [/^(pm_card|tok)_(visa_)?chargeDeclinedInsufficientFunds$/, { outcome: 'decline', code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' }],
  [/^(pm_card|tok)_(visa_)?chargeDeclinedLostCard$/, { outcome: 'decline', code: 'card_declined', declineCode: 'lost_card', message: 'Your card was declined.' }],
  [/^(pm_card|tok)_(visa_)?chargeDeclinedStolenCard$/, { outcome: 'decline', code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' }],
  [/^(pm_card|tok)_chargeDeclinedExpiredCard$/, { outcome: 'decline', code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' }],
  [/^(pm_card|tok)_chargeDeclinedIncorrectCvc$/, { outcome: 'decline', code: 'incorrect_cvc', declineCode: 'incorrect_cvc', message: "Your card's security code is incorrect." }],
  [/^(pm_card|tok)_chargeDeclinedProcessingError$/, { outcome: 'decline', code: 'processing_error', declineCode: 'processing_error', message: 'An error occurred while processing your card.' }],
  [/^pm_card_(threeDSecure2Required|authenticationRequired|authenticationRequiredOnSetup)$/, { outcome: '3ds' }],
  [/^pm_card_threeDSecureRequiredChargeDeclined$/, { outcome: '3ds_then_decline', code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' }],
];

export function behaviourOf(credential) {
  for (const [re, b] of TABLE) if (re.test(credential)) return b;
  return null;
}

export const brandOf = (credential) => (/mastercard/.test(credential) ? 'mastercard' : /amex/.test(credential) ? 'amex' : 'visa');

// Addresses: stored as plain objects, validated like Saleor's i18n rules for the fields that
// matter here (country always required; for the checkout's billing/shipping address, the fields
// the country requires). Simplified: US/CA need streetAddress1, city, postalCode, countryArea; most
// others need streetAddress1, city (and postalCode where the country uses one). See README.
import { bad } from './helpers.mjs';
import { nextPk } from '../store.mjs';

const COUNTRY_NAMES = { US: 'United States of America', CA: 'Canada', GB: 'United Kingdom', DE: 'Germany', FR: 'France', PL: 'Poland', NL: 'Netherlands', ES: 'Spain', IT: 'Italy', JP: 'Japan', AU: 'Australia', IE: 'Ireland', SE: 'Sweden', CH: 'Switzerland', AT: 'Austria', BE: 'Belgium', DK: 'Denmark', NO: 'Norway', FI: 'Finland', PT: 'Portugal', BR: 'Brazil', IN: 'India', MX: 'Mexico', NZ: 'New Zealand', SG: 'Singapore' };
export const countryDisplay = (code) => ({ code, country: COUNTRY_NAMES[code] ?? code });

const REQUIRED = {
  US: ['streetAddress1', 'city', 'postalCode', 'countryArea'],
  CA: ['streetAddress1', 'city', 'postalCode', 'countryArea'],
  AU: ['streetAddress1', 'city', 'postalCode', 'countryArea'],
  default: ['streetAddress1', 'city', 'postalCode'],
};
const NO_POSTAL = new Set(['IE', 'HK', 'AE']);

/** Returns a normalised address record or throws a mutation error on `field`. */
export function cleanAddress(state, input, field, { addressType, checkRequired = true } = {}) {
  if (!input) throw bad(field, 'REQUIRED', 'This field is required.');
  const country = input.country;
  if (!country) throw bad('country', 'REQUIRED', 'This field is required.', addressType ? { addressType } : {});
  const rec = {
    __typename: 'Address', pk: nextPk(state, 'Address'),
    firstName: input.firstName ?? '', lastName: input.lastName ?? '', companyName: input.companyName ?? '',
    streetAddress1: input.streetAddress1 ?? '', streetAddress2: input.streetAddress2 ?? '', city: (input.city ?? '').toUpperCase(),
    cityArea: input.cityArea ?? '', postalCode: (input.postalCode ?? '').toUpperCase(), country, countryArea: input.countryArea ?? '',
    phone: input.phone ?? '', metadata: {}, privateMetadata: {}, skipValidation: !!input.skipValidation,
  };
  if (checkRequired && !input.skipValidation) {
    const required = (REQUIRED[country] ?? REQUIRED.default).filter((f) => !(f === 'postalCode' && NO_POSTAL.has(country)));
    for (const f of required) {
      if (!rec[f]) throw bad(f, 'REQUIRED', 'This field is required.', addressType ? { addressType } : {});
    }
  }
  return rec;
}

export const addressResolvers = {
  Address: {
    country: (a) => countryDisplay(a.country),
    phone: (a) => a.phone || null,
  },
};

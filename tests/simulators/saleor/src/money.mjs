// Money is kept in integer minor units and shown as Saleor shows it: a float amount + currency.
// Taxes are not modelled: every price is tax-free (net == gross, tax 0), like a Saleor channel
// with no tax configuration / flat rate 0. Documented in README.md.
import { PyFloat } from './python-json.mjs';

const EXPONENTS = { JPY: 0, KRW: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3 };
export const exponent = (currency) => EXPONENTS[currency] ?? 2;

/** Parses a decimal string/number into minor units; returns null if it has more precision than the currency. */
export function toMinor(amount, currency) {
  const e = exponent(currency);
  const s = typeof amount === 'number' ? amount.toFixed(10) : String(amount).trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  const [i, f = ''] = s.replace('-', '').split('.');
  const frac = f.replace(/0+$/, '');
  if (frac.length > e) return null;
  const minor = Number(i) * 10 ** e + Number((frac.padEnd(e, '0') || '0'));
  return s.startsWith('-') ? -minor : minor;
}

export const toAmount = (minor, currency) => minor / 10 ** exponent(currency);

export const money = (minor, currency) => ({ currency, amount: toAmount(minor, currency), minor });

/** TaxedMoney with tax 0. */
export const taxed = (minor, currency) => ({ currency, gross: money(minor, currency), net: money(minor, currency), tax: money(0, currency) });

export { PyFloat };

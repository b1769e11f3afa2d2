/**
 * Status and payment-mode codes in words, one rule for every page, filter and chart: the code
 * `PENDING_WITH_BANK` reads "Pending with bank", `PAY_LATER` "Pay later", `UPI` stays "UPI".
 * Codes PayOps does not know are shown the same way, so a new provider value still reads well.
 * Browser-safe (the filter bar imports it).
 */

// Words that keep their capitals (acronyms), everything else is sentence case.
const KEEP_UPPER = new Set(['UPI', 'VBV', 'OTP', 'GST', 'MDR', 'NEFT', 'IMPS', 'RTGS', 'EMI']);
const SPECIAL: Record<string, string> = {
  PENDING_VBV: 'Waiting for OTP (VBV)',
  UPI_CREDIT_CARD: 'UPI credit card',
  NET_BANKING: 'Net banking',
  JUSPAY_DECLINED: 'Declined by Juspay',
};

/** `PENDING_WITH_BANK` → `Pending with bank`. */
export function codeLabel(code: string | null | undefined): string {
  if (!code) return '';
  if (SPECIAL[code]) return SPECIAL[code];
  const words = code.split(/[_\s]+/).filter(Boolean);
  return words
    .map((w, i) => {
      const upper = w.toUpperCase();
      if (KEEP_UPPER.has(upper)) return upper;
      const lower = w.toLowerCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

export const statusLabel = codeLabel;
export const modeLabel = codeLabel;

const PROVIDER_LABELS: Record<string, string> = { enkash: 'Enkash', juspay: 'Juspay', enkash_wallet: 'Enkash Wallet' };
export const providerLabel = (provider: string) => PROVIDER_LABELS[provider] ?? provider;

// What providers put in the name field when there is no name. Shown as "no name", never as a name.
const PLACEHOLDER_NAMES = /^(?:n\/?a|null|undefined|none|nil|unknown|-+|\.+|x+|_+)$/i;

/** The cardholder name as a person reads it: null for an empty or placeholder value such as "NA". */
export function displayName(name: string | null | undefined): string | null {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '' || PLACEHOLDER_NAMES.test(trimmed)) return null;
  return trimmed;
}

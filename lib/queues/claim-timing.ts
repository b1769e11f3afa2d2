/** How long a claim lasts without its holder's page renewing it, and how often the page renews it (no imports: the page's client code reads this). */
export const CLAIM_TTL_SECONDS = 120;
export const CLAIM_RENEW_MS = 45_000;

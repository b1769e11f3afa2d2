/**
 * Set by a live page when it re-reads itself (router.refresh()), for LIVE_REFRESH_SECONDS: proxy.ts
 * then does not count that tab's requests (the refresh, the prefetches that follow it) as the staff
 * member's activity, so they do not slide the session's idle expiry. A full page load still does.
 * Client-set and harmless to forge: it can only make a session end sooner.
 */
export const LIVE_REFRESH_COOKIE = 'payops_live_refresh';
export const LIVE_REFRESH_SECONDS = 10;

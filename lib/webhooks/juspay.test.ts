import { describe, expect, it } from 'vitest';
import { basicAuth } from '@/test/juspay';
import { JUSPAY_NOT_CONFIGURED, authenticateJuspay } from './juspay';

const req = (authorization?: string) => new Request('http://h/api/webhooks/juspay', { headers: authorization ? { authorization } : {} });
const both = { username: 'u', password: 'p:w', required: true };

describe('Juspay webhook Basic auth', () => {
  it('needs both the user name and the password', () => {
    expect(authenticateJuspay(req(basicAuth('u', 'p:w')), both)).toEqual({ auth: 'ok' });
    expect(authenticateJuspay(req(basicAuth('x', 'p:w')), both).auth).toBe('invalid');
    expect(authenticateJuspay(req(basicAuth('u', 'p')), both).auth).toBe('invalid');
    expect(authenticateJuspay(req(basicAuth('', '')), both).auth).toBe('invalid');
    expect(authenticateJuspay(req(), both).auth).toBe('missing');
    expect(authenticateJuspay(req('Basic !!!'), both).auth).toBe('missing');
  });

  it('refuses everything when not configured with a real database, accepts unauthenticated in the embedded demo', () => {
    const none = { username: undefined, password: undefined };
    expect(authenticateJuspay(req(basicAuth('u', 'p')), { ...none, required: true })).toEqual({ auth: 'invalid', reason: JUSPAY_NOT_CONFIGURED });
    expect(authenticateJuspay(req(), { ...none, required: true })).toEqual({ auth: 'missing', reason: JUSPAY_NOT_CONFIGURED });
    expect(authenticateJuspay(req(), { ...none, required: false })).toEqual({ auth: 'unauthenticated' });
    expect(authenticateJuspay(req(basicAuth('u', '')), { username: 'u', password: undefined, required: false }).reason).toBe(JUSPAY_NOT_CONFIGURED);
  });
});

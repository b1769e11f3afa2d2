import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { refuseCrossSite } from './fetch-site';

const from = (site: string | null) => new Request('https://payops.example/payments/export', { headers: site === null ? {} : { 'sec-fetch-site': site } });
const refusal = (fn: () => void) => {
  try {
    fn();
    return null;
  } catch (err) {
    return err;
  }
};

describe('refuseCrossSite', () => {
  it("lets through PayOps' own pages and clients that send no Fetch Metadata", () => {
    expect(refusal(() => refuseCrossSite(from('same-origin')))).toBeNull();
    expect(refusal(() => refuseCrossSite(from(null)))).toBeNull();
  });

  it('lets a typed address or bookmark through only where the route says it may', () => {
    expect(refusal(() => refuseCrossSite(from('none'), { typedAddress: true }))).toBeNull();
    expect(refusal(() => refuseCrossSite(from('none')))).toBeInstanceOf(AppError);
  });

  it.each(['cross-site', 'same-site', 'CROSS-SITE', 'something-new', ''])('refuses %j with a 403 in the usual error shape', (site) => {
    const err = refusal(() => refuseCrossSite(from(site), { typedAddress: true }));
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'forbidden', status: 403, message: expect.stringContaining('came from another site') });
  });
});

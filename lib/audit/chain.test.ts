import { describe, expect, it } from 'vitest';
import { anchorSecret, auditHash, auditMac, auditSignature } from './chain';

const row = {
  at: new Date('2025-02-07T10:00:00.000Z'),
  actor: 'user:12',
  actorRole: 'admin',
  action: 'users.role_change',
  target: 'asha@payops.test',
  sourceIp: '203.0.113.7',
  outcome: 'ok',
  details: { from: 'support', to: 'finance', n: 1 },
};
const prev = 'ab'.repeat(32);

describe('audit chain values', () => {
  it('computes the unkeyed hash exactly as rows written before the key have it', () => {
    // Computed with the recordAudit of commit 863d9d6, which wrote those rows.
    expect(auditHash(prev, row)).toBe('f8326c874627ef8ee3291a14d7159edc53fc3493437158c92e30b17b114c6653');
    // Key order in details does not matter (canonical JSON), any value does.
    expect(auditHash(prev, { ...row, details: { n: 1, to: 'finance', from: 'support' } })).toBe(auditHash(prev, row));
    expect(auditHash(prev, { ...row, details: { ...row.details, n: 2 } })).not.toBe(auditHash(prev, row));
  });

  it('keys the MAC, and covers the number, the previous MAC and every field', () => {
    const mac = auditMac('key-1', prev, 7, row);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(auditMac('key-1', prev, 7, { ...row })).toBe(mac);
    expect(auditMac('key-2', prev, 7, row)).not.toBe(mac);
    expect(auditMac('key-1', prev, 8, row)).not.toBe(mac);
    expect(auditMac('key-1', null, 7, row)).not.toBe(mac);
    for (const change of [{ actor: 'user:13' }, { actorRole: null }, { target: null }, { sourceIp: '203.0.113.8' }, { outcome: 'refused' }, { at: new Date(row.at.getTime() + 1) }]) {
      expect(auditMac('key-1', prev, 7, { ...row, ...change })).not.toBe(mac);
    }
  });

  it('signs for one purpose only, and derives the anchor secret without giving the key away', () => {
    const value = { headId: 1, headSeq: 1, headMac: prev, at: row.at.toISOString() };
    expect(auditSignature('key-1', 'checkpoint', value)).not.toBe(auditSignature('key-1', 'verification', value));
    expect(auditSignature('key-1', 'checkpoint', value)).not.toBe(auditSignature('key-2', 'checkpoint', value));
    expect(anchorSecret('key-1')).toMatch(/^[0-9a-f]{64}$/);
    expect(anchorSecret('key-1')).not.toBe(anchorSecret('key-2'));
    expect(anchorSecret('key-1')).not.toContain('key-1');
  });
});

import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, type Permission } from './permissions';

// The whole matrix, spelled out: a change to who may do what must change this table too.
const MATRIX: Record<Permission, { admin: boolean; finance: boolean; support: boolean }> = {
  'payments.read': { admin: true, finance: true, support: true },
  'payments.raw': { admin: true, finance: true, support: false },
  'payments.export': { admin: true, finance: true, support: false },
  'finance.read': { admin: true, finance: true, support: false },
  'otp.resend': { admin: true, finance: false, support: true },
  'deliveries.read': { admin: true, finance: false, support: false },
  'audit.read': { admin: true, finance: true, support: false },
  'audit.read_security': { admin: true, finance: false, support: false },
  'users.manage': { admin: true, finance: false, support: false },
  'operations.manage': { admin: true, finance: false, support: false },
  'alerts.read': { admin: true, finance: true, support: false },
  'alerts.read_all': { admin: true, finance: false, support: false },
  'views.save': { admin: true, finance: true, support: true },
  'views.share': { admin: true, finance: true, support: true },
  'views.manage': { admin: true, finance: false, support: false },
  'queues.waiting_otp': { admin: true, finance: false, support: true },
  'queues.stuck': { admin: true, finance: true, support: true },
  'cases.read': { admin: true, finance: true, support: true },
  'cases.work': { admin: true, finance: true, support: true },
  'cases.resolve_money': { admin: true, finance: true, support: false },
  'cases.resolve_status': { admin: true, finance: false, support: true },
  'cases.resolve_security': { admin: true, finance: false, support: false },
  'settlements.read': { admin: true, finance: true, support: false },
  'settlements.sync': { admin: true, finance: true, support: false },
  'settlements.resolve': { admin: true, finance: true, support: false },
  'settlements.export': { admin: true, finance: true, support: false },
  'fees.manage': { admin: true, finance: false, support: false },
  'refunds.read': { admin: true, finance: true, support: true },
  'refunds.request': { admin: true, finance: true, support: false },
  'refunds.approve': { admin: true, finance: false, support: false },
};

describe('permission matrix', () => {
  it('covers every permission', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });

  for (const [permission, roles] of Object.entries(MATRIX) as [Permission, (typeof MATRIX)[Permission]][]) {
    for (const [role, allowed] of Object.entries(roles) as ['admin' | 'finance' | 'support', boolean][]) {
      it(`${role} ${allowed ? 'may' : 'may not'} ${permission}`, () => {
        expect(can(role, permission)).toBe(allowed);
      });
    }
  }

  it('lets configuration name who approves refunds (e.g. senior finance), never support', () => {
    const before = process.env.REFUND_APPROVER_ROLES;
    try {
      process.env.REFUND_APPROVER_ROLES = 'admin, finance, support';
      expect(can('finance', 'refunds.approve')).toBe(true);
      expect(can('admin', 'refunds.approve')).toBe(true);
      expect(can('support', 'refunds.approve')).toBe(false);
    } finally {
      if (before === undefined) delete process.env.REFUND_APPROVER_ROLES;
      else process.env.REFUND_APPROVER_ROLES = before;
    }
  });

  it('refuses no role and unknown roles', () => {
    expect(can(null, 'payments.read')).toBe(false);
    expect(can('root' as never, 'payments.read')).toBe(false);
  });
});

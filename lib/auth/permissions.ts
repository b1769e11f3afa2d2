import type { Role } from '@/db/schema';

export type { Role };

/** Who may do what. Every page, server action and route handler checks this itself. */
export const PERMISSIONS = {
  'payments.read': ['finance', 'support', 'admin'],
  'payments.raw': ['finance', 'admin'],
  'payments.export': ['finance', 'admin'],
  'finance.read': ['finance', 'admin'],
  'otp.resend': ['support', 'admin'],
  'deliveries.read': ['admin'],
  'audit.read': ['finance', 'admin'],
  // Failed sign-ins in the audit log: their target is whatever was typed as the email (at times a password).
  'audit.read_security': ['admin'],
  'users.manage': ['admin'],
  // Background jobs on /operations: retry or cancel (audited).
  'operations.manage': ['admin'],
  // Alerts: finance sees the money ones (success rate, payments the provider contradicts), which
  // it acts on; every alert, operational ones included (webhooks, jobs, OTP limits), is for admins.
  'alerts.read': ['finance', 'admin'],
  'alerts.read_all': ['admin'],
  // Saved views of the payments list: keep one's own, share them with everyone who reads payments;
  // admins may also delete a view someone else shared.
  'views.save': ['finance', 'support', 'admin'],
  'views.share': ['finance', 'support', 'admin'],
  'views.manage': ['admin'],
  // Work queues (issue 10). Waiting for OTP is support's (they resend); money stuck at the bank is
  // for support (the customer asks) and finance (the money); cases are for everyone who reads payments.
  'queues.waiting_otp': ['support', 'admin'],
  'queues.stuck': ['support', 'finance', 'admin'],
  'cases.read': ['finance', 'support', 'admin'],
  // Take, hand over or note a case of any kind; resolving depends on its kind (lib/cases/kinds.ts).
  'cases.work': ['finance', 'support', 'admin'],
  'cases.resolve_money': ['finance', 'admin'],
  'cases.resolve_status': ['support', 'admin'],
  'cases.resolve_security': ['admin'],
  // Settlements: finance reads payouts and exceptions, starts a sync, resolves exceptions (audited);
  // CSVs of payouts and exceptions are exports (a fresh second factor). The contracted MDR table is
  // edited by admins only (audited); finance reads it.
  'settlements.read': ['finance', 'admin'],
  'settlements.sync': ['finance', 'admin'],
  'settlements.resolve': ['finance', 'admin'],
  'settlements.export': ['finance', 'admin'],
  'fees.manage': ['admin'],
  // Refunds (lib/refunds): finance and admins ask; a different person approves — admins by default,
  // or the roles REFUND_APPROVER_ROLES names (e.g. admin,finance for senior finance), see `can`.
  // A request past a daily limit waits for an admin whatever this says.
  'refunds.read': ['finance', 'support', 'admin'],
  'refunds.request': ['finance', 'admin'],
  'refunds.approve': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Roles set by configuration rather than this map (read on the server only). */
function configured(permission: Permission): readonly Role[] | null {
  if (permission === 'refunds.approve' && typeof process !== 'undefined' && process.env.REFUND_APPROVER_ROLES) {
    return process.env.REFUND_APPROVER_ROLES.split(',')
      .map((r) => r.trim())
      .filter((r): r is Role => r === 'admin' || r === 'finance');
  }
  return null;
}

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return !!role && (configured(permission) ?? (PERMISSIONS[permission] as readonly Role[])).includes(role);
}

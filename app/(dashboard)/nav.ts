import type { Permission } from '@/lib/auth/permissions';
import type { QueueCounts } from '@/lib/queues/counts';

export interface NavItem {
  href: string;
  label: string;
  /** Shown only to roles with this permission; the page itself checks it again. */
  permission: Permission;
  /** A queue: its count is shown beside it (lib/queues/counts.ts), kept fresh by the page. */
  badge?: keyof QueueCounts;
}

/** The main navigation, in order. A new page is one line here (and its own permission check). */
export const NAV: NavItem[] = [
  { href: '/queues/waiting-otp', label: 'Waiting for OTP', permission: 'queues.waiting_otp', badge: 'waitingOtp' },
  { href: '/queues/review', label: 'Needs review', permission: 'cases.read', badge: 'review' },
  { href: '/queues/stuck', label: 'Stuck at bank', permission: 'queues.stuck', badge: 'stuck' },
  { href: '/payments', label: 'Payments', permission: 'payments.read' },
  { href: '/refunds', label: 'Refunds', permission: 'refunds.read', badge: 'refunds' },
  { href: '/finance', label: 'Finance', permission: 'finance.read' },
  { href: '/settlements', label: 'Settlements', permission: 'settlements.read' },
  { href: '/deliveries', label: 'Deliveries', permission: 'deliveries.read' },
  { href: '/audit', label: 'Audit log', permission: 'audit.read' },
  { href: '/operations', label: 'Operations', permission: 'operations.manage' },
  { href: '/alerts', label: 'Alerts', permission: 'alerts.read' },
  { href: '/admin/users', label: 'Users', permission: 'users.manage' },
];

import type { Permission } from '@/lib/auth/permissions';

export interface NavItem {
  href: string;
  label: string;
  /** Shown only to roles with this permission; the page itself checks it again. */
  permission: Permission;
}

/** The main navigation, in order. A new page is one line here (and its own permission check). */
export const NAV: NavItem[] = [
  { href: '/payments', label: 'Payments', permission: 'payments.read' },
  { href: '/finance', label: 'Finance', permission: 'finance.read' },
  { href: '/settlements', label: 'Settlements', permission: 'settlements.read' },
  { href: '/deliveries', label: 'Deliveries', permission: 'deliveries.read' },
  { href: '/audit', label: 'Audit log', permission: 'audit.read' },
  { href: '/operations', label: 'Operations', permission: 'operations.manage' },
  { href: '/alerts', label: 'Alerts', permission: 'alerts.read' },
  { href: '/admin/users', label: 'Users', permission: 'users.manage' },
];

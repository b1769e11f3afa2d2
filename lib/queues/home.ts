import type { Role } from '@/db/schema';

/**
 * Where each role starts: support works the queues, finance reads its totals, admin sees the
 * queues with an operations summary. The one place that says so: `/` and the sign-in's fallback
 * (lib/http/next-path.ts callers) both ask here.
 */
export const HOME: Record<Role, string> = {
  support: '/queues/waiting-otp',
  finance: '/finance',
  admin: '/queues',
};

export function homeFor(role: Role | null | undefined): string {
  return (role && HOME[role]) || '/payments';
}

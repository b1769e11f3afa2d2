import { requirePagePermission } from '@/lib/auth/guards';

export default async function PaymentsPage() {
  await requirePagePermission('payments.read');
  return <h1 className="text-xl font-semibold">Payments</h1>;
}

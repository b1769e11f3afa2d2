import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { claimWork } from '@/lib/queues/claims';
import { queueCounts } from '@/lib/queues/counts';
import { stuckAtBankQueue } from '@/lib/queues/stuck';
import { waitingForOtpQueue } from '@/lib/queues/waiting-otp';
import { auditSystemCaseEvents } from './audit-job';
import { applyCaseCommand, type CaseActor } from './machine';
import { casesForPayment, listCases } from './queries';

// Issue 10: cases opened by the database when a flag appears, moved by people through one state
// machine (two sessions at once: one wins, the other is told), reopened by a contradicting
// delivery; and the three queues' queries. One database per kind for the whole file.
describe.each(await testDatabaseKinds())('cases and queues on $kind', ({ create }) => {
  let t: TestDb;
  const db = () => t.handle.db;
  let asha: CaseActor;
  let ravi: CaseActor;
  let fin: CaseActor;
  const now = new Date();

  const user = async (email: string, role: string, name: string): Promise<CaseActor> => {
    const [r] = await queryRows<{ id: string }>(db(), sql`INSERT INTO users (email, name, role, password_hash) VALUES (${email}, ${name}, ${role}, 'x') RETURNING id`);
    return { id: Number(r.id), email, role: role as CaseActor['role'] };
  };
  const payment = async (p: { id: string; provider?: string; status: string; family: string; flags?: string[]; minutesAgo?: number; mode?: string | null }) => {
    const [r] = await queryRows<{ id: string }>(
      db(),
      sql`INSERT INTO transactions (provider, transaction_id, status, status_rank, status_family, txn_at, flags, payment_mode, final_amount)
          VALUES (${p.provider ?? 'enkash'}, ${p.id}, ${p.status}, 1, ${p.family}, now() - make_interval(mins => ${p.minutesAgo ?? 1}),
                  ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(p.flags ?? [])}::jsonb)), ${p.mode === undefined ? 'CREDIT_CARD' : p.mode}, 100.00) RETURNING id`,
    );
    return Number(r.id);
  };
  const caseOf = async (paymentId: number, kind: string) => (await casesForPayment(db(), paymentId)).find((c) => c.kind === kind)!;

  beforeAll(async () => {
    t = await create();
    asha = await user('asha@payops.test', 'support', 'Asha');
    ravi = await user('ravi@payops.test', 'support', 'Ravi');
    fin = await user('fin@payops.test', 'finance', 'Meera');
  });
  afterAll(async () => t?.cleanup());

  it('opens one case per flag kind when the flag appears, and none for a note-only flag', async () => {
    const id = await payment({ id: 'EKCASE1', status: 'SUCCESS', family: 'success', flags: ['status_conflict', 'invalid_text_replaced'] });
    expect((await casesForPayment(db(), id)).map((c) => [c.kind, c.state])).toEqual([['status_conflict', 'open']]);
    await db().execute(sql`UPDATE transactions SET flags = flags || ARRAY['provider_mismatch'] WHERE id = ${id}`);
    await db().execute(sql`UPDATE transactions SET flags = flags WHERE id = ${id}`);
    const cases = await casesForPayment(db(), id);
    expect(cases.map((c) => c.kind).sort()).toEqual(['provider_mismatch', 'status_conflict']);
    expect(cases[0].events.map((e) => e.action)).toEqual(['opened']);
  });

  it('of two sessions taking the same case at once, one wins and the other is told who has it', async () => {
    const id = await payment({ id: 'EKCASE2', status: 'PENDING_WITH_BANK', family: 'open', flags: ['stuck'] });
    const c = await caseOf(id, 'stuck');
    const results = await Promise.all([asha, ravi].map((who) => applyCaseCommand(db(), who, { action: 'assign', caseId: c.id, version: c.version })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const lost = results.find((r) => !r.ok)!;
    expect(lost).toMatchObject({ ok: false, code: 'conflict' });
    expect(!lost.ok && lost.message).toMatch(/(Asha|Ravi) has this case now/);
    const audit = await queryRows<{ outcome: string }>(db(), sql`SELECT outcome FROM audit_log WHERE action = 'cases.assigned' AND target = ${`case:${c.id}`} ORDER BY id`);
    expect(audit.map((a) => a.outcome).sort()).toEqual(['conflict', 'ok']);
  });

  it('of two resolutions at once one wins; the resolved case stops counting, keeps its note, and is never deleted', async () => {
    const id = await payment({ id: 'EKCASE3', status: 'FAILED', family: 'failed', flags: ['status_conflict'] });
    const c = await caseOf(id, 'status_conflict');
    const before = await queueCounts(db(), { role: 'finance', userId: fin.id, now, windowMinutes: 10 });
    const results = await Promise.all([
      applyCaseCommand(db(), fin, { action: 'resolve', caseId: c.id, version: c.version, resolution: 'confirmed_with_provider', note: 'Enkash says FAILED; card 4111 1111 1111 1111 was never charged' }),
      applyCaseCommand(db(), { ...fin, id: asha.id, role: 'admin' }, { action: 'resolve', caseId: c.id, version: c.version, resolution: 'not_a_problem' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: 'conflict' });
    const after = await queueCounts(db(), { role: 'finance', userId: fin.id, now, windowMinutes: 10 });
    expect(after.review).toBe(before.review! - 1);
    const resolved = await caseOf(id, 'status_conflict');
    expect(resolved.state).toBe('resolved');
    if (resolved.resolution === 'confirmed_with_provider') {
      expect(resolved.resolutionNote).toContain('1111');
      expect(resolved.resolutionNote).not.toContain('4111 1111 1111 1111');
    }
    const page = await listCases(db(), { view: 'resolved', userId: fin.id });
    expect(page.rows.map((r) => r.id)).toContain(c.id);
  });

  it('refuses support a money case and finance a status case, with an audit row', async () => {
    const id = await payment({ id: 'EKCASE4', status: 'SUCCESS', family: 'success', flags: ['amount_mismatch', 'unknown_status'] });
    const money = await caseOf(id, 'amount_mismatch');
    const status = await caseOf(id, 'unknown_status');
    expect(await applyCaseCommand(db(), asha, { action: 'resolve', caseId: money.id, version: money.version, resolution: 'not_a_problem' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await applyCaseCommand(db(), fin, { action: 'resolve', caseId: status.id, version: status.version, resolution: 'not_a_problem' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await applyCaseCommand(db(), asha, { action: 'resolve', caseId: status.id, version: status.version, resolution: 'not_a_problem' })).toMatchObject({ ok: true });
    const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'cases.resolved' AND outcome = 'forbidden'`);
    expect(n).toBe(2);
  });

  it('reopens a resolved case when a new delivery contradicts it, and audits the system steps', async () => {
    const id = await payment({ id: 'EKCASE5', status: 'SUCCESS', family: 'success', flags: ['status_conflict'] });
    const c = await caseOf(id, 'status_conflict');
    expect(await applyCaseCommand(db(), fin, { action: 'resolve', caseId: c.id, version: c.version, resolution: 'duplicate_notification' })).toMatchObject({ ok: true });
    // A duplicate is not news; a new contradicting delivery is.
    await db().execute(sql`INSERT INTO deliveries (provider, auth, outcome, http_status, effect, transaction_id) VALUES ('enkash', 'secret', 'duplicate', 200, 'conflict', 'EKCASE5')`);
    expect((await caseOf(id, 'status_conflict')).state).toBe('resolved');
    await db().execute(sql`INSERT INTO deliveries (provider, auth, outcome, http_status, effect, transaction_id) VALUES ('enkash', 'secret', 'accepted', 200, 'conflict', 'EKCASE5')`);
    const reopened = await caseOf(id, 'status_conflict');
    expect(reopened).toMatchObject({ state: 'reopened', reopenCount: 1, resolution: null });
    expect(reopened.events.map((e) => e.action)).toEqual(['opened', 'resolved', 'reopened']);
    // A stale page resolving with the old version is told, not obeyed.
    expect(await applyCaseCommand(db(), fin, { action: 'resolve', caseId: c.id, version: c.version + 1, resolution: 'not_a_problem' })).toMatchObject({ ok: false, code: 'conflict' });
    while ((await auditSystemCaseEvents(db())) > 0);
    const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM audit_log WHERE actor = 'system:cases' AND action = 'cases.reopened' AND target = ${`case:${c.id}`}`);
    expect(n).toBe(1);
    expect(await auditSystemCaseEvents(db())).toBe(0);
  });

  it('lists who waits for an OTP, newest first, and only within the window', async () => {
    const old = await payment({ id: 'JPOLD', provider: 'juspay', status: 'PENDING_VBV', family: 'open', minutesAgo: 30 });
    const a = await payment({ id: 'JPWAIT1', provider: 'juspay', status: 'PENDING_VBV', family: 'open', minutesAgo: 4 });
    const b = await payment({ id: 'EKWAIT2', status: 'CREATED', family: 'open', minutesAgo: 2 });
    await payment({ id: 'EKUPI3', status: 'CREATED', family: 'open', minutesAgo: 2, mode: 'UPI' });
    await payment({ id: 'JPDONE', provider: 'juspay', status: 'CHARGED', family: 'success', minutesAgo: 1 });
    const rows = await waitingForOtpQueue(db(), { now: new Date(), windowMinutes: 10, maxPerPayment: 5 });
    const mine = (list: { id: number; transactionId: string }[]) => list.filter((r) => /^(JP|EK)(OLD|WAIT|UPI|DONE)/.test(r.transactionId)).map((r) => r.id);
    expect(mine(rows)).toEqual([b, a]);
    expect(rows.map((r) => r.id)).not.toContain(old);
    expect(rows.find((r) => r.id === b)).toMatchObject({ sent: 0, sendLimit: 5, lastOutcome: null, claim: null });
    // It leaves the queue when its status changes.
    await db().execute(sql`UPDATE transactions SET status = 'CHARGED', status_family = 'success' WHERE id = ${a}`);
    expect(mine(await waitingForOtpQueue(db(), { now: new Date(), windowMinutes: 10, maxPerPayment: 5 }))).toEqual([b]);
  });

  it('gives a payment to one of two agents opening it at once; the other sees who', async () => {
    const id = await payment({ id: 'JPCLAIM', provider: 'juspay', status: 'PENDING_VBV', family: 'open', minutesAgo: 1 });
    const [x, y] = await Promise.all([asha, ravi].map((u) => claimWork(db(), { subjectType: 'payment', subjectId: id, userId: u.id })));
    expect([x.held, y.held].sort()).toEqual([false, true]);
    const loser = x.held ? y : x;
    expect(!loser.held && loser.holderName).toMatch(/Asha|Ravi/);
    const row = (await waitingForOtpQueue(db(), { now: new Date(), windowMinutes: 10, maxPerPayment: 5 })).find((r) => r.id === id)!;
    expect(row.claim?.name).toMatch(/Asha|Ravi/);
    // A lapsed claim is free again.
    const later = new Date(Date.now() + 10 * 60_000);
    expect(await claimWork(db(), { subjectType: 'payment', subjectId: id, userId: x.held ? ravi.id : asha.id, now: later })).toMatchObject({ held: true });
  });

  it('lists money stuck at the bank oldest first with the RBI deadline, until a case says the money is back', async () => {
    const late = await payment({ id: 'EKSTUCKLATE', status: 'PENDING_WITH_BANK', family: 'open', minutesAgo: 9 * 24 * 60 });
    const fresh = await payment({ id: 'EKSTUCKNEW', status: 'AUTHORIZED', family: 'open', minutesAgo: 60 });
    const conflict = await payment({ id: 'EKSTUCKFAIL', status: 'FAILED', family: 'failed', flags: ['status_conflict'], minutesAgo: 2 * 24 * 60 });
    await payment({ id: 'JPAUTHZD', provider: 'juspay', status: 'AUTHORIZED', family: 'open', minutesAgo: 60 });
    const page = await stuckAtBankQueue(db(), { now: new Date() });
    const ids = page.rows.map((r) => r.id);
    expect(ids.indexOf(late)).toBeLessThan(ids.indexOf(conflict));
    expect(ids.indexOf(conflict)).toBeLessThan(ids.indexOf(fresh));
    expect(page.rows.find((r) => r.transactionId === 'JPAUTHZD')).toBeUndefined();
    const l = page.rows.find((r) => r.id === late)!;
    expect(l.tat.pastDeadline).toBe(true);
    expect(Number(l.tat.compensation)).toBeGreaterThanOrEqual(300);
    const counts = await queueCounts(db(), { role: 'support', userId: asha.id, now: new Date(), windowMinutes: 10 });
    expect(counts.stuckPastDeadline).toBeGreaterThanOrEqual(1);
    const c = await caseOf(conflict, 'status_conflict');
    expect(await applyCaseCommand(db(), fin, { action: 'resolve', caseId: c.id, version: c.version, resolution: 'reversed_by_bank', note: 'RRN 123' })).toMatchObject({ ok: true });
    expect((await stuckAtBankQueue(db(), { now: new Date() })).rows.map((r) => r.id)).not.toContain(conflict);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { parseCsv } from '@/lib/csv';
import { approveBatch, batchRefunds, batchResultCsv, batchRows, BULK_MAX_ROWS, confirmBatch, createDraftBatch, expireBatches, parseBulkFile, rejectBatch, type BatchActor } from './bulk';
import type { Approver } from './decide';

const enc = (s: string) => new TextEncoder().encode(s);
const BOM = [0xef, 0xbb, 0xbf];

describe('parseBulkFile', () => {
  it('reads UTF-8 with or without a BOM, CRLF or LF, quoted fields, header variants', () => {
    const lf = parseBulkFile(enc('transaction_id,amount,reason\nEK1,200,Returned\n'));
    const crlf = parseBulkFile(new Uint8Array([...BOM, ...enc('Transaction ID,Refund Amount,Remarks\r\nEK1,200,"Returned, damaged ""box"""\r\n\r\nEK2,1,"two\r\nlines"')]));
    expect(lf).toEqual({ ok: true, ignoredColumns: [], rows: [{ row: 2, transactionId: 'EK1', provider: null, amount: '200', reason: 'Returned' }] });
    expect(crlf.ok && crlf.rows).toEqual([
      { row: 2, transactionId: 'EK1', provider: null, amount: '200', reason: 'Returned, damaged "box"' },
      { row: 4, transactionId: 'EK2', provider: null, amount: '1', reason: 'two\r\nlines' },
    ]);
    const extra = parseBulkFile(enc('txn_id,provider,amount,reason,customer\nEK1,enkash,1,abc,Asha\n'));
    expect(extra.ok && extra.ignoredColumns).toEqual(['customer']);
    expect(extra.ok && extra.rows[0].provider).toBe('enkash');
  });

  it('refuses other encodings, broken CSV, a missing header, and files past the caps, saying why', () => {
    const refused = (bytes: Uint8Array) => {
      const r = parseBulkFile(bytes);
      return r.ok ? null : r.message;
    };
    expect(refused(new Uint8Array([0xff, 0xfe, ...enc('t\0')]))).toContain('UTF-16');
    expect(refused(new Uint8Array([...enc('transaction_id,amount,reason\nEK1,1,caf'), 0xe9, 0x0a]))).toContain('not UTF-8');
    expect(refused(enc('transaction_id,amount,reason\nEK1,1,"open\n'))).toContain('never closed');
    expect(refused(enc('transaction_id,amount,reason\nEK1,1,bad"quote\n'))).toContain('line 2');
    expect(refused(enc('EK1,200,Returned\n'))).toContain('must name the columns');
    expect(refused(enc(''))).toContain('empty');
    expect(refused(enc('transaction_id,amount,reason\n'))).toContain('no rows');
    expect(refused(new Uint8Array(1024 * 1024 + 1).fill(0x41))).toContain('at most 1 MiB');
    const many = 'transaction_id,amount,reason\n' + Array.from({ length: BULK_MAX_ROWS + 1 }, (_, i) => `EK${i},1,reason`).join('\n');
    expect(refused(enc(many))).toContain('5,001 rows');
    const exactly = 'transaction_id,amount,reason\n' + Array.from({ length: BULK_MAX_ROWS }, (_, i) => `EK${i},1,reason`).join('\n');
    expect(parseBulkFile(enc(exactly)).ok).toBe(true);
  });
});

describe.each(await testDatabaseKinds())('bulk refunds on $kind', ({ create }) => {
  let t: TestDb;
  const db = () => t.handle.db;
  let uploader: BatchActor;
  let finance2: BatchActor;
  let admin: Approver;
  let n = 0;
  const queued: number[] = [];

  const user = async (email: string, role: string) => {
    const [r] = await queryRows<{ id: string }>(db(), sql`INSERT INTO users (email, name, role, password_hash) VALUES (${email}, ${email.split('@')[0]}, ${role}, 'x') RETURNING id`);
    return Number(r.id);
  };
  const payment = async (p: { amount?: string; status?: string; family?: string; provider?: string; id?: string } = {}) => {
    const txnId = p.id ?? `EKBULK${++n}`;
    await queryRows(
      db(),
      sql`INSERT INTO transactions (provider, transaction_id, order_id, status, status_rank, status_family, txn_at, final_amount, amount, currency)
          VALUES (${p.provider ?? 'enkash'}, ${txnId}, ${'ord_' + txnId}, ${p.status ?? 'SUCCESS'}, 50, ${p.family ?? 'success'}, now(), ${p.amount ?? '1000.00'}, ${p.amount ?? '1000.00'}, 'INR')`,
    );
    return txnId;
  };
  const upload = (csv: string | Uint8Array, who = uploader) => createDraftBatch(db(), who, { name: 'C:\\Users\\asha\\refunds.csv', bytes: typeof csv === 'string' ? enc(csv) : csv });
  const approve = (id: number, who: Approver = admin, note: string | null = null, now?: Date) => approveBatch(db(), who, { batchId: id, note }, now, async (rid) => void queued.push(rid));

  beforeAll(async () => {
    t = await create();
    uploader = { id: await user('up@payops.test', 'finance'), role: 'finance', sourceIp: '203.0.113.9' };
    finance2 = { id: await user('fin2@payops.test', 'finance'), role: 'finance' };
    const a = await user('boss@payops.test', 'admin');
    admin = { id: a, label: `user:${a}`, role: 'admin', steppedUp: true };
  });
  afterAll(async () => t?.cleanup());

  it('gives every row a verdict before anything is created', async () => {
    const a = await payment({ amount: '500.00' });
    const b = await payment();
    const failed = await payment({ status: 'FAILED', family: 'failed' });
    const csv = [
      'transaction_id,amount,reason',
      `${a},300,Damaged on arrival`, // 2 ok
      `${a},250,Second part`, // 3 over: 300 + 250 > 500
      `${a},200,Second part`, // 4 ok (300 + 200 = 500)
      `${b},100,First`, // 5 ok
      `${b},100,Again`, // 6 duplicate of row 5
      `NOPE123,10,Who`, // 7 unknown
      `${failed},10,Failed one`, // 8 not refundable
      `${b},"1,000",Commas`, // 9 bad amount
      `${b},1.234,Three decimals`, // 10 bad amount
      `${b},5,`, // 11 missing reason
      `"=HYPERLINK(""http://x"")",5,=cmd|' /C calc'!A0`, // 12 bad id
      `${b},7,"=1+2 looks like a formula"`, // 13 ok, reason kept, neutralised when shown
      `4111111111111111,5,card as id`, // 14 bad id, card cut
    ].join('\r\n');
    const before = Number((await queryRows<{ n: string }>(db(), sql`SELECT count(*) AS n FROM refunds`))[0].n);
    const r = await upload(csv);
    if (!r.ok) throw new Error(r.message);
    const rows = batchRows(r.batch);
    expect(rows.map((x) => `${x.row}:${x.verdict}`)).toEqual([
      '2:ok', '3:over_refundable', '4:ok', '5:ok', '6:duplicate', '7:unknown_payment', '8:not_refundable', '9:bad_amount', '10:bad_amount', '11:missing_reason', '12:bad_id', '13:ok', '14:bad_id',
    ]);
    expect(rows[1].message).toContain('earlier rows of this file already ask for ₹300.00');
    expect(rows[6].message).toContain('successful');
    expect(JSON.stringify(rows)).not.toContain('4111111111111111');
    expect(r.batch).toMatchObject({ state: 'draft', validRows: 4, invalidRows: 9, total: '607.0000', fileName: 'refunds.csv' });
    expect(r.batch.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Number((await queryRows<{ n: string }>(db(), sql`SELECT count(*) AS n FROM refunds`))[0].n)).toBe(before);
    // The result file neutralises formula cells.
    const out = parseCsv(batchResultCsv(r.batch, new Map()).replace(/^\uFEFF/, ''));
    expect(out[0]).toEqual(['row', 'transaction_id', 'amount', 'verdict', 'message', 'refund_id', 'state', 'provider_refund_id', 'arn']);
    expect(out[11][1]).toBe(`'=HYPERLINK("http://x")`);
    const [audit] = await queryRows<{ action: string; source_ip: string; details: { fileSha256: string } }>(db(), sql`SELECT action, source_ip, details FROM audit_log WHERE target = ${`refund_batch:${r.batch.id}`}`);
    expect(audit).toMatchObject({ action: 'refunds.batch_uploaded', source_ip: '203.0.113.9', details: { fileSha256: r.batch.fileSha256 } });
  });

  it('confirms into one request per valid row; the uploader cannot approve; an approver approves each and queues its send', async () => {
    const a = await payment({ amount: '400.00' });
    const b = await payment();
    const r = await upload(`transaction_id,amount,reason\n${a},150,Late\n${a},100,Late again\n${b},50,Broken\nNOPE,1,x y z\n`);
    if (!r.ok) throw new Error(r.message);
    expect(await approve(r.batch.id)).toMatchObject({ ok: false, code: 'conflict' }); // a draft is not approved
    const confirmed = await confirmBatch(db(), uploader, r.batch.id);
    if (!confirmed.ok) throw new Error(confirmed.message);
    expect(confirmed.batch.state).toBe('requested');
    const requests = [...(await batchRefunds(db(), r.batch.id)).values()];
    expect(requests.map((x) => [x.source, x.state, x.amount, x.batchId])).toEqual([
      ['bulk', 'requested', '150.0000', r.batch.id],
      ['bulk', 'requested', '100.0000', r.batch.id],
      ['bulk', 'requested', '50.0000', r.batch.id],
    ]);
    expect(await confirmBatch(db(), uploader, r.batch.id)).toMatchObject({ ok: false, code: 'conflict' });
    // The uploader, even as an admin, may not approve; nor without a fresh code check.
    expect(await approve(r.batch.id, { ...admin, id: uploader.id })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await approve(r.batch.id, { ...admin, steppedUp: false })).toMatchObject({ ok: false, code: 'step_up_required' });
    expect(await approve(r.batch.id, { ...admin, role: 'finance' })).toMatchObject({ ok: false, code: 'forbidden' });
    // Meanwhile someone else's refund takes most of payment a: the second row no longer fits.
    const { requestRefund } = await import('./request');
    const { approveRefund } = await import('./decide');
    const other = await requestRefund(db(), { id: finance2.id, label: 'user:f2', role: 'finance' }, { paymentId: requests[0].transactionRowId, amount: '200', reason: 'Console refund', source: 'console' });
    expect(other.ok && (await approveRefund(db(), admin, { refundId: other.refund.id })).ok).toBe(true);
    const done = await approve(r.batch.id);
    if (!done.ok) throw new Error(done.message);
    expect(done.batch.state).toBe('approved');
    expect(done.summary).toEqual({ approved: 2, over_refund: 1 });
    const rows = batchRows(done.batch);
    expect(rows.map((x) => x.outcome ?? null)).toEqual(['approved', 'over_refund', 'approved', null]);
    expect(queued).toEqual(expect.arrayContaining([requests[0].id, requests[2].id]));
    expect(queued).not.toContain(requests[1].id);
    const actions = await queryRows<{ action: string }>(db(), sql`SELECT action FROM audit_log WHERE target = ${`refund_batch:${r.batch.id}`} ORDER BY seq`);
    expect(actions.map((x) => x.action)).toEqual([
      'refunds.batch_uploaded', 'refunds.batch_approve_refused', 'refunds.batch_confirmed', 'refunds.batch_approve_refused', 'refunds.batch_approve_refused', 'refunds.batch_approved', 'refunds.batch_approve_finished',
    ]);
    expect(await approve(r.batch.id, { ...admin, id: finance2.id })).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('does not confirm when verdicts changed since the upload, and shows the new ones', async () => {
    const a = await payment({ amount: '100.00' });
    const r = await upload(`transaction_id,amount,reason\n${a},80,Refund\n`);
    if (!r.ok) throw new Error(r.message);
    const { requestRefund } = await import('./request');
    const { approveRefund } = await import('./decide');
    const [{ id }] = await queryRows<{ id: string }>(db(), sql`SELECT id FROM transactions WHERE transaction_id = ${a}`);
    const other = await requestRefund(db(), { id: finance2.id, label: 'user:f2', role: 'finance' }, { paymentId: Number(id), amount: '50', reason: 'Console refund', source: 'console' });
    expect(other.ok && (await approveRefund(db(), admin, { refundId: other.refund.id })).ok).toBe(true);
    expect(await confirmBatch(db(), uploader, r.batch.id)).toMatchObject({ ok: false, code: 'conflict' });
    const [batch] = await queryRows<{ state: string; valid_rows: number; rows: { verdict: string }[] }>(db(), sql`SELECT state, valid_rows, rows FROM refund_batches WHERE id = ${r.batch.id}`);
    expect(batch).toMatchObject({ state: 'draft', valid_rows: 0, rows: [{ verdict: 'over_refundable' }] });
  });

  it('rejects a batch with its requests; a note is needed; the uploader may discard a draft', async () => {
    const a = await payment();
    const r = await upload(`transaction_id,amount,reason\n${a},10,One\n${a},20,Two\n`);
    if (!r.ok) throw new Error(r.message);
    expect((await confirmBatch(db(), uploader, r.batch.id)).ok).toBe(true);
    expect(await rejectBatch(db(), finance2, { batchId: r.batch.id, note: 'no' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await rejectBatch(db(), { id: admin.id, role: 'admin' }, { batchId: r.batch.id })).toMatchObject({ ok: false, code: 'invalid_input' });
    const rejected = await rejectBatch(db(), { id: admin.id, role: 'admin' }, { batchId: r.batch.id, note: 'Wrong file' });
    expect(rejected).toMatchObject({ ok: true, batch: { state: 'rejected' } });
    expect([...(await batchRefunds(db(), r.batch.id)).values()].map((x) => x.state)).toEqual(['rejected', 'rejected']);
    const draft = await upload(`transaction_id,amount,reason\n${a},10,One\n`);
    if (!draft.ok) throw new Error(draft.message);
    expect(await rejectBatch(db(), uploader, { batchId: draft.batch.id })).toMatchObject({ ok: true, batch: { state: 'rejected' } });
  });

  it('expires with its requests', async () => {
    const a = await payment();
    const r = await upload(`transaction_id,amount,reason\n${a},10,One\n`);
    if (!r.ok) throw new Error(r.message);
    expect((await confirmBatch(db(), uploader, r.batch.id)).ok).toBe(true);
    const { trackRefunds } = await import('./jobs');
    await trackRefunds(db(), new Date(Date.now() + 73 * 3_600_000));
    const [batch] = await queryRows<{ state: string }>(db(), sql`SELECT state FROM refund_batches WHERE id = ${r.batch.id}`);
    expect(batch.state).toBe('expired');
    expect(await expireBatches(db())).toBe(0);
  });
});

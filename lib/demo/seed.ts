import fs from 'node:fs';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import type { Db, DbHandle } from '@/db/client';
import { transactions, users, type Role } from '@/db/schema';
import { approveRefund } from '@/lib/refunds/decide';
import { requestRefund } from '@/lib/refunds/request';
import { generatePassword } from '@/lib/auth/password';
import { enrolForDemo, secondFactorRequired } from '@/lib/auth/second-factor';
import { formatTotpSecret } from '@/lib/auth/totp';
import { countUsers, insertUser } from '@/lib/auth/users';
import { normalizeEnkashNotify, sha256, type NormalizeResult } from '@/lib/payments/enkash-notify';
import { normalizeJuspayWebhook } from '@/lib/payments/juspay-webhook';
import { ingestClaim } from '@/lib/payments/ingest';
import { ENKASH_PAYMENT_MODES } from '@/lib/payments/status';
import { SIM_MDR_PERCENT } from '@/sandbox/settlements';
import type { PaymentRegistration } from '@/sandbox/state';
import { mdrRates } from '@/db/schema';
import { toIsoIst } from '@/lib/time';
import { BANKS, FIRST_NAMES, LAST_NAMES, SCHEMES } from './names';

export interface DemoAccount {
  email: string;
  role: Role;
  password: string;
  /** The TOTP key of a role that requires a second factor, already enrolled (base32, as apps take it). */
  totpSecret?: string;
}

const ROLES_TO_SEED: Role[] = ['admin', 'finance', 'support'];
const accountsFile = (dataDir: string) => path.join(path.resolve(dataDir), 'demo-accounts.json');

/**
 * The demo's payments as the provider simulator must know them, so a re-check confirms them: JSON
 * lines of registrations beside the database, which the simulator `npm start` runs reads at its
 * start and again whenever it is asked about a payment it does not know (sandbox/known.ts). A file
 * works whichever of the two processes starts first, and across restarts of either.
 */
export const DEMO_PROVIDER_PAYMENTS_FILE = 'demo-provider-payments.jsonl';
export const demoProviderPaymentsFile = (dataDir: string) => path.join(path.resolve(dataDir), DEMO_PROVIDER_PAYMENTS_FILE);

/**
 * Embedded demo mode only, and only on an empty database: one user per role and a few hundred
 * realistic payments, posted through the same ingest path as real notifications. The generated
 * passwords are kept (owner-only) beside the database so every start can print them.
 */
export async function seedDemo(handle: DbHandle, dataDir: string, payments = 300): Promise<DemoAccount[] | null> {
  if (handle.kind !== 'pglite') return null;
  if ((await countUsers(handle.db)) === 0) {
    const accounts: DemoAccount[] = [];
    for (const role of ROLES_TO_SEED) {
      const account: DemoAccount = { email: `${role}@payops.local`, role, password: generatePassword() };
      const user = await insertUser(handle.db, { ...account, name: `Demo ${role}` });
      // Roles that must use a second factor come enrolled, so the demo works at once: the key is
      // printed with the sign-ins (add it to an authenticator app, or `npm run demo:code`).
      if (secondFactorRequired(role)) account.totpSecret = formatTotpSecret(await enrolForDemo(handle.db, user.id));
      accounts.push(account);
    }
    fs.writeFileSync(accountsFile(dataDir), JSON.stringify(accounts, null, 2), { mode: 0o600 });
    for (const body of demoNotifications(payments)) await ingestDemo(handle, normalizeEnkashNotify(body));
    for (const body of settlementStoryNotifications(demoSettlementDay(dataDir))) await ingestDemo(handle, normalizeEnkashNotify(body));
    for (const body of refundStoryNotifications()) await ingestDemo(handle, normalizeEnkashNotify(body));
    await seedDemoContract(handle.db);
    await seedDemoRefunds(handle.db, accounts);
  }
  const known = demoProviderPaymentsFile(dataDir);
  // A new demo, or one seeded before the simulator learnt payments from this file: everything the
  // database holds is what the demo told PayOps, so it is what the simulated providers know.
  if (!fs.existsSync(known)) tellSimulator(known, await knownToProviders(handle.db));
  const fresh = freshPendingJuspay();
  if (await ingestDemo(handle, fresh)) tellSimulator(known, [registrationOf(fresh)]);
  try {
    return JSON.parse(fs.readFileSync(accountsFile(dataDir), 'utf8')) as DemoAccount[];
  } catch {
    return null; // users were created some other way
  }
}

/** Posts one normalised demo notification through the real ingest path; false when it did not normalise. */
async function ingestDemo(handle: DbHandle, normalized: NormalizeResult): Promise<boolean> {
  if (!normalized.ok) return false;
  const { claim } = normalized;
  const text = JSON.stringify(claim.payload);
  await ingestClaim(handle.db, claim, {
    provider: claim.provider, sourceIp: '127.0.0.1', userAgent: 'payops-demo-seed', auth: 'ok',
    bodySha256: sha256(text), bodyBytes: text.length, body: text, bodyTruncated: false, flags: [],
  });
  return true;
}

function tellSimulator(file: string, registrations: PaymentRegistration[]): void {
  try {
    const lines = registrations.map((r) => `${JSON.stringify(r)}\n`).join('');
    if (lines) fs.appendFileSync(file, lines, { mode: 0o600 });
  } catch (err) {
    // The demo still works; only its re-checks would say "the provider does not know this payment".
    console.warn(`[payops] could not write ${file} for the provider simulator: ${(err as Error).message}`);
  }
}

/** Every Enkash and Juspay payment in the database, as the simulator should know it (its status as held). */
async function knownToProviders(db: Db): Promise<PaymentRegistration[]> {
  const rows = await db
    .select({
      provider: transactions.provider,
      transactionId: transactions.transactionId,
      uniqueTransactionId: transactions.uniqueTransactionId,
      txnAt: transactions.txnAt,
      cardScheme: transactions.cardScheme,
      orderId: transactions.orderId,
      status: transactions.status,
      amount: transactions.amount,
      finalAmount: transactions.finalAmount,
      paymentMode: transactions.paymentMode,
      currency: transactions.currency,
      otpRefs: transactions.otpRefs,
    })
    .from(transactions)
    .where(inArray(transactions.provider, ['enkash', 'juspay']));
  return rows.map((r): PaymentRegistration => {
    const amount = r.finalAmount ?? r.amount;
    if (r.provider === 'juspay') {
      return {
        provider: 'juspay',
        id: r.transactionId,
        status: r.status,
        amount,
        orderId: r.orderId,
        txnUuid: r.uniqueTransactionId,
        customerId: r.otpRefs.customer_id ?? null,
        challengeId: r.otpRefs.challenge_id ?? null,
      };
    }
    // What Enkash's status API answers: the notification's main fields (the simulator sets status and id).
    // txnDate and the mode are what its settlement payouts are made from (sandbox/settlements.ts).
    const txnDate = toIsoIst(r.txnAt).slice(0, 19).replace('T', ' ');
    const payload = { transactionId: r.transactionId, uniqueTransactionId: r.uniqueTransactionId, orderId: r.orderId, amount: r.amount, finalAmount: r.finalAmount, paymentMode: r.paymentMode, cardScheme: r.cardScheme, currency: r.currency, txnDate };
    return { provider: 'enkash', id: r.transactionId, status: r.status, amount, payload };
  });
}

/** The simulator's view of the fresh pending Juspay payment: its order, attempt, uuid and OTP ids. */
function registrationOf(normalized: NormalizeResult): PaymentRegistration {
  if (!normalized.ok) throw new Error('not a claim');
  const c = normalized.claim;
  return {
    provider: 'juspay',
    id: c.transactionId,
    status: c.status,
    amount: c.finalAmount ?? c.amount,
    orderId: c.orderId,
    txnUuid: c.uniqueTransactionId,
    customerId: c.otpRefs.customer_id ?? null,
    challengeId: c.otpRefs.challenge_id ?? null,
  };
}

/**
 * A Juspay card payment waiting for its OTP, created at every demo start: OTP actions are only
 * offered within minutes of a payment, so older demo data could never show the console.
 */
function freshPendingJuspay(): NormalizeResult {
  const now = new Date();
  const n = now.getTime();
  const uuid = `demo${n.toString(36)}`;
  return normalizeJuspayWebhook({
    id: `evt_V2_demo${n}`,
    event_name: 'TXN_CREATED',
    date_created: now.toISOString(),
    content: {
      order: {
        id: `ordeh_demo${n}`,
        order_id: `DOTP${n}`,
        status: 'PENDING_VBV',
        amount: '1499.50',
        currency: 'INR',
        date_created: now.toISOString(),
        customer_id: 'cth_demo_customer',
        txn_id: `payopsdemo-DOTP${n}-1`,
        txn_uuid: uuid,
        payment_method_type: 'CARD',
        payment_method: 'VISA',
        card: { card_brand: 'VISA', card_type: 'CREDIT', card_issuer: 'Axis Bank', last_four_digits: '2986', name_on_card: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}` },
        payment: { authentication: { params: { id: uuid, challenge_id: `ch_demo${n}`, auth_type: 'OTP', resend_otp_allowed: true } } },
        txn_detail: { txn_id: `payopsdemo-DOTP${n}-1`, txn_uuid: uuid, status: 'PENDING_VBV', txn_amount: '1499.50', net_amount: '1499.50', currency: 'INR', created: now.toISOString() },
      },
    },
  });
}

/** The payout day of the demo's settlement story (scripts/start.mjs writes it once); else yesterday, IST. */
export function demoSettlementDay(dataDir: string, now = new Date()): string {
  try {
    const day = fs.readFileSync(path.join(path.resolve(dataDir), 'demo-settlement-day'), 'utf8').trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
  } catch {
    // not written: a demo started some other way
  }
  return new Date(now.getTime() + 330 * 60_000 - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Payments for the demo's refund story (README "Refunds"): `EKDEMOREFUND1`, ₹1,499.50, untouched,
 * for a new user to refund ₹200 of; two more with refunds in the lists — one asked for and waiting
 * for an admin, one approved, which the job sends to the simulator once the server runs.
 */
export const DEMO_REFUND_PAYMENT = 'EKDEMOREFUND1';
function* refundStoryNotifications(): Generator<Record<string, unknown>> {
  const story: [string, string, string][] = [
    [DEMO_REFUND_PAYMENT, '1499.50', 'CREDIT_CARD'],
    ['EKDEMOREFUND2', '2400.00', 'UPI'],
    ['EKDEMOREFUND3', '999.00', 'DEBIT_CARD'],
  ];
  for (const [i, [transactionId, amount, mode]] of story.entries()) {
    const card = mode.endsWith('CARD');
    const at = new Date(Date.now() - (i + 1) * 3 * 3_600_000);
    const [bankCode, bankName] = pick(BANKS);
    yield {
      surcharge: '0.0000', surchargeGst: '0.0000', amount, finalAmount: amount, paymentMode: mode,
      bankCode: card ? bankCode : null, bankName: card ? bankName : null, cardScheme: card ? 'VISA' : null, currency: 'INR', checksum: null,
      status: 'SUCCESS', transactionId, txnMsg: 'Transaction successful.',
      txnDate: new Date(at.getTime() + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '),
      uniqueTransactionId: `EKR${i}${Math.random().toString(36).slice(2, 9).toUpperCase()}`,
      maskedCardNumber: card ? 'XXXX XXXX XXXX 4242' : null, cardHolderName: card ? `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}` : null,
      paymentToken: null, bankTransactionId: String(300000000000 + i), mdr: null, mdrGst: null, transactionAmount: null,
      orderId: `ORD-R${i + 1}`, orderStatus: 'PAID', transactionStatus: null,
    };
  }
}

/** The demo's refunds, asked for by the demo finance user and (one) approved by the demo admin, through the real flow. */
async function seedDemoRefunds(db: Db, accounts: DemoAccount[]): Promise<void> {
  const ids = async (email: string) => (await db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]?.id;
  const paymentId = async (transactionId: string) => (await db.select({ id: transactions.id }).from(transactions).where(eq(transactions.transactionId, transactionId)))[0]?.id;
  const finance = await ids(accounts.find((a) => a.role === 'finance')!.email);
  const admin = await ids(accounts.find((a) => a.role === 'admin')!.email);
  const [waiting, approved] = [await paymentId('EKDEMOREFUND2'), await paymentId('EKDEMOREFUND3')];
  if (!finance || !admin || !waiting || !approved) return;
  const maker = { id: finance, label: `user:${finance}`, role: 'finance', sourceIp: '127.0.0.1' };
  await requestRefund(db, maker, { paymentId: waiting, amount: '400', reason: 'Customer returned one of two items (demo)', source: 'console' });
  const asked = await requestRefund(db, maker, { paymentId: approved, amount: null, reason: 'Order cancelled before dispatch (demo)', source: 'console' });
  // Sent by the refunds job once the server runs (the tracker queues approved refunds nobody is sending).
  if (asked.ok) await approveRefund(db, { id: admin, label: `user:${admin}`, role: 'admin', sourceIp: '127.0.0.1', steppedUp: true }, { refundId: asked.refund.id, note: 'Demo: approved at seed time' });
}

/** The contract the demo merchant signed: what the simulator charges (sandbox/settlements.ts), so only its faults stand out. */
async function seedDemoContract(db: Db): Promise<void> {
  await db.insert(mdrRates).values(
    Object.entries(SIM_MDR_PERCENT).map(([paymentMode, percent]) => ({ paymentMode, percent, effectiveFrom: '2020-01-01', createdBy: 'system:demo-seed' })),
  );
}

/**
 * Payments for the demo's settlement story: the payout of `payoutDay` settles UPI and net banking
 * of the day before (T+1) and cards of two days before (T+2); enough of each that the simulator's
 * faults on that payout (a short line, a payment left out, a fee above the contract) land among
 * siblings PayOps can compare them with.
 */
export function* settlementStoryNotifications(payoutDay: string): Generator<Record<string, unknown>> {
  const dayBefore = (n: number) => new Date(Date.parse(`${payoutDay}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
  const plan: [string, number, number][] = [
    ['UPI', 1, 5],
    ['NET_BANKING', 1, 2],
    ['CREDIT_CARD', 2, 4],
    ['DEBIT_CARD', 2, 2],
  ];
  let i = 0;
  for (const [mode, back, count] of plan) {
    for (let k = 0; k < count; k++, i++) {
      const card = mode.endsWith('CARD');
      const rupees = 400 + ((i * 733) % 4600);
      const amount = `${rupees}.${String((i * 37) % 100).padStart(2, '0')}`;
      const [bankCode, bankName] = pick(BANKS);
      yield {
        surcharge: '0.0000', surchargeGst: '0.0000', amount, finalAmount: amount, paymentMode: mode,
        bankCode: card || mode === 'NET_BANKING' ? bankCode : null, bankName: card || mode === 'NET_BANKING' ? bankName : null,
        cardScheme: card ? pick(SCHEMES) : null, currency: 'INR', checksum: null, status: 'SUCCESS',
        transactionId: `EKSETTLE${dayBefore(back).replaceAll('-', '')}${String(i).padStart(3, '0')}`,
        txnMsg: 'Transaction successful.', txnDate: `${dayBefore(back)} ${String(9 + k).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}:00`,
        uniqueTransactionId: `EKS${Math.random().toString(36).slice(2, 11).toUpperCase()}`,
        maskedCardNumber: card ? `XXXX XXXX XXXX ${String(1000 + i * 13).slice(-4)}` : null,
        cardHolderName: card ? `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}` : null,
        paymentToken: null, bankTransactionId: String(100000000000 + i), mdr: null, mdrGst: null, transactionAmount: null,
        orderId: `ORD-S${i}`, orderStatus: 'PAID', transactionStatus: null,
      };
    }
  }
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const MODES = [...ENKASH_PAYMENT_MODES];

/** Enkash-shaped notifications over the last 30 days, with the oddities real traffic has. */
export function* demoNotifications(count: number): Generator<Record<string, unknown>> {
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const at = new Date(now - Math.floor(Math.random() * 30 * 86_400_000));
    const ist = new Date(at.getTime() + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    const mode = pick(MODES);
    const card = mode.endsWith('CARD');
    const rupees = Math.floor(100 + Math.random() * (Math.random() < 0.1 ? 200_000 : 5_000));
    const paise = Math.floor(Math.random() * 100);
    const amount = `${rupees}.${String(paise).padStart(2, '0')}`;
    const surchargePaise = card ? Math.round(rupees * 2) : 0; // 2% of rupees, in paise
    const surcharge = `${Math.floor(surchargePaise / 100)}.${String(surchargePaise % 100).padStart(2, '0')}00`;
    const gstPaise = Math.round(surchargePaise * 0.18);
    const surchargeGst = `${Math.floor(gstPaise / 100)}.${String(gstPaise % 100).padStart(2, '0')}00`;
    const finalPaise = rupees * 100 + paise + surchargePaise + gstPaise + (i % 97 === 0 ? 100 : 0);
    const roll = Math.random();
    // The first is always a success the provider later contradicts: the demo's status conflict, a case for finance to resolve.
    const status = i === 0 || roll < 0.78 ? 'SUCCESS' : roll < 0.9 ? 'FAILED' : roll < 0.95 ? 'PENDING_WITH_BANK' : roll < 0.98 ? 'CANCELLED' : 'REFUNDED';
    const [bankCode, bankName] = pick(BANKS);
    const id = `EK${at.getTime()}${Math.random().toString(36).slice(2, 6)}`;
    const notification = {
      // Numbers as their exact text, the way parseJsonExact hands them over.
      surcharge,
      surchargeGst,
      amount,
      finalAmount: `${Math.floor(finalPaise / 100)}.${String(finalPaise % 100).padStart(2, '0')}`,
      paymentMode: mode,
      bankCode: card || mode === 'NET_BANKING' ? bankCode : null,
      bankName: card || mode === 'NET_BANKING' ? bankName : null,
      cardScheme: card ? pick(SCHEMES) : null,
      currency: 'INR',
      checksum: null,
      status,
      transactionId: id,
      txnMsg: status === 'SUCCESS' ? 'Transaction successful.' : status === 'FAILED' ? 'Transaction declined by bank.' : 'Transaction in progress.',
      txnDate: ist,
      uniqueTransactionId: `EK${Math.random().toString(36).slice(2, 11).toUpperCase()}`,
      maskedCardNumber: card ? `XXXX XXXX XXXX ${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}` : null,
      cardHolderName: card ? `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}` : null,
      paymentToken: Math.random().toString(16).slice(2),
      bankTransactionId: String(Math.floor(Math.random() * 1e12)).padStart(12, '0'),
      mdr: null,
      mdrGst: null,
      transactionAmount: null,
      orderId: `ORD-${100000 + i}`,
      orderStatus: status === 'SUCCESS' ? 'PAID' : 'ATTEMPTED',
      transactionStatus: null,
    };
    if (status !== 'PENDING_WITH_BANK') yield { ...notification, status: 'PENDING_WITH_BANK', txnMsg: 'Transaction in progress.' };
    yield notification;
    // Now and then the provider contradicts itself: kept and flagged for a person.
    if (i % 61 === 0 && status === 'SUCCESS') yield { ...notification, status: 'FAILED', txnMsg: 'Transaction declined by bank.' };
  }
}

import { DOCUMENTED_EXAMPLE } from '../test/enkash';
import type { SandboxState } from './state';
import { postEnkashNotify } from './webhooks';

/**
 * Steady Enkash notify traffic to PayOps, as a live provider would send it, so the alert rules
 * (lib/alerts/rules.ts) can be seen firing in the demo and in tests:
 * - `ok`: a new payment per notification, `failShare` of them FAILED (the success-rate rule);
 * - `stopped`: nothing (the provider gone quiet — the silence rule, once there is a week of history);
 * - `bad_secret`: the notify URL with a wrong `key` (401: a rotated secret);
 * - `bad_payload`: JSON without a transactionId (400: a changed payload).
 * Off until asked for. Only Enkash: its notify body is the one PayOps documents field by field.
 */
export const TRAFFIC_MODES = ['ok', 'stopped', 'bad_secret', 'bad_payload'] as const;
export type TrafficMode = (typeof TRAFFIC_MODES)[number];

export interface TrafficSettings {
  mode: TrafficMode;
  /** Notifications per minute while the mode sends (0: only bursts). */
  perMinute: number;
  /** PayOps' ENKASH_WEBHOOK_SECRET, sent as `?key=` (bad_secret sends another). */
  key?: string;
  /** PayOps' notify URL; the simulator's PayOps URL + /api/webhooks/enkash/notify by default. */
  url?: string;
  /** The share (0–1) of `ok` notifications that say FAILED. */
  failShare: number;
}

export interface TrafficStats {
  settings: Omit<TrafficSettings, 'key'>;
  sent: number;
  /** Answers by HTTP status; 0 for a request that got no answer. */
  byStatus: Record<string, number>;
}

const ONE_PAYLOAD = JSON.parse(DOCUMENTED_EXAMPLE) as Record<string, unknown>;

export class Traffic {
  private settings: TrafficSettings = { mode: 'stopped', perMinute: 0, failShare: 0 };
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private okSent = 0;
  private sent = 0;
  private byStatus: Record<string, number> = {};

  constructor(
    private readonly state: SandboxState,
    private readonly defaultUrl: () => string,
  ) {}

  set(patch: Partial<TrafficSettings>): TrafficStats {
    this.settings = { ...this.settings, ...patch };
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.settings.mode !== 'stopped' && this.settings.perMinute > 0) {
      this.timer = setInterval(() => void this.burst(1).catch(() => {}), Math.max(10, Math.round(60_000 / this.settings.perMinute)));
      this.timer.unref();
    }
    return this.stats();
  }

  stop(): void {
    this.set({ mode: 'stopped' });
  }

  stats(): TrafficStats {
    const { key: _key, ...settings } = this.settings;
    return { settings, sent: this.sent, byStatus: { ...this.byStatus } };
  }

  /** Sends `count` notifications in the current mode, one after another; their HTTP statuses. */
  async burst(count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count && this.settings.mode !== 'stopped'; i++) statuses.push(await this.sendOne());
    return statuses;
  }

  private async sendOne(): Promise<number> {
    const { mode, key, failShare } = this.settings;
    const n = ++this.seq;
    let payload: Record<string, unknown>;
    if (mode === 'bad_payload') {
      payload = { status: 'SUCCESS', amount: '500.00', note: 'transactionId missing: the provider changed its payload' };
    } else {
      // FAILED for `failShare` of ok notifications, evenly spread.
      const failed = Math.floor((this.okSent + 1) * failShare) > Math.floor(this.okSent * failShare);
      this.okSent += 1;
      payload = {
        ...ONE_PAYLOAD,
        transactionId: `EKSIM${Date.now()}${String(n).padStart(6, '0')}`,
        uniqueTransactionId: `EKU${n}`,
        status: failed ? 'FAILED' : 'SUCCESS',
        txnMsg: failed ? 'Transaction failed.' : 'Transaction successful.',
        txnDate: istNow(),
        paymentToken: null,
      };
    }
    let status = 0;
    try {
      const delivered = await postEnkashNotify(this.state, {
        url: this.settings.url ?? this.defaultUrl(),
        key: mode === 'bad_secret' ? `wrong-${key ?? 'key'}` : key,
        payload,
      });
      status = delivered.status;
    } catch {
      status = 0;
    }
    this.sent += 1;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    return status;
  }
}

/** `YYYY-MM-DD HH:mm:ss` in India time, as Enkash's txnDate. */
function istNow(): string {
  return new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

// One fuzzed delivery and what must hold of it, for both webhooks: no 5xx, exactly one new
// deliveries row, and none of the card numbers or secrets it carried in the rows it wrote or in
// what it logged. After a run, `finalCheck` looks again in every table and the whole log.
import fc from 'fast-check';
import { it } from 'vitest';
import type { Db } from '@/db/client';
import type { FuzzSettings } from './settings';
import { WEBHOOK_PROPERTIES, buildCase, caseArb, streamOf, type Built, type Case, type Shape } from './webhook-cases';
import { cardsIn, dumpEverything, excerpt, secretsIn, type TableWatch } from './leaks';
import type { Node } from './json';

export interface WebhookTarget {
  name: string;
  shape: Shape;
  /** Gives the tree fresh ids, or the previous case's for a repeat. */
  freshIds(tree: Node, repeat: boolean): void;
  /** The request, with credentials as the case says (right, wrong or none). */
  request(built: Built, body: BodyInit): Request;
  handle(req: Request): Promise<Response>;
  /** Configuration secrets (the webhook's own password) that must never be stored either. */
  configSecrets: string[];
}

export class WebhookFuzz {
  readonly cards = new Set<string>();
  readonly secrets = new Set<string>();
  readonly statuses = new Map<number, number>();
  requests = 0;
  private readonly started = Date.now();
  private stale = true;

  constructor(
    private readonly target: WebhookTarget,
    private readonly db: () => Db,
    private readonly watch: TableWatch,
    private readonly log: { lines: string[] },
  ) {
    for (const s of target.configSecrets) this.secrets.add(s);
  }

  /** Call before each test: rows written outside `deliver` since the last case are not this harness's. */
  resync(): void {
    this.stale = true;
  }

  /** One case: throws (with what went wrong, where) when a property does not hold. */
  async deliver(c: Case, protectSecrets: boolean): Promise<void> {
    const built = buildCase(this.target.shape, c, (tree, repeat) => this.target.freshIds(tree, repeat), protectSecrets);
    built.cards.forEach((d) => this.cards.add(d));
    built.secrets.forEach((s) => this.secrets.add(s));
    if (this.stale) await this.watch.mark();
    this.stale = false;
    const from = this.log.lines.length;

    const streamed = built.headers['content-length'] === undefined;
    const res = await this.target.handle(this.target.request(built, streamed ? streamOf(built.body, c.chunk) : built.body));
    const answer = await res.text();
    this.requests++;
    this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);

    const problems: string[] = [];
    if (res.status >= 500) problems.push(`answered ${res.status}: ${answer.slice(0, 300)}`);
    const changes = await this.watch.collect();
    const added = changes.added('deliveries');
    if (added !== 1) problems.push(`${added} new deliveries rows for one request (expected exactly 1)`);
    const stored = changes.text;
    const logged = this.log.lines.slice(from).join('\n');
    for (const d of cardsIn(stored, built.cards)) problems.push(`card number ${d} stored: ${excerpt(stored, d, true)}`);
    for (const d of cardsIn(logged, built.cards)) problems.push(`card number ${d} logged: ${excerpt(logged, d, true)}`);
    const secrets = [...built.secrets, ...this.target.configSecrets];
    for (const s of secretsIn(stored, secrets)) problems.push(`secret ${s} stored: ${excerpt(stored, s, false)}`);
    for (const s of secretsIn(logged, secrets)) problems.push(`secret ${s} logged: ${excerpt(logged, s, false)}`);
    if (problems.length) throw new Error(`${this.target.name}: ${problems.join('\n')}\n(status ${res.status}, ${built.body.byteLength} bytes sent)`);
  }

  /** Every table and the whole captured log, against everything sent in this file. */
  async finalCheck(): Promise<string[]> {
    const dump = await dumpEverything(this.db());
    const logged = this.log.lines.join('\n');
    const report = (what: string, found: string[], of: number, where: string, isCard: boolean) =>
      found.length ? [`${found.length} of ${of} ${what} sent are in ${where === 'db' ? 'the database' : 'the log'}, e.g. ${found[0]}: ${excerpt(where === 'db' ? dump : logged, found[0], isCard)}`] : [];
    return [
      ...report('card numbers', cardsIn(dump, this.cards), this.cards.size, 'db', true),
      ...report('card numbers', cardsIn(logged, this.cards), this.cards.size, 'log', true),
      ...report('secrets', secretsIn(dump, this.secrets), this.secrets.size, 'db', false),
      ...report('secrets', secretsIn(logged, this.secrets), this.secrets.size, 'log', false),
    ];
  }

  summary(): string {
    const statuses = [...this.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    return `[fuzz] ${this.target.name}: ${this.requests} requests in ${((Date.now() - this.started) / 1000).toFixed(1)} s (${statuses}); ${this.cards.size} card numbers and ${this.secrets.size} secrets sent`;
  }
}

/**
 * Registers one test per property of WEBHOOK_PROPERTIES (no 5xx, one deliveries row, nothing
 * stored or logged), for a webhook's shape; `fuzz` is read when the test runs (after beforeAll).
 */
export function itHoldsEveryWebhookProperty(settings: FuzzSettings, label: string, shape: Shape, fuzz: () => WebhookFuzz) {
  for (const [name, weight, profile] of WEBHOOK_PROPERTIES) {
    const runs = settings.share(weight);
    it(
      `no 5xx, one deliveries row, nothing stored or logged: ${name}`,
      async () => {
        await settings.assert(
          label,
          fc.asyncProperty(settings.limit(caseArb(shape, profile)), (c) => fuzz().deliver(c, profile.secrets === 'plain')),
          runs,
        );
      },
      settings.timeout(runs),
    );
  }
}

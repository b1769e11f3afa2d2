// "It never reaches the database or the log", checked the strict way for the fuzz tests: every
// column of every table, as text, and everything written to the console; a card number counts as
// found in any separator form, JSON-escaped or not, so a stored `4111\t1111\t1111\t1111` is found.
import { format } from 'node:util';
import { sql } from 'drizzle-orm';
import { vi } from 'vitest';
import { queryRows, type Db } from '@/db/client';

// Escapes as JSON and Postgres' record text write them (`\t`, `\u00a0`, `\\n`, `""`) stand for
// one separator; a digit written as an escape is not looked for (the fuzz never sends one).
const ESCAPE = /\\+(?:u[0-9a-fA-F]{4}|[tnrbf"/\\])?/g;
// A digit run with separators: up to twelve characters that are neither letters nor digits
// between two digits. Letters end a run, so `XXXX1111` (a scrubbed number) never joins another.
const RUN = /[0-9](?:[^\p{L}\p{N}]{0,12}[0-9])*/gu;

/** Every digit run with separators in `text`, escapes read as separators, with where it starts. */
function* runs(text: string): Generator<{ index: number; digits: string }> {
  // Escapes become spaces of the same length, so indexes still point into `text`.
  for (const m of text.replace(ESCAPE, (e) => ' '.repeat(e.length)).matchAll(RUN)) {
    if (m[0].length >= 13) yield { index: m.index, digits: m[0].replace(/[^0-9]/g, '') };
  }
}

/** The card numbers (digits only) of `cards` that `text` holds, in any separator form. */
export function cardsIn(text: string, cards: Iterable<string>): string[] {
  const wanted = new Set(cards);
  if (wanted.size === 0) return [];
  const lengths = [...new Set([...wanted].map((c) => c.length))];
  const found = new Set<string>();
  for (const { digits } of runs(text)) {
    for (const len of lengths) {
      for (let i = 0; i + len <= digits.length; i++) {
        const candidate = digits.slice(i, i + len);
        if (wanted.has(candidate)) found.add(candidate);
      }
    }
  }
  return [...found];
}

/** Where in `text` a card number or a secret is: the line it is on, cut around it, for a failure message. */
export function excerpt(text: string, needle: string, isCard: boolean): string {
  let index = -1;
  if (isCard) {
    for (const run of runs(text)) {
      if (run.digits.includes(needle)) {
        index = run.index;
        break;
      }
    }
  } else index = text.indexOf(needle);
  if (index < 0) return '(not found)';
  const lineStart = text.lastIndexOf('\n', index) + 1;
  const table = text.slice(lineStart, lineStart + 60).split(' ')[0];
  return `${table} …${JSON.stringify(text.slice(Math.max(lineStart, index - 80), index + needle.length + 80))}…`;
}

/** The secrets of `secrets` that `text` holds verbatim. */
export function secretsIn(text: string, secrets: Iterable<string>): string[] {
  return [...new Set(secrets)].filter((s) => text.includes(s));
}

// ---------------------------------------------------------------------------------------------
// The database, as text.

interface Table {
  name: string;
  hasId: boolean;
  hasUpdatedAt: boolean;
}

/** Every base table outside the system schemas, schema-qualified and quoted. */
export async function allTables(db: Db): Promise<Table[]> {
  const rows = await queryRows<{ schema: string; name: string; columns: string[] }>(
    db,
    sql`SELECT t.table_schema AS schema, t.table_name AS name,
               array(SELECT c.column_name::text FROM information_schema.columns c
                     WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name) AS columns
        FROM information_schema.tables t
        WHERE t.table_type = 'BASE TABLE' AND t.table_schema NOT IN ('pg_catalog', 'information_schema')
        ORDER BY 1, 2`,
  );
  return rows.map((r) => ({
    name: `"${r.schema}"."${r.name}"`,
    hasId: r.columns.includes('id'),
    hasUpdatedAt: r.columns.includes('updated_at'),
  }));
}

/** All columns of all rows of all tables, one row a line. */
export async function dumpEverything(db: Db): Promise<string> {
  const out: string[] = [];
  for (const table of await allTables(db)) {
    const rows = await queryRows<{ r: string }>(db, sql`SELECT x::text AS r FROM ${sql.raw(table.name)} x`);
    out.push(...rows.map((row) => `${table.name} ${row.r}`));
  }
  return out.join('\n');
}

/** Where every table stood: rows written after it are the ones a request added or changed. */
interface Mark {
  at: string;
  ids: Map<string, number>;
}

/** What changed since the last mark: the rows as text, one a line, and how many each table gained. */
export interface Changes {
  text: string;
  added(table: string): number;
}

/**
 * Watches every table for what one request writes, at one statement per request: `collect`
 * returns the rows added (id past the mark) or updated (updated_at past it) and moves the mark
 * past them. A table with neither column is returned whole (the small ones: budgets, rate
 * windows, throttles). `mark` starts afresh, after writes that are not to be counted.
 */
export class TableWatch {
  private tables: Table[] = [];
  private current: Mark | null = null;
  constructor(private readonly db: () => Db) {}

  async init(): Promise<void> {
    this.tables = await allTables(this.db());
    await this.mark();
  }

  async mark(): Promise<void> {
    const withId = this.tables.filter((x) => x.hasId);
    const maxes = withId.map((t) => `(SELECT coalesce(max(id), 0) FROM ${t.name})::text`);
    const [row] = await queryRows<{ now: string; ids: string[] }>(
      this.db(),
      sql.raw(`SELECT clock_timestamp()::text AS now, ARRAY[${maxes.join(', ') || "''"}]::text[] AS ids`),
    );
    this.current = { at: row.now, ids: new Map(withId.map((t, i) => [t.name, Number(row.ids[i])])) };
  }

  async collect(): Promise<Changes> {
    const mark = this.current;
    if (!mark) throw new Error('TableWatch: mark() first');
    const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
    const parts = this.tables.map((t) => {
      const conditions: string[] = [];
      if (t.hasId) conditions.push(`id > ${mark.ids.get(t.name) ?? 0}`);
      if (t.hasUpdatedAt) conditions.push(`updated_at >= ${literal(mark.at)}::timestamptz`);
      const where = conditions.length ? ` WHERE ${conditions.join(' OR ')}` : '';
      return `SELECT ${literal(t.name)} AS t, ${t.hasId ? 'id::text' : 'NULL::text'} AS id, x::text AS r FROM ${t.name} x${where}`;
    });
    // The clock last: the next mark, taken in the same statement.
    parts.push(`SELECT NULL, NULL, clock_timestamp()::text`);
    const rows = await queryRows<{ t: string | null; id: string | null; r: string }>(this.db(), sql.raw(parts.join('\nUNION ALL\n')));
    const added = new Map<string, number>();
    const lines: string[] = [];
    let at = mark.at;
    for (const row of rows) {
      if (row.t === null) {
        at = row.r;
        continue;
      }
      lines.push(`${row.t} ${row.r}`);
      if (row.id !== null && Number(row.id) > (mark.ids.get(row.t) ?? 0)) {
        added.set(row.t, (added.get(row.t) ?? 0) + 1);
        this.current!.ids.set(row.t, Math.max(this.current!.ids.get(row.t) ?? 0, Number(row.id)));
      }
    }
    this.current = { at, ids: this.current!.ids };
    const name = (table: string) => this.tables.find((t) => t.name === table || t.name.endsWith(`."${table}"`))?.name ?? table;
    return { text: lines.join('\n'), added: (table) => added.get(name(table)) ?? 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// The log.

/** Captures everything written through console.* from now on (and keeps it off the terminal). */
export function captureConsole(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((level) =>
    // util.format, as the console itself does: an Error comes with its stack and its cause.
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(format(...args))),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

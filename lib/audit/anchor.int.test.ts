import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifySignature } from '@/lib/alerts/signature';
import { RetryableJobError } from '@/lib/jobs/errors';
import { anchorSecret } from './chain';
import { anchorCheckpoint, writeAuditCheckpoint } from './checkpoint';
import { auditKey } from './key';
import { recordAudit } from './record';

describe.each(await testDatabaseKinds())('audit anchor on $kind', ({ create }) => {
  let t: TestDb;
  let db: Db;
  let server: http.Server;
  let url: string;
  let answer = 200;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    t = await create();
    db = t.handle.db;
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answer;
        res.end('ignored');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anchor`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await t?.cleanup();
  });

  it('posts the checkpoint signed with the anchor secret; a receiver checks it without the audit key', async () => {
    await recordAudit(db, { actor: 'cli', action: 'users.create', target: 'a@payops.test', outcome: 'ok' });
    const cp = (await writeAuditCheckpoint(db))!;
    expect(await anchorCheckpoint(db, cp.id, { url, timeoutMs: 2000 })).toEqual({ status: 'delivered', httpStatus: 200 });
    const [got] = received;
    expect(got.headers[DELIVERY_HEADER.toLowerCase()]).toBe(`audit-checkpoint-${cp.id}`);
    expect(verifySignature(got.headers[SIGNATURE_HEADER.toLowerCase()] as string, got.body, anchorSecret(auditKey()))).toBe(true);
    expect(verifySignature(got.headers[SIGNATURE_HEADER.toLowerCase()] as string, got.body, auditKey())).toBe(false);
    expect(JSON.parse(got.body)).toEqual({
      checkpoint: { id: cp.id, at: cp.at.toISOString(), headId: cp.headId, headSeq: 1, headMac: cp.headMac, auditRowId: cp.auditRowId, signature: cp.signature },
    });
  });

  it('a receiver that is down is tried again (RetryableJobError); one that refuses is not; none configured posts nothing', async () => {
    await recordAudit(db, { actor: 'cli', action: 'users.create', target: 'b@payops.test', outcome: 'ok' });
    const cp = (await writeAuditCheckpoint(db))!;
    answer = 503;
    await expect(anchorCheckpoint(db, cp.id, { url, timeoutMs: 2000 })).rejects.toBeInstanceOf(RetryableJobError);
    answer = 404;
    const refused = await anchorCheckpoint(db, cp.id, { url, timeoutMs: 2000 }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(refused).not.toBeInstanceOf(RetryableJobError);
    expect((refused as Error).message).toMatch(/HTTP 404: the receiver refused/);
    const posts = received.length;
    expect(await anchorCheckpoint(db, cp.id, { url: undefined, timeoutMs: 2000 })).toEqual({ status: 'not_configured' });
    expect(received.length).toBe(posts);
  });
});

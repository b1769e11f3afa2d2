import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './events';
import { channelPermission, LiveHub, matchesAny, matchesChannel, parseChannels, type LiveMessage } from './hub';
import { resumeFrom } from './sse';
import { parseSseBlock } from './testing';

const payment = (id: number, kind = 'created'): LiveEvent => ({ id, topic: 'payment', kind, paymentId: 7, deliveryId: null });
const delivery = (id: number, paymentId: number | null): LiveEvent => ({ id, topic: 'delivery', kind: 'accepted', paymentId, deliveryId: 40 });

describe('live channels', () => {
  it('parses the topics a page asks for, refusing anything else', () => {
    expect(parseChannels('payments')).toEqual(['payments']);
    expect(parseChannels(' payments , payment:12,payment:12 ')).toEqual(['payments', 'payment:12']);
    expect(parseChannels('deliveries')).toEqual(['deliveries']);
    for (const bad of [null, '', ',', 'payment:', 'payment:0', 'payment:012', 'payment:1e3', 'payment:-1', 'audit', 'payment:12345678901234567', 'a,b,c,d,e,f,g,h,i']) {
      expect(parseChannels(bad), String(bad)).toBeNull();
    }
  });

  it('needs the permission of the page that shows it', () => {
    expect(channelPermission('payments')).toBe('payments.read');
    expect(channelPermission('payment:3')).toBe('payments.read');
    expect(channelPermission('deliveries')).toBe('deliveries.read');
  });

  it('matches events to channels', () => {
    expect(matchesChannel('payments', payment(1))).toBe(true);
    expect(matchesChannel('payments', delivery(2, 7))).toBe(false);
    expect(matchesChannel('deliveries', delivery(2, null))).toBe(true);
    expect(matchesChannel('payment:7', payment(1))).toBe(true);
    expect(matchesChannel('payment:7', delivery(2, 7))).toBe(true);
    expect(matchesChannel('payment:8', delivery(2, 7))).toBe(false);
    expect(matchesChannel('payment:7', delivery(2, null))).toBe(false);
    expect(matchesAny(['deliveries', 'payment:7'], payment(1))).toBe(true);
  });
});

describe('the hub', () => {
  it('fans out to every subscriber, keeps going past one that throws, and forgets the unsubscribed', () => {
    const hub = new LiveHub();
    const a: LiveMessage[] = [];
    const b: LiveMessage[] = [];
    hub.subscribe(() => {
      throw new Error('broken stream');
    });
    const stopA = hub.subscribe((m) => a.push(m));
    hub.subscribe((m) => b.push(m));
    hub.publish({ type: 'resync' });
    stopA();
    hub.publish({ type: 'event', event: payment(1) });
    expect(a).toEqual([{ type: 'resync' }]);
    expect(b).toHaveLength(2);
    expect(hub.size).toBe(2);
  });
});

describe('resuming a stream', () => {
  const req = (url: string, lastEventId?: string) => new Request(url, { headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId } });
  it('takes Last-Event-ID before ?after=, and ignores anything that is not an id', () => {
    expect(resumeFrom(req('http://x/api/live?after=5', '9'))).toBe(9);
    expect(resumeFrom(req('http://x/api/live?after=5'))).toBe(5);
    expect(resumeFrom(req('http://x/api/live'))).toBeNull();
    expect(resumeFrom(req('http://x/api/live?after=-1'))).toBeNull();
    expect(resumeFrom(req('http://x/api/live', '1e9'))).toBeNull();
    expect(resumeFrom(req('http://x/api/live', '9999999999999999'))).toBeNull();
  });

  it('reads SSE blocks as a browser does', () => {
    expect(parseSseBlock('id: 4\ndata: {"a":1}')).toEqual({ message: { id: '4', data: '{"a":1}' }, retry: undefined, comment: false });
    expect(parseSseBlock('event: resync\ndata: {}').message).toEqual({ event: 'resync', data: '{}' });
    expect(parseSseBlock('retry: 2000\n: hello')).toEqual({ message: undefined, retry: 2000, comment: true });
  });
});

import { describe, expect, it } from 'vitest';
import { alertUrl, buildAlertMessage, formatDuration, slackEscape } from './message';

const opened = {
  id: 42,
  rule: 'deliveries_refused',
  key: 'enkash',
  severity: 'critical' as const,
  title: 'Enkash: webhook deliveries refused',
  openedSummary: '12 of 40 deliveries refused in the last 5 min (30%): 12 × 401 wrong secret.',
  summary: '0 of 35 deliveries refused in the last 5 min (0%).',
  openedNumbers: { windowMinutes: 5, total: 40, refused: 12, unauthorized: 12, invalid: 0, share: 0.3 },
  numbers: { windowMinutes: 5, total: 35, refused: 0, unauthorized: 0, invalid: 0, share: 0 },
  openedAt: new Date('2026-11-29T01:41:00Z'),
  resolvedAt: null as Date | null,
};

describe('alert messages', () => {
  it('says what opened, with the numbers that tripped it, in India time, linking to /alerts', () => {
    const m = buildAlertMessage(opened, 'opened', { publicUrl: 'https://payops.example.com' });
    expect(m.text).toBe(
      '🔴 CRITICAL · *Enkash: webhook deliveries refused*. 12 of 40 deliveries refused in the last 5 min (30%): 12 × 401 wrong secret. ' +
        'Opened 29 Nov 2026, 07:11:00 IST. <https://payops.example.com/alerts#alert-42|Open in PayOps>',
    );
    expect(m.alert).toEqual({
      id: 42,
      rule: 'deliveries_refused',
      key: 'enkash',
      severity: 'critical',
      transition: 'opened',
      status: 'open',
      title: 'Enkash: webhook deliveries refused',
      summary: opened.openedSummary,
      openedAt: '2026-11-29T07:11:00+05:30',
      resolvedAt: null,
      durationMinutes: null,
      numbers: opened.openedNumbers,
      openedNumbers: opened.openedNumbers,
      url: 'https://payops.example.com/alerts#alert-42',
    });
  });

  it('says what resolved, after how long, with the numbers at resolution', () => {
    const resolved = { ...opened, severity: 'warning' as const, resolvedAt: new Date('2026-11-29T02:04:30Z') };
    const m = buildAlertMessage(resolved, 'resolved');
    expect(m.text).toBe(
      '✅ RESOLVED · WARNING · *Enkash: webhook deliveries refused* after 24 min. 0 of 35 deliveries refused in the last 5 min (0%). ' +
        'Opened 29 Nov 2026, 07:11:00 IST, resolved 29 Nov 2026, 07:34:30 IST.',
    );
    expect(m.alert).toMatchObject({ status: 'resolved', transition: 'resolved', resolvedAt: '2026-11-29T07:34:30+05:30', durationMinutes: 24, numbers: opened.numbers, url: '/alerts#alert-42' });
    expect(() => buildAlertMessage(opened, 'resolved')).toThrow(/no resolution/);
  });

  it('escapes what Slack reads as markup', () => {
    expect(slackEscape('<!channel> & <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt;');
    const m = buildAlertMessage({ ...opened, title: 'Background jobs failing: <!here>' }, 'opened');
    expect(m.text).toContain('*Background jobs failing: &lt;!here&gt;*');
    expect(m.alert.title).toBe('Background jobs failing: <!here>');
  });

  it('formats durations for people', () => {
    expect([1, 59_000, 60_000, 89_000, 91_000, 83 * 60_000, 120 * 60_000, 26 * 3_600_000, 48 * 3_600_000].map(formatDuration)).toEqual([
      '1 min', '1 min', '1 min', '1 min', '2 min', '1 h 23 min', '2 h', '1 d 2 h', '2 d',
    ]);
  });

  it('links under the public address, with or without its trailing slash or a path', () => {
    expect(alertUrl(3, 'https://ops.example.com/')).toBe('https://ops.example.com/alerts#alert-3');
    expect(alertUrl(3, 'https://ops.example.com/payops')).toBe('https://ops.example.com/payops/alerts#alert-3');
    expect(alertUrl(3)).toBe('/alerts#alert-3');
  });
});

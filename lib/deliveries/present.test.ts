import { describe, expect, it } from 'vitest';
import { formatBytes, prettyJsonText } from './present';

describe('prettyJsonText', () => {
  it('indents JSON and keeps every number as its source text', () => {
    expect(prettyJsonText('{"amount":"500.00","surcharge":0.0000,"list":[1,{}],"empty":[]}')).toBe(
      ['{', '  "amount": "500.00",', '  "surcharge": 0.0000,', '  "list": [', '    1,', '    {}', '  ],', '  "empty": []', '}'].join('\n'),
    );
  });

  it('leaves punctuation inside strings alone, escaped quotes included', () => {
    expect(prettyJsonText('{"a":"x, {y}: \\"z\\" [w]"}')).toBe('{\n  "a": "x, {y}: \\"z\\" [w]"\n}');
  });

  it('returns anything that is not JSON unchanged', () => {
    expect(prettyJsonText('not json')).toBe('not json');
    expect(prettyJsonText('{"cut": "off')).toBe('{"cut": "off');
  });
});

describe('formatBytes', () => {
  it('reads sizes for people', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(71_680)).toBe('70.0 KB');
  });
});

import { describe, expect, it } from 'vitest';
import { limitRetryAfter } from './limits.rules.js';

const now = new Date('2026-12-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('limitRetryAfter', () => {
  it.each([
    ['below every limit', [{ used: { count: 4, oldest: ago(100) }, limit: 5 }], 3600, null],
    ['at the limit: until the oldest leaves the window', [{ used: { count: 5, oldest: ago(100) }, limit: 5 }], 3600, 3500],
    ['over the limit', [{ used: { count: 9, oldest: ago(3599.5) }, limit: 5 }], 3600, 1],
    ['never less than one second', [{ used: { count: 5, oldest: ago(4000) }, limit: 5 }], 3600, 1],
    ['the first subject at its limit decides', [{ used: { count: 1, oldest: ago(10) }, limit: 5 }, { used: { count: 2, oldest: ago(60) }, limit: 2 }], 86400, 86340],
    ['no events and a limit of zero waits a whole window', [{ used: { count: 0, oldest: null }, limit: 0 }], 60, 60],
  ] as const)('%s', (_label, subjects, window, expected) => {
    expect(limitRetryAfter(subjects, window, now)).toBe(expected);
  });
});

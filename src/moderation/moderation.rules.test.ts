import { describe, expect, it } from 'vitest';
import { DECISION_REASONS, evidenceDeleteAfter, isReasonFor, noteRequired, reasonText, secondsLeft } from './moderation.rules.js';
import { LANGUAGES } from '../platform/config.js';

describe('decision reasons', () => {
  it.each([
    ['approve', 'same_person', true],
    ['approve', 'different_person', false],
    ['reject', 'presentation_attack', true],
    ['reject', 'same_person', false],
    ['reject', 'toString', false],
    ['reject', '__proto__', false],
  ] as const)('%s with %s is allowed: %s', (decision, reason, ok) => {
    expect(isReasonFor(decision, reason)).toBe(ok);
  });

  it('has a kk, ru and en text for every reason, short enough for one SMS parameter', () => {
    for (const decision of ['approve', 'reject'] as const) {
      for (const reason of Object.keys(DECISION_REASONS[decision])) {
        for (const language of LANGUAGES) {
          const text = reasonText(decision, reason, language);
          expect(text.length, `${decision}/${reason}/${language}`).toBeGreaterThan(2);
          expect(text.length).toBeLessThanOrEqual(120);
        }
      }
    }
  });

  it('asks for a note only with "other"', () => {
    expect(noteRequired('other')).toBe(true);
    expect(noteRequired('different_person')).toBe(false);
  });
});

describe('review deadline and retention', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  it.each([
    [new Date('2026-11-26T12:00:00Z'), 86_400],
    [new Date('2026-11-25T12:00:00.900Z'), 0],
    [new Date('2026-11-25T11:00:00Z'), -3600],
  ])('due %s leaves %i s', (due, left) => {
    expect(secondsLeft(due, now)).toBe(left);
  });
  it('deletes evidence the retention period after the decision', () => {
    expect(evidenceDeleteAfter(now, 30)).toEqual(new Date('2026-12-25T12:00:00Z'));
  });
});

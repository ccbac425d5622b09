import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from './network.rules.js';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['example.org', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackAddress(host)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { maskIin, maskIp, maskPhone } from './masking.js';

describe('masking', () => {
  it('keeps the head and tail of a phone and an IIN', () => {
    expect(maskPhone('+77011234567')).toBe('+7701***4567');
    expect(maskIin('880312311013')).toBe('8803******13');
    expect(maskPhone('+7701')).toBe('***');
  });

  it.each([
    ['203.0.113.42', '203.0.113.*'],
    ['::ffff:10.1.2.3', '10.1.2.*'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3:*'],
    ['::1', '*'],
    ['not an address', null],
    [null, null],
  ])('masks %s as %s', (ip, masked) => {
    expect(maskIp(ip)).toBe(masked);
  });
});

import { describe, expect, it } from 'vitest';
import { findControlCharacter } from './text-input.js';

describe('findControlCharacter', () => {
  it.each([
    ['a NUL in a field', { login: 'a\u0000b' }, 'login'],
    ['a bell in a nested field', { checklist: { note: 'x\u0007' } }, 'checklist.note'],
    ['an escape in an array item', { items: ['ok', '\u001b[31m'] }, 'items[1]'],
    ['DEL', { note: 'x\u007f' }, 'note'],
    ['a C1 control', { note: 'x\u0085' }, 'note'],
    ['a NUL in a key', { 'a\u0000': 'x' }, 'body'],
    ['a bare NUL string', 'abc\u0000', ''],
  ])('finds %s', (_name, value, path) => {
    expect(findControlCharacter(value)).toBe(path);
  });

  it.each([
    ['plain text', { note: 'Асқар Серікбаев, ЖСН тексерілді' }],
    ['tab, line feed and carriage return in a note', { note: 'line 1\r\n\tline 2' }],
    ['numbers, booleans and null', { n: 1, b: true, z: null }],
    ['emoji and non-BMP text', { note: '👍 𝔘' }],
    ['a buffer', Buffer.from([0, 1, 2])],
    ['nothing', undefined],
  ])('accepts %s', (_name, value) => {
    expect(findControlCharacter(value)).toBeNull();
  });
});

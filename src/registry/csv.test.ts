import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it.each([
    ['plain fields', 'a,b,c\n1,2,3\n', [[1, ['a', 'b', 'c']], [2, ['1', '2', '3']]]],
    ['CRLF line ends', 'a,b\r\n1,2\r\n', [[1, ['a', 'b']], [2, ['1', '2']]]],
    ['a missing final line end', 'a,b\n1,2', [[1, ['a', 'b']], [2, ['1', '2']]]],
    ['a UTF-8 byte order mark', '\uFEFFiin,phone\n1,2\n', [[1, ['iin', 'phone']], [2, ['1', '2']]]],
    ['quoted fields with commas', 'a,"b,c"\n', [[1, ['a', 'b,c']]]],
    ['doubled quotes inside quotes', '"say ""hi""",x\n', [[1, ['say "hi"', 'x']]]],
    ['a line break inside quotes, keeping the next record\'s line number', 'a,"x\ny"\nb,c\n', [[1, ['a', 'x\ny']], [3, ['b', 'c']]]],
    ['CRLF inside quotes', '"x\r\ny",z\r\nb,c\r\n', [[1, ['x\r\ny', 'z']], [3, ['b', 'c']]]],
    ['empty fields', ',,\n', [[1, ['', '', '']]]],
    ['a quoted empty field on its own line', '""\n', [[1, ['']]]],
    ['blank lines, skipped but counted', 'a\n\n\nb\n', [[1, ['a']], [4, ['b']]]],
    ['Cyrillic and Kazakh letters', 'Серікбаев,Әлия,Нұрланұлы\n', [[1, ['Серікбаев', 'Әлия', 'Нұрланұлы']]]],
    ['an empty file', '', []],
  ])('reads %s', (_name, text, expected) => {
    expect(parseCsv(text).map((r) => [r.line, r.fields])).toEqual(expected);
  });

  it.each([
    ['an unclosed quote, at the line it opens', 'a,b\n1,"2\n3\n', 2],
    ['text after a closing quote', 'a\n"x"y,1\n', 2],
    ['a bare quote inside an unquoted field', 'a\nab"c,1\n', 2],
  ])('refuses %s', (_name, text, line) => {
    expect(() => parseCsv(text)).toThrow(CsvSyntaxError);
    try {
      parseCsv(text);
    } catch (err) {
      expect((err as CsvSyntaxError).line).toBe(line);
    }
  });
});

// RFC 4180 CSV reader: quoted fields (with "" escapes and line breaks inside), CRLF or LF, a UTF-8
// BOM. Each record carries the line number it starts on, so problems can be reported per line.

export interface CsvRecord {
  /** 1-based line number of the record's first character in the file. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // A field that was quoted may be empty yet still makes the record non-blank.
  let sawQuote = false;

  const endRecord = () => {
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === '' && !sawQuote;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    sawQuote = false;
  };

  while (i < input.length) {
    const ch = input[i];
    if (ch === '"' && field === '') {
      sawQuote = true;
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= input.length) throw new CsvSyntaxError(quoteLine, 'a quoted field is not closed');
        const c = input[i];
        if (c === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      const next = input[i];
      if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') {
        throw new CsvSyntaxError(line, 'unexpected text after a closing quote');
      }
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (ch === '"') throw new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
    field += ch;
    i++;
  }
  if (field !== '' || fields.length > 0 || sawQuote) endRecord();
  return records;
}

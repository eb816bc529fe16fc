// CSV as symscore reads it (docs/uploads.md 1): RFC 4180 — comma, optional double quotes
// (a quote inside written twice), first line the attribute names, \n or \r\n — and the
// column types inferred by the rules of `symscore learn` (docs/cli.md): B when every value
// is 0 or 1, C when every value is a number, T otherwise.

/** A CSV that cannot be read: line (the file's physical line, the header being 1) and column. */
export class CSVError extends Error {
  constructor(line, column, msg) {
    super(`line ${line}${column ? `, column "${column}"` : ''}: ${msg}`);
    this.line = line;
    this.column = column;
  }
}

/**
 * Parses text into records: [{cells, line}], line the physical line the record starts on
 * (1-based). A blank line is skipped. A quote left open at the end is an error unless
 * partial, when the text is a prefix of the file (a sample) and the last record, cut, is
 * dropped instead.
 */
export function parseCSV(text, partial = false) {
  const records = [];
  let cells = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '' && !wasQuoted)) records.push({ cells, line: start });
    cells = [];
    cell = '';
    wasQuoted = false;
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      wasQuoted = true;
      i++;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      wasQuoted = false;
      i++;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      endRecord();
      i += c === '\r' ? 2 : 1;
      line++;
      start = line;
    } else if (c === '"') {
      throw new CSVError(line, '', 'a double quote inside an unquoted field (quote the field and write the quote twice)');
    } else {
      if (wasQuoted) throw new CSVError(line, '', 'text after the closing quote of a field');
      cell += c;
      i++;
    }
  }
  if (quoted) {
    if (!partial) throw new CSVError(start, '', 'a quoted field is not closed at the end of the file');
    return records;
  }
  if (partial) return records; // the last line may be cut: leave it out
  if (cell !== '' || cells.length > 0 || wasQuoted) endRecord();
  return records;
}

const numberRE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a C cell holds, or undefined: trimmed of spaces and control characters,
 * a decimal or scientific number that is finite.
 */
export function cellNumber(text) {
  const t = text.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
  if (!numberRE.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** Whether a cell is empty once trimmed. */
export function isEmpty(text) {
  return /^[\x00-\x20]*$/.test(text);
}

/**
 * The type of each column of records (the header excluded): 'B', 'C' or 'T', by the rules
 * of `symscore learn`. Empty cells are left out of the decision.
 */
export function inferTypes(width, records) {
  const types = [];
  for (let j = 0; j < width; j++) {
    let values = 0;
    let numbers = 0;
    let binary = true;
    for (const r of records) {
      const cell = r.cells[j];
      if (cell === undefined || isEmpty(cell)) continue;
      values++;
      const v = cellNumber(cell);
      if (v !== undefined) {
        numbers++;
        binary = binary && (v === 0 || v === 1);
      }
    }
    types.push(values > 0 && numbers === values ? (binary ? 'B' : 'C') : 'T');
  }
  return types;
}

/**
 * Checks the records against the types as the server would refuse them (docs/protocol.md
 * 3): the row width, empty cells, numbers (finite, at most 1e100 in magnitude), B cells 0
 * or 1. It throws the first bad cell as a CSVError with its line and column.
 */
export function checkRecords(names, types, records) {
  for (const r of records) {
    if (r.cells.length !== names.length) {
      throw new CSVError(r.line, '', `${r.cells.length} fields where the header has ${names.length}`);
    }
    for (let j = 0; j < names.length; j++) {
      const t = types[j];
      if (t === 'X') continue;
      const cell = r.cells[j];
      if (isEmpty(cell)) throw new CSVError(r.line, names[j], 'empty cell');
      if (t === 'C' || t === 'B') {
        const v = cellNumber(cell);
        if (v === undefined) throw new CSVError(r.line, names[j], `${JSON.stringify(cell.slice(0, 40))} is not a number`);
        if (Math.abs(v) > 1e100) throw new CSVError(r.line, names[j], `${JSON.stringify(cell.slice(0, 40))} is larger than 1e100 in magnitude`);
        if (t === 'B' && v !== 0 && v !== 1) throw new CSVError(r.line, names[j], `${JSON.stringify(cell.slice(0, 40))} is not 0 or 1 (type B)`);
      }
    }
  }
}

/** One CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(s) {
  if (s === null || s === undefined) return '';
  s = String(s);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// Bytes to text for the parser. Expositions are UTF-8 (both formats require it); almost all are
// plain ASCII, which decodes as Latin-1 at memcpy speed. Invalid UTF-8 is an error, as in
// Prometheus (promparse.go rejects invalid label values and HELP text), rather than being turned
// into U+FFFD silently.
import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import { ParseError } from './parser.js';

/** Decodes exposition bytes; throws `ParseError` at the first byte that is not valid UTF-8. */
export function decodeExpositionBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAscii(buffer)) return buffer.toString('latin1');
  if (isUtf8(buffer)) return buffer.toString('utf8');
  const offset = firstInvalidUtf8(bytes);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = buffer.toString('utf8', lineStart, offset).length + 1;
  return fail(line, column);
}

function fail(line: number, column: number): never {
  throw new ParseError('invalid UTF-8 byte sequence', line, column);
}

/** Offset of the first byte that starts or continues an invalid UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/diagnostics/terminal.js';

describe('terminalSafe', () => {
  it('shows ESC, CR, LF, DEL, C1, separators and bidi overrides as escapes', () => {
    expect(terminalSafe('a\x1b[2Jb')).toBe('a\\x1b[2Jb');
    expect(terminalSafe('x\r\nalert 99: y')).toBe('x\\r\\nalert 99: y');
    expect(terminalSafe('\x7f\x9b\u2028\u2029\u202e\u2066')).toBe('\\x7f\\x9b\\u2028\\u2029\\u202e\\u2066');
  });
  it('leaves printable text, including non-ASCII letters, as it is', () => {
    expect(terminalSafe('Zürich 東京 "quoted" \\ ok')).toBe('Zürich 東京 "quoted" \\ ok');
  });
});

/**
 * Datetime text with a parenthesis: Date.parse skips a `(...)` comment, and an unclosed `(` swallows
 * the ` UTC` detc appends to a zone-free text, so the result came from the machine's time zone.
 * https://learn.microsoft.com/kusto/query/scalar-data-types/datetime lists no form with a
 * parenthesis, and "A datetime value in Kusto is always in the UTC time zone": detc reads such text
 * as no date (todatetime gives null, a datetime() literal is refused), in every zone.
 */
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/parser.js';
import { toDatetime } from '../../src/semantics/values.js';
import { value } from '../js/helpers.js';
import { inTimeZone } from '../helpers.js';

const ZONES = ['Asia/Tokyo', 'UTC', 'America/Los_Angeles'];
const TEXTS = ['2014/11/08 15:05 (', '2014/11/08 15:05 (GMT', '2014/11/08 (15:05', '2014/11/08 15:05 (note)', '2014/11/08 15:05 (UTC)', '2014/11/08 15:05 )'];

describe('datetime text with a parenthesis is no date, whatever the machine\'s time zone', () => {
  it('the zones really differ here (else the checks below could not fail)', () => {
    const offsets = ZONES.map((z) => inTimeZone(z, () => new Date(2014, 10, 8).getTimezoneOffset()));
    expect(offsets).toEqual([-540, 0, 480]);
  });

  it('todatetime() of such text is null in every zone', () => {
    for (const zone of ZONES) {
      for (const text of TEXTS) {
        expect({ zone, text, v: inTimeZone(zone, () => value(`todatetime(${JSON.stringify(text)})`)) }).toEqual({ zone, text, v: null });
        expect({ zone, text, v: inTimeZone(zone, () => toDatetime(text)) }).toEqual({ zone, text, v: null });
      }
    }
  });

  it('a datetime() literal of such text is refused, in every zone', () => {
    // A literal's text ends at the first `)`: the texts with an unclosed `(`.
    for (const zone of ZONES) {
      for (const text of TEXTS.filter((t) => !t.includes(')'))) {
        const problems = inTimeZone(zone, () => parseQuery(`T | project v = datetime(${JSON.stringify(text)})`).problems.map((p) => p.message));
        expect({ zone, text, problems: problems.join('\n') }).toEqual({ zone, text, problems: expect.stringMatching(/not a valid datetime literal/) });
      }
    }
  });

  it('the same text without the parenthesis still reads, as UTC, in every zone', () => {
    for (const zone of ZONES) expect(inTimeZone(zone, () => value('todatetime("2014/11/08 15:05")'))).toBe(value('datetime(2014-11-08T15:05:00Z)'));
  });
});

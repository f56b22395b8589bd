// The parallel NDJSON reader must be invisible in results: for any file and any segment size,
// the same result rows in the same order, the same bad lines with the same numbers, and the
// same counts as the sequential reader. The worker threads run the built CLI entry point
// (bin/detc.js over build/detc.cjs), which `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, type RunOptions } from '../../src/backends/js/compile.js';
import { windowAdmission } from '../../src/backends/js/event-time.js';
import { StrictEventsError, streamEvents, type BadLine, type StreamHandlers } from '../../src/backends/js/events.js';
import { ReaderThreads, segmentBytes, streamEventsInParallel, type SegmentReadStats } from '../../src/backends/js/ndjson-parallel.js';
import { main } from '../../src/cli/main.js';
import { checkRuleFile } from '../../src/compile.js';
import { capture } from '../helpers.js';
import fc from 'fast-check';
import { bind, NOW as TEST_NOW } from './helpers.js';
import { event, QUERIES } from './query-cases.js';

const root = join(import.meta.dirname, '../..');
const workerScript = join(root, 'bin/detc.js');
const NOW = Date.parse('2025-03-01T12:00:00Z');
let dir: string;

beforeAll(() => {
  expect(existsSync(join(root, 'build/detc.cjs')), 'build/detc.cjs is missing: run npm run build').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'detc-parallel-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  events: number;
  skipped: number;
  bad: BadLine[];
  /** Events without a usable TimeGenerated, with their lines and reasons. */
  unplaced: { line?: number; element?: number; detail?: string }[];
  outsideWindow: number;
  invalidUtf8: number[];
  rows: Record<string, unknown>[];
}

interface How {
  segmentBytes?: number;
  parseAll?: boolean;
  strict?: boolean;
  /** Workers send group keys and aggregate arguments (summarizeInputs) instead of lines. */
  values?: boolean;
}

async function read(ruleFile: string, file: string, how: How): Promise<Outcome> {
  const r = checkRuleFile(ruleFile);
  const query = compileQuery(r.ir!);
  const run: RunOptions = { now: NOW, windowMs: r.rule!.queryPeriodMs };
  const session = query.open(run);
  const out: Outcome = { events: 0, skipped: 0, bad: [], unplaced: [], outsideWindow: 0, invalidUtf8: [], rows: [] };
  const handlers: StreamHandlers = {
    onEvent: (e) => {
      out.events++;
      session.push(e);
    },
    onBad: (b) => {
      if (how.strict) throw new StrictEventsError(b, file);
      out.bad.push(b);
    },
    admit: windowAdmission(r.ir!, run),
    onDrop: (d) => {
      if (d.reason === 'outsideWindow') out.outsideWindow++;
      else if (how.strict) throw new StrictEventsError({ line: d.line!, message: d.detail! }, file);
      else out.unplaced.push({ line: d.line, element: d.element, detail: d.detail });
    },
    onInvalidUtf8: (line) => void out.invalidUtf8.push(line),
    mayMatch: how.parseAll ? undefined : query.rawTextFilter,
    onSkipped: () => void out.skipped++,
    onDropped: (n) => void (out.events += n),
  };
  if (how.segmentBytes === undefined) await streamEvents(file, handlers);
  else await streamEventsInParallel(file, handlers, {
      threads: new ReaderThreads(2, workerScript),
      ir: r.ir!,
      run,
      parseAll: how.parseAll ?? false,
      segmentBytes: how.segmentBytes,
      replay: how.values ? session.replay : undefined,
    });
  out.rows = session.end().rows;
  return out;
}

/** The bundled sign-in sample, made awkward: BOM, CRLF, blank and bad lines, non-ASCII text, a
 * 100 KB line, escapes, and no newline at the end. */
function awkwardSignins(): string {
  const lines = readFileSync(join(root, 'examples/aad_noninteractive_signins.ndjson'), 'utf8').trim().split('\n');
  const long = JSON.parse(lines[3]!) as Record<string, unknown>;
  long.UserAgent = `python-requests/2.31 ${'x'.repeat(100_000)}`;
  const accented = lines[5]!.replace('"Microsoft Graph"', '"Microsoft Graph ✓ é"');
  const escaped = lines[7]!.replace('"singleFactorAuthentication"', '"single\\u0046actorAuthentication"');
  // Blanks that String.prototype.trim removes and JSON.parse would not accept around a value.
  const padded = `\u00a0\ufeff${lines[8]!}\u2028\u3000`;
  const out = [lines[0]!, '{not json', '', accented, '42', JSON.stringify(long), escaped, '   ', padded, ...lines.slice(9)];
  return `\ufeff${out.join('\r\n')}`;
}

describe('parallel NDJSON reading', () => {
  it('gives the sequential reader\'s rows, counts and bad lines for every segment size', async () => {
    const file = join(dir, 'signins.ndjson');
    writeFileSync(file, awkwardSignins());
    const rule = join(root, 'rules/application_access_token_entra.yaml');
    const sequential = await read(rule, file, {});
    expect(sequential.rows.length).toBeGreaterThan(0);
    expect(sequential.bad.map((b) => b.line)).toEqual([2, 5]);
    for (const segmentBytes of [1, 97, 4096, 65_536]) {
      const parallel = await read(rule, file, { segmentBytes });
      expect(parallel, `segments of ${segmentBytes} bytes`).toEqual(sequential);
    }
    for (const segmentBytes of [13, 4096]) {
      const values = await read(rule, file, { segmentBytes, values: true });
      expect(values, `segments of ${segmentBytes} bytes, summarize inputs`).toEqual(sequential);
    }
    // Without the prefilter as well.
    expect(await read(rule, file, { segmentBytes: 997, parseAll: true })).toEqual(await read(rule, file, { parseAll: true }));
  });

  it('reports the same dropped events, invalid UTF-8 lines and opened records wrappers as the sequential reader', async () => {
    const lines = readFileSync(join(root, 'examples/aad_noninteractive_signins.ndjson'), 'utf8').trim().split('\n');
    const records = JSON.stringify({ records: lines.slice(20, 30).map((l) => JSON.parse(l) as unknown) });
    const noTime = lines[31]!.replace('"TimeGenerated"', '"timeGenerated"');
    const garbage = lines[32]!.replace(/"TimeGenerated":"[^"]*"/, '"TimeGenerated":"garbage"');
    const latin1 = Buffer.from(`${lines[33]!.replace(/}$/, ',"Note":"caf\xe9"}')}\n`, 'latin1');
    const file = join(dir, 'dropped.ndjson');
    writeFileSync(file, Buffer.concat([Buffer.from(`${awkwardSignins()}\r\n${records}\n${noTime}\n${garbage}\n`), latin1, Buffer.from(lines.slice(34).join('\n'))]));
    const rule = join(root, 'rules/application_access_token_entra.yaml');
    const sequential = await read(rule, file, { parseAll: true });
    expect(sequential.unplaced.map((u) => u.detail)).toEqual(['TimeGenerated is missing (there is "timeGenerated": column names are case-sensitive)', 'TimeGenerated "garbage" is not ISO 8601 text such as 2025-03-01T12:00:00Z']);
    expect(sequential.invalidUtf8).toHaveLength(1);
    for (const segmentBytes of [61, 4096]) {
      expect(await read(rule, file, { segmentBytes, parseAll: true }), `segments of ${segmentBytes} bytes`).toEqual(sequential);
      expect(await read(rule, file, { segmentBytes, parseAll: true, values: true }), `segments of ${segmentBytes} bytes, summarize inputs`).toEqual(sequential);
    }
    expect(await read(rule, file, { segmentBytes: 500 })).toEqual(await read(rule, file, {}));
    // --strict stops at the same place: the first bad line or unplaced event in file order.
    const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e as StrictEventsError).bad);
    const first = await failure(read(rule, file, { strict: true, parseAll: true }));
    expect(first).toEqual({ line: 2, message: expect.stringContaining('invalid JSON') });
    writeFileSync(file, readFileSync(file, 'latin1').replace('{not json', '{"not":"json"}').replace(/\n42\r/, '\n{}\r'), 'latin1');
    const unplaced = await failure(read(rule, file, { strict: true, parseAll: true }));
    expect(unplaced).toEqual({ line: 2, message: 'TimeGenerated is missing' });
    expect(await failure(read(rule, file, { strict: true, parseAll: true, segmentBytes: 2000 }))).toEqual(unplaced);
  });

  it('reads a line much longer than a segment in work linear in its length', () => {
    // The segment that owns a long line reads on to its end: each byte is searched for \n once
    // and copied once, however long the line (it was read in 64 KB steps, each copying all before).
    const work = (lineBytes: number): SegmentReadStats & { ok: boolean } => {
      const long = JSON.stringify({ TimeGenerated: '2025-03-01T11:00:00Z', UserAgent: 'x'.repeat(lineBytes) });
      const file = join(dir, `long-${lineBytes}.ndjson`);
      writeFileSync(file, `{"a":1}\n${long}\n{"b":2}\n`);
      const fd = openSync(file, 'r');
      try {
        const stats: SegmentReadStats = { scanned: 0, copied: 0 };
        const bytes = segmentBytes(fd, statSync(file).size, 1, 1 + 65_536, stats);
        return { ...stats, ok: bytes.toString() === `${long}\n` };
      } finally {
        closeSync(fd);
      }
    };
    const small = work(2 << 20);
    const large = work(8 << 20);
    expect([small.ok, large.ok]).toEqual([true, true]);
    for (const [w, n] of [[small, 2 << 20], [large, 8 << 20]] as const) {
      expect(w.copied).toBeLessThanOrEqual(n + 200);
      expect(w.scanned).toBeLessThanOrEqual(n + 3 * 65_536);
    }
  });

  it('keeps file order where the result depends on it (take, first-seen order of groups)', async () => {
    const rule = join(dir, 'take.yaml');
    writeFileSync(
      rule,
      readFileSync(join(root, 'rules/application_access_token_entra.yaml'), 'utf8')
        .replace(/\n {2}\| summarize[\s\S]*?(?=\nentityMappings:)/, '\n  | take 7\n  | project UserPrincipalName, TimeGenerated, IPAddress')
        .replace(/\ncustomDetails:[\s\S]*?(?=\n\w)/, '')
        .replace(/\nalertDetailsOverride:[\s\S]*?(?=\n\w)/, '')
        .replace(/\ntests:[\s\S]*$/, '\n'),
    );
    const file = join(dir, 'signins.ndjson');
    writeFileSync(file, awkwardSignins());
    const sequential = await read(rule, file, {});
    expect(sequential.rows).toHaveLength(7);
    expect(await read(rule, file, { segmentBytes: 500 })).toEqual(sequential);
  });

  it('gives run()\'s rows for every query of the evaluator\'s property test, read from a file by threads', async () => {
    const file = join(dir, 'random.ndjson');
    for (const [i, query] of QUERIES.entries()) {
      const ir = bind(query);
      const compiled = compileQuery(ir);
      const lines = fc.sample(fc.array(event, { minLength: 30, maxLength: 60 }), { numRuns: 1, seed: i + 1 })[0]!.map((e) => JSON.stringify(e));
      writeFileSync(file, `${lines.join('\n')}\n`);
      const run: RunOptions = { now: TEST_NOW, windowMs: 86_400_000 };
      const expected = compiled.run(lines.map((l) => JSON.parse(l) as unknown), run).rows;
      for (const values of [false, true]) {
        const session = compiled.open(run);
        const handlers: StreamHandlers = { onEvent: (e) => session.push(e), onBad: (b) => expect.fail(`bad line ${b.line}`), mayMatch: compiled.rawTextFilter };
        await streamEventsInParallel(file, handlers, { threads: new ReaderThreads(2, workerScript), ir, run, parseAll: false, segmentBytes: 500, replay: values ? session.replay : undefined });
        expect(session.end().rows, `${query} (${values ? 'summarize inputs' : 'lines'})`).toEqual(expected);
      }
    }
  });

  it('reads stdin (-) on the main thread whatever --workers says, and reports unreadable files without a stack trace', async () => {
    const input = readFileSync(join(root, 'examples/aad_noninteractive_signins.ndjson'), 'utf8');
    const stdin = spawnSync(process.execPath, [workerScript, 'run', 'rules/application_access_token_entra.yaml', '--events', '-', '--workers', '2', '--now', '2025-03-01T12:00:00Z'], { cwd: root, input, encoding: 'utf8' });
    expect(stdin.stderr).toContain('151 events');
    expect(stdin.status).toBe(0);
    for (const workers of ['0', '2']) {
      for (const [path, reason] of [[join(dir, 'missing.ndjson'), 'no such file'], [dir, 'it is a folder']] as const) {
        const io = capture();
        expect(await main(['run', 'rules/application_access_token_entra.yaml', '--events', path, '--workers', workers], io)).toBe(2);
        expect(io.stderr).toBe(`detc run: cannot read the events file ${path}: ${reason}\n`);
      }
    }
  });


  it('reports a reader thread that failed before or during the read, without hanging or crashing', async () => {
    const r = checkRuleFile(join(root, 'rules/application_access_token_entra.yaml'));
    const file = join(dir, 'fail.ndjson');
    writeFileSync(file, `${readFileSync(join(root, 'examples/aad_noninteractive_signins.ndjson'), 'utf8')}`.repeat(4));
    const handlers: StreamHandlers = { onEvent: () => {}, onBad: () => {} };
    const read = (threads: ReaderThreads) => streamEventsInParallel(file, handlers, { threads, ir: r.ir!, run: { now: NOW }, parseAll: false, segmentBytes: 20_000 });
    // A script that throws as it starts: once the failure has happened before the read takes the
    // threads over (recorded while nothing listened), once while it starts.
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, 'throw new Error("reader thread broken on purpose");\n');
    const early = new ReaderThreads(2, broken);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(early.failed?.message).toBe('reader thread broken on purpose');
    await expect(read(early)).rejects.toThrow('reader thread broken on purpose');
    await expect(read(new ReaderThreads(2, broken))).rejects.toThrow('reader thread broken on purpose');
    // A thread that ends by itself before the read.
    const quits = join(dir, 'quitting-worker.mjs');
    writeFileSync(quits, 'process.exit(3);\n');
    const ended = new ReaderThreads(1, quits);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expect(read(ended)).rejects.toThrow('NDJSON reader thread stopped (exit code 3)');
  });
  it('stops at the first bad line in file order in strict mode', async () => {
    const file = join(dir, 'bad.ndjson');
    const good = readFileSync(join(root, 'examples/aad_noninteractive_signins.ndjson'), 'utf8').trim().split('\n');
    writeFileSync(file, [...good.slice(0, 100), '[1]', ...good.slice(100), '{oops'].join('\n'));
    const rule = join(root, 'rules/application_access_token_entra.yaml');
    const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
    const parallel = await failure(read(rule, file, { segmentBytes: 2000, strict: true, parseAll: true }));
    expect(parallel).toBeInstanceOf(StrictEventsError);
    expect((parallel as StrictEventsError).bad).toEqual({ line: 101, message: 'not a JSON object' });
  });

  it('detc run --workers gives the same output as without, on a file large enough to split', async () => {
    const file = join(dir, 'large.ndjson');
    const sample = readFileSync(join(root, 'examples/aad_noninteractive_signins.ndjson'), 'utf8');
    writeFileSync(file, sample.repeat(Math.ceil((3 << 20) / sample.length)));
    const args = ['run', 'rules/application_access_token_entra.yaml', '--events', file, '--now', '2025-03-01T12:00:00Z'];
    const one = capture();
    const two = capture();
    expect(await main([...args, '--workers', '0'], one)).toBe(0);
    expect(await main([...args, '--workers', '2'], two)).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    expect(one.stdout.length).toBeGreaterThan(0);
    const bad = capture();
    expect(await main([...args, '--workers', 'many'], bad)).toBe(2);
    expect(bad.stderr).toContain("--workers must be a whole number from 0 to 64, got 'many'");
  });
});

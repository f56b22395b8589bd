// End-to-end baseline: read an NDJSON file and JSON.parse every line, nothing else. Lines are
// split the way detc's reader splits them (1 MB chunks, indexOf('\n')), which is faster than
// node:readline, so the baseline is the fastest plain read-and-parse we know, not a slow one.
import { createReadStream } from 'node:fs';

let n = 0;
let rest = '';
const parse = (line) => {
  if (line.trim()) {
    JSON.parse(line);
    n++;
  }
};
for await (const chunk of createReadStream(process.argv[2], { encoding: 'utf8', highWaterMark: 1 << 20 })) {
  const text = rest + chunk;
  let from = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', from)) {
    parse(text.slice(from, i));
    from = i + 1;
  }
  rest = text.slice(from);
}
parse(rest);
process.stderr.write(`${n} events\n`);

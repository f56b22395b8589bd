// End-to-end baseline: read an NDJSON file line by line and JSON.parse every line, nothing else.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let n = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  if (line) {
    JSON.parse(line);
    n++;
  }
}
process.stderr.write(`${n} events\n`);

// Validates protocol/schema/asyncapi.json with the AsyncAPI parser, its
// references to the JSON Schemas beside it resolved from the files. Exits
// non-zero on any error the parser reports.
import { Parser, fromFile } from '@asyncapi/parser';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const document = path.join(here, '..', 'protocol', 'schema', 'asyncapi.json');
const { document: parsed, diagnostics } = await fromFile(new Parser(), document).parse();
// Severity 0 is an error; warnings and hints are printed, not fatal.
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of diagnostics) {
  console.log(`asyncapi: ${['error', 'warning', 'info', 'hint'][d.severity]}: ${d.message} at ${d.path.join('.')}`);
}
if (!parsed || errors.length > 0) {
  console.error(`asyncapi.json: ${errors.length} errors`);
  process.exit(1);
}
console.log(`asyncapi.json is valid AsyncAPI ${parsed.version()}: ${parsed.allMessages().length} messages`);

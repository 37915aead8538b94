/** Writes schemas/*.schema.json from the zod schemas that are their source of truth. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { auditJsonSchema } from '../src/audit/record';

const root = path.resolve(__dirname, '..', '..');
const target = path.join(root, 'schemas', 'audit-record.schema.json');
writeFileSync(target, `${JSON.stringify(auditJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(root, target)}\n`);

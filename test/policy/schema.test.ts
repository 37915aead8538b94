/**
 * policy/input.schema.json is generated from the zod input schema (the build type-checks policies against
 * it). Regenerate with: UPDATE_POLICY_SCHEMA=1 npx jest test/policy/schema.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { policyInputJsonSchema } from '../../src/policy';
import { BUILD_TIMEOUT_MS, ROOT, buildBundle, policyDir } from './helpers';

const FILE = path.join(ROOT, 'policy', 'input.schema.json');

test('policy/input.schema.json matches src/policy/types.ts', () => {
  const generated = `${JSON.stringify(policyInputJsonSchema(), null, 2)}\n`;
  if (process.env.UPDATE_POLICY_SCHEMA === '1') writeFileSync(FILE, generated);
  expect(readFileSync(FILE, 'utf8')).toBe(generated);
});

test('the build rejects a policy that misspells an input field or compares it with the wrong type', () => {
  const typo = buildBundle(policyDir('package gateway\n\ndecision := {"allow": input.tenat.id == "a"}\n'), ['--no-test']);
  expect(typo.status).not.toBe(0);
  expect(typo.output).toContain('undefined ref: input.tenat.id');
  const type = buildBundle(policyDir('package gateway\n\ndecision := {"allow": true} if input.model.requested == 1\n'), ['--no-test']);
  expect(type.status).not.toBe(0);
  expect(type.output).toContain('match error');
}, BUILD_TIMEOUT_MS);

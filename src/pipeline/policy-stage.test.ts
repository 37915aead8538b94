import { compareGuardOutcomes } from './policy-stage';
import type { GuardedFinding, InspectOutcome } from './inspect';

const finding = (detector: string, type: string): GuardedFinding => ({ detector, type, score: 0.9, action: 'flag' });
const outcome = (findings: GuardedFinding[], block?: InspectOutcome['block']): InspectOutcome => ({ findings, shadow: [], failures: [], ...(block ? { block } : {}) });

test.each<[string, InspectOutcome, InspectOutcome, string[]]>([
  ['same outcome', outcome([finding('pii', 'EMAIL_ADDRESS')]), outcome([finding('pii', 'EMAIL_ADDRESS')]), []],
  [
    'only the candidate blocks',
    outcome([]),
    outcome([finding('prompt_injection', 'prompt_injection')], { guard: 'prompt_injection', code: 'prompt_injection_detected' }),
    ['guard:block', 'guard:finding:prompt_injection/prompt_injection'],
  ],
  [
    'both block with other codes',
    outcome([], { guard: 'a', code: 'content_blocked' }),
    outcome([], { guard: 'a', code: 'policy_violation' }),
    ['guard:block'],
  ],
  ['a finding type only the stable side has', outcome([finding('pii', 'PHONE_NUMBER'), finding('pii', 'EMAIL_ADDRESS')]), outcome([finding('pii', 'EMAIL_ADDRESS')]), ['guard:finding:pii/PHONE_NUMBER']],
  ['scores and counts do not matter, types do', outcome([finding('pii', 'EMAIL_ADDRESS'), finding('pii', 'EMAIL_ADDRESS')]), outcome([finding('pii', 'EMAIL_ADDRESS')]), []],
])('compareGuardOutcomes: %s', (_name, stable, candidate, expected) => {
  expect(compareGuardOutcomes(stable, candidate)).toEqual(expected);
});

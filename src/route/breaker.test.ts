import { BreakerBoard, CLOSED, step, type BreakerSettings, type BreakerState } from './breaker';

const settings: BreakerSettings = { consecutiveFailures: 3, errorRate: 0.5, minRequests: 10, windowSeconds: 60, openSeconds: 30, halfOpenProbes: 1 };

function run(outcomes: Array<[number, boolean]>, start: BreakerState = CLOSED): BreakerState {
  return outcomes.reduce((state, [at, ok]) => step(state, ok, at, settings), start);
}

describe('breaker state machine', () => {
  it.each<[string, Array<[number, boolean]>, Partial<BreakerState>]>([
    ['stays closed under the threshold', [[1, false], [2, false]], { phase: 'closed', consecutiveFailures: 2 }],
    ['a success resets the consecutive count', [[1, false], [2, false], [3, true], [4, false]], { phase: 'closed', consecutiveFailures: 1 }],
    ['opens on consecutive failures', [[1, false], [2, false], [3, false]], { phase: 'open', openUntilMs: 30_003 }],
    [
      'opens on the error rate once enough requests were seen',
      [[1, true], [2, false], [3, true], [4, false], [5, true], [6, false], [7, true], [8, false], [9, true], [10, false]],
      { phase: 'open' },
    ],
    ['a new window forgets the old rate', [[1, false], [2, true], [70_000, true]], { phase: 'closed', windowTotal: 1, windowFailures: 0 }],
    ['answers while open change nothing', [[1, false], [2, false], [3, false], [4, true]], { phase: 'open', openUntilMs: 30_003 }],
    ['a probe after openSeconds that succeeds closes it', [[1, false], [2, false], [3, false], [30_003, true]], { phase: 'closed', consecutiveFailures: 0 }],
    ['a probe that fails opens it again', [[1, false], [2, false], [3, false], [30_010, false]], { phase: 'open', openUntilMs: 60_010 }],
  ])('%s', (_name, outcomes, expected) => {
    expect(run(outcomes)).toMatchObject(expected);
  });
});

describe('BreakerBoard', () => {
  let now = 0;
  const board = new BreakerBoard(() => settings, { clock: () => now });

  it('refuses while open, lets one probe through when the time is up, closes on its success', () => {
    for (let i = 0; i < 3; i += 1) board.record('p/m', board.tryAcquire('p/m') ?? 'closed', false);
    expect(board.phase('p/m')).toBe('open');
    expect(board.tryAcquire('p/m')).toBeUndefined();
    now = 30_000;
    expect(board.phase('p/m')).toBe('half_open');
    const probe = board.tryAcquire('p/m');
    expect(probe).toBe('probe');
    expect(board.tryAcquire('p/m')).toBeUndefined(); // one probe at a time
    board.record('p/m', 'probe', true);
    expect(board.phase('p/m')).toBe('closed');
    expect(board.views()).toEqual([{ key: 'p/m', phase: 'closed', consecutiveFailures: 0, windowTotal: 0, windowFailures: 0, openUntil: null }]);
  });

  it('gives a probe slot back when the request ends without an answer', () => {
    now = 100_000;
    for (let i = 0; i < 3; i += 1) board.record('p/x', 'closed', false);
    now += 30_000;
    expect(board.tryAcquire('p/x')).toBe('probe');
    board.release('p/x', 'probe');
    expect(board.tryAcquire('p/x')).toBe('probe');
  });
});

describe('BreakerBoard with a shared store', () => {
  it('close() waits for outcomes still on their way to the store before closing it', async () => {
    const calls: string[] = [];
    let answer: (state: BreakerState) => void = () => undefined;
    const shared = {
      record: (): Promise<BreakerState> => {
        calls.push('record');
        return new Promise<BreakerState>((resolve) => (answer = resolve));
      },
      read: async (): Promise<ReadonlyMap<string, BreakerState>> => new Map(),
      close: async (): Promise<void> => {
        calls.push('close');
      },
    };
    const board = new BreakerBoard(() => settings, { shared, clock: () => 5 });
    board.record('p/m', 'closed', false);
    const closing = board.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['record']); // the store stays open while the write is unanswered
    answer({ ...CLOSED, consecutiveFailures: 7 });
    await closing;
    expect(calls).toEqual(['record', 'close']);
    expect(board.views()[0]?.consecutiveFailures).toBe(7); // the store's answer was adopted
  });
});

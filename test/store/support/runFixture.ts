// A minimal run for store tests: no steps, one environment pair given by `lockKey`.
import type { Run } from '../../../src/engine/model';

export function run(id: string, lockKey: string, status: Run['status'] = 'running'): Run {
  const at = '2025-01-06T09:00:00.000Z';
  return {
    id,
    scenario: 'new-new',
    input: {
      scenario: 'new-new',
      financeOpsApp: 'finance-and-operations',
      financeOpsName: 'fo-a',
      dataverseName: 'dv-a',
    },
    status,
    rev: 1,
    requestedBy: { id: 'alice', name: 'Alice' },
    lockKey,
    createdAt: at,
    updatedAt: at,
    steps: [],
  };
}

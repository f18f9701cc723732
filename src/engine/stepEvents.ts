import type { EngineEvents } from './engineApi';
import type { StepAction } from './runTransitions';

// Which engine event a committed step transition raises (besides run.updated, which every change
// raises). A resumed step is announced like a started one; the rest are told by run.updated alone.

export type StepEvent = Exclude<keyof EngineEvents, 'run.updated' | 'run.finished'>;

export const EVENT_OF_STEP_ACTION: Partial<Record<StepAction, StepEvent>> = {
  'step.started': 'step.started',
  'step.resumed': 'step.started',
  'approval.requested': 'approval.requested',
  'approval.reminder': 'approval.reminder',
  'approval.expired': 'approval.expired',
  'manual.requested': 'manual.requested',
};

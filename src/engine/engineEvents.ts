import type { Logger } from '../log';
import type { Emit } from './commitAndEmit';
import type { EngineApi, EngineEvents } from './engineApi';

// The engine's listeners (the notifier): events go to each in turn, and one that throws is logged,
// never passed on, so a listener cannot break the commit that raised the event.

export interface EngineEventHub {
  emit: Emit;
  on: EngineApi['on'];
}

export function createEngineEventHub(logger?: Logger): EngineEventHub {
  const listeners = new Map<keyof EngineEvents, Array<(payload: never) => void>>();
  return {
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          (listener as (p: typeof payload) => void)(payload);
        } catch (error) {
          logger?.error({ err: error, event }, 'engine event listener failed');
        }
      }
    },
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener as (payload: never) => void);
      listeners.set(event, list);
    },
  };
}

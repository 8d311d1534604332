import { Injectable } from '@nestjs/common';

type Listener = () => void;

/**
 * In-process announcement that executions are due. Their producers (ingestion, replays,
 * redrives, trigger changes, dead-lettering) raise it without knowing who runs them; whoever
 * runs them subscribes: this process's worker, so that the first attempt starts at once instead
 * of after a poll period, and the publisher that wakes workers in other processes.
 */
@Injectable()
export class WorkSignal {
  private readonly listeners = new Set<Listener>();

  executionsAvailable(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

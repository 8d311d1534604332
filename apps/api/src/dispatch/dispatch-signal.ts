import { Injectable } from '@nestjs/common';

type Listener = () => void;

/**
 * In-process wake-up: ingestion and replays tell a worker in the same process that work is
 * due, so the first attempt starts at once instead of after a poll period.
 */
@Injectable()
export class DispatchSignal {
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

import { Injectable } from '@nestjs/common';

/** The time and the randomness the engine decides with; tests provide a fake one. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /** Uniform in [0, 1): the jitter of retry delays. */
  random(): number {
    return Math.random();
  }
}

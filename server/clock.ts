/** Time source for everything that computes deadlines or fires timers; tests inject a ManualClock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: deterministic tests of deadlines and timers. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-03-02T01:00:00Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
  advanceDays(days: number): Date {
    return this.advance(days * 86_400_000);
  }
}

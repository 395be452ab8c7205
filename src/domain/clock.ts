/** The time source of every rule. Tests inject a fixed or stepping clock; nothing reads Date.now() directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = Object.freeze({ now: () => new Date() });

export function fixedClock(at: Date | string): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current.getTime()),
    set(next: Date | string) { current = new Date(next); },
    advance(ms: number) { current = new Date(current.getTime() + ms); }
  };
}

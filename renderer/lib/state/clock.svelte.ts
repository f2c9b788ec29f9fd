/** A coarse shared clock (1 s) so "12 s ago" texts advance without each row owning a timer. */
class Clock {
  nowMs = $state(Date.now());
  constructor() {
    setInterval(() => (this.nowMs = Date.now()), 1000);
  }
}

export const clock = new Clock();

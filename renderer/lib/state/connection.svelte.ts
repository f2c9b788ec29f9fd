import type { Bridge, ConnectionState } from '../../../preload/contract/index.js';

/** The bridge's connection state as reactive state, for the banner. */
export class Connection {
  state = $state<ConnectionState>('connecting');
  /** Becomes true once the first connection opened; the banner only complains after that. */
  everOpened = $state(false);

  constructor(bridge: Bridge) {
    bridge.onConnectionChange((state) => {
      this.state = state;
      if (state === 'open') this.everOpened = true;
    });
  }
}

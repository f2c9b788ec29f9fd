import { getContext, setContext } from 'svelte';
import type { Bridge } from '../../preload/contract/index.js';

const BRIDGE_KEY = Symbol('bridge');

/** The context map `mount()` gets, so every component can reach the injected bridge. */
export function bridgeContext(bridge: Bridge): Map<unknown, unknown> {
  return new Map([[BRIDGE_KEY, bridge]]);
}

/** Makes a bridge available below the calling component (tests mount views with their own). */
export function setBridge(bridge: Bridge): void {
  setContext(BRIDGE_KEY, bridge);
}

export function getBridge(): Bridge {
  const bridge = getContext<Bridge | undefined>(BRIDGE_KEY);
  if (!bridge) throw new Error('getBridge() called outside the app root');
  return bridge;
}

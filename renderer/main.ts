import { mount } from 'svelte';
import { PRELOAD_GLOBAL, WEB_SOCKET_PATH, WEB_TOKEN_PARAM, type Bridge, type PreloadApi } from '../preload/contract/index.js';
import { createIpcBridge } from './lib/bridge/ipc.js';
import { createWebSocketBridge, webSocketUrl } from './lib/bridge/ws.js';
import App from './App.svelte';
import { bridgeContext } from './lib/context.js';
import './app.css';

// The one place that knows how the page is connected: the desktop preload exposes
// window.slicewise; otherwise this is browser mode and the server is the page's own origin.
function pickBridge(): Bridge {
  const preload = (window as unknown as Record<string, PreloadApi | undefined>)[PRELOAD_GLOBAL];
  if (preload) return createIpcBridge(preload);
  return createWebSocketBridge(webSocketUrl(window.location, WEB_SOCKET_PATH, WEB_TOKEN_PARAM));
}

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, context: bridgeContext(pickBridge()) });

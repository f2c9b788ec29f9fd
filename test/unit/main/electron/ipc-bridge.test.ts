import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, API_METHODS } from '../../../../preload/contract/index.js';
import { createFakeElectron, FakeWebContents } from '../../../helpers/fake-electron.js';
import { createCore } from '../../../../main/core/create-core.js';
import { Logger, nullSink } from '../../../../main/util/log.js';

vi.mock('electron', async () => (await import('../../../helpers/fake-electron.js')).createFakeElectron().module);

const { bindIpc } = await import('../../../../main/electron/ipc-bridge.js');

function setup() {
  const electron = createFakeElectron();
  const core = createCore({ front: 'electron', log: new Logger(nullSink) });
  const binding = bindIpc(electron.module.ipcMain as never, core.dispatcher, new Logger(nullSink));
  const contents = new FakeWebContents();
  const eventFrom = (frame: { url: string } | null, sender = contents) => ({ sender, senderFrame: frame === null ? null : frame });
  const trusted = () => eventFrom(contents.mainFrame);
  const invoke = (channel: string, event: unknown, ...args: unknown[]) => {
    const handler = electron.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args) as Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>;
  };
  return { electron, core, binding, contents, eventFrom, trusted, invoke };
}

describe('IPC bridge', () => {
  it('registers exactly the contract channels', () => {
    const { electron } = setup();
    expect([...electron.handlers.keys()].sort()).toEqual([IPC_CHANNELS.call, IPC_CHANNELS.subscribe, IPC_CHANNELS.unsubscribe].sort());
  });

  it('answers contract calls from the app frame', async () => {
    const { invoke, trusted } = setup();
    const outcome = await invoke(IPC_CHANNELS.call, trusted(), 'app.info', null);
    expect(outcome).toMatchObject({ ok: true, result: { front: 'electron', name: 'Slicewise' } });
    expect(await invoke(IPC_CHANNELS.call, trusted(), 'contexts.list', null)).toEqual({ ok: true, result: [] });
  });

  it('refuses every channel from a foreign origin, a null frame or a subframe', async () => {
    const { invoke, eventFrom, contents } = setup();
    const evil = eventFrom({ url: 'https://evil.example/' });
    const gone = eventFrom(null);
    const lookalike = eventFrom({ url: 'app://slicewise.evil.example/index.html' });
    const subframe = { sender: contents, senderFrame: { url: 'app://slicewise/index.html' } }; // not sender.mainFrame
    for (const event of [evil, gone, lookalike, subframe]) {
      for (const method of API_METHODS) {
        expect(await invoke(IPC_CHANNELS.call, event, method, null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      expect(await invoke(IPC_CHANNELS.subscribe, event, 1, 'session.status', null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await invoke(IPC_CHANNELS.unsubscribe, event, 1)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(contents.sent).toEqual([]);
  });

  it('validates names and arguments against the contract', async () => {
    const { invoke, trusted } = setup();
    expect(await invoke(IPC_CHANNELS.call, trusted(), 'shell.openExternal', 'file:///etc/passwd')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await invoke(IPC_CHANNELS.call, trusted(), 'app.info', { x: 1 })).toMatchObject({ ok: false, error: { code: 'bad-request', message: 'app.info: argument must be empty.' } });
    expect(await invoke(IPC_CHANNELS.call, trusted(), { toString: () => 'app.info' }, null)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await invoke(IPC_CHANNELS.subscribe, trusted(), 'one', 'session.status', null)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await invoke(IPC_CHANNELS.subscribe, trusted(), 2, 'secrets.all', null)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('delivers subscription payloads to the sender only, without the event object, and stops on unsubscribe', async () => {
    const { invoke, trusted, contents } = setup();
    expect(await invoke(IPC_CHANNELS.subscribe, trusted(), 7, 'session.status', null)).toEqual({ ok: true, result: 7 });
    expect(contents.sent).toHaveLength(1);
    expect(contents.sent[0].channel).toBe(IPC_CHANNELS.event);
    expect(contents.sent[0].args).toHaveLength(1);
    expect(contents.sent[0].args[0]).toMatchObject({ kind: 'event', id: 7, seq: 1, payload: { state: 'idle' } });
    expect(await invoke(IPC_CHANNELS.subscribe, trusted(), 7, 'session.status', null)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await invoke(IPC_CHANNELS.unsubscribe, trusted(), 7)).toEqual({ ok: true, result: null });
  });

  it('disposes a window’s subscriptions when it is destroyed and removes handlers on dispose', async () => {
    const { invoke, trusted, contents, binding, electron } = setup();
    await invoke(IPC_CHANNELS.subscribe, trusted(), 1, 'session.status', null);
    contents.destroy();
    expect(contents.isDestroyed()).toBe(true);
    await binding.dispose();
    expect(electron.handlers.size).toBe(0);
  });
});

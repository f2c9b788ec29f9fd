import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createCore } from '../../core/create-core.js';
import { startWebServer } from '../../web/server.js';
import { Logger, levelFromEnv, stderrSink } from '../../util/log.js';
import { EXIT_OK, parseFlags, parseIntegerFlag, type Command } from '../command.js';

export const webCommand: Command = {
  name: 'web',
  summary: 'serve Slicewise to your browser on 127.0.0.1',
  usage: `Usage: slicewise web [--port N] [--kubeconfig FILE]... [--context NAME] [--no-open]

Serves the Slicewise window to a local browser, on 127.0.0.1 only, behind a token that changes at
every launch. Prints one line with the URL when ready; Ctrl-C stops it.

  --port N           listen on port N (default: a free port)
  --kubeconfig FILE  read this kubeconfig instead of $KUBECONFIG or ~/.kube/config (repeatable)
  --context NAME     open this context at start
  --no-open          do not open a browser, only print the URL
  --scrape-interval-ms N
                     scrape cluster targets every N ms (default 15000; also SLICEWISE_SCRAPE_INTERVAL_MS)`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      port: { type: 'string' },
      kubeconfig: { type: 'string', multiple: true },
      context: { type: 'string' },
      'no-open': { type: 'boolean' },
      'scrape-interval-ms': { type: 'string' },
    });
    const port = parseIntegerFlag(values.port, 'port', 0, 65535);
    const intervalMs = parseIntegerFlag(values['scrape-interval-ms'] ?? process.env.SLICEWISE_SCRAPE_INTERVAL_MS, 'scrape-interval-ms', 500, 3_600_000);
    const log = new Logger(stderrSink, levelFromEnv(process.env.SLICEWISE_LOG));
    const core = createCore({ front: 'web', log, kubeconfigPaths: values.kubeconfig, context: values.context, intervalMs });
    const server = await startWebServer({
      dispatcher: core.dispatcher,
      log,
      rendererDir: join(__dirname, '..', 'renderer'),
      port,
      // Only for tests that restart the server under an open page; documented in the README.
      token: process.env.SLICEWISE_WEB_TOKEN || undefined,
    });
    io.stdout(`Slicewise is ready at ${server.url}\n`);
    if (!values['no-open']) openBrowser(server.url);

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await core.dispose();
    return EXIT_OK;
  },
};

/** Best effort; the URL is already printed, so failure to find a browser is not an error. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  try {
    const child = execFile(opener, [url], { timeout: 10_000 }, () => undefined);
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener on this system: the printed URL is the fallback.
  }
}

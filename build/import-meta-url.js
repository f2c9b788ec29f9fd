// esbuild's CJS output has no import.meta; bundled ESM dependencies (client-node) and our own
// worker lookup read import.meta.url, so provide the CommonJS equivalent.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- this file is injected into CommonJS bundles
export const __import_meta_url = require('node:url').pathToFileURL(__filename).href;

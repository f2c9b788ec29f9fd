/**
 * Name and version, injected at build time by `build/build.mjs` (esbuild `define`) so that the
 * bundled core does not read package.json from disk. Tests run the sources and get the fallback.
 */
declare const __SLICEWISE_VERSION__: string | undefined;

export const APP_NAME = 'Slicewise';
export const APP_VERSION: string = typeof __SLICEWISE_VERSION__ === 'string' ? __SLICEWISE_VERSION__ : '0.0.0-dev';

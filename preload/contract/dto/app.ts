/** Which front is serving the renderer: the desktop window, the local browser page, or the command line. */
export type Front = 'electron' | 'web' | 'cli';

export interface AppInfo {
  name: string;
  version: string;
  front: Front;
  /** `process.platform` of the core, e.g. `linux`. */
  platform: string;
  arch: string;
  nodeVersion: string;
  /** Present only when the core runs inside Electron. */
  electronVersion?: string;
}

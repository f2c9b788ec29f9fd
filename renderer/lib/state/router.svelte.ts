/**
 * Hash routing: `#/<view>[/<rest>]`. The hash keeps deep links working under app:// and in browser mode
 * without any server-side routing.
 */
export class Router {
  path = $state('');

  constructor() {
    this.path = currentPath();
    window.addEventListener('hashchange', () => (this.path = currentPath()));
  }

  /** First path segment, e.g. `cgroups` for `#/cgroups/node-1`. */
  get view(): string {
    return this.path.split('/')[0] ?? '';
  }

  /** Path segments after the view. */
  get rest(): string[] {
    return this.path.split('/').slice(1).filter(Boolean).map(decodeURIComponent);
  }

  go(path: string): void {
    window.location.hash = `#/${path}`;
  }
}

function currentPath(): string {
  return window.location.hash.replace(/^#\/?/, '');
}

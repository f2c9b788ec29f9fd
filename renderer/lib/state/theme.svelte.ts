export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'slicewise.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * Light and dark themes following the OS unless the user picks one. The effective theme is written to
 * `<html data-theme>` so that plain CSS variables switch everything, charts included.
 */
export class Theme {
  choice = $state<ThemeChoice>('system');
  #systemDark = $state(false);
  readonly effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.choice);

  constructor() {
    const stored = readStored();
    if (stored) this.choice = stored;
    const media = window.matchMedia(DARK_QUERY);
    this.#systemDark = media.matches;
    media.addEventListener('change', (event) => (this.#systemDark = event.matches));
    // Created at module load, before any component, so the attribute is right before charts read CSS.
    $effect.root(() => {
      $effect.pre(() => {
        document.documentElement.dataset.theme = this.effective;
      });
    });
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      // Storage can be unavailable (private mode); the choice then lasts for this page only.
    }
  }

  /** system → light → dark → system. */
  cycle(): void {
    this.set(this.choice === 'system' ? 'light' : this.choice === 'light' ? 'dark' : 'system');
  }
}

function readStored(): ThemeChoice | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' || value === 'system' ? value : null;
  } catch {
    return null;
  }
}

/** The page's one theme; charts read `effective` so they redraw in the new colours. */
export const theme = new Theme();

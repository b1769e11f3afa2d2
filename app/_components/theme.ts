/** The colour scheme a person chose; `system` (no cookie) follows the operating system. */
export type Theme = 'system' | 'light' | 'dark';
export const THEME_COOKIE = 'payops-theme';
export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

export function parseTheme(value: string | undefined): Theme {
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The class <html> carries: none for `system`, so the media query decides (app/globals.css). */
export const themeClass = (theme: Theme): string | undefined => (theme === 'system' ? undefined : theme);

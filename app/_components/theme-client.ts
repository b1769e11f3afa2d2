'use client';

import { THEME_COOKIE, themeClass, type Theme } from './theme';

/** Switches the colour scheme at once and remembers it for a year (a cookie, so the server renders it too). */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.classList.remove('light', 'dark');
  const cls = themeClass(theme);
  if (cls) root.classList.add(cls);
  root.dataset.theme = theme;
  document.cookie =
    theme === 'system' ? `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax` : `${THEME_COOKIE}=${theme}; path=/; max-age=31536000; samesite=lax`;
  window.dispatchEvent(new CustomEvent('payops:theme', { detail: theme }));
}

export function currentTheme(): Theme {
  const t = document.documentElement.dataset.theme;
  return t === 'light' || t === 'dark' ? t : 'system';
}

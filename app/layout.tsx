import type { Metadata, Viewport } from 'next';
import { cookies } from 'next/headers';
import { parseTheme, THEME_COOKIE, themeClass } from './_components/theme';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'PayOps', template: '%s · PayOps' },
  description: 'Operations console for payments taken through Enkash and Juspay',
  // An internal console: never indexed (public/robots.txt says the same to crawlers).
  robots: { index: false, follow: false },
  icons: { icon: [{ url: '/favicon.ico', sizes: '32x32' }, { url: '/icon.svg', type: 'image/svg+xml' }], apple: '/apple-touch-icon.png' },
  manifest: '/manifest.webmanifest',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f8fafc' },
    { media: '(prefers-color-scheme: dark)', color: '#020617' },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The scheme a person chose is a cookie, so the first paint is already right (no flash, no inline script).
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en-IN" className={themeClass(theme)} data-theme={theme}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}

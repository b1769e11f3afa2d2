/**
 * The dashboard's class names for controls, in one place, so a button or an input looks and
 * behaves the same on every page (focus ring, disabled state, dark mode via the palette).
 */
export const BUTTON = {
  primary:
    'inline-flex items-center justify-center gap-1.5 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-700 disabled:cursor-not-allowed disabled:opacity-50',
  secondary:
    'inline-flex items-center justify-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50',
  ghost: 'inline-flex items-center justify-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-50',
  danger: 'inline-flex items-center justify-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium text-red-700 hover:bg-red-50 disabled:opacity-50',
} as const;

export const INPUT =
  'block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm placeholder:text-slate-500 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 disabled:bg-slate-50';
export const LABEL = 'block text-xs font-medium text-slate-600';
export const CARD = 'rounded-lg border border-slate-200 bg-white shadow-sm';
export const LINK = 'font-medium text-indigo-700 hover:underline';

/** Radix popover surfaces: menus, select lists, tooltips, dialogs. */
export const POPOVER = 'z-50 rounded-md border border-slate-200 bg-white p-1 text-sm text-slate-900 shadow-lg';
export const MENU_ITEM =
  'relative flex cursor-default select-none items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[disabled]:pointer-events-none data-[disabled]:opacity-50 data-[highlighted]:bg-slate-100';

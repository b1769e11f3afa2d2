'use client';

import { Select as RadixSelect } from 'radix-ui';
import { useId } from 'react';
import { LABEL, MENU_ITEM, POPOVER } from './ui';

export interface SelectOption {
  value: string;
  label: string;
}

// Radix reserves '' for "nothing chosen"; an explicit "any" choice needs a value of its own.
const ANY = '__any__';

/**
 * A labelled select on Radix UI: keyboard and screen-reader behaviour of a native select, styled
 * like the rest of the dashboard. `value` '' means "none": the `any` option when there is one,
 * else the placeholder. With `name` it also submits in a form (Radix keeps a hidden native select).
 */
export function Select({
  label,
  hideLabel = false,
  name,
  value,
  defaultValue,
  onValueChange,
  options,
  any,
  placeholder = 'Choose…',
  disabled,
  required,
  className = '',
  triggerClassName = '',
}: {
  label: string;
  hideLabel?: boolean;
  name?: string;
  value?: string;
  defaultValue?: string;
  onValueChange?: (value: string) => void;
  options: readonly SelectOption[];
  /** Label of the option meaning "no filter" (value ''). */
  any?: string;
  placeholder?: string;
  disabled?: boolean;
  required?: boolean;
  className?: string;
  triggerClassName?: string;
}) {
  const id = useId();
  const toRadix = (v: string | undefined) => (v === undefined ? undefined : v === '' ? (any ? ANY : '') : v);
  // The chosen option's words, rendered on the server too (Radix fills the value only once its list mounts).
  const chosen = value ?? defaultValue;
  const chosenLabel = chosen === undefined ? undefined : chosen === '' ? any : options.find((o) => o.value === chosen)?.label;
  return (
    <div className={className}>
      <label id={`${id}-label`} htmlFor={`${id}-trigger`} className={hideLabel ? 'sr-only' : LABEL}>
        {label}
      </label>
      <RadixSelect.Root
        name={name}
        value={toRadix(value)}
        defaultValue={toRadix(defaultValue)}
        onValueChange={(v) => onValueChange?.(v === ANY ? '' : v)}
        disabled={disabled}
        required={required}
      >
        <RadixSelect.Trigger
          id={`${id}-trigger`}
          aria-labelledby={`${id}-label`}
          className={`${hideLabel ? '' : 'mt-1'} flex w-full items-center justify-between gap-2 rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-left text-sm text-slate-900 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 disabled:cursor-not-allowed disabled:bg-slate-50 data-[placeholder]:text-slate-500 ${triggerClassName}`}
        >
          <span className="truncate">
            <RadixSelect.Value placeholder={placeholder}>{chosenLabel}</RadixSelect.Value>
          </span>
          <RadixSelect.Icon className="shrink-0 text-slate-500">
            <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.75">
              <path d="M4 6l4 4 4-4" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </RadixSelect.Icon>
        </RadixSelect.Trigger>
        <RadixSelect.Portal>
          <RadixSelect.Content position="popper" sideOffset={4} className={`${POPOVER} max-h-[var(--radix-select-content-available-height)] min-w-[var(--radix-select-trigger-width)]`}>
            <RadixSelect.Viewport>
              {any && <Item value={ANY} label={any} />}
              {options.map((o) => (
                <Item key={o.value} value={o.value} label={o.label} />
              ))}
            </RadixSelect.Viewport>
          </RadixSelect.Content>
        </RadixSelect.Portal>
      </RadixSelect.Root>
    </div>
  );
}

function Item({ value, label }: SelectOption) {
  return (
    <RadixSelect.Item value={value} className={`${MENU_ITEM} pr-7`}>
      <RadixSelect.ItemText>{label}</RadixSelect.ItemText>
      <RadixSelect.ItemIndicator className="absolute right-2 inline-flex items-center">
        <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M3 8.5l3 3 7-7" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </RadixSelect.ItemIndicator>
    </RadixSelect.Item>
  );
}

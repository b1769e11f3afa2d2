'use client';

import { startTransition, type ComponentProps } from 'react';

/**
 * A form for a server action that keeps what the person chose and typed. A plain
 * `<form action={…}>` is reset by React once its action finishes, so after an answer the selects
 * and fields showed their first values while the message spoke of the new ones (a role that
 * "changed" back, a reason picked again, card ids typed again). Here the action runs in a
 * transition of our own, which React does not follow with a reset.
 */
export function ActionForm({ action, children, ...props }: Omit<ComponentProps<'form'>, 'action' | 'onSubmit'> & { action: (data: FormData) => void }) {
  return (
    <form
      {...props}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget, (e.nativeEvent as SubmitEvent).submitter);
        startTransition(() => action(data));
      }}
    >
      {children}
    </form>
  );
}

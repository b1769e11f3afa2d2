/** A batch's state and a row's outcome in words, for the batch pages. */
export const BATCH_STATE_WORDS: Record<string, string> = {
  draft: 'Draft: checked, nothing asked for yet',
  requested: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
};

export const OUTCOME_WORDS: Record<string, string> = {
  approved: 'Approved',
  over_refund: 'Would refund more than captured',
  conflict: 'Decided or expired meanwhile',
  forbidden: 'Not allowed',
  too_soon: 'Too soon',
  invalid_input: 'Needs a note',
  rejected: 'Rejected',
  expired: 'Expired',
};


export const NOTICES: Record<string, [string, 'ok' | 'warn']> = {
  confirmed: ['Confirmed: one refund request per valid row. Someone else approves the batch now.', 'ok'],
  confirm_changed: ['Nothing was created: some rows changed since the upload (other refunds were approved meanwhile), or the batch was decided. Check the verdicts below.', 'warn'],
  approved: ['Approved: each refund that still fits is on its way to the provider. Rows that no longer fit say why below.', 'ok'],
  rejected: ['Rejected, with every request of the batch.', 'ok'],
  need_note: ['Nothing changed: some rows have holds, so say in a note what you checked.', 'warn'],
  need_reject_note: ['Nothing changed: say why it is rejected — the uploader will read it.', 'warn'],
  forbidden: ['Nothing changed: you may not do that here (an uploader never approves their own file).', 'warn'],
  conflict: ['Nothing changed: this batch was decided meanwhile.', 'warn'],
  too_soon: ['Nothing changed: rows with holds wait a minute after they were asked for. Try again shortly.', 'warn'],
  invalid_input: ['Nothing changed: no row of this file can be refunded.', 'warn'],
  not_found: ['No such batch.', 'warn'],
  unauthorized: ['Sign in again first.', 'warn'],
};

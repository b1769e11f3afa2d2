import { describe, expect, it } from 'vitest';
import { isWalletPayment, maskedWalletCard, otpRefsOf, refsToColumns, walletRefusal } from './refs';

const card = { card_account_id: 'CAC7975', enkash_card_id: 'EKCBEFFEC1' };
const enkash = (otpRefs: Record<string, string> = {}) => ({ provider: 'enkash', otpRefs });

describe('the ids an OTP call uses', () => {
  it('uses the stored refs; Juspay ids given with the request take precedence, wallet card ids never do', () => {
    const t = { otpRefs: { challenge_id: 'ch_stored', customer_id: 'cust_1', other: 'x', ...card } };
    expect(otpRefsOf(t)).toEqual({ challengeId: 'ch_stored', customerId: 'cust_1', cardAccountId: 'CAC7975', enKashCardId: 'EKCBEFFEC1' });
    expect(otpRefsOf(t, { challengeId: 'ch_given', cardAccountId: 'CAC0001', enKashCardId: 'EKCOTHER' })).toEqual({
      challengeId: 'ch_given',
      customerId: 'cust_1',
      cardAccountId: 'CAC7975',
      enKashCardId: 'EKCBEFFEC1',
    });
    expect(otpRefsOf({ otpRefs: {} }, { cardAccountId: 'CAC0001', enKashCardId: 'EKCOTHER' })).toEqual({});
    expect(refsToColumns({ cardAccountId: 'CAC1', enKashCardId: 'EKC1' })).toEqual({ card_account_id: 'CAC1', enkash_card_id: 'EKC1' });
  });
});

describe('wallet payments', () => {
  it('are Enkash Wallet transactions, and Enkash payments whose stored refs name a wallet card', () => {
    expect(isWalletPayment({ provider: 'enkash_wallet', otpRefs: {} })).toBe(true);
    expect(isWalletPayment(enkash(card))).toBe(true);
    expect(isWalletPayment(enkash({ card_account_id: 'CAC7975' }))).toBe(true);
    expect(isWalletPayment(enkash())).toBe(false);
    expect(isWalletPayment({ provider: 'juspay', otpRefs: card })).toBe(false);
  });

  it('show only the last four characters of each card id', () => {
    expect(maskedWalletCard({ otpRefs: card })).toEqual({ cardAccountId: '…7975', enKashCardId: '…FEC1' });
    expect(maskedWalletCard({ otpRefs: { card_account_id: 'CAC7975' } })).toBeNull();
  });
});

describe('a request refused before the ledger', () => {
  it('goes ahead with no wallet ids, or with the stored ones', () => {
    expect(walletRefusal(enkash(card), 'wallet_otp', {})).toBeNull();
    expect(walletRefusal(enkash(card), 'wallet_otp', { cardAccountId: 'CAC7975', enKashCardId: 'EKCBEFFEC1' })).toBeNull();
    expect(walletRefusal({ provider: 'enkash_wallet', otpRefs: card }, 'resend', { enKashCardId: 'EKCBEFFEC1' })).toBeNull();
    // Not a wallet send, nothing named: not this check's business.
    expect(walletRefusal(enkash(), 'resend', {})).toBeNull();
    expect(walletRefusal({ provider: 'juspay', otpRefs: {} }, 'validate', { challengeId: 'ch_given' })).toBeNull();
  });

  it('refuses another card, whichever id differs and whatever the action', () => {
    for (const given of [{ cardAccountId: 'CAC0001', enKashCardId: 'EKCBEFFEC1' }, { enKashCardId: 'EKCOTHER' }, { cardAccountId: 'CAC0001' }]) {
      expect(walletRefusal(enkash(card), 'wallet_otp', given)).toMatchObject({ outcome: 'refused_other_card', code: 'forbidden', named: given });
      expect(walletRefusal(enkash(card), 'resend', given)?.outcome).toBe('refused_other_card');
    }
    // No card stored: any named card is another card.
    expect(walletRefusal(enkash(), 'wallet_otp', { cardAccountId: 'CAC0001', enKashCardId: 'EKCOTHER' })?.outcome).toBe('refused_other_card');
    expect(walletRefusal({ provider: 'enkash_wallet', otpRefs: {} }, 'resend', { cardAccountId: 'CAC0001', enKashCardId: 'EKCOTHER' })?.outcome).toBe('refused_other_card');
  });

  it('refuses a wallet OTP for a payment that is not a wallet payment', () => {
    expect(walletRefusal(enkash(), 'wallet_otp', {})).toMatchObject({ outcome: 'refused_not_wallet', code: 'invalid_input' });
    expect(walletRefusal({ provider: 'juspay', otpRefs: { challenge_id: 'ch_1' } }, 'wallet_otp', {})?.outcome).toBe('refused_not_wallet');
  });
});

/** The reasons an agent picks from; "other" needs a note. (Its own module: the form imports it in the browser.) */
export const OTP_REASONS = {
  not_received: 'Customer did not receive the OTP',
  expired: 'OTP expired before the customer entered it',
  wrong_otp: 'Customer entered a wrong OTP and needs a new one',
  other: 'Other',
} as const;

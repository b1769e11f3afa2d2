export * from './transactions';
export * from './payment-events';
export * from './deliveries';
export * from './audit-log';
export * from './users';
export * from './otp';
export * from './live';

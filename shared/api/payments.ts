/**
 * API methods and events of the payments and drawer domains. Spread into the one contract
 * (shared/api/contract.ts); handlers in electron/payments/handlers.ts.
 */
export const paymentMethods = {} as const;
export const paymentEvents = {} as const;

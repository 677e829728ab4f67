/**
 * API methods and events of the visits domain (appointments, check-in, board). Spread into the one contract
 * (shared/api/contract.ts); handlers in electron/visits/handlers.ts.
 */
export const visitMethods = {} as const;
export const visitEvents = {} as const;

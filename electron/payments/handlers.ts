import type { DomainHandlers } from '../api/types.js';
import type { MethodName } from '../../shared/api/contract.js';
import type { paymentMethods } from '../../shared/api/payments.js';

export type PaymentMethodName = keyof typeof paymentMethods & MethodName;

/** Handlers of the payments and drawer domains (shared/api/payments.ts). */
export function paymentHandlers(): DomainHandlers<PaymentMethodName> {
  return {};
}

import type { DomainHandlers } from '../api/types.js';
import type { MethodName } from '../../shared/api/contract.js';
import { paymentMethods } from '../../shared/api/payments.js';
import { ApiError } from '../../shared/api/errors.js';

export type PaymentMethodName = keyof typeof paymentMethods & MethodName;

/** Handlers of the payments and drawer domains (shared/api/payments.ts). STEP 1: the API is declared; handlers land next. */
export function paymentHandlers(): DomainHandlers<PaymentMethodName> {
  const notYet = () => {
    throw new ApiError('INTERNAL', 'Payments are being built: this action is not available yet.');
  };
  return Object.fromEntries(Object.keys(paymentMethods).map((k) => [k, notYet])) as unknown as DomainHandlers<PaymentMethodName>;
}

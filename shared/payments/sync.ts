/**
 * Sync op kinds of the payments and drawer domains, with their payload schemas (desk outbox, hub apply, desk apply).
 * Payments never conflict: every op appends (a session's close is its one state change, made only by its own desk).
 */
import { z } from 'zod';
import { denominationCountsSchema, drawerCloseSchema, drawerMovementSchema, paymentSettingsSchema, personRefSchema, varianceSignOffSchema, centsSchema } from '../domain/drawer.js';
import { paymentSchema } from '../domain/payment.js';
import { instantSchema, uuidSchema } from '../domain/common.js';

export const PAYMENT_OP_KINDS = [
  'drawer.opened',
  'drawer.paid_in',
  'drawer.paid_out',
  'drawer.closed',
  'drawer.variance_signed_off',
  'payment.recorded',
  'payment.voided',
  'payment.refunded',
  'payments.settings_configured',
] as const;
export type PaymentOpKind = (typeof PAYMENT_OP_KINDS)[number];

/** The session as opened (entityId = session id). */
export const drawerOpenedPayloadSchema = z.object({
  session: z.object({
    id: uuidSchema,
    deskId: z.string().min(1).max(100),
    deskLabel: z.string().max(100),
    businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    openedAt: instantSchema,
    openedBy: personRefSchema,
    float: denominationCountsSchema,
    floatCents: centsSchema,
    note: z.string().max(500),
  }),
});
export type DrawerOpenedPayload = z.infer<typeof drawerOpenedPayloadSchema>;

/** entityId = session id */
export const drawerMovementPayloadSchema = z.object({ movement: drawerMovementSchema });
/** entityId = session id */
export const drawerClosedPayloadSchema = z.object({ sessionId: uuidSchema, close: drawerCloseSchema });
/** entityId = session id */
export const drawerSignedOffPayloadSchema = z.object({ signOff: varianceSignOffSchema });
/** entityId = payment id; payment.sessionId names the session */
export const paymentPayloadSchema = z.object({ payment: paymentSchema });
/**
 * The clinic's payment settings (approval limits, variance tolerance, default float, denominations, the address and
 * phone on receipts): site-wide, latest by HLC; entityId = PAYMENT_SETTINGS_ENTITY. Not about a drawer session.
 */
export const paymentSettingsPayloadSchema = z.object({ settings: paymentSettingsSchema });
export type PaymentSettingsPayload = z.infer<typeof paymentSettingsPayloadSchema>;
export const PAYMENT_SETTINGS_ENTITY = 'payment_settings';

export function payloadSchemaFor(kind: PaymentOpKind): z.ZodType {
  switch (kind) {
    case 'drawer.opened':
      return drawerOpenedPayloadSchema;
    case 'drawer.paid_in':
    case 'drawer.paid_out':
      return drawerMovementPayloadSchema;
    case 'drawer.closed':
      return drawerClosedPayloadSchema;
    case 'drawer.variance_signed_off':
      return drawerSignedOffPayloadSchema;
    case 'payment.recorded':
    case 'payment.voided':
    case 'payment.refunded':
      return paymentPayloadSchema;
    case 'payments.settings_configured':
      return paymentSettingsPayloadSchema;
  }
}

/** The session an op touches (the ownership check: only the session's desk may write to it); '' for the settings. */
export function sessionIdOf(kind: PaymentOpKind, payload: unknown): string {
  const p = payload as Record<string, any>;
  switch (kind) {
    case 'payments.settings_configured':
      return '';
    case 'drawer.opened':
      return p.session.id;
    case 'drawer.paid_in':
    case 'drawer.paid_out':
      return p.movement.sessionId;
    case 'drawer.closed':
      return p.sessionId;
    case 'drawer.variance_signed_off':
      return p.signOff.sessionId;
    default:
      return p.payment.sessionId;
  }
}

export function isPaymentOpKind(k: string): k is PaymentOpKind {
  return (PAYMENT_OP_KINDS as readonly string[]).includes(k);
}

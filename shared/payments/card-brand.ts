/**
 * The card brand as people read it, the one way everywhere (payment dialog, drawer list and detail, receipts, EOD):
 * "Visa", "Mastercard", "American Express", "Discover", "Other card".
 */
import type { CARD_BRANDS } from '../domain/payment.js';

export type CardBrand = (typeof CARD_BRANDS)[number];

export const CARD_BRAND_LABELS: Record<CardBrand, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', other: 'Other card' };

/** The label of a stored brand code (an unknown code is shown as stored, never dropped). */
export function cardBrandLabel(brand: string): string {
  return (CARD_BRAND_LABELS as Record<string, string>)[brand] ?? brand;
}

import { z } from 'zod';
import { requiredText, text, uuidSchema, instantSchema } from './common.js';
import { isValidTimeZone as isValidTz } from '../dates.js';
import { ROLES } from '../api/define.js';

export const roleSchema = z.enum(ROLES as unknown as ['clerk', 'supervisor', 'administrator']);

export const usernameSchema = z
  .string()
  .trim()
  .min(2, { error: 'User name needs at least 2 characters' })
  .max(40, { error: 'User name is too long' })
  .regex(/^[a-z0-9._-]+$/i, { error: 'User name may contain letters, digits, . _ -' });

/** OWASP ASVS: at least 12 characters for passwords; PINs are not accepted as passwords. */
export const passwordSchema = z
  .string()
  .min(12, { error: 'Password needs at least 12 characters' })
  .max(256, { error: 'Password is too long' });

export const userSummarySchema = z.object({
  id: uuidSchema,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  active: z.boolean(),
  locked: z.boolean(),
  createdAt: instantSchema,
});
export type UserSummary = z.infer<typeof userSummarySchema>;

export const newUserSchema = z.object({
  username: usernameSchema,
  displayName: requiredText(80, 'Display name'),
  role: roleSchema,
  password: passwordSchema,
});

export const siteSettingsSchema = z.object({
  siteName: requiredText(100, 'Site name'),
  timeZone: z.string().max(64).refine(isValidTz, { error: 'Unknown time zone' }),
  deskLabel: requiredText(40, 'Desk name'),
  /** idle lock after this many seconds without input */
  idleLockSeconds: z.number().int().min(30, { error: 'At least 30 seconds' }).max(3600, { error: 'At most one hour' }),
  /** failed sign-ins before the account locks */
  lockoutThreshold: z.number().int().min(3).max(20),
  lockoutMinutes: z.number().int().min(1).max(1440),
  /** a likely duplicate is saved only with a supervisor's user name and password (not the clerk's reason alone) */
  requireDuplicateApproval: z.boolean().default(false),
});
export type SiteSettings = z.infer<typeof siteSettingsSchema>;

/**
 * The settings that are the clinic's, not the desk's: they travel to every desk in the 'site.configured' op
 * (shared/sync/protocol.ts sitePayloadSchema). The rest (the desk name) stays on its desk.
 */
export const SITE_WIDE_SETTINGS = ['siteName', 'timeZone', 'idleLockSeconds', 'lockoutThreshold', 'lockoutMinutes', 'requireDuplicateApproval'] as const satisfies readonly (keyof SiteSettings)[];
export type SiteWideSettings = Pick<SiteSettings, (typeof SITE_WIDE_SETTINGS)[number]>;

/** The site-wide part of the settings, as the 'site.configured' op carries it. */
export function siteWidePayload(s: SiteSettings): SiteWideSettings {
  return Object.fromEntries(SITE_WIDE_SETTINGS.map((k) => [k, s[k]])) as SiteWideSettings;
}

export const auditEntrySchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  at: instantSchema,
  userId: z.string(),
  userName: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  detail: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export { text };

/**
 * The audit log in plain words: one table of action labels (the audit screen's filter and table, and the CSV export
 * on the desk use it), the areas the filter groups them by, and how an entry's detail reads ("Amount: $25.00",
 * "Approved by: Sam Supervisor") instead of raw JSON. Ids in a detail are named through `names` (the desk resolves
 * users, patients, appointments, payments and clinic setup entries); an id it cannot name reads "(record not on
 * this desk)", never the UUID.
 */
import { formatCents } from '../payments/money.js';
import { formatUsDate } from '../dates.js';

export interface AuditArea {
  /** action prefix */
  prefix: string;
  label: string;
}

export const AUDIT_AREAS: readonly AuditArea[] = [
  { prefix: 'patient.', label: 'Patients' },
  { prefix: 'appointment', label: 'Appointments and check-in' },
  { prefix: 'payment', label: 'Payments' },
  { prefix: 'drawer.', label: 'Cash drawer' },
  { prefix: 'eod.', label: 'End of day' },
  { prefix: 'session.', label: 'Sign-in and lock' },
  { prefix: 'user.', label: 'Users' },
  { prefix: 'settings.', label: 'Site settings' },
  { prefix: 'sync.', label: 'Sync with the hub' },
  { prefix: 'audit.', label: 'Audit log' },
];

/** action -> what happened, in words (the screen shows the area's label next to it where it helps). */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  // patients
  'patient.registered': 'Patient registered',
  'patient.updated': 'Patient record edited',
  'patient.update_unchanged': 'Patient record saved without changes',
  'patient.viewed': 'Patient record opened',
  'patient.searched': 'Patients searched',
  'patient.history_viewed': 'Patient history opened',
  'patient.duplicates_checked': 'Duplicate check run',
  'patient.duplicate_override': 'Saved despite a likely duplicate',
  'patient.duplicate_flagged': 'Flagged as a possible duplicate',
  'patient.duplicate_flag_resolved': 'Possible duplicate closed',
  'patient.merged': 'Patient records merged',
  'patient.unmerged': 'Merge undone',
  'patient.printed': 'Label or wristband printed',
  'patient.synced': 'Patient change from another desk',
  'patient.links_synced': 'Merge links from the hub',
  // appointments
  'appointment.booked': 'Appointment booked',
  'appointment.rescheduled': 'Appointment rescheduled',
  'appointment.modified': 'Appointment changed',
  'appointment.cancelled': 'Appointment cancelled',
  'appointment.no_show': 'Marked no-show',
  'appointment.arrived': 'Checked in',
  'appointment.roomed': 'Roomed',
  'appointment.checked_out': 'Checked out',
  'appointment.undo_arrival': 'Check-in undone',
  'appointment.undo_rooming': 'Rooming undone',
  'appointment.undo_check_out': 'Check-out undone',
  'appointment.reinstate': 'Appointment reinstated',
  'appointment.payment_linked': 'Payment linked to the visit',
  'appointment.payment_link_repeated': 'Payment link repeated',
  'appointment.viewed': 'Appointment opened',
  'appointment.listed': 'Appointments listed',
  'appointment.walk_in_context_viewed': 'Walk-in opened',
  'appointment.synced': 'Appointment change from another desk',
  'appointment.sync_refused': 'Appointment change refused by the hub',
  'appointments.import-previewed': 'Appointment import checked',
  'appointments.imported': 'Appointments imported',
  'visits.board_viewed': 'Today’s board opened',
  'department.created': 'Department added',
  'department.updated': 'Department changed',
  'department.synced': 'Department from another desk',
  'provider.created': 'Provider added',
  'provider.updated': 'Provider changed',
  'provider.synced': 'Provider from another desk',
  'appointment_type.created': 'Appointment type added',
  'appointment_type.updated': 'Appointment type changed',
  'appointment_type.synced': 'Appointment type from another desk',
  // payments and drawer
  'payment.recorded': 'Payment taken',
  'payment.voided': 'Payment voided',
  'payment.refunded': 'Payment refunded',
  'payment.receipt_printed': 'Receipt printed',
  'payment.receipt_reprinted': 'Receipt reprinted',
  'payment.list_viewed': 'Payments listed',
  'payment.synced': 'Payment from another desk',
  'payment.synced_void': 'Void from another desk',
  'payment.synced_refund': 'Refund from another desk',
  'payments.settings_changed': 'Payment settings changed',
  'payments.settings_synced': 'Payment settings from another desk',
  'payments.settings_denominations_taken': 'New denominations taken at the drawer close',
  'approval.refused': 'Supervisor approval refused',
  'approval.password_failed': 'Supervisor approval: wrong password',
  'drawer.opened': 'Drawer opened',
  'drawer.paid_in': 'Cash paid in',
  'drawer.paid_out': 'Cash paid out',
  'drawer.closed': 'Drawer closed (blind count)',
  'drawer.x_report': 'Drawer X report',
  'drawer.variance_signed_off': 'Drawer variance signed off',
  'drawer.variance_sign_off': 'Drawer variance sign-off',
  'drawer.synced_opened': 'Drawer opened at another desk',
  'drawer.synced_paid_in': 'Cash paid in at another desk',
  'drawer.synced_paid_out': 'Cash paid out at another desk',
  'drawer.synced_closed': 'Drawer closed at another desk',
  'drawer.synced_variance_signed_off': 'Variance signed off at another desk',
  'eod.viewed': 'End-of-day report opened',
  'eod.exported': 'End-of-day report exported',
  // people and the desk
  'session.signed_in': 'Signed in',
  'session.signed_out': 'Signed out',
  'session.sign_in_failed': 'Sign-in failed',
  'session.sign_in_refused': 'Sign-in refused',
  'session.locked': 'Screen locked',
  'session.unlocked': 'Screen unlocked',
  'session.unlock_failed': 'Unlock failed',
  'user.created': 'User added',
  'user.updated': 'User changed',
  'user.password_set': 'Password set',
  'user.unlocked': 'User unlocked',
  'user.locked_out': 'User locked out (too many failed sign-ins)',
  'user.failed_count_reset': 'Failed sign-ins reset',
  'user.synced': 'User from another desk',
  'user.username_held': 'User name held (same name on two desks)',
  'user.username_renamed': 'User name changed',
  'setup.initialized': 'Desk set up (new clinic)',
  'setup.joined': 'Desk joined the clinic',
  'settings.updated': 'Site settings changed',
  'site.synced': 'Site settings from another desk',
  'sync.enrolled': 'Desk connected to the hub',
  'sync.mrn_block_granted': 'MRN block received from the hub',
  'sync.review_item_resolved': 'Review item closed',
  'issuance.restore_detected': 'Store restored from a backup (numbers moved on)',
  'issuance.witness_missing': 'Number witness file missing (numbers moved on)',
  'audit.verified': 'Audit chain verified',
  'audit.exported': 'Audit log exported',
};

/** Words for an action: the table's label, or the action itself in words ("drawer.synced_x" -> "Drawer: synced x"). */
export function auditActionLabel(action: string): string {
  const known = AUDIT_ACTION_LABELS[action];
  if (known) return known;
  const [area, ...rest] = action.split('.');
  const words = (s: string) => s.replace(/[_-]+/g, ' ').trim();
  const head = words(area ?? '');
  const tail = words(rest.join(' '));
  return `${head.charAt(0).toUpperCase()}${head.slice(1)}${tail ? `: ${tail}` : ''}`;
}

/** Labels of detail keys; keys not here read as words ("copayDueCents" -> "Copay due"). */
const DETAIL_LABELS: Readonly<Record<string, string>> = {
  amountCents: 'Amount',
  floatCents: 'Float',
  countedCashCents: 'Counted cash',
  copayDueCents: 'Copay due',
  receiptNo: 'Receipt no.',
  reason: 'Reason',
  status: 'Status',
  from: 'From',
  version: 'Version',
  versions: 'Versions',
  fields: 'Fields',
  matchIds: 'Likely duplicates',
  scores: 'Scores',
  patientId: 'Patient',
  appointmentId: 'Visit',
  paymentId: 'Payment',
  approvedBy: 'Approved by',
  keptBy: 'Kept by',
  into: 'Into',
  survivorId: 'Kept record',
  mergedId: 'Merged record',
  walkIn: 'Walk-in',
  identityVerified: 'ID verified',
  copayDecision: 'Copay',
  consents: 'Consents',
  coverageVerifiedRanks: 'Coverage verified',
  addressConfirmed: 'Address confirmed',
  deskLabel: 'Desk',
  username: 'User name',
  role: 'Role',
  code: 'Code',
  active: 'Active',
  format: 'Format',
  bytes: 'Size (bytes)',
  rows: 'Rows',
  count: 'Count',
  failedCount: 'Failed attempts',
  ok: 'Chain OK',
  q: 'Search',
  hits: 'Results',
  fromDesk: 'From desk',
  businessDate: 'Business date',
  copies: 'Copies',
  paper: 'Paper',
  kind: 'Kind',
  filters: 'Filters',
};

/** Internal bookkeeping a reader does not need (sync op ids, hashes, movement ids). */
const HIDDEN_DETAIL_KEYS = new Set(['opId', 'hash', 'prevHash', 'movementId', 'hlc']);

export interface AuditDetailLine {
  label: string;
  value: string;
}

export interface AuditWords {
  /** a person, record or setup entry for an id; undefined when this desk does not know it */
  name(id: string): string | undefined;
  /** an instant in the site's time zone */
  instant(iso: string): string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}

function keyWords(key: string): string {
  const w = key
    .replace(/Cents$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** A code as words: "not-collected" -> "not collected". */
function codeWords(s: string): string {
  return /^[a-z0-9]+([_-][a-z0-9]+)+$/.test(s) ? s.replace(/[_-]+/g, ' ') : s;
}

/** A patient field path ("name.given", "birthDate") in words. */
const NAME_PART_WORDS: Readonly<Record<string, string>> = { given: 'first name', family: 'last name', middle: 'middle name', suffix: 'suffix', prefix: 'prefix' };
function fieldWords(path: string): string {
  const [head, part] = path.split('.');
  if (head === 'name' && part) return NAME_PART_WORDS[part] ?? part;
  return keyWords(path.replace(/\./g, ' ')).toLowerCase();
}

function valueWords(key: string, v: unknown, words: AuditWords): string {
  if (v === null || v === undefined || v === '') return '';
  if (key === 'fields' && Array.isArray(v)) return v.map((f) => fieldWords(String(f))).join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return /Cents$/.test(key) && Number.isSafeInteger(v) ? formatCents(v) : String(v);
  if (typeof v === 'string') {
    if (isUuid(v)) return words.name(v) ?? '(record not on this desk)';
    if (ISO_INSTANT.test(v)) return words.instant(v);
    if (ISO_DATE.test(v)) return formatUsDate(v);
    return codeWords(v);
  }
  if (Array.isArray(v)) return v.length ? v.map((x) => valueWords(key, x, words)).filter(Boolean).join(', ') : 'none';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // a person reference { userId, userName }
    if (typeof o.userName === 'string') return o.userName;
    return Object.entries(o)
      .filter(([k]) => !HIDDEN_DETAIL_KEYS.has(k))
      .map(([k, x]) => `${DETAIL_LABELS[k] ?? keyWords(k)} ${valueWords(k, x, words)}`.trim())
      .join(', ');
  }
  return String(v);
}

/** An entry's detail (the stored JSON text) as label/value lines; unreadable JSON reads as itself. */
export function auditDetailLines(detail: string, words: AuditWords): AuditDetailLine[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return detail ? [{ label: 'Detail', value: detail }] : [];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed === null || parsed === '' ? [] : [{ label: 'Detail', value: valueWords('', parsed, words) }];
  const out: AuditDetailLine[] = [];
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (HIDDEN_DETAIL_KEYS.has(k)) continue;
    if (k === 'fromDesk') {
      out.push({ label: 'From desk', value: words.name(String(v)) ?? 'another desk' });
      continue;
    }
    const value = valueWords(k, v, words);
    if (value === '') continue;
    out.push({ label: DETAIL_LABELS[k] ?? keyWords(k), value });
  }
  return out;
}

/** One line of text: "Amount: $25.00 · Receipt no.: A-000123". */
export function auditDetailText(lines: readonly AuditDetailLine[]): string {
  return lines.map((l) => `${l.label}: ${l.value}`).join(' · ');
}

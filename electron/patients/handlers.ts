/**
 * The patients domain: register, edit (versioned), view, history, duplicate check, search (delegated to search.ts).
 *
 * The dispatcher has already validated every input against the shared schema (patientInputSchema etc.); handlers
 * enforce only what a schema cannot: the version check, duplicate prevention, MRN allocation, existence.
 * Every state change is one Store.command: patients row + patient_versions row + search keys + outbox + audit.
 */
import { ApiError } from '../../shared/api/errors.js';
import { newId } from '../../shared/ids.js';
import { businessDate, formatUsDate, parseIsoDate, parseTypedDate } from '../../shared/dates.js';
import type { DuplicateMatch, Patient, PatientInput, PatientVersion } from '../../shared/domain/patient.js';
import type { DupCandidate } from '../../shared/patients/duplicate-score.js';
import type { DomainHandlers, HandlerContext } from '../api/types.js';
import { requireUser } from '../api/types.js';
import type { Actor, CommandTx, Store } from '../store/store.js';
import { readSettings } from '../users/repo.js';
import { diffPatient, patchOf, IDENTITY_FIELDS, PATIENT_FIELDS, fieldValue } from './changes.js';
import { findDuplicateMatches } from './duplicates.js';
import { MrnAllocator } from './mrn.js';
import { patientRow, parseDoc, toDupCandidate, toPatient, userDisplayName, writePatientVersion, type PatientRow } from './repo.js';
import { searchPatients } from './search.js';
import { approvalRequiredFor, flagsOf, overrideApproval, writeDuplicateFlags } from './duplicate-flags.js';
import type { ApproverCredentials, PersonRef } from '../../shared/domain/drawer.js';
import { parseSearchQuery } from '../../shared/patients/search-query.js';

type PatientMethods = 'patients.search' | 'patients.get' | 'patients.findDuplicates' | 'patients.register' | 'patients.update' | 'patients.history';

interface Override {
  reason: string;
  matchIds: string[];
  approver?: ApproverCredentials;
}

/** What kinds of search a query was read as, without any of its text. */
export function searchKinds(q: string, today: string): string[] {
  const p = parseSearchQuery(q, today);
  const kinds: string[] = [];
  if (p.names.length) kinds.push('name');
  if (p.birthDates.length) kinds.push('dob');
  if (p.mrn) kinds.push('mrn');
  if (p.phone) kinds.push('phone');
  if (p.phoneLocal || p.phoneLast4) kinds.push('phone-ending');
  return kinds.length ? kinds : ['unrecognised'];
}

function siteTimeZone(store: Store): string {
  return readSettings(store.db)?.timeZone ?? 'UTC';
}

function mustExist(row: PatientRow | undefined): PatientRow {
  if (!row) throw new ApiError('NOT_FOUND', 'This patient record does not exist on this desk.');
  return row;
}

/**
 * Refuses a save that has likely duplicates unless the clerk gave an override covering every one of them.
 * Returns what the override audit needs (null when there was nothing to override).
 */
function checkDuplicates(tx: CommandTx, candidate: DupCandidate, excludeId: string | undefined, override: Override | undefined, approvalRequired = false): DuplicateMatch[] | null {
  const matches = findDuplicateMatches(tx.db, candidate, { excludeId });
  const likely = matches.filter((m) => m.level === 'likely');
  if (likely.length === 0) return null;
  const n = likely.length;
  const names = likely.slice(0, 3).map((m) => `${m.patient.given} ${m.patient.family} (MRN ${m.patient.mrn})`).join(', ');
  if (!override) {
    throw new ApiError(
      'DUPLICATE_SUSPECTED',
      `This looks like ${n === 1 ? 'a patient who is' : `${n} patients who are`} already registered: ${names}${n > 3 ? ', …' : ''}. ` +
        (approvalRequired ? 'Open the existing record, or save anyway with a reason and a supervisor’s approval. Nothing was saved.' : 'Open the existing record, or save anyway with a reason. Nothing was saved.'),
      { data: { matches, approvalRequired } },
    );
  }
  const covered = new Set(override.matchIds);
  const missing = likely.filter((m) => !covered.has(m.patient.id));
  if (missing.length > 0) {
    throw new ApiError(
      'DUPLICATE_SUSPECTED',
      `Another likely match was found since you reviewed the list: ${missing.map((m) => `${m.patient.given} ${m.patient.family} (MRN ${m.patient.mrn})`).join(', ')}. Review it before saving. Nothing was saved.`,
      { data: { matches, approvalRequired } },
    );
  }
  return likely;
}

/** The override's audit entry and the flag on the record (listed for review), in the save's command. */
function auditOverride(tx: CommandTx, patientId: string, override: Override, likely: DuplicateMatch[], approvedBy: PersonRef | null): void {
  tx.audit({
    action: 'patient.duplicate_override',
    entityType: 'patient',
    entityId: patientId,
    detail: { reason: override.reason, matchIds: likely.map((m) => m.patient.id), scores: likely.map((m) => m.score), approvedBy: approvedBy?.userId ?? null },
  });
  writeDuplicateFlags(tx, patientId, likely, override.reason, approvedBy);
}

/** "changed by Ann at 02:05 PM" (with the date when it was not today), in the site's time zone. */
function changedAtPhrase(iso: string, store: Store): string {
  const tz = siteTimeZone(store);
  const at = new Date(iso);
  const time = at.toLocaleTimeString('en-US', { timeZone: tz, hour: '2-digit', minute: '2-digit' });
  const day = businessDate(tz, at);
  return day === businessDate(tz, store.clock.now()) ? `at ${time}` : `on ${formatUsDate(day)} at ${time}`;
}

const defaultAllocator = new MrnAllocator();

/**
 * Registers a patient as `actor`: one command (duplicate check, MRN, row, version, search keys, outbox, audit).
 * What `patients.register` runs; exported for in-process callers such as the demo seeder. `doc` must already be
 * the parsed output of patientInputSchema (the dispatcher does that for API calls). Throws DUPLICATE_SUSPECTED like
 * the API. Does not emit `patients.changed` (the caller has no dispatcher; a seeder runs before any window).
 */
export function registerPatient(
  store: Store,
  actor: Actor,
  doc: PatientInput,
  opts: { override?: Override; mrns?: MrnAllocator; approvedBy?: PersonRef | null; approvalRequired?: boolean } = {},
): Patient {
  const { override, mrns = defaultAllocator, approvedBy = null, approvalRequired = false } = opts;
  const id = newId();
  const row = store.command(actor, (tx) => {
    const likely = checkDuplicates(tx, toDupCandidate(doc), undefined, override, approvalRequired);
    const mrn = mrns.next(tx.db);
    const changes = diffPatient(null, doc);
    writePatientVersion(tx, { id, doc, version: 1, action: 'registered', changes, mrn });
    tx.outbox({ kind: 'patient.registered', entityId: id, payload: { id, mrn, version: 1, doc } });
    tx.audit({ action: 'patient.registered', entityType: 'patient', entityId: id, detail: { version: 1, fields: changes.map((c) => c.field) } });
    if (likely && override) auditOverride(tx, id, override, likely, approvedBy);
    return patientRow(tx.db, id)!;
  });
  return toPatient(row);
}

export function patientHandlers(deps: { mrns?: MrnAllocator } = {}): DomainHandlers<PatientMethods> {
  const mrns = deps.mrns ?? defaultAllocator;
  return {
    'patients.search': (input, ctx) => {
      const user = requireUser(ctx);
      const today = businessDate(siteTimeZone(ctx.store), ctx.store.clock.now());
      const res = searchPatients(ctx.store.db, input.q, input.limit, today);
      // The query text is PHI and the interpretation labels quote it ("last name starts with 'smi'"), so the audit
      // records only the kinds of search (name / dob / mrn / phone) and how many patients it showed.
      ctx.store.audit(user, { action: 'patient.searched', entityType: 'patient', entityId: 'search', detail: { kind: searchKinds(input.q, today), resultCount: res.hits.length, nearCount: res.hits.filter((h) => h.near).length, truncated: res.truncated } });
      return res;
    },

    'patients.get': (input, ctx) => {
      const user = requireUser(ctx);
      const row = mustExist(patientRow(ctx.store.db, input.id));
      ctx.store.audit(user, { action: 'patient.viewed', entityType: 'patient', entityId: row.id, detail: { version: row.version } });
      return { patient: toPatient(row), duplicateFlags: flagsOf(ctx.store.db, row.id) };
    },

    'patients.history': (input, ctx) => {
      const user = requireUser(ctx);
      const db = ctx.store.db;
      mustExist(patientRow(db, input.id));
      const rows = db
        .prepare<[string], { version: number; action: string; changes: string; doc: string; changed_at: string; changed_by: string }>(
          'SELECT version, action, changes, doc, changed_at, changed_by FROM patient_versions WHERE patient_id = ? ORDER BY version DESC',
        )
        .all(input.id);
      // the stored values of each changed field before and after (the screen words them with the form's labels and
      // shows which parts of a list entry changed); from the version documents, newest first
      const docs = rows.map((r) => JSON.parse(r.doc) as unknown);
      const fields = new Set<string>(PATIENT_FIELDS);
      const names = new Map<string, string>();
      const nameOf = (u: string) => names.get(u) ?? (names.set(u, userDisplayName(db, u)), names.get(u)!);
      ctx.store.audit(user, { action: 'patient.history_viewed', entityType: 'patient', entityId: input.id, detail: { versions: rows.length } });
      return {
        versions: rows.map((r, i) => ({
          version: r.version,
          changedAt: r.changed_at,
          changedBy: r.changed_by,
          changedByName: nameOf(r.changed_by),
          action: r.action as PatientVersion['action'],
          changes: (JSON.parse(r.changes) as { field: string; before: string; after: string }[]).map((c) =>
            fields.has(c.field)
              ? { ...c, beforeValue: i + 1 < docs.length && rows[i + 1]!.version === r.version - 1 ? (fieldValue(docs[i + 1], c.field) ?? null) : null, afterValue: fieldValue(docs[i], c.field) ?? null }
              : c,
          ),
        })),
      };
    },

    'patients.findDuplicates': (input, ctx) => {
      const user = requireUser(ctx);
      // Partial input is normal here (the clerk is still typing): a date that is not complete yet is ignored.
      const birthDate = parseIsoDate(input.birthDate) ? input.birthDate : (parseTypedDate(input.birthDate) ?? '');
      const candidate: DupCandidate = {
        given: input.given,
        family: input.family,
        birthDate,
        sexAtBirth: input.sexAtBirth,
        phones: input.phones,
        email: input.email,
        postalCode: input.postalCode,
        line1: input.line1,
        identifiers: input.identifiers,
        previousFamilyNames: [],
      };
      const matches = findDuplicateMatches(ctx.store.db, candidate, { excludeId: input.excludeId });
      // Showing matching patients discloses them: audited like a search (ids and scores only, never what was typed).
      if (matches.length > 0) {
        ctx.store.audit(user, {
          action: 'patient.duplicates_checked',
          entityType: 'patient',
          entityId: input.excludeId ?? 'new',
          detail: { resultCount: matches.length, matchIds: matches.map((m) => m.patient.id) },
        });
      }
      return { matches };
    },

    'patients.register': async (input, ctx) => {
      const user = requireUser(ctx);
      // the supervisor's approval, when the site requires one, is checked before the save (argon2 is async)
      const approvedBy = input.override ? await overrideApproval(ctx.store, user, input.override.approver, 'new') : null;
      const patient = registerPatient(ctx.store, user, input.patient, { override: input.override, mrns, approvedBy, approvalRequired: approvalRequiredFor(ctx.store, user) });
      ctx.emit('patients.changed', { id: patient.id, version: patient.version });
      return { patient };
    },

    'patients.update': async (input, ctx) => {
      const approvedBy = input.override ? await overrideApproval(ctx.store, requireUser(ctx), input.override.approver, input.id) : null;
      return updatePatient(ctx, input.id, input.baseVersion, input.patient, input.override, approvedBy);
    },
  };
}

function updatePatient(ctx: HandlerContext, id: string, baseVersion: number, doc: PatientInput, override: Override | undefined, approvedBy: PersonRef | null): { patient: Patient } {
  const user = requireUser(ctx);
  const store = ctx.store;
  const result = store.command(user, (tx) => {
    const cur = mustExist(patientRow(tx.db, id));
    if (cur.merged_into) throw new ApiError('CONFLICT', 'This record was merged into another patient record. Open that record to make changes. Nothing was saved.');
    if (cur.version !== baseVersion) {
      throw new ApiError(
        'CONFLICT',
        `This patient was changed by ${userDisplayName(tx.db, cur.updated_by)} ${changedAtPhrase(cur.updated_at, store)} since you opened it; reload to see those changes, then make yours again. Nothing was saved.`,
        { data: { currentVersion: cur.version } },
      );
    }
    const before = parseDoc(cur);
    const changes = diffPatient(before, doc);
    if (changes.length === 0) {
      // Saved without a change: no new version and no outbox entry, but the save attempt is still on record.
      tx.audit({ action: 'patient.update_unchanged', entityType: 'patient', entityId: id, detail: { version: cur.version } });
      return { row: cur, changed: false };
    }
    const likely = changes.some((c) => IDENTITY_FIELDS.has(c.field)) ? checkDuplicates(tx, toDupCandidate(doc), id, override, approvalRequiredFor(store, user)) : null;
    const version = cur.version + 1;
    writePatientVersion(tx, { id, doc, version, action: 'edited', changes });
    tx.outbox({ kind: 'patient.updated', entityId: id, payload: { id, baseVersion, version, changes: patchOf(changes, doc) } });
    tx.audit({ action: 'patient.updated', entityType: 'patient', entityId: id, detail: { version, fields: changes.map((c) => c.field) } });
    if (likely && override) auditOverride(tx, id, override, likely, approvedBy);
    return { row: patientRow(tx.db, id)!, changed: true };
  });
  if (result.changed) ctx.emit('patients.changed', { id, version: result.row.version });
  return { patient: toPatient(result.row) };
}

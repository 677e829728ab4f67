/**
 * The HL7 schedule feed at the hub: one SIU message in, one ACK out.
 *
 *   parse (hub/feeds/siu.ts)  --AR-->  refused: nothing written
 *   one hub write transaction:
 *     MSH-10 dedup     same sender + control id seen before: same content -> the same AA again, nothing written;
 *                      different content under a used control id -> AR 205
 *     directory        department (AIL-3.1), provider (AIP-3.1), appointment type (SCH-8.1, else AIS-3.1) by CODE;
 *                      an unknown or inactive code -> AE 204 naming it (the feed never creates directory entries:
 *                      an administrator adds the code in Clinic setup, then the engine resends)
 *     patient          S12 (and S13/S14 of a still-pending appointment): matched against the hub's patient index
 *                      (hub/feeds/match.ts): MRN or a certain score links it, else pendingPatient; never registered
 *     appointment op   S12 booked, S13 rescheduled, S14 modified (+ rescheduled when the time moved), S15 cancelled,
 *                      S26 no-show; built with the visits domain's builders and written by its
 *                      authorAppointmentOp (state machine -> AE for an illegal transition, e.g. S15 of an arrived
 *                      appointment; hub state + hub-authored change + snapshot that desks pull)
 *     dedup record     hub_meta key feed:msg:<sha256(sender, control id)>
 *   AA only after COMMIT; AE/AR roll the transaction back: nothing is written for a refused message.
 *
 * The appointment is keyed by SCH-2 (filler appointment id): appointment.externalId, source 'hl7'.
 */
import crypto from 'node:crypto';
import type { HubDb, Queryable } from '../db.js';
import { RejectOp } from '../errors.js';
import { buildAck, HL7_ERR, Hl7Refusal, readMshRaw, type AckCode, type Hl7ErrCode } from './hl7.js';
import { parseSiu, type SiuMessage } from './siu.js';
import { feedPersonOfSiu, matchFeedPatient } from './match.js';
import { pendingPatientOf, type MatchDecision } from '../../shared/visits/feeds/match.js';
import { newId } from '../../shared/ids.js';
import { isValidTimeZone } from '../../shared/dates.js';
import type { Appointment } from '../../shared/domain/visit.js';
import {
  bookedPayload,
  cancelledPayload,
  feedStamp,
  modifiedPayload,
  newAppointment,
  noShowPayload,
  rescheduledPayload,
  VISIT_OP_KINDS,
  type AppointmentChangeKind,
  type AppointmentChanges,
} from '../../shared/sync/visits.js';
import { authorAppointmentOp, hubAppointmentByExternalId, hubDirectoryByCode } from '../visits/apply.js';
import { changesCommitted } from '../notify.js';

export interface SiuFeedOptions {
  db: HubDb;
  /** the site's IANA time zone (SIU times without an offset are local times there); default: the site settings
   *  desks synced to the hub (directory_entities 'site') */
  timeZone?: string;
  /** MSH-4 sending facilities accepted (first component, case-insensitive); empty/undefined = any */
  acceptedFacilities?: readonly string[];
  /** MSH-11 processing ids accepted (default ['P']) */
  processingIds?: readonly string[];
  now?: () => Date;
  /** shown as the desk label of feed-made changes */
  label?: string;
  /**
   * Waits until every push the hub acknowledged is materialised (HubService.settle): a message is matched against
   * the patients and appointments desks had already sent, not only those the hub had applied so far.
   */
  settle?: () => Promise<void>;
}

export interface FeedResult {
  ack: string;
  code: AckCode;
  errCode?: Hl7ErrCode;
  /** set when AA */
  appointmentId?: string;
  duplicate?: boolean;
}

interface DedupRecord {
  hash: string;
  text: string;
  appointmentId: string;
}

const FEED_SOURCE = 'hl7' as const;
const MIN_DURATION = 5;
const MAX_DURATION = 480;

function dedupKey(m: SiuMessage): string {
  const sender = `${m.header.sendingApplication}\u0000${m.header.sendingFacility}\u0000${m.controlId}`;
  return `feed:msg:${crypto.createHash('sha256').update(sender, 'utf8').digest('hex')}`;
}

/** Content hash of a message, ignoring MSH-7 (an engine's resend restamps the time) and segment separators. */
function contentHash(text: string): string {
  const norm = text
    .replace(/\r\n|\n/g, '\r')
    .replace(/\r+$/, '')
    .split('\r')
    .map((seg, i) => {
      if (i > 0) return seg;
      const fs = seg[3] ?? '|';
      const f = seg.split(fs);
      if (f.length > 6) f[6] = '';
      return f.join(fs);
    })
    .join('\r');
  return crypto.createHash('sha256').update(norm, 'utf8').digest('hex');
}

const ae = (code: Hl7ErrCode, msg: string, loc?: Hl7Refusal['location']) => new Hl7Refusal('AE', code, msg, loc);

function fmtLocal(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz, month: '2-digit', day: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export class SiuFeed {
  private readonly now: () => Date;
  constructor(readonly opts: SiuFeedOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Handles one message; never throws (a failure is an AR/AE ACK). */
  async handle(text: string): Promise<FeedResult> {
    const inbound = readMshRaw(text);
    const now = this.now();
    const answer = (code: AckCode, msg: string, err?: { code: Hl7ErrCode; location?: Hl7Refusal['location'] }, extra: Partial<FeedResult> = {}): FeedResult => ({
      ack: buildAck({ inbound, code, text: msg, error: err, controlId: newId(), now }),
      code,
      errCode: err?.code,
      ...extra,
    });
    let m: SiuMessage;
    let tz: string;
    try {
      const known = this.opts.timeZone ?? (await siteTimeZone(this.opts.db));
      if (!known) {
        return answer('AE', "The hub does not know the clinic's time zone yet (no desk has synced the site settings, and the hub was started without --feed-time-zone). Nothing was written; send again later.", { code: HL7_ERR.internal });
      }
      tz = known;
      m = parseSiu(text, { timeZone: tz, processingIds: this.opts.processingIds });
      const allowed = this.opts.acceptedFacilities?.filter(Boolean) ?? [];
      const fac = (m.header.sendingFacility.split(m.header.encodingCharacters[0] ?? '^')[0] ?? '').trim();
      if (allowed.length && !allowed.some((a) => a.toUpperCase() === fac.toUpperCase())) {
        throw new Hl7Refusal('AR', HL7_ERR.unknownKey, `Sending facility "${fac.slice(0, 40)}" is not accepted by this hub (MSH-4)`, { segment: 'MSH', field: 4 });
      }
    } catch (e) {
      if (e instanceof Hl7Refusal) return answer(e.ackCode, `${e.message}. Nothing was written.`, { code: e.errCode, location: e.location });
      return answer('AR', 'The message could not be read. Nothing was written.', { code: HL7_ERR.internal });
    }
    try {
      await this.opts.settle?.();
      const r = await this.opts.db.write((tx) => this.apply(tx, m, text, now, tz));
      // committed: desks long-polling GET /sync/wait pull the hub-authored appointment change now (hub/notify.ts)
      if (!r.duplicate) changesCommitted(this.opts.db);
      return answer('AA', r.text, undefined, { appointmentId: r.appointmentId, duplicate: r.duplicate });
    } catch (e) {
      if (e instanceof Hl7Refusal) return answer(e.ackCode, `${e.message}. Nothing was written.`, { code: e.errCode, location: e.location });
      if (e instanceof RejectOp) return answer('AE', `${e.message}. Nothing was written.`, { code: HL7_ERR.internal });
      // a database failure: nothing committed; AE tells the engine to retry later
      return answer('AE', 'The hub could not store the message now; nothing was written. Send it again.', { code: HL7_ERR.internal });
    }
  }

  private async apply(tx: Queryable, m: SiuMessage, text: string, now: Date, tz: string): Promise<{ text: string; appointmentId: string; duplicate: boolean }> {
    const key = dedupKey(m);
    const hash = contentHash(text);
    const seen = await tx.query<{ value: string }>('SELECT value FROM hub_meta WHERE key = $1', [key]);
    if (seen.rows[0]) {
      const rec = JSON.parse(seen.rows[0].value) as DedupRecord;
      if (rec.hash !== hash) {
        throw new Hl7Refusal('AR', HL7_ERR.duplicateKey, `MSH-10 control id ${m.controlId} was already used for a different message from this sender`, { segment: 'MSH', field: 10 });
      }
      return { text: `${rec.text} (already received: nothing changed)`, appointmentId: rec.appointmentId, duplicate: true };
    }
    const at = now.toISOString();
    const stamp = feedStamp(this.opts.label ?? 'HL7 feed', at);
    const current = await hubAppointmentByExternalId(tx, FEED_SOURCE, m.fillerId);
    const author = (kind: AppointmentChangeKind, entityId: string, payload: unknown) => authorAppointmentOp(tx, { kind, entityId, payload }, now);
    let result: { text: string; appointmentId: string };

    switch (m.trigger) {
      case 'S12': {
        if (current) {
          if (current.start === m.start && (m.durationMinutes === null || current.durationMin === m.durationMinutes)) {
            result = { text: `Appointment ${m.fillerId} already booked (same time): nothing changed`, appointmentId: current.id };
            break;
          }
          throw ae(HL7_ERR.duplicateKey, `Appointment ${m.fillerId} (SCH-2) already exists: send S13 to reschedule or S14 to modify it`, { segment: 'SCH', field: 2 });
        }
        const dir = await this.directory(tx, m);
        const duration = this.duration(m, dir.typeDurationMin);
        const match = await matchFeedPatient(tx, feedPersonOfSiu(m.patient));
        const appt = newAppointment({
          id: newId(),
          patientId: match.kind === 'linked' ? match.patientId : null,
          pendingPatient: match.kind === 'linked' ? null : pendingPatientOf(feedPersonOfSiu(m.patient)),
          departmentId: dir.departmentId,
          providerId: dir.providerId,
          typeId: dir.typeId,
          start: m.start!,
          durationMin: duration,
          source: FEED_SOURCE,
          externalId: m.fillerId,
          note: m.reason.text.slice(0, 500),
          now: at,
        });
        await author(VISIT_OP_KINDS.booked, appt.id, bookedPayload(appt, stamp));
        result = { text: `Appointment ${m.fillerId} booked for ${fmtLocal(appt.start, tz)}; ${matchText(match)}`, appointmentId: appt.id };
        break;
      }
      case 'S13':
      case 'S14': {
        const cur = this.requireCurrent(current, m);
        const dir = await this.directory(tx, m);
        const duration = m.durationMinutes === null ? cur.durationMin : this.duration(m, cur.durationMin);
        const parts: string[] = [];
        const moved = m.start !== null && m.start !== cur.start;
        if (moved || (m.trigger === 'S13' && duration !== cur.durationMin)) {
          const p = rescheduledPayload({ id: cur.id, from: cur.status, start: m.start ?? cur.start, durationMin: duration, providerId: dir.providerId, departmentId: dir.departmentId }, stamp);
          await author(VISIT_OP_KINDS.rescheduled, cur.id, p);
          parts.push(`rescheduled to ${fmtLocal(p.start, tz)}`);
        }
        const changes: AppointmentChanges = {};
        if (dir.typeId !== cur.typeId) changes.typeId = dir.typeId;
        if (!parts.length && dir.providerId !== cur.providerId) changes.providerId = dir.providerId;
        if (!parts.length && dir.departmentId !== cur.departmentId) changes.departmentId = dir.departmentId;
        if (!parts.length && duration !== cur.durationMin) changes.durationMin = duration;
        if (m.reason.text && m.reason.text.slice(0, 500) !== cur.note) changes.note = m.reason.text.slice(0, 500);
        if (cur.patientId === null) {
          const match = await matchFeedPatient(tx, feedPersonOfSiu(m.patient));
          if (match.kind === 'linked') {
            changes.patientId = match.patientId;
            changes.pendingPatient = null;
            parts.push(matchText(match));
          } else if (m.patient.family) {
            const pp = pendingPatientOf(feedPersonOfSiu(m.patient));
            if (JSON.stringify(pp) !== JSON.stringify(cur.pendingPatient)) changes.pendingPatient = pp;
          }
        }
        if (Object.keys(changes).length) {
          // after a reschedule in this same message the appointment is still 'scheduled'
          await author(VISIT_OP_KINDS.modified, cur.id, modifiedPayload(cur.id, cur.status, changes, stamp));
          parts.push('details updated');
        }
        result = { text: parts.length ? `Appointment ${m.fillerId} ${parts.join(', ')}` : `Appointment ${m.fillerId}: nothing to change`, appointmentId: cur.id };
        break;
      }
      case 'S15': {
        const cur = this.requireCurrent(current, m);
        if (cur.status === 'cancelled') {
          result = { text: `Appointment ${m.fillerId} was already cancelled: nothing changed`, appointmentId: cur.id };
          break;
        }
        const note = (m.eventReason.text || m.reason.text || 'Cancelled by the scheduling system').slice(0, 500);
        await author(VISIT_OP_KINDS.cancelled, cur.id, cancelledPayload(cur.id, cur.status, { code: 'feed', note }, stamp));
        result = { text: `Appointment ${m.fillerId} cancelled`, appointmentId: cur.id };
        break;
      }
      case 'S26': {
        const cur = this.requireCurrent(current, m);
        if (cur.status === 'no-show') {
          result = { text: `Appointment ${m.fillerId} was already a no-show: nothing changed`, appointmentId: cur.id };
          break;
        }
        await author(VISIT_OP_KINDS.noShow, cur.id, noShowPayload(cur.id, cur.status, stamp));
        result = { text: `Appointment ${m.fillerId} marked no-show`, appointmentId: cur.id };
        break;
      }
    }
    const rec: DedupRecord = { hash, text: result.text, appointmentId: result.appointmentId };
    await tx.query('INSERT INTO hub_meta (key, value) VALUES ($1, $2)', [key, JSON.stringify(rec)]);
    return { ...result, duplicate: false };
  }

  private requireCurrent(cur: Appointment | null, m: SiuMessage): Appointment {
    if (!cur) throw ae(HL7_ERR.unknownKey, `Appointment ${m.fillerId} (SCH-2) is not known to AccessDesk: it was never booked through this feed (send S12 first)`, { segment: 'SCH', field: 2 });
    return cur;
  }

  private duration(m: SiuMessage, fallback: number): number {
    const d = m.durationMinutes ?? fallback;
    if (d < MIN_DURATION || d > MAX_DURATION) throw ae(HL7_ERR.dataType, `Appointment duration ${d} minutes is outside ${MIN_DURATION} to ${MAX_DURATION} minutes`, { segment: 'SCH', field: 9 });
    return d;
  }

  private async directory(tx: Queryable, m: SiuMessage): Promise<{ departmentId: string; providerId: string; typeId: string; typeDurationMin: number }> {
    const typeCode = m.appointmentType.code || m.service.code;
    const typeLoc = m.appointmentType.code ? { segment: 'SCH', field: 8 } : { segment: 'AIS', field: 3 };
    const need: [('department' | 'provider' | 'appointment_type'), string, string, { segment: string; field: number }][] = [
      ['department', m.location.code, 'Department (AIL-3.1)', { segment: 'AIL', field: 3 }],
      ['provider', m.provider.code, 'Provider (AIP-3.1)', { segment: 'AIP', field: 3 }],
      ['appointment_type', typeCode, 'Appointment type (SCH-8.1 or AIS-3.1)', typeLoc],
    ];
    const ids: string[] = [];
    let typeDurationMin = 30;
    for (const [kind, code, label, loc] of need) {
      if (!code) throw new Hl7Refusal('AR', HL7_ERR.requiredFieldMissing, `${label} code is empty`, loc);
      const entry = await hubDirectoryByCode(tx, kind, code);
      if (!entry) throw ae(HL7_ERR.unknownKey, `${label} code "${code.slice(0, 40)}" is not set up in AccessDesk: an administrator adds it with this code in Clinic setup, then resend`, loc);
      if (!entry.active) throw ae(HL7_ERR.unknownKey, `${label} code "${code.slice(0, 40)}" is inactive in AccessDesk`, loc);
      ids.push(entry.id);
      if (kind === 'appointment_type' && 'durationMin' in entry && typeof entry.durationMin === 'number') typeDurationMin = entry.durationMin;
    }
    return { departmentId: ids[0]!, providerId: ids[1]!, typeId: ids[2]!, typeDurationMin };
  }
}

/** The clinic's time zone from the site settings desks synced (null when none yet). */
async function siteTimeZone(db: HubDb): Promise<string | null> {
  const r = await db.query<{ doc: string }>(`SELECT doc FROM directory_entities WHERE entity_type = 'site' AND entity_id = 'site'`);
  try {
    const tz = r.rows[0] ? (JSON.parse(r.rows[0].doc) as { timeZone?: unknown }).timeZone : undefined;
    return typeof tz === 'string' && isValidTimeZone(tz) ? tz : null;
  } catch {
    return null;
  }
}

function matchText(m: MatchDecision): string {
  return m.kind === 'linked' ? `patient MRN ${m.mrn} (matched by ${m.via === 'mrn' ? 'MRN' : 'name and date of birth'})` : `patient pending: ${m.why}`;
}

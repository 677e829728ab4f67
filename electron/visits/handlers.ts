import type { DomainHandlers, HandlerContext } from '../api/types.js';
import { requireUser } from '../api/types.js';
import type { MethodName } from '../../shared/api/contract.js';
import type { visitMethods } from '../../shared/api/visits.js';
import { ApiError } from '../../shared/api/errors.js';
import { businessDate } from '../../shared/dates.js';
import type { Appointment, AppointmentType, Department, Provider } from '../../shared/domain/visit.js';
import * as cmd from './commands.js';
import { checkInContext, loadBoard } from './board.js';
import { getAppointment, listDirectory, siteInfo } from './repo.js';

export type VisitMethodName = keyof typeof visitMethods & MethodName;

function done(ctx: HandlerContext, r: cmd.VisitResult): { appointment: Appointment } {
  ctx.emit('visits.changed', { ids: [r.appointment.id], businessDates: r.businessDates });
  if (r.patient) ctx.emit('patients.changed', r.patient);
  return { appointment: r.appointment };
}

/** Handlers of the visits domain (shared/api/visits.ts). */
export function visitHandlers(): DomainHandlers<VisitMethodName> {
  return {
    'visits.directory': (_i, ctx) => ({
      departments: listDirectory<Department>(ctx.store.db, 'department'),
      providers: listDirectory<Provider>(ctx.store.db, 'provider'),
      types: listDirectory<AppointmentType>(ctx.store.db, 'appointment_type'),
    }),
    'visits.saveDepartment': (i, ctx) => {
      const department = cmd.saveDirectory(ctx.store, requireUser(ctx), 'department', i.id, i.department) as Department;
      ctx.emit('visits.directoryChanged', {});
      return { department };
    },
    'visits.saveProvider': (i, ctx) => {
      const provider = cmd.saveDirectory(ctx.store, requireUser(ctx), 'provider', i.id, i.provider) as Provider;
      ctx.emit('visits.directoryChanged', {});
      return { provider };
    },
    'visits.saveAppointmentType': (i, ctx) => {
      const appointmentType = cmd.saveDirectory(ctx.store, requireUser(ctx), 'appointment_type', i.id, i.appointmentType) as AppointmentType;
      ctx.emit('visits.directoryChanged', {});
      return { appointmentType };
    },

    'visits.book': (i, ctx) => done(ctx, cmd.book(ctx.store, requireUser(ctx), i)),
    'visits.walkIn': (i, ctx) => done(ctx, cmd.walkIn(ctx.store, requireUser(ctx), i)),
    'visits.reschedule': (i, ctx) => done(ctx, cmd.reschedule(ctx.store, requireUser(ctx), i)),
    'visits.modify': (i, ctx) => done(ctx, cmd.modify(ctx.store, requireUser(ctx), i)),
    'visits.cancel': (i, ctx) => done(ctx, cmd.cancel(ctx.store, requireUser(ctx), i.id, i.reason)),
    'visits.noShow': (i, ctx) => done(ctx, cmd.noShow(ctx.store, requireUser(ctx), i.id)),
    'visits.checkIn': (i, ctx) => {
      const r = cmd.checkIn(ctx.store, requireUser(ctx), i.id, i.checkIn);
      return { ...done(ctx, r), patientVersion: r.patient?.version ?? null };
    },
    'visits.room': (i, ctx) => done(ctx, cmd.room(ctx.store, requireUser(ctx), i.id)),
    'visits.checkOut': (i, ctx) => done(ctx, cmd.checkOut(ctx.store, requireUser(ctx), i.id)),
    'visits.undo': (i, ctx) => done(ctx, cmd.undo(ctx.store, requireUser(ctx), i.id, i.undo, i.reason)),
    'visits.linkPayment': (i, ctx) => done(ctx, cmd.linkPayment(ctx.store, requireUser(ctx), i.id, i.paymentId)),

    'visits.board': (i, ctx) => {
      const user = requireUser(ctx);
      const { timeZone } = siteInfo(ctx.store.db);
      const now = ctx.store.clock.now();
      const day = i.businessDate ?? businessDate(timeZone, now);
      const rows = loadBoard(ctx.store.db, { businessDate: day, departmentIds: i.departmentIds, providerIds: i.providerIds, statuses: i.statuses }, now.getTime());
      // The board lists patients: audited like a search (how many, which day; never names).
      ctx.store.audit(user, { action: 'visits.board_viewed', entityType: 'appointment', entityId: 'board', detail: { businessDate: day, rows: rows.length } });
      return { businessDate: day, timeZone, generatedAt: now.toISOString(), rows };
    },
    'visits.get': (i, ctx) => {
      const user = requireUser(ctx);
      const a = getAppointment(ctx.store.db, i.id);
      if (!a) throw new ApiError('NOT_FOUND', 'No such appointment.');
      const day = businessDate(siteInfo(ctx.store.db).timeZone, new Date(a.start));
      const context = checkInContext(ctx.store.db, a, day);
      ctx.store.audit(user, { action: 'appointment.viewed', entityType: 'appointment', entityId: a.id, detail: { patientId: a.patientId } });
      return { appointment: a, context };
    },
    'visits.forPatient': (i, ctx) => {
      const user = requireUser(ctx);
      const rows = ctx.store.db
        .prepare<[string], { doc: string }>('SELECT doc FROM visit_appointments WHERE patient_id = ? ORDER BY start DESC LIMIT 100')
        .all(i.patientId);
      ctx.store.audit(user, { action: 'appointment.listed', entityType: 'patient', entityId: i.patientId, detail: { count: rows.length } });
      return { appointments: rows.map((r) => JSON.parse(r.doc) as Appointment) };
    },
    'visits.walkInContext': (i, ctx) => {
      const user = requireUser(ctx);
      const now = ctx.store.clock.now();
      const day = businessDate(siteInfo(ctx.store.db).timeZone, now);
      // checkInContext reads only the patient and the type of the appointment: a walk-in "now" that is not stored yet
      const context = checkInContext(ctx.store.db, { patientId: i.patientId, typeId: i.typeId } as Appointment, day);
      ctx.store.audit(user, { action: 'appointment.walk_in_context_viewed', entityType: 'patient', entityId: i.patientId, detail: { typeId: i.typeId } });
      return { context };
    },
  };
}

/**
 * Walk-in defaults: the department, provider and appointment type this desk used last for a walk-in (localStorage,
 * ids only), else a type whose code or name says "walk-in", else the first active entries.
 */
import type { AppointmentType, Department, Provider } from '../../shared/domain/visit.js';
import { useSession } from '../app/session.js';

export interface WalkInChoice {
  departmentId: string;
  providerId: string;
  typeId: string;
}

function key(): string {
  return `accessdesk.walkin.${useSession.getState().status?.deskId ?? 'desk'}`;
}

export function rememberWalkIn(c: WalkInChoice): void {
  try {
    localStorage.setItem(key(), JSON.stringify(c));
  } catch {
    /* not remembered: the defaults below apply next time */
  }
}

/** A provider who works in the department (or in every one: no departments listed). */
export function worksIn(p: Provider, departmentId: string): boolean {
  return p.departmentIds.length === 0 || p.departmentIds.includes(departmentId);
}

/**
 * The provider to preset for a department: `preferred` (the one used last) when they work there, else the first
 * active provider of that department, else the first active provider.
 */
export function providerFor(activeProviders: Provider[], departmentId: string, preferred?: string): Provider | undefined {
  const inDep = activeProviders.filter((p) => worksIn(p, departmentId));
  return inDep.find((p) => p.id === preferred) ?? inDep.find((p) => p.departmentIds.includes(departmentId)) ?? inDep[0] ?? activeProviders[0];
}

export function walkInDefaults(dir: { departments: Department[]; providers: Provider[]; types: AppointmentType[] }): WalkInChoice {
  const deps = dir.departments.filter((d) => d.active);
  const provs = dir.providers.filter((p) => p.active);
  const types = dir.types.filter((t) => t.active);
  let last: Partial<WalkInChoice> = {};
  try {
    last = JSON.parse(localStorage.getItem(key()) ?? '{}') as Partial<WalkInChoice>;
  } catch {
    last = {};
  }
  const department = deps.find((d) => d.id === last.departmentId) ?? deps[0];
  const provider = providerFor(provs, department?.id ?? '', last.providerId);
  const type = types.find((t) => t.id === last.typeId) ?? types.find((t) => /walk/i.test(t.code) || /walk/i.test(t.name)) ?? types[0];
  return { departmentId: department?.id ?? '', providerId: provider?.id ?? '', typeId: type?.id ?? '' };
}

// ---- booking defaults ---------------------------------------------------------------------------------------------

function bookKey(): string {
  return `accessdesk.book.${useSession.getState().status?.deskId ?? 'desk'}`;
}

export function rememberBooking(c: WalkInChoice): void {
  try {
    localStorage.setItem(bookKey(), JSON.stringify(c));
  } catch {
    /* not remembered: the defaults below apply next time */
  }
}

/**
 * Booking defaults: what this desk booked last (ids only, localStorage), else the board's department filter, else the
 * first active department; a provider of that department; the first active type that is not a walk-in type.
 */
export function bookingDefaults(dir: { departments: Department[]; providers: Provider[]; types: AppointmentType[] }, boardDepartmentIds: readonly string[] = []): WalkInChoice {
  const deps = dir.departments.filter((d) => d.active);
  const provs = dir.providers.filter((p) => p.active);
  const types = dir.types.filter((t) => t.active);
  let last: Partial<WalkInChoice> = {};
  try {
    last = JSON.parse(localStorage.getItem(bookKey()) ?? '{}') as Partial<WalkInChoice>;
  } catch {
    last = {};
  }
  const department = deps.find((d) => d.id === last.departmentId) ?? deps.find((d) => boardDepartmentIds.includes(d.id)) ?? deps[0];
  const provider = provs.find((p) => p.id === last.providerId) ?? provs.find((p) => department && p.departmentIds.includes(department.id)) ?? provs[0];
  const type = types.find((t) => t.id === last.typeId) ?? types.find((t) => !(/walk/i.test(t.code) || /walk/i.test(t.name))) ?? types[0];
  return { departmentId: department?.id ?? '', providerId: provider?.id ?? '', typeId: type?.id ?? '' };
}

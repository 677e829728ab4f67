/**
 * Helpers for the patient specs: keyboard-only field entry (Tab order or locator.press, which focuses the field the
 * way a keyboard user would land on it), react-aria Select choice by keyboard, search-box driving, and API/DB
 * arrangement and checks against the real desk.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, focusedName, typeHere, type E2EDesk } from './desk.js';
import type { PatientFormValues, Patient } from '../../../shared/domain/patient.js';
import { emptyPatientForm } from '../../../shared/domain/patient.js';
/** renderer/app/commands.ts SEARCH_INPUT_ID (not imported: that module pulls in the browser-only API client) */
export const SEARCH_INPUT_ID = 'patient-search-input';

/** The text input with this exact label. */
export function field(page: Page, label: string, scope: Page | Locator = page): Locator {
  return scope.getByRole('textbox', { name: label, exact: true });
}

/** Focuses a field from the keyboard (locator.press) and replaces its content by typing. */
export async function typeInto(page: Page, label: string, text: string, scope: Page | Locator = page): Promise<void> {
  const f = field(page, label, scope);
  await f.press('End');
  await expect(f).toBeFocused();
  await typeHere(page, text);
}

/** The trigger button of a react-aria Select labelled `label` (its name is "<value> <label>"). */
export function selectTrigger(page: Page, label: string, scope: Page | Locator = page): Locator {
  return scope.getByRole('button', { name: new RegExp(`(^|\\s)${escapeRe(label)}$`) });
}

/** Opens a Select with Enter, type-selects the option and accepts it with Enter. */
export async function choose(page: Page, label: string, option: string, scope: Page | Locator = page): Promise<void> {
  const trigger = selectTrigger(page, label, scope);
  await trigger.press('Enter');
  const list = page.getByRole('listbox');
  await expect(list).toBeVisible();
  await page.keyboard.type(option);
  await expect(page.getByRole('option', { name: option, exact: true })).toHaveAttribute('data-focused', 'true');
  await page.keyboard.press('Enter');
  await expect(list).toHaveCount(0);
  await expect(trigger).toContainText(option);
}

/** Presses Tab until a button whose name starts with `name` has focus. */
export async function tabToButton(page: Page, name: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    const n = await focusedName(page);
    if (n.startsWith(name)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach button "${name}" with Tab (last: "${await focusedName(page)}")`);
}

/** Runs one search from a clean box (Esc clears it first) and waits for this query's answer. */
export async function search(page: Page, q: string): Promise<void> {
  const box = page.locator(`#${SEARCH_INPUT_ID}`);
  await page.keyboard.press('Alt+S');
  await expect(box).toBeFocused();
  // Alt+S focuses and selects the box on the next animation frame: let that happen before typing
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.keyboard.press('Escape');
  await expect(box).toHaveValue('');
  await expect(page.getByRole('option')).toHaveCount(0);
  await page.keyboard.type(q);
  await expect(box).toHaveValue(q);
  // the count after the interpretations line appears only when the shown hits belong to this exact query
  await expect(page.locator('.pt-interp__count')).toBeVisible();
}

export function hitOption(page: Page, name: string | RegExp): Locator {
  return page.getByRole('option', { name: typeof name === 'string' ? new RegExp(`^${escapeRe(name)},`) : name });
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Registers a patient through the real API (arrangement for specs that are not about registering). */
export async function registerViaApi(desk: E2EDesk, p: Partial<PatientFormValues> & { name: { given: string; family: string } }): Promise<Patient> {
  await desk.adminSession();
  const base = emptyPatientForm();
  const r = await desk.call('patients.register', {
    patient: { ...base, sexAtBirth: 'female', ...p, name: { ...base.name, ...p.name } } as never,
  });
  return r.patient;
}

/** The stored row of a patient, read straight from the desk's SQLite file. */
export function patientRows(desk: E2EDesk, family: string): { id: string; mrn: string; given: string; birth_date: string; phone: string; version: number; doc: string }[] {
  return desk.app.store.db
    .prepare('SELECT id, mrn, given, birth_date, phone, version, doc FROM patients WHERE family = ? ORDER BY created_at')
    .all(family) as { id: string; mrn: string; given: string; birth_date: string; phone: string; version: number; doc: string }[];
}

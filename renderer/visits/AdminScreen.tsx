/**
 * Clinic setup (administrator): departments, providers and appointment types — list, create, edit, deactivate.
 * Tabs (react-aria: ←/→ between tabs), each a table (Enter on a row edits it) and an "Add" button (N).
 * Saved through visits.saveDepartment / saveProvider / saveAppointmentType (one command each, synced to other desks).
 */
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { Tab, TabList, TabPanel, Tabs, type Key } from 'react-aria-components';
import { api } from '../api/client.js';
import {
  COPAY_CATEGORIES,
  appointmentTypeInputSchema,
  departmentInputSchema,
  providerInputSchema,
  type AppointmentType,
  type CopayCategory,
  type Department,
  type Provider,
} from '../../shared/domain/visit.js';
import { parseMoney, centsToPlain } from '../../shared/payments/money.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { Dialog } from '../ui/Dialog.js';
import { DataTable, type DataColumn } from '../ui/DataTable.js';
import { AppForm, FormCheckboxField, FormNumberField, FormSelectField, FormTextField, FormField, applyServerErrors, useZodForm } from '../ui/form.js';
import { CheckboxField } from '../ui/fields.js';
import { useScreenKeys } from '../patients/keys.js';
import { useDirectory } from './store.js';
import { ctrlEnterCapture, money } from './format.js';
import './visits.css';

export const COPAY_CATEGORY_LABELS: Record<CopayCategory, string> = {
  none: 'No copay',
  'primary-care': 'Primary care',
  specialist: 'Specialist',
  'urgent-care': 'Urgent care',
  preventive: 'Preventive',
  'behavioral-health': 'Behavioral health',
  other: 'Other',
};

type TabId = 'departments' | 'providers' | 'types';
type Editing = { tab: 'departments'; item: Department | null } | { tab: 'providers'; item: Provider | null } | { tab: 'types'; item: AppointmentType | null };

function ActiveTag({ active }: { active: boolean }) {
  return active ? <span className="ad-tag ad-tag--ok">Active</span> : <span className="ad-tag">Inactive</span>;
}

export function VisitsAdminScreen() {
  const dir = useDirectory();
  const [tab, setTab] = useState<TabId>('departments');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    void useDirectory.getState().load();
    return api.on('visits.directoryChanged', () => void useDirectory.getState().load());
  }, []);
  const add = () => {
    setDone(null);
    setEditing({ tab, item: null } as Editing);
  };
  useScreenKeys({ N: add });

  const depName = new Map(dir.departments.map((d) => [d.id, d.name]));
  const depCols: DataColumn<Department>[] = [
    { id: 'name', label: 'Department', isRowHeader: true, render: (d) => d.name },
    { id: 'code', label: 'Code', render: (d) => <span className="ad-mono">{d.code}</span> },
    { id: 'active', label: 'Status', render: (d) => <ActiveTag active={d.active} /> },
  ];
  const provCols: DataColumn<Provider>[] = [
    { id: 'name', label: 'Provider', isRowHeader: true, render: (p) => p.displayName },
    { id: 'code', label: 'Code', render: (p) => <span className="ad-mono">{p.code}</span> },
    { id: 'npi', label: 'NPI', render: (p) => <span className="ad-mono">{p.npi}</span> },
    { id: 'deps', label: 'Departments', render: (p) => p.departmentIds.map((d) => depName.get(d) ?? '?').join(', ') },
    { id: 'active', label: 'Status', render: (p) => <ActiveTag active={p.active} /> },
  ];
  const typeCols: DataColumn<AppointmentType>[] = [
    { id: 'name', label: 'Appointment type', isRowHeader: true, render: (t) => t.name },
    { id: 'code', label: 'Code', render: (t) => <span className="ad-mono">{t.code}</span> },
    { id: 'dur', label: 'Duration', render: (t) => `${t.durationMin} min` },
    { id: 'cat', label: 'Copay category', render: (t) => COPAY_CATEGORY_LABELS[t.copayCategory] },
    { id: 'copay', label: 'Default copay', render: (t) => money(t.defaultCopayCents) },
    { id: 'auth', label: 'Authorization', render: (t) => (t.authorizationRequired ? 'Required' : '') },
    { id: 'active', label: 'Status', render: (t) => <ActiveTag active={t.active} /> },
  ];
  const label: Record<TabId, string> = { departments: 'department', providers: 'provider', types: 'appointment type' };

  return (
    <div className="ad-page">
      <PageHeader title="Clinic setup" subtitle="Departments, providers and appointment types" focusOnMount>
        <Button variant="primary" shortcut="N" onPress={add}>
          Add {label[tab]}
        </Button>
      </PageHeader>
      {done && <Banner tone="success">{done}</Banner>}
      <p className="ad-desc">←/→ switch lists · Tab into the table, ↑ ↓ move, Enter edits (deactivate there) · N adds one.</p>
      <Tabs className="ad-tabs" selectedKey={tab} onSelectionChange={(k: Key) => setTab(k as TabId)}>
        <TabList aria-label="Clinic setup lists" className="ad-tablist">
          <Tab id="departments" className="ad-tab">
            Departments ({dir.departments.length})
          </Tab>
          <Tab id="providers" className="ad-tab">
            Providers ({dir.providers.length})
          </Tab>
          <Tab id="types" className="ad-tab">
            Appointment types ({dir.types.length})
          </Tab>
        </TabList>
        <TabPanel id="departments" className="ad-tabpanel">
          <DataTable label="Departments" columns={depCols} rows={dir.departments} onRowAction={(_id, item) => setEditing({ tab: 'departments', item })} empty="No departments yet: N adds one." />
        </TabPanel>
        <TabPanel id="providers" className="ad-tabpanel">
          <DataTable label="Providers" columns={provCols} rows={dir.providers} onRowAction={(_id, item) => setEditing({ tab: 'providers', item })} empty="No providers yet: N adds one." />
        </TabPanel>
        <TabPanel id="types" className="ad-tabpanel">
          <DataTable label="Appointment types" columns={typeCols} rows={dir.types} onRowAction={(_id, item) => setEditing({ tab: 'types', item })} empty="No appointment types yet: N adds one." />
        </TabPanel>
      </Tabs>
      {editing && (
        <Dialog isOpen onClose={() => setEditing(null)} title={`${editing.item ? 'Edit' : 'Add'} ${label[editing.tab]}`} className="va-dialog">
          {editing.tab === 'departments' && <DepartmentForm item={editing.item} onDone={(m) => (setEditing(null), setDone(m))} />}
          {editing.tab === 'providers' && <ProviderForm item={editing.item} departments={dir.departments} onDone={(m) => (setEditing(null), setDone(m))} />}
          {editing.tab === 'types' && <TypeForm item={editing.item} onDone={(m) => (setEditing(null), setDone(m))} />}
        </Dialog>
      )}
    </div>
  );
}

function Actions({ busy }: { busy: boolean }) {
  return (
    <div className="ad-form-actions">
      <Button type="submit" variant="primary" shortcut="Ctrl+Enter">
        Save
      </Button>
      <span className="ad-muted">Esc closes without saving</span>
    </div>
  );
}

function useSave<T>(onDone: (m: string) => void, form: Parameters<typeof applyServerErrors>[0], call: (v: T) => Promise<string>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (v: T) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await call(v));
      void useDirectory.getState().load();
    } catch (e) {
      setError(applyServerErrors(form, e).message);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, invalid: () => setError('Some fields need attention. Nothing was saved.') };
}

function DepartmentForm({ item, onDone }: { item: Department | null; onDone: (m: string) => void }) {
  const form = useZodForm(departmentInputSchema, item ? { name: item.name, code: item.code, active: item.active } : { name: '', code: '', active: true });
  const s = useSave<z.output<typeof departmentInputSchema>>(onDone, form as never, async (department) => {
    const r = await api.call('visits.saveDepartment', { id: item?.id, department });
    return `Saved department ${r.department.name}${r.department.active ? '' : ' (inactive)'}.`;
  });
  return (
    <div onKeyDownCapture={ctrlEnterCapture(() => void form.handleSubmit(s.run, s.invalid)())}>
    <AppForm onSubmit={form.handleSubmit(s.run, s.invalid)} label="Department">
      {s.error && <Banner tone="error">{s.error}</Banner>}
      <FormTextField control={form.control} name="name" label="Name" isRequired autoFocus />
      <FormTextField control={form.control} name="code" label="Code" isRequired description="Short code on the board and in schedule feeds" />
      <FormCheckboxField control={form.control} name="active" label="Active (untick to deactivate)" />
      <Actions busy={s.busy} />
    </AppForm>
    </div>
  );
}

function ProviderForm({ item, departments, onDone }: { item: Provider | null; departments: Department[]; onDone: (m: string) => void }) {
  const form = useZodForm(
    providerInputSchema,
    item ? { displayName: item.displayName, code: item.code, npi: item.npi, departmentIds: item.departmentIds, active: item.active } : { displayName: '', code: '', npi: '', departmentIds: [], active: true },
  );
  const s = useSave<z.output<typeof providerInputSchema>>(onDone, form as never, async (provider) => {
    const r = await api.call('visits.saveProvider', { id: item?.id, provider });
    return `Saved provider ${r.provider.displayName}${r.provider.active ? '' : ' (inactive)'}.`;
  });
  return (
    <div onKeyDownCapture={ctrlEnterCapture(() => void form.handleSubmit(s.run, s.invalid)())}>
    <AppForm onSubmit={form.handleSubmit(s.run, s.invalid)} label="Provider">
      {s.error && <Banner tone="error">{s.error}</Banner>}
      <FormTextField control={form.control} name="displayName" label="Name on the board" isRequired autoFocus />
      <FormTextField control={form.control} name="code" label="Code" isRequired description="As the scheduling system sends it" />
      <FormTextField control={form.control} name="npi" label="NPI" description="10 digits (optional)" />
      <FormField<z.input<typeof providerInputSchema>, string[]>
        control={form.control}
        name="departmentIds"
        render={(f) => (
          <fieldset className="ad-fieldset">
            <legend>Departments</legend>
            {departments
              .filter((d) => d.active || (f.value ?? []).includes(d.id))
              .map((d) => (
                <CheckboxField
                  key={d.id}
                  label={d.name}
                  value={(f.value ?? []).includes(d.id)}
                  onChange={(on) => f.onChange(on ? [...(f.value ?? []), d.id] : (f.value ?? []).filter((x) => x !== d.id))}
                />
              ))}
            {f.errorMessage && <span className="ad-error">{f.errorMessage}</span>}
          </fieldset>
        )}
      />
      <FormCheckboxField control={form.control} name="active" label="Active (untick to deactivate)" />
      <Actions busy={s.busy} />
    </AppForm>
    </div>
  );
}

/** The type form takes the default copay as dollars text ("25.00"), parsed to cents by the one money parser. */
const typeFormSchema = appointmentTypeInputSchema.omit({ defaultCopayCents: true }).extend({
  copay: z.string().superRefine((s, ctx) => {
    const r = parseMoney(s === '' ? '0' : s);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
  }),
});

function TypeForm({ item, onDone }: { item: AppointmentType | null; onDone: (m: string) => void }) {
  const form = useZodForm(
    typeFormSchema,
    item
      ? { name: item.name, code: item.code, durationMin: item.durationMin, copayCategory: item.copayCategory, copay: centsToPlain(item.defaultCopayCents), authorizationRequired: item.authorizationRequired, active: item.active }
      : { name: '', code: '', durationMin: 15, copayCategory: 'primary-care', copay: '0.00', authorizationRequired: false, active: true },
  );
  const s = useSave<z.output<typeof typeFormSchema>>(onDone, form as never, async ({ copay, ...rest }) => {
    const p = parseMoney(copay === '' ? '0' : copay);
    const r = await api.call('visits.saveAppointmentType', { id: item?.id, appointmentType: { ...rest, defaultCopayCents: p.ok ? p.cents : 0 } });
    return `Saved appointment type ${r.appointmentType.name}${r.appointmentType.active ? '' : ' (inactive)'}.`;
  });
  return (
    <div onKeyDownCapture={ctrlEnterCapture(() => void form.handleSubmit(s.run, s.invalid)())}>
    <AppForm onSubmit={form.handleSubmit(s.run, s.invalid)} label="Appointment type">
      {s.error && <Banner tone="error">{s.error}</Banner>}
      <FormTextField control={form.control} name="name" label="Name" isRequired autoFocus />
      <div className="ad-grid">
        <FormTextField control={form.control} name="code" label="Code" isRequired />
        <FormNumberField control={form.control} name="durationMin" label="Duration (minutes)" isRequired />
        <FormSelectField control={form.control} name="copayCategory" label="Copay category" isRequired options={COPAY_CATEGORIES.map((c) => ({ value: c, label: COPAY_CATEGORY_LABELS[c] }))} />
        <FormTextField control={form.control} name="copay" label="Default copay ($)" description="Due at check-in when the patient has coverage" />
      </div>
      <FormCheckboxField control={form.control} name="authorizationRequired" label="Authorization required" />
      <FormCheckboxField control={form.control} name="active" label="Active (untick to deactivate)" />
      <Actions busy={s.busy} />
    </AppForm>
    </div>
  );
}

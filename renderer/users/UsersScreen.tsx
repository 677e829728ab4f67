import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { api, ApiError } from '../api/client.js';
import { newUserSchema, passwordSchema, roleSchema, type UserSummary } from '../../shared/domain/user.js';
import { requiredText } from '../../shared/domain/common.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { Dialog } from '../ui/Dialog.js';
import { DataTable, type DataColumn } from '../ui/DataTable.js';
import { AppForm, FormCheckboxField, FormPasswordField, FormSelectField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { useSession } from '../app/session.js';
import './users.css';

const ROLE_OPTIONS = [
  { value: 'clerk', label: 'Clerk' },
  { value: 'supervisor', label: 'Supervisor' },
  { value: 'administrator', label: 'Administrator' },
] as const;
const ROLE_LABEL: Record<string, string> = { clerk: 'Clerk', supervisor: 'Supervisor', administrator: 'Administrator' };

const addSchema = newUserSchema.safeExtend({ confirm: z.string() }).superRefine((v, ctx) => {
  if (v.confirm !== v.password) ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'The two passwords differ' });
});
const editSchema = z.object({ displayName: requiredText(80, 'Display name'), role: roleSchema, active: z.boolean() });
const passwordFormSchema = z.object({ password: passwordSchema, confirm: z.string() }).superRefine((v, ctx) => {
  if (v.confirm !== v.password) ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'The two passwords differ' });
});

/**
 * An account held because another account has its user name (made separately on another desk before the desks were
 * enrolled; electron/users/username-clash.ts): inactive under a provisional name until an administrator decides.
 * Read from the audit entries 'user.username_held' (newest first), current while the account is still inactive under
 * the provisional name.
 */
interface Held {
  wanted: string;
  provisional: string;
  keptByName: string;
}

async function loadHeld(users: UserSummary[]): Promise<Map<string, Held>> {
  const out = new Map<string, Held>();
  const r = await api.call('audit.list', { action: 'user.username_held', limit: 500 });
  for (const e of r.entries) {
    if (out.has(e.entityId)) continue;
    try {
      const d = JSON.parse(e.detail) as Partial<Held>;
      if (typeof d.wanted === 'string' && typeof d.provisional === 'string') out.set(e.entityId, { wanted: d.wanted, provisional: d.provisional, keptByName: String(d.keptByName ?? 'another account') });
    } catch {
      /* not a hold entry */
    }
  }
  for (const [id, h] of out) {
    const u = users.find((x) => x.id === id);
    if (!u || u.active || u.username !== h.provisional) out.delete(id);
  }
  return out;
}

/** Administrator: list users, add, edit name/role/active, set a password, clear a lockout. */
export function UsersScreen() {
  const [users, setUsers] = useState<UserSummary[] | null>(null);
  const [held, setHeld] = useState<Map<string, Held>>(new Map());
  const [loadError, setLoadError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<UserSummary | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api.call('users.list', {});
      setUsers(r.users);
      setHeld(await loadHeld(r.users));
      setLoadError(null);
      return r.users;
    } catch (e) {
      setLoadError(e instanceof ApiError ? e.message : 'Could not load the users.');
      return null;
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const columns: DataColumn<UserSummary>[] = [
    { id: 'name', label: 'Name', isRowHeader: true, render: (u) => u.displayName },
    { id: 'username', label: 'User name', render: (u) => <span className="ad-mono">{u.username}</span> },
    { id: 'role', label: 'Role', render: (u) => ROLE_LABEL[u.role] },
    {
      id: 'status',
      label: 'Status',
      render: (u) => (
        <>
          {u.active ? <span className="ad-tag ad-tag--ok">Active</span> : <span className="ad-tag">Inactive</span>}{' '}
          {u.locked && <span className="ad-tag ad-tag--danger">Locked out</span>}
          {held.has(u.id) && <span className="ad-tag ad-tag--warn">Name taken: held</span>}
        </>
      ),
    },
  ];

  return (
    <div className="ad-page">
      <PageHeader title="Users" subtitle={users ? `${users.length} user${users.length === 1 ? '' : 's'}` : undefined} focusOnMount>
        <Button variant="primary" onPress={() => setAdding(true)}>
          Add user
        </Button>
      </PageHeader>
      {loadError && <Banner tone="error">{loadError}</Banner>}
      {done && <Banner tone="success">{done}</Banner>}
      {users && held.size > 0 && (
        <Banner tone="warning" title={`${held.size === 1 ? 'One account has' : `${held.size} accounts have`} a user name that an earlier account already has (the desks were set up separately):`}>
          <ul className="ad-held-list">
            {[...held].map(([id, h]) => {
              const u = users.find((x) => x.id === id)!;
              return (
                <li key={id}>
                  <strong>{u.displayName}</strong> was made as <span className="ad-mono">{h.wanted}</span>, which {h.keptByName} (made first) keeps. It is inactive, as{' '}
                  <span className="ad-mono">{h.provisional}</span>.
                </li>
              );
            })}
          </ul>
          If it is another person, press Enter on its row and make it Active: it then signs in as the name shown, on every desk. If it is the same person, leave it inactive.
        </Banner>
      )}
      <p className="ad-desc">Tab into the table, move with ↑ ↓ and press Enter to edit a user.</p>
      {users && (
        <DataTable
          id="users-table"
          label="Users"
          columns={columns}
          rows={users}
          onRowAction={(_id, u) => {
            setDone(null);
            setEditing(u);
          }}
          empty="No users."
        />
      )}
      <AddUserDialog
        isOpen={adding}
        onClose={() => setAdding(false)}
        onSaved={async (u) => {
          setAdding(false);
          setDone(`Added ${u.displayName} (${u.username}).`);
          await load();
        }}
      />
      {editing && (
        <EditUserDialog
          user={editing}
          held={held.get(editing.id) ?? null}
          onClose={() => setEditing(null)}
          onSaved={async (msg) => {
            setDone(msg);
            const list = await load();
            const fresh = list?.find((u) => u.id === editing.id);
            setEditing(fresh ?? null);
          }}
          onDone={async (msg) => {
            setEditing(null);
            setDone(msg);
            await load();
          }}
        />
      )}
    </div>
  );
}

function AddUserDialog({ isOpen, onClose, onSaved }: { isOpen: boolean; onClose: () => void; onSaved: (u: UserSummary) => void }) {
  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Add user">
      {isOpen && <AddUserForm onClose={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function AddUserForm({ onClose, onSaved }: { onClose: () => void; onSaved: (u: UserSummary) => void }) {
  const form = useZodForm(addSchema, { username: '', displayName: '', role: 'clerk', password: '', confirm: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const c = form.control;
  const submit = form.handleSubmit(
    async ({ confirm: _c, ...v }) => {
      setBusy(true);
      setError(null);
      try {
        const r = await api.call('users.create', v);
        onSaved(r.user);
      } catch (e) {
        const r = applyServerErrors(form, e);
        setError(r.message);
      } finally {
        setBusy(false);
      }
    },
    () => setError('Some fields need attention. Nothing was saved.'),
  );
  return (
    <AppForm onSubmit={submit} label="New user" className="ad-dialog-form">
      {error && <Banner tone="error">{error}</Banner>}
      <div className="ad-grid" style={{ width: 560 }}>
        <FormTextField control={c} name="displayName" label="Display name" isRequired autoFocus />
        <FormTextField control={c} name="username" label="User name" isRequired description="Letters, digits, . _ -" />
        <FormSelectField control={c} name="role" label="Role" isRequired options={ROLE_OPTIONS} />
        <span />
        <FormPasswordField control={c} name="password" label="Password" isRequired autoComplete="new-password" description="At least 12 characters" />
        <FormPasswordField control={c} name="confirm" label="Confirm password" isRequired autoComplete="new-password" />
      </div>
      <div className="ad-form-actions">
        <Button type="submit" variant="primary" isPending={busy} shortcut="Enter">
          Add user
        </Button>
        <Button onPress={onClose}>Cancel</Button>
      </div>
    </AppForm>
  );
}

function EditUserDialog({ user, held, onClose, onSaved, onDone }: { user: UserSummary; held: Held | null; onClose: () => void; onSaved: (msg: string) => void; onDone: (msg: string) => void }) {
  const me = useSession((s) => s.user);
  const form = useZodForm(editSchema, { displayName: user.displayName, role: user.role, active: user.active });
  const pw = useZodForm(passwordFormSchema, { password: '', confirm: '' });
  const [error, setError] = useState<string | null>(null);
  const [pwError, setPwError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = form.handleSubmit(
    async (v) => {
      setBusy(true);
      setError(null);
      try {
        await api.call('users.update', { id: user.id, ...v });
        onDone(`Saved ${v.displayName}.`);
        if (me?.id === user.id) void useSession.getState().refresh();
      } catch (e) {
        const r = applyServerErrors(form, e);
        setError(r.message);
      } finally {
        setBusy(false);
      }
    },
    () => setError('Some fields need attention. Nothing was saved.'),
  );
  const setPassword = pw.handleSubmit(
    async (v) => {
      setBusy(true);
      setPwError(null);
      try {
        await api.call('users.setPassword', { id: user.id, password: v.password });
        pw.reset({ password: '', confirm: '' });
        onSaved(`New password set for ${user.displayName}.`);
      } catch (e) {
        const r = applyServerErrors(pw, e);
        setPwError(r.message);
      } finally {
        setBusy(false);
      }
    },
    () => setPwError('The password needs attention. Nothing was saved.'),
  );
  const unlock = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('users.unlock', { id: user.id });
      onSaved(`${user.displayName} can sign in again.`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not unlock the account.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog isOpen onClose={onClose} title={`Edit user: ${user.username}`}>
      <div style={{ width: 600, display: 'flex', flexDirection: 'column', gap: 14 }}>
        {user.locked && (
          <Banner tone="warning" title="Locked out:">
            {' '}
            too many failed sign-ins.{' '}
            <Button size="small" onPress={unlock} isPending={busy}>
              Unlock account
            </Button>
          </Banner>
        )}
        {held && (
          <Banner tone="warning" title="User name taken:">
            {' '}
            this account was made as <span className="ad-mono">{held.wanted}</span> on a desk set up separately; {held.keptByName}, made first, keeps that name. Making it Active keeps it as
            another person who signs in as <span className="ad-mono">{held.provisional}</span> on every desk.
          </Banner>
        )}
        <AppForm onSubmit={save} label="User details">
          {error && <Banner tone="error">{error}</Banner>}
          <div className="ad-grid">
            <FormTextField control={form.control} name="displayName" label="Display name" isRequired autoFocus />
            <FormSelectField control={form.control} name="role" label="Role" isRequired options={ROLE_OPTIONS} />
            <FormCheckboxField control={form.control} name="active" label="Active (may sign in)" />
          </div>
          <div className="ad-form-actions">
            <Button type="submit" variant="primary" isPending={busy} shortcut="Enter">
              Save changes
            </Button>
            <Button onPress={onClose}>Cancel</Button>
          </div>
        </AppForm>
        <AppForm onSubmit={setPassword} label="Set a new password">
          <h3>Set a new password</h3>
          {pwError && <Banner tone="error">{pwError}</Banner>}
          <div className="ad-grid">
            <FormPasswordField control={pw.control} name="password" label="New password" autoComplete="new-password" description="At least 12 characters; also clears a lockout" />
            <FormPasswordField control={pw.control} name="confirm" label="Confirm new password" autoComplete="new-password" />
          </div>
          <div className="ad-form-actions">
            <Button type="submit" isPending={busy}>
              Set password
            </Button>
          </div>
        </AppForm>
      </div>
    </Dialog>
  );
}

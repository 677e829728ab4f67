import type { Role } from '../../shared/api/define.js';

export interface DeskSession {
  userId: string;
  userName: string;
  role: Role;
  lastActivityMs: number;
  locked: boolean;
}

/**
 * In-memory sessions of this desk process, keyed by the transport's session key (Electron: the window;
 * web host: an HttpOnly cookie). Nothing here survives a restart: a restarted desk asks everyone to sign in.
 */
export class SessionTable {
  private readonly sessions = new Map<string, DeskSession>();
  constructor(private readonly nowMs: () => number = () => Date.now()) {}

  get(key: string): DeskSession | undefined {
    return this.sessions.get(key);
  }

  start(key: string, s: Omit<DeskSession, 'lastActivityMs' | 'locked'>): DeskSession {
    const session: DeskSession = { ...s, lastActivityMs: this.nowMs(), locked: false };
    this.sessions.set(key, session);
    return session;
  }

  end(key: string): void {
    this.sessions.delete(key);
  }

  /** Applies the idle rule: a session idle longer than `idleSeconds` is locked. Returns the (possibly locked) session. */
  refresh(key: string, idleSeconds: number): DeskSession | undefined {
    const s = this.sessions.get(key);
    if (!s) return undefined;
    if (!s.locked && this.nowMs() - s.lastActivityMs > idleSeconds * 1000) s.locked = true;
    return s;
  }

  touch(key: string): void {
    const s = this.sessions.get(key);
    if (s && !s.locked) s.lastActivityMs = this.nowMs();
  }

  lock(key: string): void {
    const s = this.sessions.get(key);
    if (s) s.locked = true;
  }

  unlock(key: string): void {
    const s = this.sessions.get(key);
    if (s) {
      s.locked = false;
      s.lastActivityMs = this.nowMs();
    }
  }

  /** Ends every session of a user (deactivated, password reset). */
  endUser(userId: string): void {
    for (const [k, s] of this.sessions) if (s.userId === userId) this.sessions.delete(k);
  }

  /** Updates name/role of live sessions after an admin edit. */
  updateUser(userId: string, patch: { userName?: string; role?: Role }): void {
    for (const s of this.sessions.values()) if (s.userId === userId) Object.assign(s, patch);
  }
}

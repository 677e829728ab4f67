import path from 'node:path';

/** The desktop app's data directory: ACCESSDESK_DATA_DIR when set (non-empty), else <userData>/data. */
export function resolveDataDir(env: Record<string, string | undefined>, userDataPath: string): string {
  const override = env.ACCESSDESK_DATA_DIR?.trim();
  return path.resolve(override ? override : path.join(userDataPath, 'data'));
}

import { exec, type HubMigration } from '../migration-kit.js';

/** Hub schema of the visits domain: migration number 3 is reserved for it. */
export const visitHubMigrations: HubMigration[] = [
  {
    version: 3,
    name: 'visits: directory, appointment state (authoritative), refused transitions',
    up: (tx) =>
      exec(
        tx,
        `
        CREATE TABLE visit_directory (
          entity_type TEXT NOT NULL CHECK (entity_type IN ('department', 'provider', 'appointment_type')),
          id TEXT NOT NULL,
          code TEXT NOT NULL,
          doc TEXT NOT NULL,
          hlc TEXT NOT NULL,
          op_id TEXT NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (entity_type, id)
        );
        CREATE INDEX visit_directory_code ON visit_directory(entity_type, code);

        CREATE TABLE visit_appointments (
          id TEXT PRIMARY KEY,
          doc TEXT NOT NULL,
          seen TEXT NOT NULL DEFAULT '{}',
          source TEXT NOT NULL,
          external_id TEXT NOT NULL DEFAULT '',
          last_op TEXT NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX visit_appointments_external ON visit_appointments(source, external_id);

        CREATE TABLE visit_conflicts (
          id TEXT PRIMARY KEY,
          appointment_id TEXT NOT NULL REFERENCES visit_appointments(id),
          op_id TEXT NOT NULL REFERENCES ops(op_id),
          desk_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          message TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
          created_at TIMESTAMPTZ NOT NULL,
          UNIQUE (op_id)
        );
        CREATE INDEX visit_conflicts_open ON visit_conflicts(status, created_at)
        `,
      ),
  },
];

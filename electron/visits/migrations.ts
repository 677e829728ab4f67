import type { Migration } from '../store/migration.js';

/** Desk schema of the visits domain (appointments, check-in): migration number 3 is reserved for it. */
export const visitMigrations: Migration[] = [
  {
    version: 3,
    name: 'visits: directory (departments, providers, appointment types), appointments, address confirmations',
    up: (db) => {
      db.exec(`
        -- Departments, providers, appointment types: the document plus the columns the board joins on.
        CREATE TABLE visit_directory (
          entity_type TEXT NOT NULL CHECK (entity_type IN ('department', 'provider', 'appointment_type')),
          id TEXT NOT NULL,
          name TEXT NOT NULL,
          code TEXT NOT NULL,
          active INTEGER NOT NULL CHECK (active IN (0, 1)),
          doc TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (entity_type, id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX visit_directory_code ON visit_directory(entity_type, code);

        -- One row per appointment: the full state (doc, shared/domain/visit.ts appointmentSchema) plus the columns the
        -- board filters and sorts on. business_date is the start's date in the site's time zone.
        CREATE TABLE visit_appointments (
          id TEXT PRIMARY KEY,
          patient_id TEXT,
          business_date TEXT NOT NULL,
          start TEXT NOT NULL,
          status TEXT NOT NULL,
          department_id TEXT NOT NULL,
          provider_id TEXT NOT NULL,
          type_id TEXT NOT NULL,
          source TEXT NOT NULL,
          external_id TEXT NOT NULL DEFAULT '',
          doc TEXT NOT NULL,
          -- convergence rule (shared/sync/visits.ts): per desk, the highest desk seq the hub's last snapshot had seen
          hub_seen TEXT NOT NULL DEFAULT '{}',
          updated_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX visit_appointments_day ON visit_appointments(business_date, start);
        CREATE INDEX visit_appointments_patient ON visit_appointments(patient_id, start);
        CREATE INDEX visit_appointments_external ON visit_appointments(source, external_id) WHERE external_id <> '';

        -- "Address confirmed on" per patient (the patient document has no verification date for addresses).
        CREATE TABLE visit_address_confirmations (
          patient_id TEXT PRIMARY KEY,
          confirmed_on TEXT NOT NULL,
          appointment_id TEXT NOT NULL,
          at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
];

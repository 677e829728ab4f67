import type { Migration } from '../store/migration.js';

/**
 * Desk schema of the patients domain beyond the core tables of migration 1: number 7 is the likely-duplicate flags
 * (records saved anyway over the duplicate warning, electron/patients/duplicate-flags.ts).
 */
export const patientMigrations: Migration[] = [
  {
    version: 7,
    name: 'patients: likely-duplicate flags (a record saved anyway, the match it likely duplicates, who approved, how it was closed)',
    up: (db) => {
      db.exec(`
        CREATE TABLE patient_duplicate_flags (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id),
          match_id TEXT NOT NULL REFERENCES patients(id),
          score REAL NOT NULL,
          reasons TEXT NOT NULL,
          reason TEXT NOT NULL,
          saved_by_id TEXT NOT NULL,
          saved_by_name TEXT NOT NULL,
          approved_by_id TEXT,
          approved_by_name TEXT,
          created_at TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
          resolution TEXT CHECK (resolution IN ('merged', 'not-duplicate')),
          resolution_note TEXT,
          resolved_at TEXT,
          resolved_by_id TEXT,
          resolved_by_name TEXT,
          CHECK ((status = 'open') = (resolution IS NULL)),
          CHECK ((approved_by_id IS NULL) = (approved_by_name IS NULL))
        ) STRICT;
        CREATE INDEX patient_duplicate_flags_patient ON patient_duplicate_flags(patient_id);
        CREATE INDEX patient_duplicate_flags_match ON patient_duplicate_flags(match_id);
        CREATE INDEX patient_duplicate_flags_status ON patient_duplicate_flags(status, created_at);
        -- a flag is closed once and then kept as it was
        CREATE TRIGGER patient_duplicate_flags_closed BEFORE UPDATE ON patient_duplicate_flags
          WHEN OLD.status = 'resolved' BEGIN SELECT RAISE(ABORT, 'a closed duplicate flag is kept as it was'); END;
        CREATE TRIGGER patient_duplicate_flags_no_delete BEFORE DELETE ON patient_duplicate_flags
          BEGIN SELECT RAISE(ABORT, 'duplicate flags are never deleted'); END;
      `);
    },
  },
];

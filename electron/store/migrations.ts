import type { Migration } from './migration.js';
import { visitMigrations } from '../visits/migrations.js';
import { paymentMigrations } from '../payments/migrations.js';
import { patientMigrations } from '../patients/migrations.js';

export type { Migration } from './migration.js';

/**
 * Numbered, forward-only migrations. Never edit a released migration: add the next number.
 * PRAGMA user_version holds the number of the last applied migration.
 * Numbers: 1-2 and 6 core (this file), 3-5 each domain's own list (electron/visits/migrations.ts,
 * electron/payments/migrations.ts); all numbers must be unique and consecutive (checked below).
 */
const coreMigrations: Migration[] = [
  {
    version: 1,
    name: 'foundation: site, users, outbox, audit, patients, search keys, mrn blocks',
    up: (db) => {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

        CREATE TABLE site (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          name TEXT NOT NULL,
          time_zone TEXT NOT NULL,
          desk_label TEXT NOT NULL,
          idle_lock_seconds INTEGER NOT NULL DEFAULT 300,
          lockout_threshold INTEGER NOT NULL DEFAULT 5,
          lockout_minutes INTEGER NOT NULL DEFAULT 15,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL UNIQUE COLLATE NOCASE,
          display_name TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('clerk','supervisor','administrator')),
          password_hash TEXT NOT NULL,
          active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
          failed_count INTEGER NOT NULL DEFAULT 0,
          locked_until TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;

        -- Sync outbox (design.md section 4). desk_seq is consecutive per desk epoch.
        CREATE TABLE outbox (
          desk_seq INTEGER PRIMARY KEY,
          op_id TEXT NOT NULL UNIQUE,
          desk_id TEXT NOT NULL,
          desk_epoch INTEGER NOT NULL,
          kind TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          payload TEXT NOT NULL,
          hlc TEXT NOT NULL,
          schema_version INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          acked_at TEXT
        ) STRICT;
        CREATE INDEX outbox_unacked ON outbox(desk_seq) WHERE acked_at IS NULL;

        -- Append-only, hash-chained audit log.
        CREATE TABLE audit_log (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          at TEXT NOT NULL,
          user_id TEXT NOT NULL,
          user_name TEXT NOT NULL,
          action TEXT NOT NULL,
          entity_type TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          detail TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_action ON audit_log(action, seq);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

        CREATE TABLE patients (
          id TEXT PRIMARY KEY,
          mrn TEXT NOT NULL UNIQUE,
          family TEXT NOT NULL,
          given TEXT NOT NULL,
          middle TEXT NOT NULL,
          suffix TEXT NOT NULL,
          preferred_name TEXT NOT NULL,
          birth_date TEXT NOT NULL,
          sex_at_birth TEXT NOT NULL,
          phone TEXT NOT NULL,
          email_key TEXT NOT NULL,
          doc TEXT NOT NULL,
          version INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          created_by TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          updated_by TEXT NOT NULL,
          merged_into TEXT REFERENCES patients(id)
        ) STRICT;
        CREATE INDEX patients_dob ON patients(birth_date);
        CREATE INDEX patients_email ON patients(email_key) WHERE email_key <> '';

        -- Every version of every patient, for the change history (never updated).
        CREATE TABLE patient_versions (
          patient_id TEXT NOT NULL REFERENCES patients(id),
          version INTEGER NOT NULL,
          action TEXT NOT NULL,
          doc TEXT NOT NULL,
          changes TEXT NOT NULL,
          changed_at TEXT NOT NULL,
          changed_by TEXT NOT NULL,
          PRIMARY KEY (patient_id, version)
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER patient_versions_no_update BEFORE UPDATE ON patient_versions BEGIN SELECT RAISE(ABORT, 'patient_versions is append-only'); END;
        CREATE TRIGGER patient_versions_no_delete BEFORE DELETE ON patient_versions BEGIN SELECT RAISE(ABORT, 'patient_versions is append-only'); END;

        -- Search keys: folded (lowercase, no accents, no punctuation) name pairs. kind: 0 legal name, 1 preferred
        -- first name, 2 previous name, 3 one part of a multi-part last name.
        CREATE TABLE patient_names (
          patient_id TEXT NOT NULL REFERENCES patients(id),
          family_key TEXT NOT NULL,
          given_key TEXT NOT NULL,
          kind INTEGER NOT NULL,
          family_phon TEXT NOT NULL DEFAULT ''
        ) STRICT;
        CREATE INDEX patient_names_fg ON patient_names(family_key, given_key, patient_id, kind);
        CREATE INDEX patient_names_gf ON patient_names(given_key, family_key, patient_id, kind);
        CREATE INDEX patient_names_phon ON patient_names(family_phon, given_key, patient_id) WHERE family_phon <> '';
        CREATE INDEX patient_names_pid ON patient_names(patient_id);

        CREATE TABLE patient_phones (
          patient_id TEXT NOT NULL REFERENCES patients(id),
          digits TEXT NOT NULL
        ) STRICT;
        CREATE INDEX patient_phones_digits ON patient_phones(digits, patient_id);
        CREATE INDEX patient_phones_pid ON patient_phones(patient_id);

        CREATE TABLE patient_identifiers (
          patient_id TEXT NOT NULL REFERENCES patients(id),
          id_key TEXT NOT NULL
        ) STRICT;
        CREATE INDEX patient_identifiers_key ON patient_identifiers(id_key, patient_id);
        CREATE INDEX patient_identifiers_pid ON patient_identifiers(patient_id);

        -- MRN number blocks this desk may hand out (desk-scoped; later reserved from the hub).
        CREATE TABLE mrn_blocks (
          block_start INTEGER PRIMARY KEY,
          block_end INTEGER NOT NULL,
          next_value INTEGER NOT NULL,
          source TEXT NOT NULL,
          CHECK (next_value >= block_start AND next_value <= block_end)
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'sync: outbox rejections, per-field patient stamps, entity stamps, parked changes',
    up: (db) => {
      db.exec(`
        -- The hub refused these ops permanently (they are acknowledged, so acked_at is set too): shown, never resent.
        ALTER TABLE outbox ADD COLUMN rejected_reason TEXT;
        ALTER TABLE outbox ADD COLUMN rejected_message TEXT;
        CREATE INDEX outbox_rejected ON outbox(desk_seq) WHERE rejected_reason IS NOT NULL;

        -- Field-level last-writer-wins (shared/sync/patient-merge.ts): the (hlc, op_id) of the write that set each
        -- field of each patient, for local edits (caught up from the outbox) and for applied remote ones.
        CREATE TABLE patient_field_stamps (
          patient_id TEXT NOT NULL,
          field TEXT NOT NULL,
          hlc TEXT NOT NULL,
          op_id TEXT NOT NULL,
          PRIMARY KEY (patient_id, field)
        ) STRICT, WITHOUT ROWID;

        -- Latest-by-HLC entities (users, site): the stamp of the write that set the row.
        CREATE TABLE sync_entity_stamps (
          entity_type TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          hlc TEXT NOT NULL,
          op_id TEXT NOT NULL,
          PRIMARY KEY (entity_type, entity_id)
        ) STRICT, WITHOUT ROWID;

        -- Pulled changes this desk could not apply (unknown kind after a hub upgrade, a username taken here, ...):
        -- kept whole, to apply after an upgrade or for a person to look at. Never blocks the page.
        CREATE TABLE sync_parked (
          server_seq INTEGER PRIMARY KEY,
          op_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          reason TEXT NOT NULL,
          change TEXT NOT NULL,
          parked_at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 6,
    name: 'sync: acknowledgements as one watermark instead of a stamp on every outbox row',
    // Acknowledgements are a prefix of the outbox in desk_seq order (epochs are consecutive desk_seq ranges; a push
    // starts at the first unacknowledged op; a new epoch takes over only the unacknowledged suffix of the old one),
    // so one number says which ops the hub holds: meta sync.acked_seq (electron/sync/local.ts). Stamping acked_at
    // rewrote every ~1 KB outbox row a second time (and its index entry) as a desk caught up after an outage.
    // From an older store the watermark is conservative: up to the first unacknowledged row (anything after it is sent
    // again, and the hub acknowledges it again without applying it twice).
    up: (db) => {
      db.exec(`
        INSERT INTO meta (key, value)
        SELECT 'sync.acked_seq', CAST(COALESCE((SELECT MIN(desk_seq) - 1 FROM outbox WHERE acked_at IS NULL), (SELECT MAX(desk_seq) FROM outbox), 0) AS TEXT)
        WHERE true
        ON CONFLICT (key) DO UPDATE SET value = excluded.value;
        DROP INDEX outbox_unacked;
        ALTER TABLE outbox DROP COLUMN acked_at;
      `);
    },
  },
  {
    version: 8,
    name: 'audit: indexes for the audit screen\'s filters (business dates, user, the entry\'s subject)',
    // The screen filters by a date range (at), a user and a patient (entity_type + entity_id; entries that only name
    // the patient in their detail are still found by a scan, bounded by the other filters).
    up: (db) => {
      db.exec(`
        CREATE INDEX audit_at ON audit_log(at);
        CREATE INDEX audit_user ON audit_log(user_id, seq);
        CREATE INDEX audit_entity ON audit_log(entity_type, entity_id);
      `);
    },
  },
];

export const migrations: Migration[] = [...coreMigrations, ...visitMigrations, ...paymentMigrations, ...patientMigrations].sort((a, b) => a.version - b.version);
migrations.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`desk migrations must be numbered 1..n without gaps or repeats; found ${m.version} at position ${i + 1} (${m.name})`);
});

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

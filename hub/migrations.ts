/**
 * Numbered, forward-only migrations of the hub database. Never edit a released migration: add the next number.
 * `schema_migrations` records what ran; migrating runs under the hub write lock, so two hub processes starting
 * against one PostgreSQL server cannot both apply the same migration.
 *
 * Storage notes: op payloads and documents are stored as TEXT holding JSON (not jsonb) because jsonb refuses some
 * strings JSON allows (\u0000, lone surrogates), and a payload the hub cannot store must never wedge a desk's queue.
 */
import type { HubDb } from './db.js';
import { exec, type HubMigration } from './migration-kit.js';
import { visitHubMigrations } from './visits/migrations.js';
import { paymentHubMigrations } from './payments/migrations.js';

export type { HubMigration } from './migration-kit.js';

/** Numbers: 1-2, 5-8 core (this file), 3 visits (hub/visits), 4 payments (hub/payments); unique and consecutive. */
const coreHubMigrations: HubMigration[] = [
  {
    version: 1,
    name: 'hub foundation: desks, enrollment, ops log, changes feed, materialised entities, review items, mrn blocks',
    up: (tx) =>
      exec(
        tx,
        `
        CREATE TABLE hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE hub_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
        INSERT INTO hub_counters (name, value) VALUES ('server_seq', 0), ('mrn_next', 4000000);

        CREATE TABLE desks (
          desk_id TEXT PRIMARY KEY,
          label TEXT NOT NULL,
          credential_hash TEXT NOT NULL UNIQUE,
          enrolled_at TIMESTAMPTZ NOT NULL,
          revoked_at TIMESTAMPTZ,
          last_push_at TIMESTAMPTZ
        );

        CREATE TABLE enrollment_codes (
          code_hash TEXT PRIMARY KEY,
          desk_label TEXT,
          created_at TIMESTAMPTZ NOT NULL,
          expires_at TIMESTAMPTZ NOT NULL,
          used_at TIMESTAMPTZ,
          used_by_desk TEXT
        );

        CREATE TABLE desk_cursors (
          desk_id TEXT NOT NULL REFERENCES desks(desk_id),
          epoch INTEGER NOT NULL,
          start_seq BIGINT NOT NULL,
          last_seq BIGINT NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (desk_id, epoch),
          CHECK (last_seq >= start_seq - 1)
        );

        CREATE TABLE ops (
          op_id TEXT PRIMARY KEY,
          desk_id TEXT NOT NULL REFERENCES desks(desk_id),
          epoch INTEGER NOT NULL,
          seq BIGINT NOT NULL,
          kind TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          payload TEXT NOT NULL,
          hlc TEXT NOT NULL,
          schema_version INTEGER NOT NULL,
          content_hash TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
          received_at TIMESTAMPTZ NOT NULL,
          UNIQUE (desk_id, epoch, seq)
        );

        CREATE TABLE rejected_ops (
          op_id TEXT PRIMARY KEY REFERENCES ops(op_id),
          reason TEXT NOT NULL,
          message TEXT NOT NULL,
          rejected_at TIMESTAMPTZ NOT NULL
        );

        CREATE TABLE changes (
          server_seq BIGINT PRIMARY KEY,
          op_id TEXT NOT NULL UNIQUE REFERENCES ops(op_id)
        );

        CREATE TABLE directory_entities (
          entity_type TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          doc TEXT NOT NULL,
          hlc TEXT NOT NULL,
          op_id TEXT NOT NULL REFERENCES ops(op_id),
          updated_at TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (entity_type, entity_id)
        );

        CREATE TABLE patients (
          id TEXT PRIMARY KEY,
          mrn TEXT NOT NULL,
          doc TEXT NOT NULL,
          birth_date TEXT NOT NULL,
          hub_version INTEGER NOT NULL,
          registered_desk TEXT NOT NULL,
          registered_op TEXT NOT NULL REFERENCES ops(op_id),
          registered_hlc TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL,
          merged_into TEXT REFERENCES patients(id)
        );
        CREATE INDEX patients_mrn ON patients(mrn);
        CREATE INDEX patients_dob ON patients(birth_date);

        CREATE TABLE patient_keys (
          patient_id TEXT NOT NULL REFERENCES patients(id),
          key TEXT NOT NULL,
          PRIMARY KEY (key, patient_id)
        );

        CREATE TABLE patient_fields (
          patient_id TEXT NOT NULL REFERENCES patients(id),
          field TEXT NOT NULL,
          value TEXT NOT NULL,
          hlc TEXT NOT NULL,
          op_id TEXT NOT NULL REFERENCES ops(op_id),
          desk_id TEXT NOT NULL,
          PRIMARY KEY (patient_id, field)
        );

        CREATE TABLE patient_field_writes (
          op_id TEXT NOT NULL REFERENCES ops(op_id),
          field TEXT NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id),
          desk_id TEXT NOT NULL,
          base_version INTEGER NOT NULL,
          hlc TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (op_id, field)
        );
        CREATE INDEX patient_field_writes_base ON patient_field_writes(patient_id, field, base_version);

        CREATE TABLE patient_conflicts (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id),
          field TEXT NOT NULL,
          base_version INTEGER NOT NULL,
          op_a TEXT NOT NULL REFERENCES ops(op_id),
          op_b TEXT NOT NULL REFERENCES ops(op_id),
          status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
          created_at TIMESTAMPTZ NOT NULL,
          UNIQUE (op_a, op_b, field)
        );

        CREATE TABLE merge_items (
          id TEXT PRIMARY KEY,
          type TEXT NOT NULL CHECK (type IN ('possible-duplicate', 'mrn-collision')),
          patient_a TEXT NOT NULL REFERENCES patients(id),
          patient_b TEXT NOT NULL REFERENCES patients(id),
          score INTEGER NOT NULL DEFAULT 0,
          reasons TEXT NOT NULL DEFAULT '[]',
          mrn TEXT,
          status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
          created_at TIMESTAMPTZ NOT NULL,
          UNIQUE (type, patient_a, patient_b)
        );

        CREATE TABLE mrn_blocks_granted (
          block_start BIGINT PRIMARY KEY,
          block_end BIGINT NOT NULL,
          desk_id TEXT NOT NULL REFERENCES desks(desk_id),
          request_id TEXT UNIQUE,
          granted_at TIMESTAMPTZ NOT NULL,
          CHECK (block_start <= block_end AND block_start >= 4000000 AND block_end <= 9999999)
        );
        CREATE INDEX mrn_blocks_desk ON mrn_blocks_granted(desk_id)
        `,
      ),
  },
  {
    version: 2,
    name: 'review item resolutions (who, which desk, when, how) and the merge link index',
    up: (tx) =>
      exec(
        tx,
        `
        CREATE TABLE review_resolutions (
          item_id TEXT PRIMARY KEY,
          item_type TEXT NOT NULL CHECK (item_type IN ('identity-conflict', 'possible-duplicate', 'mrn-collision')),
          resolution TEXT NOT NULL CHECK (resolution IN ('merged', 'corrected', 'not-duplicate', 'kept')),
          note TEXT NOT NULL,
          desk_id TEXT NOT NULL REFERENCES desks(desk_id),
          user_id TEXT,
          user_name TEXT,
          resolved_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX patients_merged_into ON patients(merged_into) WHERE merged_into IS NOT NULL
        `,
      ),
  },
  {
    version: 5,
    name: 'field stamps per patient (patients.field_stamps) instead of one patient_fields row per field',
    // A registration wrote 24 patient_fields rows (and 24 patient_field_writes rows); the stamps now live on the
    // patient row as JSON {field: [hlc, opId]}, only for fields whose winning write is not the registration. The
    // registration's own writes are its op (ops.payload); old base_version-0 rows stay (never compared: an update's
    // baseVersion is >= 1).
    up: (tx) =>
      exec(
        tx,
        `
        ALTER TABLE patients ADD COLUMN field_stamps TEXT;
        UPDATE patients p SET field_stamps = s.j
          FROM (SELECT f.patient_id, json_object_agg(f.field, json_build_array(f.hlc, f.op_id))::text AS j
                FROM patient_fields f JOIN patients q ON q.id = f.patient_id
                WHERE f.op_id <> q.registered_op GROUP BY f.patient_id) s
          WHERE s.patient_id = p.id;
        DROP TABLE patient_fields
        `,
      ),
  },
  {
    version: 6,
    name: 'review items for refused appointment changes (visit_conflicts) can be closed like the others',
    up: (tx) =>
      exec(
        tx,
        `
        ALTER TABLE review_resolutions DROP CONSTRAINT review_resolutions_item_type_check;
        ALTER TABLE review_resolutions ADD CONSTRAINT review_resolutions_item_type_check
          CHECK (item_type IN ('identity-conflict', 'possible-duplicate', 'mrn-collision', 'appointment-conflict'))
        `,
      ),
  },
  {
    version: 7,
    name: 'push inbox: a push is acknowledged once its ops are logged; the materialiser applies them in receive order',
    // hub/materialize.ts: a push writes its new ops here (one multi-row insert) and acknowledges; the materialiser
    // moves them into ops/changes and the materialised tables in receive order (recv_seq, allocated under the hub
    // write lock like every write). A rejected op now also gets a change row, delivered only to the desk that made it
    // (its echo says rejected): the push that logged it could not know yet. (desk, epoch, seq) needs no index here:
    // a push logs only seqs past the desk's cursor, which it moves in the same transaction.
    up: (tx) =>
      exec(
        tx,
        `
        CREATE TABLE inbox (
          recv_seq BIGINT PRIMARY KEY,
          op_id TEXT NOT NULL UNIQUE,
          desk_id TEXT NOT NULL REFERENCES desks(desk_id),
          epoch INTEGER NOT NULL,
          seq BIGINT NOT NULL,
          kind TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          payload TEXT NOT NULL,
          hlc TEXT NOT NULL,
          schema_version INTEGER NOT NULL,
          content_hash TEXT NOT NULL,
          received_at TIMESTAMPTZ NOT NULL
        );
        INSERT INTO hub_counters (name, value) VALUES ('recv_seq', 0) ON CONFLICT (name) DO NOTHING
        `,
      ),
  },
  {
    version: 8,
    name: 'merge conflicts: merges/undos the hub refused because the records were linked otherwise there (review items)',
    // hub/apply.ts applyPatientMerged/applyPatientUnmerged: one row per refused op (the hub also publishes its links
    // as a hub-authored patient.links op). patient_ids: every record involved (JSON array), whose links the review
    // item shows as the hub holds them now.
    up: (tx) =>
      exec(
        tx,
        `
        CREATE TABLE merge_conflicts (
          id TEXT PRIMARY KEY,
          op_id TEXT NOT NULL UNIQUE REFERENCES ops(op_id),
          desk_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('patient.merged', 'patient.unmerged')),
          merged_id TEXT NOT NULL,
          survivor_id TEXT,
          message TEXT NOT NULL,
          patient_ids TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
          created_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX merge_conflicts_open ON merge_conflicts(created_at) WHERE status = 'open';
        ALTER TABLE review_resolutions DROP CONSTRAINT review_resolutions_item_type_check;
        ALTER TABLE review_resolutions ADD CONSTRAINT review_resolutions_item_type_check
          CHECK (item_type IN ('identity-conflict', 'possible-duplicate', 'mrn-collision', 'appointment-conflict', 'merge-conflict'))
        `,
      ),
  },
  {
    version: 9,
    name: 'push inbox without a foreign key to desks and without content hashes (less work before a push is acknowledged); rejected ops by desk',
    // The reference checked every logged op against desks (a trigger per row: about a third of the cost of logging a
    // push). A push writes only its own desk's ops, after assertActive read that desk inside the same write
    // transaction, and desks are never deleted (revoked only), so the reference could never fail.
    // The content hash (hub/op-hash.ts) is now computed by the materialiser for ops.content_hash; an op resent while
    // still in the inbox is compared with the logged fields and payload text themselves (hub/service.ts push).
    // A desk's rejected ops (GET /sync/status rejectedCount) are found by a partial index instead of reading every op
    // the desk ever pushed.
    up: (tx) =>
      exec(
        tx,
        `
        ALTER TABLE inbox DROP CONSTRAINT IF EXISTS inbox_desk_id_fkey;
        ALTER TABLE inbox DROP COLUMN content_hash;
        CREATE INDEX ops_rejected_by_desk ON ops(desk_id) WHERE status = 'rejected'
        `,
      ),
  },
];

export const hubMigrations: HubMigration[] = [...coreHubMigrations, ...visitHubMigrations, ...paymentHubMigrations].sort((a, b) => a.version - b.version);
hubMigrations.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`hub migrations must be numbered 1..n without gaps or repeats; found ${m.version} at position ${i + 1} (${m.name})`);
});

export const LATEST_HUB_SCHEMA = hubMigrations[hubMigrations.length - 1]!.version;

/** Applies every migration not yet recorded, each in its own write transaction. Returns the versions applied. */
export async function migrateHub(db: HubDb): Promise<number[]> {
  await db.write((tx) => tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`));
  const max = await db.query<{ v: number | null }>('SELECT MAX(version) v FROM schema_migrations');
  const v = Number(max.rows[0]?.v ?? 0);
  if (v > LATEST_HUB_SCHEMA) throw new Error(`This hub database was written by a newer AccessDesk hub (schema ${v}; this version knows ${LATEST_HUB_SCHEMA}). Update the hub.`);
  const applied: number[] = [];
  for (const m of hubMigrations) {
    const did = await db.write(async (tx) => {
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (done.rows.length > 0) return false;
      await m.up(tx);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (did) applied.push(m.version);
  }
  return applied;
}

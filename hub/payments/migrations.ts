import type { HubMigration } from '../migration-kit.js';

/**
 * Hub schema of the payments and drawer domains: migration number 4 is reserved for it.
 * PostgreSQL (and PGlite) triggers make the hub's copy as strict as the desk's: payments, movements and sign-offs are
 * append-only; a session is never deleted, changes only by being closed once, and takes new payments/movements only
 * while open. hub/payments/apply.ts checks the same rules first and refuses an op with a clear RejectOp message; the
 * triggers are the backstop. Statements are run one by one (function bodies hold semicolons).
 */
const STATEMENTS = [
  `CREATE TABLE pay_sessions (
     id TEXT PRIMARY KEY,
     desk_id TEXT NOT NULL REFERENCES desks(desk_id),
     desk_label TEXT NOT NULL,
     business_date TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('open','closed')),
     float_cents BIGINT NOT NULL CHECK (float_cents >= 0),
     open_doc TEXT NOT NULL,
     open_op_id TEXT NOT NULL,
     close_doc TEXT,
     close_op_id TEXT,
     closed_offline BOOLEAN,
     reconciled_at TIMESTAMPTZ,
     CHECK ((status = 'open') = (close_doc IS NULL))
   )`,
  `CREATE UNIQUE INDEX pay_sessions_one_open ON pay_sessions(desk_id) WHERE status = 'open'`,
  `CREATE INDEX pay_sessions_date ON pay_sessions(business_date)`,
  `CREATE TABLE pay_payments (
     id TEXT PRIMARY KEY,
     session_id TEXT NOT NULL REFERENCES pay_sessions(id),
     desk_id TEXT NOT NULL,
     receipt_no TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('payment','void','refund')),
     type TEXT NOT NULL,
     method TEXT NOT NULL CHECK (method IN ('cash','check','card','other')),
     amount_cents BIGINT NOT NULL,
     tendered_cents BIGINT NOT NULL,
     change_cents BIGINT NOT NULL,
     reverses_id TEXT REFERENCES pay_payments(id),
     business_date TEXT NOT NULL,
     doc TEXT NOT NULL,
     op_id TEXT NOT NULL,
     CHECK ((kind = 'payment' AND amount_cents > 0 AND reverses_id IS NULL) OR (kind <> 'payment' AND amount_cents < 0 AND reverses_id IS NOT NULL))
   )`,
  `CREATE INDEX pay_payments_session ON pay_payments(session_id)`,
  `CREATE INDEX pay_payments_receipt ON pay_payments(receipt_no)`,
  `CREATE INDEX pay_payments_reverses ON pay_payments(reverses_id) WHERE reverses_id IS NOT NULL`,
  `CREATE TABLE pay_movements (
     id TEXT PRIMARY KEY,
     session_id TEXT NOT NULL REFERENCES pay_sessions(id),
     kind TEXT NOT NULL CHECK (kind IN ('paid_in','paid_out')),
     amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
     doc TEXT NOT NULL,
     op_id TEXT NOT NULL
   )`,
  `CREATE TABLE pay_signoffs (
     session_id TEXT PRIMARY KEY REFERENCES pay_sessions(id),
     doc TEXT NOT NULL,
     op_id TEXT NOT NULL
   )`,
  `CREATE FUNCTION pay_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is append-only: record a void or a refund', TG_TABLE_NAME;
   END $$`,
  `CREATE TRIGGER pay_payments_append_only BEFORE UPDATE OR DELETE ON pay_payments FOR EACH ROW EXECUTE FUNCTION pay_append_only()`,
  `CREATE TRIGGER pay_movements_append_only BEFORE UPDATE OR DELETE ON pay_movements FOR EACH ROW EXECUTE FUNCTION pay_append_only()`,
  `CREATE TRIGGER pay_signoffs_append_only BEFORE UPDATE OR DELETE ON pay_signoffs FOR EACH ROW EXECUTE FUNCTION pay_append_only()`,
  `CREATE FUNCTION pay_session_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'drawer sessions are never deleted'; END IF;
     IF OLD.status = 'closed' THEN RAISE EXCEPTION 'a closed drawer session is immutable'; END IF;
     IF NEW.status <> 'closed' OR NEW.id <> OLD.id OR NEW.desk_id <> OLD.desk_id OR NEW.business_date <> OLD.business_date
        OR NEW.float_cents <> OLD.float_cents OR NEW.open_doc <> OLD.open_doc OR NEW.open_op_id <> OLD.open_op_id THEN
       RAISE EXCEPTION 'an open drawer session can only be closed';
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER pay_sessions_guard BEFORE UPDATE OR DELETE ON pay_sessions FOR EACH ROW EXECUTE FUNCTION pay_session_guard()`,
  `CREATE FUNCTION pay_open_session_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF (SELECT status FROM pay_sessions WHERE id = NEW.session_id) IS DISTINCT FROM 'open' THEN
       RAISE EXCEPTION 'the drawer session is not open';
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER pay_payments_open_only BEFORE INSERT ON pay_payments FOR EACH ROW EXECUTE FUNCTION pay_open_session_only()`,
  `CREATE TRIGGER pay_movements_open_only BEFORE INSERT ON pay_movements FOR EACH ROW EXECUTE FUNCTION pay_open_session_only()`,
  `CREATE FUNCTION pay_closed_session_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF (SELECT status FROM pay_sessions WHERE id = NEW.session_id) IS DISTINCT FROM 'closed' THEN
       RAISE EXCEPTION 'a variance is signed off after the close';
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER pay_signoffs_closed_only BEFORE INSERT ON pay_signoffs FOR EACH ROW EXECUTE FUNCTION pay_closed_session_only()`,
];

export const paymentHubMigrations: HubMigration[] = [
  {
    version: 4,
    name: 'payments and drawer: sessions (one owning desk), append-only payments, movements, sign-offs, immutability triggers',
    up: async (tx) => {
      for (const s of STATEMENTS) await tx.query(s);
    },
  },
];

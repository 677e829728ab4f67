import type { Migration } from '../store/migration.js';

/**
 * Desk schema of the payments and drawer domains: migration number 4 is reserved for it.
 *
 * The database itself enforces the money rules (not only the code above it):
 *  - payments, drawer movements and variance sign-offs are append-only: UPDATE and DELETE are refused always;
 *  - a payment or movement can only be inserted into an OPEN session; a void only into its original's session;
 *  - a drawer session is never deleted; an open session may change only by being closed (once), and a closed
 *    session's row never changes again;
 *  - one open session per drawer (desk).
 * Amounts are integer cents (STRICT tables: an INTEGER column refuses 12.5).
 */
export const paymentMigrations: Migration[] = [
  {
    version: 4,
    name: 'payments and drawer: sessions, payments (append-only), movements, sign-offs, settings, per-desk sync marks',
    up: (db) => {
      db.exec(`
        CREATE TABLE payment_settings (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          doc TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          updated_by TEXT NOT NULL
        ) STRICT;

        CREATE TABLE drawer_sessions (
          id TEXT PRIMARY KEY,
          desk_id TEXT NOT NULL,
          desk_label TEXT NOT NULL,
          business_date TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('open','closed')),
          opened_at TEXT NOT NULL,
          opened_by TEXT NOT NULL,
          opened_by_name TEXT NOT NULL,
          float_counts TEXT NOT NULL,
          float_cents INTEGER NOT NULL CHECK (float_cents >= 0),
          note TEXT NOT NULL,
          closed_at TEXT,
          close_doc TEXT,
          CHECK ((status = 'open' AND closed_at IS NULL AND close_doc IS NULL) OR (status = 'closed' AND closed_at IS NOT NULL AND close_doc IS NOT NULL))
        ) STRICT;
        CREATE UNIQUE INDEX drawer_sessions_one_open ON drawer_sessions(desk_id) WHERE status = 'open';
        CREATE INDEX drawer_sessions_date ON drawer_sessions(business_date, desk_id);

        CREATE TRIGGER drawer_sessions_no_delete BEFORE DELETE ON drawer_sessions
        BEGIN SELECT RAISE(ABORT, 'drawer sessions are never deleted'); END;
        CREATE TRIGGER drawer_sessions_closed_immutable BEFORE UPDATE ON drawer_sessions WHEN OLD.status = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed drawer session is immutable'); END;
        CREATE TRIGGER drawer_sessions_open_only_closes BEFORE UPDATE ON drawer_sessions
        WHEN OLD.status = 'open' AND (NEW.status IS NOT 'closed' OR NEW.id IS NOT OLD.id OR NEW.desk_id IS NOT OLD.desk_id
          OR NEW.desk_label IS NOT OLD.desk_label OR NEW.business_date IS NOT OLD.business_date OR NEW.opened_at IS NOT OLD.opened_at
          OR NEW.opened_by IS NOT OLD.opened_by OR NEW.opened_by_name IS NOT OLD.opened_by_name OR NEW.float_counts IS NOT OLD.float_counts
          OR NEW.float_cents IS NOT OLD.float_cents OR NEW.note IS NOT OLD.note)
        BEGIN SELECT RAISE(ABORT, 'an open drawer session can only be closed'); END;

        CREATE TABLE payments (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL REFERENCES drawer_sessions(id),
          desk_id TEXT NOT NULL,
          receipt_no TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('payment','void','refund')),
          type TEXT NOT NULL CHECK (type IN ('copay','prior_balance','deposit','prepayment')),
          method TEXT NOT NULL CHECK (method IN ('cash','check','card','other')),
          amount_cents INTEGER NOT NULL,
          tendered_cents INTEGER NOT NULL CHECK (tendered_cents >= 0),
          change_cents INTEGER NOT NULL CHECK (change_cents >= 0),
          check_number TEXT,
          check_bank TEXT,
          card_terminal_ref TEXT,
          card_brand TEXT,
          card_last_four TEXT CHECK (card_last_four IS NULL OR (length(card_last_four) = 4 AND card_last_four NOT GLOB '*[^0-9]*')),
          card_auth_code TEXT,
          other_ref TEXT NOT NULL,
          patient_id TEXT NOT NULL,
          appointment_id TEXT,
          note TEXT NOT NULL,
          reverses_id TEXT,
          reason TEXT NOT NULL,
          recorded_at TEXT NOT NULL,
          recorded_by TEXT NOT NULL,
          recorded_by_name TEXT NOT NULL,
          approved_by TEXT,
          approved_by_name TEXT,
          business_date TEXT NOT NULL,
          CHECK ((kind = 'payment' AND amount_cents > 0 AND reverses_id IS NULL) OR (kind <> 'payment' AND amount_cents < 0 AND reverses_id IS NOT NULL)),
          CHECK (kind <> 'payment' OR method <> 'cash' OR tendered_cents - change_cents = amount_cents),
          CHECK (method = 'cash' OR (tendered_cents = 0 AND change_cents = 0)),
          CHECK (kind = 'payment' OR (tendered_cents = 0 AND change_cents = 0)),
          CHECK (method <> 'check' OR check_number IS NOT NULL),
          CHECK (method <> 'card' OR (card_terminal_ref IS NOT NULL AND card_last_four IS NOT NULL AND card_brand IS NOT NULL AND card_auth_code IS NOT NULL))
        ) STRICT;
        CREATE INDEX payments_session ON payments(session_id);
        CREATE INDEX payments_date ON payments(business_date);
        CREATE INDEX payments_reverses ON payments(reverses_id) WHERE reverses_id IS NOT NULL;
        CREATE INDEX payments_patient ON payments(patient_id, recorded_at);
        CREATE INDEX payments_receipt ON payments(receipt_no);

        CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
        BEGIN SELECT RAISE(ABORT, 'payments are append-only: record a void or a refund'); END;
        CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
        BEGIN SELECT RAISE(ABORT, 'payments are append-only: record a void or a refund'); END;
        CREATE TRIGGER payments_open_session_only BEFORE INSERT ON payments
        WHEN (SELECT status FROM drawer_sessions WHERE id = NEW.session_id) IS NOT 'open'
        BEGIN SELECT RAISE(ABORT, 'payments can only be added to an open drawer session'); END;
        CREATE TRIGGER payments_void_same_session BEFORE INSERT ON payments
        WHEN NEW.kind = 'void' AND (SELECT session_id FROM payments WHERE id = NEW.reverses_id) IS NOT NEW.session_id
        BEGIN SELECT RAISE(ABORT, 'a void belongs to the session of the payment it voids'); END;

        CREATE TABLE drawer_movements (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL REFERENCES drawer_sessions(id),
          kind TEXT NOT NULL CHECK (kind IN ('paid_in','paid_out')),
          amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
          reason TEXT NOT NULL,
          at TEXT NOT NULL,
          by_id TEXT NOT NULL,
          by_name TEXT NOT NULL
        ) STRICT;
        CREATE INDEX drawer_movements_session ON drawer_movements(session_id);
        CREATE TRIGGER drawer_movements_no_update BEFORE UPDATE ON drawer_movements
        BEGIN SELECT RAISE(ABORT, 'drawer movements are append-only'); END;
        CREATE TRIGGER drawer_movements_no_delete BEFORE DELETE ON drawer_movements
        BEGIN SELECT RAISE(ABORT, 'drawer movements are append-only'); END;
        CREATE TRIGGER drawer_movements_open_session_only BEFORE INSERT ON drawer_movements
        WHEN (SELECT status FROM drawer_sessions WHERE id = NEW.session_id) IS NOT 'open'
        BEGIN SELECT RAISE(ABORT, 'cash can only be moved in an open drawer session'); END;

        CREATE TABLE drawer_signoffs (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL UNIQUE REFERENCES drawer_sessions(id),
          reason TEXT NOT NULL,
          requested_by TEXT NOT NULL,
          requested_by_name TEXT NOT NULL,
          approved_by TEXT NOT NULL,
          approved_by_name TEXT NOT NULL,
          at TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER drawer_signoffs_no_update BEFORE UPDATE ON drawer_signoffs
        BEGIN SELECT RAISE(ABORT, 'a variance sign-off is final'); END;
        CREATE TRIGGER drawer_signoffs_no_delete BEFORE DELETE ON drawer_signoffs
        BEGIN SELECT RAISE(ABORT, 'a variance sign-off is final'); END;
        CREATE TRIGGER drawer_signoffs_closed_only BEFORE INSERT ON drawer_signoffs
        WHEN (SELECT status FROM drawer_sessions WHERE id = NEW.session_id) IS NOT 'closed'
        BEGIN SELECT RAISE(ABORT, 'a variance is signed off after the close'); END;

        -- The latest payments/drawer change this desk has received from each other desk (EOD completeness).
        CREATE TABLE payment_sync_desks (
          desk_id TEXT PRIMARY KEY,
          desk_label TEXT NOT NULL,
          last_hlc TEXT NOT NULL,
          last_server_seq INTEGER NOT NULL,
          received_at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 5,
    name: 'payments: end-of-day indexes (covering, grouped by session/kind/type/method/clerk and by time) and copays by appointment',
    up: (db) => {
      db.exec(`
        -- eod.report sums the day in SQL (electron/payments/repo.ts paymentGroupsOfDate / paymentHoursOfDate): these
        -- covering indexes hold every column those GROUP BYs read, in group order, so no table row is visited.
        CREATE INDEX payments_eod ON payments(business_date, session_id, kind, type, method, recorded_by, recorded_by_name, amount_cents, tendered_cents, change_cents);
        -- the quarter hour (UTC) of recorded_at, "2025-03-04T14:15": instants are ISO strings from toISOString (the schemas
        -- require it), and every time zone offset is a whole number of quarter hours, so the hour chart groups on it
        ALTER TABLE payments ADD COLUMN recorded_quarter TEXT
          GENERATED ALWAYS AS (substr(recorded_at, 1, 14) || CASE WHEN substr(recorded_at, 15, 2) < '15' THEN '00' WHEN substr(recorded_at, 15, 2) < '30' THEN '15' WHEN substr(recorded_at, 15, 2) < '45' THEN '30' ELSE '45' END) VIRTUAL;
        CREATE INDEX payments_eod_time ON payments(business_date, recorded_quarter, method, amount_cents);
        -- the corrections list and the deposit slip's checks: only those rows, not the whole day
        CREATE INDEX payments_date_kind ON payments(business_date, kind, method);
        -- copays due vs collected: the copay payments of an appointment (electron/drawer/eod.ts copaysOf)
        CREATE INDEX payments_appointment ON payments(appointment_id, type) WHERE appointment_id IS NOT NULL;
        -- payments_date is a prefix of payments_eod now
        DROP INDEX payments_date;
      `);
    },
  },
];

import type { HubErrorCode, RejectReason } from '../shared/sync/protocol.js';

/** A refusal the client can act on: sent as `{ error: { code, message, ...extra } }` with `status`. */
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: HubErrorCode,
    message: string,
    readonly extra: { fields?: Record<string, string>; expectedSeq?: number; headSeq?: number } = {},
  ) {
    super(message);
    this.name = 'HubError';
  }
}

/** Thrown while applying one op: the op is permanently invalid. It is recorded in rejected_ops and skipped. */
export class RejectOp extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
    this.name = 'RejectOp';
  }
}

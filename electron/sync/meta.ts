/** Keys of the desk's sync state in the store's meta table (enrollment, cursor, acknowledgements, last sync, stamps, MRN request). */
export const META = {
  hubUrl: 'sync.hub_url',
  hubId: 'sync.hub_id',
  certPem: 'sync.cert_pem',
  certFingerprint: 'sync.cert_fingerprint',
  credentialRef: 'sync.credential_ref',
  enrolledAt: 'sync.enrolled_at',
  cursor: 'sync.cursor',
  ackedSeq: 'sync.acked_seq',
  lastSyncAt: 'sync.last_sync_at',
  stampsSeq: 'sync.stamps_seq',
  mrnRequestId: 'sync.mrn_request_id',
  /** A desk joining a clinic (setup.join): its desk name, until the hub's site settings arrive and set the desk up. */
  joinDeskLabel: 'setup.join_desk_label',
} as const;

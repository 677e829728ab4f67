/** Keys of the desk's sync state in the store's meta table (enrollment, cursor, last sync, stamps, MRN request). */
export const META = {
  hubUrl: 'sync.hub_url',
  hubId: 'sync.hub_id',
  certPem: 'sync.cert_pem',
  certFingerprint: 'sync.cert_fingerprint',
  credentialRef: 'sync.credential_ref',
  enrolledAt: 'sync.enrolled_at',
  cursor: 'sync.cursor',
  lastSyncAt: 'sync.last_sync_at',
  stampsSeq: 'sync.stamps_seq',
  mrnRequestId: 'sync.mrn_request_id',
} as const;

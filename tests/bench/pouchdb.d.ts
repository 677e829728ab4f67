// Minimal types for the PouchDB baseline of the outage-catch-up bench (the packages ship none; @types/pouchdb would
// pull the whole browser typing set for two calls).
declare module 'pouchdb-node' {
  interface PouchDatabase {
    bulkDocs(docs: object[]): Promise<unknown>;
    replicate: { to(target: string, opts?: { batch_size?: number }): Promise<{ docs_written: number; ok: boolean }> };
    info(): Promise<{ doc_count: number }>;
    close(): Promise<void>;
  }
  interface PouchStatic {
    new (name: string, opts?: object): PouchDatabase;
    defaults(opts: object): PouchStatic;
  }
  const PouchDB: PouchStatic;
  export default PouchDB;
}
declare module 'express-pouchdb' {
  import type { Server } from 'node:http';
  function expressPouchdb(pouch: unknown, opts?: object): { listen(port: number, host: string, cb: () => void): Server };
  export default expressPouchdb;
}

/**
 * canonicalJson is rewritten for speed (the hub hashes every pushed op with it); op content hashes already stored at
 * hubs depend on its exact bytes, so it must equal the reference definition on every JSON value.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonReference } from '../../shared/sync/patient-merge.js';
import { PatientGenerator } from '../../electron/demo/generator.js';

describe('canonicalJson', () => {
  it('equals the reference on arbitrary JSON values (unicode, lone surrogates, index-like keys, nesting)', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '01', '-1', '4294967294', '4294967295', '__proto__', 'a', 'B', ''), fc.nat().map(String));
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 5 }),
        fc.dictionary(key, tie('v'), { maxKeys: 6 }),
      ),
    })).v;
    fc.assert(fc.property(value, (v) => canonicalJson(v) === canonicalJsonReference(v)), { numRuns: 3000 });
  });

  it('equals the reference on values JSON cannot hold (undefined, functions, -0, NaN, Date) and real patient documents', () => {
    const odd = [undefined, { a: undefined, b: () => 1, c: [undefined, () => 1] }, -0, NaN, Infinity, { d: new Date(0) }, [new Date(5)], { '2': 1, '1': 2, b: 3, a: 4 }];
    for (const v of odd) expect(canonicalJson(v)).toBe(canonicalJsonReference(v));
    const gen = new PatientGenerator(99, { duplicateRate: 0 });
    for (let i = 0; i < 200; i++) {
      const d = gen.next();
      expect(canonicalJson(d)).toBe(canonicalJsonReference(d));
    }
  });
});

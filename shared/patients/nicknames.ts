/**
 * Given-name matching for duplicate detection: nickname groups, spelling/typo distance and phonetic codes.
 *
 * Pure TypeScript, no database: used by the renderer while a clerk types and by the main process at save time.
 */
import { doubleMetaphone } from 'double-metaphone';
import groupsJson from '../../resources/nicknames.json' with { type: 'json' };
import { fold, nameParts } from '../text.js';

/**
 * Nickname / spelling-variant groups (lowercase, folded). A name may sit in several groups ("alex" is in Alexander,
 * Alexandra and Alejandro); two names are nicknames of each other only when one group holds both, so membership is
 * deliberately not transitive (Alexander and Alexandra are not nicknames of each other).
 */
export const NICKNAME_GROUPS: readonly (readonly string[])[] = groupsJson as string[][];

const groupsByName = new Map<string, number[]>();
NICKNAME_GROUPS.forEach((group, i) => {
  for (const n of group) {
    const list = groupsByName.get(n);
    if (list) list.push(i);
    else groupsByName.set(n, [i]);
  }
});

/** The folded name and every name sharing a nickname group with it ("bill" -> bill, william, will, billy, liam, ...). */
export function nicknamesOf(name: string): string[] {
  const f = fold(name);
  if (!f) return [];
  const out = new Set<string>([f]);
  for (const gi of groupsByName.get(f) ?? []) for (const n of NICKNAME_GROUPS[gi]!) out.add(n);
  return [...out];
}

/** True when the two (different) names share a nickname group: Bill/William, Paco/Francisco, Peggy/Margaret. */
export function areNicknames(a: string, b: string): boolean {
  const fa = fold(a);
  const fb = fold(b);
  if (!fa || !fb || fa === fb) return false;
  const ga = groupsByName.get(fa);
  const gb = groupsByName.get(fb);
  if (!ga || !gb) return false;
  return ga.some((g) => gb.includes(g));
}

/**
 * Optimal-string-alignment (Damerau-Levenshtein) distance: insertions, deletions, substitutions and transpositions
 * of adjacent characters each cost 1, which is how typing slips look ("Jonh" -> "John" is 1, not 2).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * A likely typing slip between two folded names: distance 1 for names of 4+ letters, 2 for names of 9+ letters.
 * Short names ("Li"/"Le", "Ann"/"Ian") are never typos of each other: too many real names sit one letter apart.
 */
export function isTypo(a: string, b: string): boolean {
  const min = Math.min(a.length, b.length);
  if (min < 4 || a === b) return false;
  return editDistance(a, b) <= (min >= 9 ? 2 : 1);
}

/**
 * Double Metaphone codes [primary, secondary] of a name (folded first).
 *
 * We use the `double-metaphone` package rather than a hand-written phonetic algorithm: it is a small, well-kept,
 * fully tested implementation of Lawrence Philips' algorithm, and Double Metaphone handles the names a US desk
 * actually sees (Spanish, Slavic, Germanic, Irish spellings: Jose/Hose, Schmidt/Smith, Nguyen) far better than
 * Soundex, which only knows English letter groups and keeps the first letter verbatim (Catherine C365 vs Kathryn K365).
 */
export function phoneticCodes(name: string): string[] {
  const f = fold(name);
  if (!f) return [];
  const [p, s] = doubleMetaphone(f);
  return p === s ? [p] : [p, s];
}

/**
 * Do two names sound alike? Some primary or secondary code is shared and has at least `minLength` characters.
 * Short codes are coarse: Double Metaphone drops vowels, so John and Jane are both JN, and "Jon" has the secondary
 * code AN, like "Anne". Given names therefore need 3+ characters; last names accept 2 (Mann ~ Munn).
 */
export function soundAlike(a: string, b: string, minLength = 3): boolean {
  const fa = fold(a);
  const fb = fold(b);
  if (!fa || !fb) return false;
  const ca = doubleMetaphone(fa);
  const cb = doubleMetaphone(fb);
  for (const x of ca) for (const y of cb) if (x.length >= minLength && x === y) return true;
  return false;
}

/**
 * How two given names relate, strongest first:
 * - 'exact'     same after folding (José = jose, Mary Ann = Maryann)
 * - 'nickname'  share a nickname group (Bill = William, Paco = Francisco)
 * - 'part'      one multi-part given name contains the other (Jose = Jose Luis, Mary = Mary Ann)
 * - 'typo'      one typing slip apart (Jonh = John, Micheal = Michael)
 * - 'prefix'    one is a 3+ letter prefix of the other (Chris = Christoph): a short form not in the list
 * - 'phonetic'  sound alike (Aiden ~ Ethan): weak, twins are often given rhyming names
 * - 'initial'   one side is only an initial matching the other (J = John)
 * - null        unrelated (John vs Jane), or one side empty
 */
export type GivenNameMatch = 'exact' | 'nickname' | 'part' | 'typo' | 'prefix' | 'phonetic' | 'initial';

export function sameGivenName(a: string, b: string): GivenNameMatch | null {
  const fa = fold(a);
  const fb = fold(b);
  if (!fa || !fb) return null;
  if (fa === fb) return 'exact';
  if (areNicknames(fa, fb)) return 'nickname';
  const pa = nameParts(a);
  const pb = nameParts(b);
  if (pa.length > 1 || pb.length > 1) {
    const [short, long] = pa.length <= pb.length ? [pa, pb] : [pb, pa];
    if (short.every((p) => long.includes(p))) return 'part';
    // "Bill Joe" vs "William Joe": compare first parts when both have several.
    if (pa.length > 0 && pb.length > 0 && pa[0] !== pb[0] && areNicknames(pa[0]!, pb[0]!)) return 'nickname';
  }
  if (isTypo(fa, fb)) return 'typo';
  const [s, l] = fa.length <= fb.length ? [fa, fb] : [fb, fa];
  if (s.length === 1) return l.startsWith(s) ? 'initial' : null;
  if (s.length >= 3 && l.startsWith(s)) return 'prefix';
  if (soundAlike(fa, fb)) return 'phonetic';
  return null;
}

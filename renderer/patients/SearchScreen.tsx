/**
 * The home screen: one search box that understands names ("garcia, jose", "jose garcia", "gar,jos"), dates of birth in
 * any typed form, MRNs and phones. Results come as the clerk types (debounced; stale answers are dropped by the store).
 *
 * Focus model: the WAI-ARIA 1.2 combobox pattern (APG "list autocomplete"): the input keeps DOM focus and owns the
 * result list through aria-controls + aria-activedescendant; ↓/↑ move the highlighted option, Enter opens it.
 * Not react-aria's <Autocomplete>: it stops propagation of every key typed into its input, which would silence the
 * global keys (Alt+L lock, Ctrl+K, F1, Esc) while the clerk is in the search box — the place they are in all day.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { KeyHint } from '../ui/KeyHint.js';
import { Banner } from '../ui/Banner.js';
import { SEARCH_INPUT_ID } from '../app/commands.js';
import { useNav } from '../app/nav.js';
import { usePatientSearch, prefillFromQuery, SEARCH_PAGE } from './store.js';
import { age, displayName, formatPhone, matchedOnLabel, SEX_LABELS, siteToday, usDate } from './format.js';
import type { PatientHit } from '../../shared/domain/patient.js';
import { parseSearchQuery } from '../../shared/patients/search-query.js';

const DEBOUNCE_MS = 120;
const LIST_ID = 'pt-results';
const INTERP_ID = 'pt-interp';
const HELP_ID = 'pt-search-help';
const MORE_ID = 'pt-search-more';

function optionId(h: PatientHit): string {
  return `pt-hit-${h.id}`;
}

/**
 * Register a new patient. The name / DOB typed in the search box is taken only when that search found nobody (not
 * even a near match): a query kept from an earlier search that found patients, or one whose near matches may be the
 * patient, opens an empty form (the form then starts at its first empty field).
 */
export async function registerFromSearch(): Promise<void> {
  let s = usePatientSearch.getState();
  const q = s.q.trim();
  if (q && (s.shownQ !== q || s.status !== 'done')) {
    // typed faster than the debounce: what did this query find?
    await s.run();
    s = usePatientSearch.getState();
  }
  const foundNobody = q !== '' && s.status === 'done' && s.shownQ === q && s.hits.length === 0;
  s.setPrefill(foundNobody ? prefillFromQuery(s.q) : null);
  useNav.getState().go({ name: 'register' });
}

/** How to narrow a cut list, for what was typed: the parts of a query it does not have yet. */
function narrowHints(q: string, today: string): string[] {
  const p = parseSearchQuery(q, today);
  const hints: string[] = [];
  const named = p.names.length > 0;
  const hasGiven = p.names.some((n) => n.family && n.given);
  const last = p.names.find((n) => n.family)?.family ?? 'smith';
  if (!named) hints.push('a last name');
  else if (!hasGiven) hints.push(`a first name ("${last}, p")`);
  if (!p.birthDates.length) hints.push(`a date of birth ("${named ? last + ' ' : ''}3/14/1975")`);
  if (named && !p.phoneLast4 && !p.phoneLocal) hints.push(`the last 4 digits of the phone ("${last} 0147")`);
  return hints;
}

export function SearchScreen() {
  const q = usePatientSearch((s) => s.q);
  const shownQ = usePatientSearch((s) => s.shownQ);
  const hits = usePatientSearch((s) => s.hits);
  const interpretations = usePatientSearch((s) => s.interpretations);
  const status = usePatientSearch((s) => s.status);
  const error = usePatientSearch((s) => s.error);
  const active = usePatientSearch((s) => s.active);
  const go = useNav((s) => s.go);
  const inputRef = useRef<HTMLInputElement>(null);
  const timer = useRef<number | undefined>(undefined);
  const today = siteToday();

  // results as the clerk types (also refreshes a kept query when coming back to this screen)
  useEffect(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void usePatientSearch.getState().run(), DEBOUNCE_MS);
    return () => window.clearTimeout(timer.current);
  }, [q]);

  useEffect(() => {
    const h = hits[active];
    if (h) document.getElementById(optionId(h))?.scrollIntoView({ block: 'nearest' });
  }, [active, hits]);

  const open = (h: PatientHit | undefined) => {
    if (h) go({ name: 'patient', id: h.id });
  };

  const onInputKeyDown = async (e: KeyboardEvent<HTMLInputElement>) => {
    const s = usePatientSearch.getState();
    const n = s.hits.length;
    const move = (to: number) => {
      e.preventDefault();
      if (n) s.setActive(Math.max(0, Math.min(n - 1, to)));
    };
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    switch (e.key) {
      case 'ArrowDown':
        return move(s.active + 1);
      case 'ArrowUp':
        return move(s.active - 1);
      case 'PageDown':
        return move(s.active + 10);
      case 'PageUp':
        return move(s.active - 10);
      case 'Enter': {
        e.preventDefault();
        if (s.shownQ === s.q.trim() && s.status === 'done') return open(s.hits[s.active]);
        // typed faster than the debounce (e.g. an MRN + Enter): search now, then open the top hit
        window.clearTimeout(timer.current);
        await s.run();
        const after = usePatientSearch.getState();
        return open(after.hits[after.active]);
      }
      case 'Escape':
        // the search box is the home screen's: Esc clears it (and never navigates away from it)
        e.preventDefault();
        if (s.q) s.setQ('');
        return;
    }
  };

  const onScreenKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Alt+N here registers with the name/DOB already typed (the global Alt+N would open an empty form)
    if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyN') {
      e.preventDefault();
      void registerFromSearch();
    }
  };

  const truncated = usePatientSearch((s) => s.truncated);
  const stale = q.trim() !== shownQ;
  const activeHit = hits[active];
  const showList = q.trim() !== '' && hits.length > 0;
  const current = q.trim() !== '' && status === 'done' && !stale;
  const nearOnly = current && hits.length > 0 && hits.every((h) => h.near);
  const nearCount = hits.filter((h) => h.near).length;
  const countText = (() => {
    if (hits.length === 0) return 'no patients';
    if (nearOnly) return `no exact match · ${hits.length === 1 ? '1 near match' : `${hits.length} near matches`}${truncated ? ' (more not shown)' : ''}`;
    const n = hits.length === 1 ? '1 patient' : `${hits.length} patients`;
    const near = nearCount ? ` (${nearCount} near)` : '';
    return truncated ? `the first ${hits.length} shown of more than ${hits.length}${near}` : `${n}${near}`;
  })();

  return (
    <div className="ad-page pt-search" onKeyDown={onScreenKeyDown}>
      <PageHeader title="Find a patient">
        <Button variant="primary" shortcut="Alt+N" onPress={() => void registerFromSearch()}>
          New patient
        </Button>
      </PageHeader>
      <div role="search" aria-label="Patients" className="pt-search-box">
        <label htmlFor={SEARCH_INPUT_ID} className="ad-label">
          Search patients
        </label>
        <input
          id={SEARCH_INPUT_ID}
          ref={inputRef}
          className="ad-input pt-search-input"
          type="text"
          role="combobox"
          aria-expanded={showList}
          aria-controls={LIST_ID}
          aria-autocomplete="list"
          aria-activedescendant={showList && activeHit ? optionId(activeHit) : undefined}
          aria-describedby={`${INTERP_ID} ${current && truncated ? `${MORE_ID} ` : ''}${HELP_ID}`}
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={q}
          placeholder="Name, date of birth, MRN or phone"
          onChange={(e) => usePatientSearch.getState().setQ(e.target.value)}
          onKeyDown={(e) => void onInputKeyDown(e)}
        />
        <p id={HELP_ID} className="pt-search-help">
          <KeyHint keys="↑" /> <KeyHint keys="↓" /> move · <KeyHint keys="Enter" /> open · <KeyHint keys="Alt+N" /> new patient (takes what you typed when
          nobody matched) ·{' '}
          <KeyHint keys="Esc" /> clear
        </p>
      </div>

      <p id={INTERP_ID} className="pt-interp" role="status" aria-live="polite">
        {q.trim() && interpretations.length > 0 && (
          <>
            <span className="pt-interp__lead">Searching:</span> {interpretations.join(' · ')}
            {current && <span className="pt-interp__count"> — {countText}</span>}
          </>
        )}
        {status === 'loading' && q.trim() && interpretations.length === 0 && 'Searching…'}
      </p>

      {error && <Banner tone="error">{error}</Banner>}

      {current && truncated && (
        <p id={MORE_ID} className="pt-more" role="note">
          <strong>The list is cut at {hits.length}:</strong> more patients match than are shown. Narrow it: add {narrowHints(q, today).join(', or ')}.
        </p>
      )}

      {nearOnly && (
        <div className="pt-near-note" role="note">
          <strong>No patient matches exactly what you typed.</strong> The patients below are near matches (a spelling, a nickname, a
          sound-alike; the reason is on each row): check them with <KeyHint keys="↓" /> and <KeyHint keys="Enter" /> before registering, or a
          second record of the same patient is made.{' '}
          <Button variant="quiet" size="small" shortcut="Alt+N" onPress={() => void registerFromSearch()}>
            None of them: register a new patient
          </Button>
        </div>
      )}

      {!q.trim() && (
        <div className="pt-empty">
          <h2>Type to find a patient</h2>
          <ul>
            <li>
              Name: <code>garcia, jose</code> · <code>jose garcia</code> · <code>gar,jos</code> (start of last, first)
            </li>
            <li>
              Date of birth: <code>03/14/1975</code> · <code>3/14/75</code> · <code>03141975</code> · <code>1975-03-14</code>
            </li>
            <li>
              MRN (with or without its leading zeros) or phone: <code>(312) 555-0147</code> · <code>555-0147</code> · a name with the last 4 digits{' '}
              <code>smith 0147</code>
            </li>
            <li>
              Forgiven after the exact matches, each labelled: a typo (<code>jonhson</code>), a nickname (<code>smith, dave</code>), <code>mueller</code> for
              Müller, <code>saint john</code> for St. John; a suffix (<code>smith, robert jr</code>) ranks first
            </li>
          </ul>
          <p>
            Not registered yet? <KeyHint keys="Alt+N" /> registers a new patient.
          </p>
        </div>
      )}

      {q.trim() && status === 'done' && !stale && hits.length === 0 && (
        <div className="pt-empty pt-empty--nomatch">
          <h2>No patient matches</h2>
          <p>Check the spelling or search by date of birth or phone. If this is a new patient, register them:</p>
          <div>
            <Button variant="primary" shortcut="Alt+N" onPress={() => void registerFromSearch()}>
              Register new patient
            </Button>
          </div>
        </div>
      )}

      <div className="pt-results" hidden={!showList}>
        <div className="pt-row pt-row--head" aria-hidden="true">
          <span>Name</span>
          <span>Date of birth</span>
          <span>Sex</span>
          <span>MRN</span>
          <span>Phone</span>
          <span>Matched on</span>
        </div>
        <div id={LIST_ID} role="listbox" aria-label="Matching patients" className="pt-listbox">
          {hits.map((h, i) => {
            const a = age(h.birthDate, today);
            return (
              <div
                key={h.id}
                id={optionId(h)}
                role="option"
                aria-selected={i === active}
                aria-label={`${displayName(h)}, born ${usDate(h.birthDate)}${a ? ` (${a})` : ''}, ${SEX_LABELS[h.sexAtBirth]}, MRN ${h.mrn}${h.phone ? `, phone ${formatPhone(h.phone)}` : ''}${h.near ? `, near match: ${h.matchedOn.map(matchedOnLabel).join(', ')}` : ''}`}
                className={`pt-row${i === active ? ' pt-row--active' : ''}${h.near ? ' pt-row--near' : ''}`}
                onMouseDown={(e) => e.preventDefault() /* keep focus in the search box */}
                onMouseEnter={() => usePatientSearch.getState().setActive(i)}
                onClick={() => open(h)}
              >
                <span className="pt-name">{displayName(h)}</span>
                <span>
                  {usDate(h.birthDate)} <span className="pt-muted">{a}</span>
                </span>
                <span>{SEX_LABELS[h.sexAtBirth]}</span>
                <span className="pt-mono">{h.mrn}</span>
                <span className="pt-nowrap">{h.phone ? formatPhone(h.phone) : <span className="pt-muted">—</span>}</span>
                <span className="pt-badges">
                  {h.near && <span className="pt-near-lead">Near:</span>}
                  {h.matchedOn.map((m) => (
                    <span key={m} className={`ad-tag pt-badge${h.near && m !== 'dob' ? ' pt-badge--near' : ''}`}>
                      {matchedOnLabel(m)}
                    </span>
                  ))}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

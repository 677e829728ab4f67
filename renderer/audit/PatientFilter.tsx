/**
 * The audit log's patient filter: type a name ("varga, ott") or an MRN, ↓ into the matches, Enter picks one. A
 * react-aria ComboBox over patients.search (the same ranked search as the search screen; each search is audited
 * there). Emptying the text clears the filter.
 */
import { useEffect, useRef, useState } from 'react';
import { ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text, type Key } from 'react-aria-components';
import { api } from '../api/client.js';
import type { PatientHit } from '../../shared/domain/patient.js';
import { usDate } from '../patients/format.js';

export interface PickedPatient {
  id: string;
  label: string;
}

export const patientLabel = (h: Pick<PatientHit, 'family' | 'given' | 'mrn'>) => `${h.family}, ${h.given} (MRN ${h.mrn})`;

export function PatientFilter({ value, onChange, inputId }: { value: PickedPatient | null; onChange: (p: PickedPatient | null) => void; inputId: string }) {
  const [text, setText] = useState(value?.label ?? '');
  const [hits, setHits] = useState<PatientHit[]>([]);
  const [searched, setSearched] = useState('');
  const asked = useRef(0);
  // the filter was cleared or set from outside: show it
  useEffect(() => {
    setText(value?.label ?? '');
    if (!value) setHits([]);
  }, [value]);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2 || q === value?.label) return;
    const n = ++asked.current;
    const t = setTimeout(() => {
      api.call('patients.search', { q, limit: 10 }).then(
        (r) => n === asked.current && (setHits(r.hits), setSearched(q)),
        () => n === asked.current && (setHits([]), setSearched(q)),
      );
    }, 200);
    return () => clearTimeout(t);
  }, [text, value]);

  const description = value ? 'Entries about this patient: the record, visits, payments' : searched && !hits.length && text.trim() === searched ? 'No patient matches; try "last, first" or the MRN' : 'Name (last, first) or MRN; ↓ to the matches';
  return (
    <ComboBox
      className="ad-field au-patient"
      items={hits}
      inputValue={text}
      onInputChange={(t) => {
        setText(t);
        if (!t.trim() && value) onChange(null);
      }}
      selectedKey={value?.id ?? null}
      onSelectionChange={(k: Key | null) => {
        if (k === null) return;
        const h = hits.find((x) => x.id === k);
        if (!h) return;
        const picked = { id: h.id, label: patientLabel(h) };
        setText(picked.label);
        onChange(picked);
      }}
      menuTrigger="input"
      // the list opens once there is something to search for (not on an emptied or cleared field)
      allowsEmptyCollection={text.trim().length >= 2}
      allowsCustomValue
    >
      <Label className="ad-label">Patient</Label>
      <Input id={inputId} className="ad-input" placeholder="Any patient" spellCheck={false} />
      <Text slot="description" className="ad-desc">
        {description}
      </Text>
      <Popover className="ad-popover">
        <ListBox<PatientHit>
          className="ad-list"
          aria-label="Matching patients"
          renderEmptyState={() => <div className="ad-empty">{text.trim().length < 2 ? 'Type two letters or more' : searched === text.trim() ? 'No patient matches' : 'Searching…'}</div>}
        >
          {(h) => (
            <ListBoxItem id={h.id} textValue={patientLabel(h)} className="ad-list-item">
              <span>{patientLabel(h)}</span>
              <span className="ad-muted">DOB {usDate(h.birthDate)}</span>
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}

// PLACEHOLDER: replaced by the patient screens work. Kept tiny on purpose.
import { useState } from 'react';
import { PageHeader } from '../ui/PageHeader.js';
import { TextField } from '../ui/fields.js';
import { SEARCH_INPUT_ID } from '../app/commands.js';

export function SearchScreen() {
  const [q, setQ] = useState('');
  return (
    <div className="ad-page">
      <PageHeader title="Find a patient" />
      <div role="search" aria-label="Patients">
        <TextField id={SEARCH_INPUT_ID} label="Search" value={q} onChange={setQ} type="search" description="Name, date of birth, MRN or phone" autoFocus />
      </div>
      <p>Patient search is not built yet.</p>
    </div>
  );
}

export function PatientScreen({ id }: { id: string }) {
  return (
    <div className="ad-page">
      <PageHeader title="Patient" focusOnMount />
      <p>Patient record {id.slice(0, 8)}… is not built yet.</p>
    </div>
  );
}

export function RegisterScreen() {
  return (
    <div className="ad-page">
      <PageHeader title="Register a new patient" focusOnMount />
      <p>Registration is not built yet.</p>
    </div>
  );
}

export function EditScreen({ id }: { id: string }) {
  return (
    <div className="ad-page">
      <PageHeader title="Edit patient" focusOnMount />
      <p>Editing {id.slice(0, 8)}… is not built yet.</p>
    </div>
  );
}

export function HistoryScreen({ id }: { id: string }) {
  return (
    <div className="ad-page">
      <PageHeader title="Change history" focusOnMount />
      <p>History of {id.slice(0, 8)}… is not built yet.</p>
    </div>
  );
}

/** Time zones offered at setup and in settings: the common US zones and UTC, plus this computer's zone. */
export const COMMON_TIME_ZONES: { value: string; label: string }[] = [
  { value: 'America/New_York', label: 'Eastern (America/New_York)' },
  { value: 'America/Chicago', label: 'Central (America/Chicago)' },
  { value: 'America/Denver', label: 'Mountain (America/Denver)' },
  { value: 'America/Phoenix', label: 'Arizona (America/Phoenix)' },
  { value: 'America/Los_Angeles', label: 'Pacific (America/Los_Angeles)' },
  { value: 'America/Anchorage', label: 'Alaska (America/Anchorage)' },
  { value: 'Pacific/Honolulu', label: 'Hawaii (Pacific/Honolulu)' },
  { value: 'America/Puerto_Rico', label: 'Atlantic (America/Puerto_Rico)' },
  { value: 'UTC', label: 'UTC' },
];

export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'America/New_York';
  } catch {
    return 'America/New_York';
  }
}

/** The list, with `current` (and this computer's zone) added when they are not common ones. */
export function timeZoneOptions(current?: string): { value: string; label: string }[] {
  const out = [...COMMON_TIME_ZONES];
  for (const z of [current, localTimeZone()]) {
    if (z && !out.some((o) => o.value === z)) out.push({ value: z, label: z });
  }
  return out;
}

/** "2024-05-01T14:03:00Z" in the site's zone: "05/01/2024 9:03:00 AM". */
export function formatInstant(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  }).format(d);
}

import { PageHeader } from '../ui/PageHeader.js';
export function SettingsScreen() {
  return (
    <div className="ad-page">
      <PageHeader title="Site settings" focusOnMount />
    </div>
  );
}

import { PageHeader } from '../ui/PageHeader.js';
export function AuditScreen() {
  return (
    <div className="ad-page">
      <PageHeader title="Audit log" focusOnMount />
    </div>
  );
}

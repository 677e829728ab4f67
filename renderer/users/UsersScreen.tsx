import { PageHeader } from '../ui/PageHeader.js';
export function UsersScreen() {
  return (
    <div className="ad-page">
      <PageHeader title="Users" focusOnMount />
    </div>
  );
}

/**
 * PLACEHOLDER patient screens (the patient screens engineer replaces these). The shell imports exactly these
 * five components from here; each receives the route's params.
 */
export { SearchScreen, PatientScreen, RegisterScreen, EditScreen, HistoryScreen } from './placeholders.js';

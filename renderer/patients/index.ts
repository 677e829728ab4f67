/**
 * The patient screens. The shell (app/MainLayout.tsx) imports exactly these five; each receives its route's params
 * (the patient id, never PHI).
 */
import './patients.css';
export { SearchScreen } from './SearchScreen.js';
export { PatientScreen } from './PatientScreen.js';
export { RegisterScreen, EditScreen } from './FormScreens.js';
export { HistoryScreen } from './HistoryScreen.js';

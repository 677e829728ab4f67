/**
 * A visit label (2.25" x 1.25": name, DOB, MRN, the visit's time, provider and department, Code 128) through the print
 * layer's preview (renderer/print): from the board (Alt+P) and from a visit's details.
 */
import { api } from '../api/client.js';
import { openPrint } from '../print/usePrint.js';

export function printVisitLabel(patientId: string, visit: { start: string; providerName: string; departmentName: string }): void {
  openPrint({
    title: 'Visit label',
    load: () =>
      api.call('print.patientLabel', { patientId, format: 'label', copies: 1, appointment: { at: visit.start, provider: visit.providerName, department: visit.departmentName, visitNumber: '' } }),
  });
}

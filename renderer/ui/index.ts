export { Button, toAriaKeys, type ButtonProps } from './Button.js';
export { KeyHint } from './KeyHint.js';
export { Banner, Alert, type BannerTone } from './Banner.js';
export { PageHeader, Toolbar } from './PageHeader.js';
export { Dialog, anyDialogOpen, useOpenDialogs, type DialogProps } from './Dialog.js';
export { DataTable, type DataColumn, type DataTableProps } from './DataTable.js';
export {
  TextField,
  PasswordField,
  NumberField,
  SelectField,
  CheckboxField,
  RadioGroupField,
  TypedDateField,
  longDate,
  type Option,
  type TextFieldProps,
  type SelectFieldProps,
  type RadioGroupFieldProps,
  type CheckboxFieldProps,
  type TypedDateFieldProps,
  type NumberFieldProps,
} from './fields.js';
export {
  useZodForm,
  applyServerErrors,
  AppForm,
  FormField,
  FormTextField,
  FormPasswordField,
  FormNumberField,
  FormSelectField,
  FormRadioGroupField,
  FormCheckboxField,
  FormDateField,
} from './form.js';

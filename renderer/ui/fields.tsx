/**
 * Form fields on react-aria-components with the app's look. Every field takes `label`, `errorMessage`
 * (shown under the field with an icon; sets aria-invalid and aria-describedby) and `description`.
 * They are controlled (value/onChange) so react-hook-form can drive them (see form.tsx).
 */
import { useEffect, useId, useRef, useState, type ReactNode, type Ref } from 'react';
import {
  TextField as AriaTextField,
  Label,
  Input,
  FieldError,
  Text,
  Select,
  SelectValue,
  Button as AriaButton,
  Popover,
  ListBox,
  ListBoxItem,
  Checkbox,
  RadioGroup,
  Radio,
  NumberField as AriaNumberField,
  Group,
} from 'react-aria-components';
import { businessDate, parseDateInput, parseIsoDate } from '../../shared/dates.js';

interface BaseFieldProps {
  label: string;
  name?: string;
  description?: ReactNode;
  errorMessage?: string;
  isRequired?: boolean;
  isDisabled?: boolean;
  autoFocus?: boolean;
  className?: string;
  onBlur?: () => void;
  /** receives the focusable element (react-hook-form focuses the first invalid field with it) */
  inputRef?: Ref<HTMLInputElement | HTMLButtonElement | null>;
}

function LabelText({ label, isRequired }: { label: string; isRequired?: boolean }) {
  return (
    <Label className="ad-label">
      {label}
      {isRequired && (
        <span className="ad-required" aria-hidden="true">
          *
        </span>
      )}
    </Label>
  );
}

function ErrorText({ children }: { children?: string }) {
  return <FieldError className="ad-error">{children ? <><span className="ad-visually-hidden">Error: </span>{children}</> : null}</FieldError>;
}

export interface TextFieldProps extends BaseFieldProps {
  value: string;
  onChange: (v: string) => void;
  type?: 'text' | 'password' | 'email' | 'tel' | 'search';
  autoComplete?: string;
  placeholder?: string;
  inputMode?: 'text' | 'numeric' | 'tel' | 'email' | 'search';
  maxLength?: number;
  id?: string;
  onKeyDown?: (e: React.KeyboardEvent<HTMLInputElement>) => void;
  'aria-label'?: string;
}

export function TextField(p: TextFieldProps) {
  return (
    <AriaTextField
      className={`ad-field ${p.className ?? ''}`}
      name={p.name}
      value={p.value}
      onChange={p.onChange}
      onBlur={p.onBlur}
      isInvalid={Boolean(p.errorMessage)}
      isRequired={p.isRequired}
      isDisabled={p.isDisabled}
      autoFocus={p.autoFocus}
      type={p.type ?? 'text'}
      autoComplete={p.autoComplete}
      inputMode={p.inputMode}
      maxLength={p.maxLength}
      validationBehavior="aria"
    >
      <LabelText label={p.label} isRequired={p.isRequired} />
      <Input
        id={p.id}
        ref={p.inputRef as Ref<HTMLInputElement>}
        className="ad-input"
        placeholder={p.placeholder}
        onKeyDown={p.onKeyDown}
        spellCheck={false}
      />
      {p.description && <Text slot="description" className="ad-desc">{p.description}</Text>}
      <ErrorText>{p.errorMessage}</ErrorText>
    </AriaTextField>
  );
}

export function PasswordField(p: Omit<TextFieldProps, 'type' | 'inputMode'>) {
  return <TextField {...p} type="password" autoComplete={p.autoComplete ?? 'current-password'} />;
}

export interface NumberFieldProps extends BaseFieldProps {
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  minValue?: number;
  maxValue?: number;
}

/** Whole numbers (no grouping separators; arrow keys step by 1). */
export function NumberField(p: NumberFieldProps) {
  return (
    <AriaNumberField
      className={`ad-field ${p.className ?? ''}`}
      name={p.name}
      value={p.value ?? NaN}
      onChange={(v) => p.onChange(Number.isNaN(v) ? undefined : v)}
      onBlur={p.onBlur}
      isInvalid={Boolean(p.errorMessage)}
      isRequired={p.isRequired}
      isDisabled={p.isDisabled}
      autoFocus={p.autoFocus}
      minValue={p.minValue}
      maxValue={p.maxValue}
      formatOptions={{ useGrouping: false, maximumFractionDigits: 0 }}
      validationBehavior="aria"
    >
      <LabelText label={p.label} isRequired={p.isRequired} />
      <Group>
        <Input ref={p.inputRef as Ref<HTMLInputElement>} className="ad-input" />
      </Group>
      {p.description && <Text slot="description" className="ad-desc">{p.description}</Text>}
      <ErrorText>{p.errorMessage}</ErrorText>
    </AriaNumberField>
  );
}

export interface Option<V extends string = string> {
  value: V;
  label: string;
}

/** react-aria collections cannot use '' as a key; '' (= "not recorded") travels as this key. */
const EMPTY_KEY = '__empty__';

export interface SelectFieldProps<V extends string = string> extends BaseFieldProps {
  value: V | '' | undefined | null;
  onChange: (v: V) => void;
  options: readonly Option<V>[];
  placeholder?: string;
}

/** A drop-down (react-aria Select): Space/Enter/Alt+↓ opens, arrows move, type-ahead selects. */
export function SelectField<V extends string = string>(p: SelectFieldProps<V>) {
  const key = p.value === undefined || p.value === null ? null : p.value === '' ? EMPTY_KEY : p.value;
  const hasEmpty = p.options.some((o) => o.value === '');
  return (
    <Select
      className={`ad-field ${p.className ?? ''}`}
      name={p.name}
      value={key === EMPTY_KEY && !hasEmpty ? null : key}
      onChange={(k) => {
        if (k === null) return;
        p.onChange((k === EMPTY_KEY ? '' : String(k)) as V);
      }}
      onBlur={p.onBlur}
      isInvalid={Boolean(p.errorMessage)}
      isRequired={p.isRequired}
      isDisabled={p.isDisabled}
      autoFocus={p.autoFocus}
      placeholder={p.placeholder ?? 'Choose…'}
      validationBehavior="aria"
    >
      <LabelText label={p.label} isRequired={p.isRequired} />
      <AriaButton className="ad-select-button" ref={p.inputRef as Ref<HTMLButtonElement>}>
        <SelectValue />
        <span className="ad-chevron" aria-hidden="true">
          ▾
        </span>
      </AriaButton>
      {p.description && <Text slot="description" className="ad-desc">{p.description}</Text>}
      <ErrorText>{p.errorMessage}</ErrorText>
      <Popover className="ad-popover">
        <ListBox className="ad-list">
          {p.options.map((o) => (
            <ListBoxItem key={o.value || EMPTY_KEY} id={o.value || EMPTY_KEY} textValue={o.label} className="ad-list-item">
              {o.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

export interface CheckboxFieldProps extends Omit<BaseFieldProps, 'inputRef'> {
  value: boolean;
  onChange: (v: boolean) => void;
  inputRef?: Ref<HTMLInputElement | null>;
}

/** A checkbox (Space toggles). Its error is linked with aria-describedby. */
export function CheckboxField(p: CheckboxFieldProps) {
  const errId = useId();
  return (
    <div className={`ad-field ${p.className ?? ''}`}>
      <Checkbox
        className="ad-check"
        name={p.name}
        isSelected={p.value}
        onChange={p.onChange}
        onBlur={p.onBlur}
        isInvalid={Boolean(p.errorMessage)}
        isDisabled={p.isDisabled}
        autoFocus={p.autoFocus}
        inputRef={p.inputRef as React.RefObject<HTMLInputElement | null> | undefined}
        aria-describedby={p.errorMessage ? errId : undefined}
      >
        {({ isSelected }) => (
          <>
            <span className="ad-box" aria-hidden="true">
              {isSelected ? '✓' : ''}
            </span>
            {p.label}
          </>
        )}
      </Checkbox>
      {p.description && <span className="ad-desc">{p.description}</span>}
      {p.errorMessage && (
        <span id={errId} className="ad-error">
          <span className="ad-visually-hidden">Error: </span>
          {p.errorMessage}
        </span>
      )}
    </div>
  );
}

export interface RadioGroupFieldProps<V extends string = string> extends BaseFieldProps {
  value: V | '' | undefined | null;
  onChange: (v: V) => void;
  options: readonly Option<V>[];
  orientation?: 'horizontal' | 'vertical';
}

/** Radio buttons (arrow keys move and select; Tab leaves the group). */
export function RadioGroupField<V extends string = string>(p: RadioGroupFieldProps<V>) {
  return (
    <RadioGroup
      className={`ad-field ad-radio-group ${p.className ?? ''}`}
      name={p.name}
      value={p.value === undefined || p.value === null ? null : p.value === '' ? EMPTY_KEY : p.value}
      onChange={(v) => p.onChange((v === EMPTY_KEY ? '' : v) as V)}
      onBlur={p.onBlur}
      isInvalid={Boolean(p.errorMessage)}
      isRequired={p.isRequired}
      isDisabled={p.isDisabled}
      orientation={p.orientation ?? 'horizontal'}
      validationBehavior="aria"
    >
      <LabelText label={p.label} isRequired={p.isRequired} />
      <div className="ad-radio-row">
        {p.options.map((o, i) => (
          <Radio
            key={o.value || EMPTY_KEY}
            value={o.value || EMPTY_KEY}
            className="ad-radio"
            autoFocus={p.autoFocus && i === 0}
            inputRef={i === 0 ? (p.inputRef as React.RefObject<HTMLInputElement | null> | undefined) : undefined}
          >
            <span className="ad-dot" aria-hidden="true" />
            {o.label}
          </Radio>
        ))}
      </div>
      {p.description && <Text slot="description" className="ad-desc">{p.description}</Text>}
      <ErrorText>{p.errorMessage}</ErrorText>
    </RadioGroup>
  );
}

const LONG_DATE = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** "1975-03-14" -> "Mar 14, 1975" */
export function longDate(iso: string): string {
  const p = parseIsoDate(iso);
  return p ? LONG_DATE.format(new Date(Date.UTC(p.y, p.m - 1, p.d))) : iso;
}

function usText(iso: string): string {
  const p = parseIsoDate(iso);
  return p ? `${String(p.m).padStart(2, '0')}/${String(p.d).padStart(2, '0')}/${p.y}` : iso;
}

export interface TypedDateFieldProps extends BaseFieldProps {
  /** ISO 'YYYY-MM-DD' when the typed text parses; otherwise the raw text (so validation can say what is wrong) */
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  /** what "t" / "today" means (ISO); default: today where this desk is */
  today?: string;
}

/** Today's date in this desk's own time zone (the desk sits at the site). */
function localToday(): string {
  return businessDate(Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/**
 * A date typed fast: MM/DD/YYYY, M/D/YY, MMDDYYYY, YYYY-MM-DD, or "t" / "today" (shared/dates.ts parseDateInput). The form holds
 * the ISO date; the field keeps exactly what the clerk typed and shows the date it understood ("= Mar 14, 1975").
 * On leaving the field a parsed date is rewritten as MM/DD/YYYY. Unparseable text stays in the field and in the
 * form value (never lost), and the form's schema reports it.
 */
export function TypedDateField(p: TypedDateFieldProps) {
  const [text, setText] = useState(() => (parseIsoDate(p.value) ? usText(p.value) : p.value));
  const lastEmitted = useRef(p.value);
  useEffect(() => {
    // the form changed the value (reset, draft restore): show it
    if (p.value !== lastEmitted.current) {
      lastEmitted.current = p.value;
      setText(parseIsoDate(p.value) ? usText(p.value) : p.value);
    }
  }, [p.value]);
  const today = p.today ?? localToday();
  const parsed = text.trim() ? parseDateInput(text, today) : null;
  const understood = parsed ? `= ${longDate(parsed)}` : null;
  return (
    <TextField
      label={p.label}
      name={p.name}
      value={text}
      onChange={(t) => {
        setText(t);
        const iso = t.trim() ? parseDateInput(t, today) : '';
        const v = iso ?? t;
        lastEmitted.current = v;
        p.onChange(v);
      }}
      onBlur={() => {
        if (parsed) setText(usText(parsed));
        p.onBlur?.();
      }}
      errorMessage={p.errorMessage}
      isRequired={p.isRequired}
      isDisabled={p.isDisabled}
      autoFocus={p.autoFocus}
      className={p.className}
      inputRef={p.inputRef}
      placeholder={p.placeholder ?? 'MM/DD/YYYY'}
      description={
        understood ? (
          <span className="ad-desc--ok">{understood}</span>
        ) : (
          p.description ?? 'MM/DD/YYYY, M/D/YY, MMDDYYYY, YYYY-MM-DD or t (today)'
        )
      }
    />
  );
}

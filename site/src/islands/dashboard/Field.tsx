/**
 * What the booking setup forms share: a labelled input with an optional hint and its own
 * validation message, which fields a check refused, and whole numbers typed in either digits.
 */
import { useId, type InputHTMLAttributes } from 'react';
import { asciiDigits } from '../../../../shared/digits';

type Props = { label: string; hint?: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>;

export function Field({ label, hint, error, ...input }: Props) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <input
        id={id}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint ? `${id}-hint ${id}-error` : `${id}-error`}
      />
      <p id={`${id}-error`} className="error" role="alert">
        {error ?? ''}
      </p>
    </div>
  );
}

/** The first path segment of each failed check of a zod/mini safeParse: which fields to mark. */
export function invalidFields(issues: ReadonlyArray<{ path: PropertyKey[] }>): Set<string> {
  return new Set(issues.map((issue) => String(issue.path[0] ?? '')));
}

/** "45" or "٤٥" → 45; NaN for anything else, which the form's schema then refuses. */
export function wholeNumber(text: string): number {
  const digits = asciiDigits(text.trim());
  return /^\d{1,4}$/.test(digits) ? Number(digits) : NaN;
}

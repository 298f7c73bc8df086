/** A labelled input of the booking setup forms, with an optional hint and its own validation message. */
import { useId, type InputHTMLAttributes } from 'react';

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

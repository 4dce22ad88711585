/** A labelled form control with its error underneath; `error` usually comes from fieldError(apiError, name). */
import type { ComponentChildren } from 'preact';

export function Field(props: { label: string; name: string; error?: string; hint?: string; required?: boolean; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`} data-field={props.name}>
      <label for={`f-${props.name}`}>
        {props.label}
        {props.required ? <span class="required" aria-hidden="true">*</span> : null}
      </label>
      {props.children}
      {props.hint && !props.error ? <div class="field-hint">{props.hint}</div> : null}
      {props.error ? <div class="field-error" role="alert">{props.error}</div> : null}
    </div>
  );
}

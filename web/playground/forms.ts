// The small forms the phone opens for what needs values: a location, a link, a QR scene, a picture…

import { h } from './dom.js';

/** One input of a form. */
export interface FormField {
  name: string;
  label: string;
  value: string;
  type?: 'text' | 'number';
}

/** A form: its fields, then a send button; `onSend` gets the values by name. */
export function kindForm(
  title: string,
  fields: FormField[],
  onSend: (values: Record<string, string>, form: HTMLFormElement) => void,
  extra?: HTMLElement,
): HTMLFormElement {
  const form = h(
    'form',
    { class: 'kind-form' },
    h('div', { class: 'form-title' }, title),
    extra ?? null,
    ...fields.map((field) =>
      h(
        'label',
        {},
        h('span', {}, field.label),
        h('input', {
          name: field.name,
          value: field.value,
          type: field.type ?? 'text',
          step: field.type === 'number' ? 'any' : undefined,
        }),
      ),
    ),
    h('button', { type: 'submit', class: 'form-send' }, '发送 Send'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values: Record<string, string> = {};
    for (const [name, value] of new FormData(form)) values[name] = String(value);
    onSend(values, form);
  });
  return form;
}

/** A choice of sample pictures; the picked one's URL goes into the form as `img`. */
export function picturePicker(samples: string[], multiple = false): HTMLElement {
  return h(
    'div',
    { class: 'pictures' },
    ...samples.map((url, i) =>
      h(
        'label',
        { class: 'picture' },
        h('input', {
          type: multiple ? 'checkbox' : 'radio',
          name: 'img',
          value: new URL(url, location.href).href,
          checked: i === 0,
        }),
        h('img', { src: url, alt: url }),
      ),
    ),
  );
}

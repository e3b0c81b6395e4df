/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys, as stripe-node
 * writes them (`metadata[booking]=b1&payment_method_types[0]=card&expand[]=latest_charge`). Every
 * leaf stays a string: Stripe's API, not the encoding, decides what is an integer or a boolean.
 */

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

export class FormError extends Error {}

export function parseStripeForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const path = splitKey(rawKey);
    let node: FormObject = root;
    path.forEach((segment, i) => {
      const key = segment === "" ? String(Object.keys(node).length) : segment;
      if (key === "__proto__" || key === "constructor" || key === "prototype") {
        throw new FormError(`Invalid parameter: ${rawKey}`);
      }
      if (i === path.length - 1) {
        node[key] = value;
        return;
      }
      const next = node[key] ?? {};
      if (typeof next === "string" || Array.isArray(next)) {
        throw new FormError(`Invalid parameter: ${rawKey}`);
      }
      node[key] = next;
      node = next;
    });
  }
  return arraysFromIndexes(root) as FormObject;
}

/** `a[b][0]` → ["a", "b", "0"]; `a[]` → ["a", ""]. */
function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open < 0) {
    return [key];
  }
  const segments = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m !== null; m = re.exec(rest)) {
    if (m.index !== consumed) {
      throw new FormError(`Invalid parameter: ${key}`);
    }
    segments.push(m[1] ?? "");
    consumed = m.index + m[0].length;
  }
  if (consumed !== rest.length || segments[0] === "") {
    throw new FormError(`Invalid parameter: ${key}`);
  }
  return segments;
}

/** Objects whose keys are exactly 0..n-1 were arrays on the client. */
function arraysFromIndexes(value: FormValue): FormValue {
  if (typeof value === "string" || Array.isArray(value)) {
    return value;
  }
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const k of keys) {
    converted[k] = arraysFromIndexes(value[k] as FormValue);
  }
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) {
    return keys.map((k) => converted[k] as FormValue);
  }
  return converted;
}

/**
 * Field descriptors for the table of message kinds. A descriptor says where a value sits in the
 * XML (a dotted path below `<xml>`) and how to read it; the parser and the TypeScript types are
 * both derived from these, so they cannot drift apart.
 */
export type FieldKind = 'string' | 'float' | 'int' | 'picList';

/** Where one field of a message comes from. */
export interface FieldSpec {
  readonly xml: string;
  readonly kind: FieldKind;
  readonly optional?: true;
}

/** One picture of a `pic_*_event`'s `SendPicsInfo.PicList`. */
export interface PicListItem {
  picMd5Sum: string;
}

/** A text field; a missing required one reads as `''`. */
export const str = <X extends string>(xml: X) => ({ xml, kind: 'string' }) as const;
/** A decimal field; a missing or non-numeric required one reads as `NaN`. */
export const float = <X extends string>(xml: X) => ({ xml, kind: 'float' }) as const;
/** An integer field; a missing or non-numeric required one reads as `NaN`. */
export const int = <X extends string>(xml: X) => ({ xml, kind: 'int' }) as const;
/** The `PicList` of a picture event: one `item` or many, always read as an array. */
export const picList = <X extends string>(xml: X) => ({ xml, kind: 'picList' }) as const;
/** Marks a field WeChat may leave out; it is then `undefined`, not `''`. */
export const opt = <F extends FieldSpec>(field: F) => ({ ...field, optional: true }) as const;

type ValueOf<K extends FieldKind> = K extends 'string'
  ? string
  : K extends 'picList'
    ? PicListItem[]
    : number;

type RequiredKeys<F> = { [P in keyof F]: F[P] extends { optional: true } ? never : P }[keyof F];
type OptionalKeys<F> = Exclude<keyof F, RequiredKeys<F>>;

/** The TypeScript shape of a record of field descriptors. */
export type FieldsOf<F extends Record<string, FieldSpec>> = {
  [P in RequiredKeys<F>]: ValueOf<F[P]['kind']>;
} & {
  [P in OptionalKeys<F>]?: ValueOf<F[P]['kind']>;
};

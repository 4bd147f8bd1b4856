/**
 * Field descriptors for the table of message kinds. A descriptor says where a value sits in the
 * XML (a dotted path below `<xml>`) and how to read it; the parser and the TypeScript types are
 * both derived from these, so they cannot drift apart.
 */
export type FieldKind = 'string' | 'float' | 'int' | 'picList' | 'list';

/** The kinds of a single text value: what a `list` may hold, item by item. */
export type ScalarKind = 'string' | 'float' | 'int';

/** A field holding one text value (`str`, `float`, `int`, maybe `opt`): the fields of a list item. */
export interface ScalarFieldSpec {
  readonly xml: string;
  readonly kind: ScalarKind;
  readonly optional?: true;
}

/**
 * What each repeated element of a `list` holds: one value of a scalar kind (`<fail_idx>1</fail_idx>`
 * repeated), or fields read inside each element (`<List><TemplateId>…</TemplateId>…</List>` repeated).
 */
export type ListItemSpec = ScalarKind | Readonly<Record<string, ScalarFieldSpec>>;

/** Where one field of a message comes from. */
export interface FieldSpec {
  readonly xml: string;
  readonly kind: FieldKind;
  readonly optional?: true;
  /** For a `list`: what each repeated element holds. */
  readonly item?: ListItemSpec;
  /**
   * For a `list`: a second path, read when nothing is at `xml` (WeChat's own sample of an event
   * sometimes names the container differently from the events it sends).
   */
  readonly or?: string;
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
/**
 * An element that may repeat, always read as an array (empty when absent): `xml` is the path of
 * the repeated element itself, `item` what each one holds (a scalar kind, or fields relative to
 * the element), `or` an alternative path read when nothing is at `xml`.
 *
 * @example
 * ```ts
 * list('SubscribeMsgPopupEvent.List', { templateId: str('TemplateId') }); // { templateId }[]
 * list('PublishEventInfo.fail_idx', 'int');                               // number[]
 * ```
 */
export const list = <
  X extends string,
  I extends ListItemSpec,
  const O extends { or?: string } = Record<never, never>,
>(
  xml: X,
  item: I,
  options?: O,
) => ({ xml, kind: 'list', item, ...(options ?? ({} as O)) }) as const;
/** Marks a field WeChat may leave out; it is then `undefined`, not `''`. */
export const opt = <F extends FieldSpec>(field: F) => ({ ...field, optional: true }) as const;

type ScalarValue<K> = K extends 'string' ? string : number;

type ItemValue<I> = I extends ScalarKind
  ? ScalarValue<I>
  : I extends Readonly<Record<string, ScalarFieldSpec>>
    ? FieldsOf<I>
    : never;

type ValueOf<F extends FieldSpec> = F['kind'] extends 'picList'
  ? PicListItem[]
  : F['kind'] extends 'list'
    ? ItemValue<F['item']>[]
    : ScalarValue<F['kind']>;

type RequiredKeys<F> = { [P in keyof F]: F[P] extends { optional: true } ? never : P }[keyof F];
type OptionalKeys<F> = Exclude<keyof F, RequiredKeys<F>>;

/** The TypeScript shape of a record of field descriptors. */
export type FieldsOf<F extends Readonly<Record<string, FieldSpec>>> = {
  [P in RequiredKeys<F>]: ValueOf<F[P]>;
} & {
  [P in OptionalKeys<F>]?: ValueOf<F[P]>;
};

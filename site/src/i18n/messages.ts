/** The shape of a dictionary: plain strings, or one string per plural category (Intl.PluralRules). */
export type Plural = { other: string } & Partial<Record<Exclude<Intl.LDMLPluralRule, 'other'>, string>>;

export type Messages = Record<string, string | Plural>;

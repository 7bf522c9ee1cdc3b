/**
 * How much `land trace` draws without `--all`: a long boot's tree stays a screenful or two (its first spans, by
 * start) and each tier's newest traces are listed. Apart so that the CLI's help reads them without loading the view.
 */
export const DRAWN_SPANS = 200;
export const LISTED_TRACES = 10;

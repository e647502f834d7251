/**
 * Every page of a listing, the first with no cursor, each next one with the `next` the one
 * before it answered, until a page comes without one (the listing is complete).
 */
export async function* pages<Page extends { readonly next?: string }>(
  page: (next: string | undefined) => Promise<Page>,
): AsyncGenerator<Page, void, undefined> {
  let next: string | undefined;
  do {
    const answer = await page(next);
    yield answer;
    next = answer.next;
  } while (next !== undefined);
}

/** Every item of every page, in order. */
export async function* itemsOf<Page, Item>(
  all: AsyncIterable<Page>,
  items: (page: Page) => readonly Item[],
): AsyncGenerator<Item, void, undefined> {
  for await (const page of all) yield* items(page);
}

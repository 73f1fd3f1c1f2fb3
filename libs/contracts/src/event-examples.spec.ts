import { EVENT_TYPES, parseEvent } from './event-catalog';
import { EVENT_EXAMPLES } from './event-examples';

describe('EVENT_EXAMPLES', () => {
  it.each(EVENT_TYPES)('holds a valid %s', (type) => {
    expect(parseEvent(type, EVENT_EXAMPLES[type])).toEqual({ ok: true, payload: EVENT_EXAMPLES[type] });
  });
});

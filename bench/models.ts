import { Schema } from 'redis-om';

/** The benchmark's model: a HASH with three date fields, as an app before the migration wrote them. */
export const eventSchema = new Schema(
  'Event',
  {
    title: { type: 'string' },
    createdAt: { type: 'date' },
    updatedAt: { type: 'date' },
    startsAt: { type: 'date' },
  },
  { dataStructure: 'HASH' },
);

/** The same model as the old app declared it (dates as strings), for the naive redis-om loop. */
export const legacyEventSchema = new Schema(
  'Event',
  {
    title: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    startsAt: { type: 'string' },
  },
  { dataStructure: 'HASH' },
);

import { Schema } from 'redis-om';

/** Users, stored as HASHes under `user:<id>`. */
export const userSchema = new Schema(
  'user',
  {
    name: { type: 'string' },
    email: { type: 'string' },
    signedUpAt: { type: 'date', sortable: true },
  },
  { dataStructure: 'HASH' },
);

/** Orders, stored as JSON documents under `order:<id>` (needs RedisJSON). */
export const orderSchema = new Schema(
  'order',
  {
    userId: { type: 'string' },
    total: { type: 'number', sortable: true },
    items: { type: 'string[]' },
    placedAt: { type: 'date' },
  },
  { dataStructure: 'JSON' },
);

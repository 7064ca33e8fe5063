import { Schema } from 'redis-om';

/** Two HASH models with date fields, as a shop stores them. */
export const customerSchema = new Schema('Customer', { name: { type: 'string' }, createdAt: { type: 'date' } }, { dataStructure: 'HASH' });

export const orderSchema = new Schema('Order', { placedAt: { type: 'date' }, total: { type: 'number' } }, { dataStructure: 'HASH' });

/** What a tenant reads and does with its API key: subscription, usage, invoices, payments, promotional codes. */
export {};

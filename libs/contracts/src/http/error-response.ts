import { z } from 'zod';

/**
 * The body of every error answer of every service (libs/service-runtime's error policy): 400 with
 * the invalid fields, 404, 409 for a clash with stored data, 429, 503 with Retry-After for a
 * temporary failure, and 500 with only the request id.
 */
export const errorResponse = z.strictObject({
  statusCode: z.int(),
  error: z.string(),
  message: z.string(),
  code: z.string().optional().describe('Machine-readable code of errors raised before routing, e.g. FST_ERR_CTP_BODY_TOO_LARGE.'),
  issues: z
    .array(z.strictObject({ path: z.string(), message: z.string() }))
    .optional()
    .describe('Each invalid field: its path (`[3].detector.name` in a batch) and what is wrong.'),
  requestId: z.string().optional().describe('On a 500: the id of the request (also its x-request-id header), to quote when reporting it.'),
});
export type ErrorResponse = z.infer<typeof errorResponse>;

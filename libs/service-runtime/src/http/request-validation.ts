import { BadRequestException } from '@nestjs/common';
import { ContractIssue, parseContract } from '@comply/contracts';
import type { z } from 'zod';

/** 400 naming every invalid field, in the API's error shape (`errorResponse` in libs/contracts). */
export function invalidRequest(what: string, issues: ContractIssue[]): BadRequestException {
  const fields = issues.map((issue) => issue.path || '(body)');
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `Invalid ${what}: ${[...new Set(fields)].join(', ')}`,
    issues,
  });
}

/** Parses a body or query against its contract, or throws the 400. */
export function validated<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = parseContract(schema, value);
  if (!result.ok) throw invalidRequest(what, result.issues);
  return result.value;
}

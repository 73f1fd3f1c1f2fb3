import { NotFoundException } from '@nestjs/common';
import { promotionCodeRequest } from '@comply/contracts';

/** The code a route's path names, in the upper case codes are stored in; one no code can have is unknown (404). */
export function promotionCodeOf(pathSegment: string): string {
  const parsed = promotionCodeRequest.shape.code.safeParse(pathSegment);
  if (!parsed.success) throw new NotFoundException('No such promotional code');
  return parsed.data;
}

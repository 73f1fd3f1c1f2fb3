import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Reader } from '@comply/tenant-directory';

/**
 * After ReaderGuard: only the admin token passes. A tenant's key is authenticated (so it is not a
 * 401) but may not see or start backups of whole databases, which hold every tenant's data.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const reader = context.switchToHttp().getRequest<{ reader?: Reader }>().reader;
    if (reader?.kind === 'admin') return true;
    throw new ForbiddenException("Backups are the operators': use the admin token");
  }
}

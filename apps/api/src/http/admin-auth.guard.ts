import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { RequestError } from './request.errors';

/** Bearer token check of every `/api` route. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly expectedDigest: Buffer;

  constructor(config: AppConfig) {
    this.expectedDigest = digest(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = /^Bearer (.+)$/i.exec(header ?? '');
    // Comparing fixed-length digests keeps the comparison constant-time whatever the length.
    if (match === null || !timingSafeEqual(digest(match[1].trim()), this.expectedDigest)) {
      throw new RequestError('unauthorized', 'A valid bearer token is required.');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

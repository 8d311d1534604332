import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminAuthGuard } from '../http/admin-auth.guard';
import { ApiTokensStore } from './api-tokens.store';
import { AuditController } from './audit.controller';
import { AuditLogStore } from './audit-log.store';
import { Authenticator } from './authenticator';
import { MeController } from './me.controller';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

/** API tokens, roles and the audit log; the auth guard runs on every route of the app. */
@Global()
@Module({
  controllers: [TokensController, AuditController, MeController],
  providers: [
    ApiTokensStore,
    AuditLogStore,
    Authenticator,
    TokensService,
    { provide: APP_GUARD, useClass: AdminAuthGuard },
  ],
  exports: [Authenticator, AuditLogStore],
})
export class AccessModule {}

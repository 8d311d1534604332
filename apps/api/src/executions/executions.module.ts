import { Module } from '@nestjs/common';
import { ConfirmService } from './confirm.service';
import { ExecutionStoresModule } from './execution-stores.module';
import { ExecutionsController } from './executions.controller';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { ReplayService } from './replay.service';

@Module({
  imports: [ExecutionStoresModule],
  controllers: [ExecutionsController],
  providers: [ExecutionsService, ExecutionsRepository, ReplayService, ConfirmService],
  exports: [ExecutionsRepository, ReplayService],
})
export class ExecutionsModule {}

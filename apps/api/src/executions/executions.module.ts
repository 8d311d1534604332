import { Module } from '@nestjs/common';
import { ExecutionsController } from './executions.controller';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { ReplayRepository } from './replay.repository';
import { ReplayService } from './replay.service';

@Module({
  controllers: [ExecutionsController],
  providers: [ExecutionsService, ExecutionsRepository, ReplayService, ReplayRepository],
  exports: [ExecutionsRepository, ReplayService],
})
export class ExecutionsModule {}

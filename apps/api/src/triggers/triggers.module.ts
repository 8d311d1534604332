import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { FlowModule } from '../flow/flow.module';
import { IngestTargets } from './ingest-targets';
import { TriggersController } from './triggers.controller';
import { TriggersService } from './triggers.service';

@Module({
  imports: [ExecutionStoresModule, FlowModule],
  controllers: [TriggersController],
  providers: [TriggersService, IngestTargets],
  exports: [TriggersService, IngestTargets],
})
export class TriggersModule {}

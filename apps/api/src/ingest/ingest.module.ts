import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { RejectionStoresModule } from '../rejections/rejection-stores.module';
import { HooksController } from './hooks.controller';
import { TriggersModule } from '../triggers/triggers.module';
import { IngestService } from './ingest.service';
import { TracingModule } from '../tracing/tracing.module';

@Module({
  imports: [TriggersModule, ExecutionStoresModule, RejectionStoresModule, TracingModule],
  controllers: [HooksController],
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}

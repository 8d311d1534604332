import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { IngestModule } from '../ingest/ingest.module';
import { TriggersModule } from '../triggers/triggers.module';
import { FilterTestController } from './filter-test.controller';
import { RejectionStoresModule } from './rejection-stores.module';
import { RejectionsController } from './rejections.controller';
import { RejectionsService } from './rejections.service';

/** The log of refused deliveries, its API and its retry (SPEC §13). */
@Module({
  imports: [RejectionStoresModule, IngestModule, TriggersModule, ExecutionsModule],
  controllers: [RejectionsController, FilterTestController],
  providers: [RejectionsService],
  exports: [RejectionsService],
})
export class RejectionsModule {}

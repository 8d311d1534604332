import { Module } from '@nestjs/common';
import { RejectionStoresModule } from '../rejections/rejection-stores.module';
import { HooksController } from './hooks.controller';
import { TriggersModule } from '../triggers/triggers.module';
import { IngestService } from './ingest.service';

@Module({
  imports: [TriggersModule, RejectionStoresModule],
  controllers: [HooksController],
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}

import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/triggers.module';
import { HooksController } from './hooks.controller';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';

@Module({
  imports: [TriggersModule],
  controllers: [HooksController],
  providers: [IngestService, IngestRepository],
})
export class IngestModule {}

import { Module } from '@nestjs/common';
import { HooksController } from './hooks.controller';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';

@Module({
  controllers: [HooksController],
  providers: [IngestService, IngestRepository],
})
export class IngestModule {}

import { Module } from '@nestjs/common';
import { IngestTargets } from './ingest-targets';
import { TriggersController } from './triggers.controller';
import { TriggersService } from './triggers.service';

@Module({
  controllers: [TriggersController],
  providers: [TriggersService, IngestTargets],
  exports: [TriggersService, IngestTargets],
})
export class TriggersModule {}
